#include "sys/sys.h"

#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vfs/runtime/poll.h"

namespace vfs::sys {

Ret read(int fd, void* buf, std::size_t len) noexcept {
  return blocking([&] { return ::read(fd, buf, len); });
}

Ret poll_read(int fd, void* buf, std::size_t len) noexcept {
  const runtime::IoResult r = runtime::poll_read(fd, buf, len);
  return {r.value, r.err};
}

Ret sendfile(int out_fd, int in_fd, off_t* offset, std::size_t count) noexcept {
  return blocking([&] { return static_cast<long>(::sendfile(out_fd, in_fd, offset, count)); });
}

Ret pread(int fd, void* buf, std::size_t len, off_t offset) noexcept {
  return blocking([&] { return ::pread(fd, buf, len, offset); });
}

Ret lseek(int fd, off_t offset, int whence) noexcept {
  return blocking([&] { return static_cast<long>(::lseek(fd, offset, whence)); });
}

Ret getdents64(int fd, void* buf, std::size_t len) noexcept {
  return blocking([&] { return ::syscall(SYS_getdents64, fd, buf, len); });
}

Ret fstat(int fd, struct ::stat* st) noexcept {
  return blocking([&] { return static_cast<long>(::fstat(fd, st)); });
}

Ret fstatat(int dirfd, const char* name, struct ::stat* st, int flags) noexcept {
  return blocking([&] { return static_cast<long>(::fstatat(dirfd, name, st, flags)); });
}

Ret open(const char* path, int flags) noexcept {
  return blocking([&] { return static_cast<long>(::open(path, flags | O_CLOEXEC)); });
}

Ret close(int fd) noexcept {
  // Through the runtime's syscall door too (close can block, e.g. on NFS),
  // but never retried: EINTR still means the descriptor is gone.
  return runtime::syscall([&]() noexcept -> Ret {
    if (::close(fd) == 0) return {};
    const int err = errno;
    return err == EINTR ? Ret{} : Ret{-1, err};
  });
}

Ret poll_close(int fd) noexcept {
  const int err = runtime::poll_close(fd);
  return err == 0 || err == EINTR ? Ret{} : Ret{-1, err};  // EINTR: gone anyway, as in close
}

}  // namespace vfs::sys
