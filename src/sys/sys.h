// The one door through which every backend's blocking system calls pass.
//
// Today blocking() calls straight through. It exists so that the fiber
// runtime has a single place to hand off its P around a call that may block
// (Go's entersyscall/exitsyscall); errno is captured inside it, next to the
// call, because after a fiber switch the thread - and so errno - may differ.
// Internal: not installed.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <string_view>

namespace vfs::sys {

// A system call's outcome: value >= 0, or err (an errno value) != 0.
struct Ret {
  long value = 0;
  int err = 0;
  bool ok() const noexcept { return err == 0; }
};

template <class F>
inline Ret blocking(F&& call) noexcept {
  for (;;) {
    const long v = call();
    if (v >= 0) return {v, 0};
    if (errno != EINTR) return {-1, errno};
  }
}

Ret read(int fd, void* buf, std::size_t len) noexcept;
Ret pread(int fd, void* buf, std::size_t len, off_t offset) noexcept;
Ret lseek(int fd, off_t offset, int whence) noexcept;
Ret getdents64(int fd, void* buf, std::size_t len) noexcept;
Ret fstat(int fd, struct ::stat* st) noexcept;
Ret fstatat(int dirfd, const char* name, struct ::stat* st, int flags) noexcept;
Ret open(const char* path, int flags) noexcept;
// close(2) is not retried on EINTR: on Linux the descriptor is gone either way.
Ret close(int fd) noexcept;

// Opens `path` (relative, already valid_path-checked, or ".") below `root`
// without ever resolving outside it: openat2(RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS) where the kernel has it, else a walk one component
// at a time that resolves symlinks itself. An escape fails with EXDEV.
// O_NOFOLLOW in `flags` applies to the last component only.
Ret open_beneath(int root, std::string_view path, int flags) noexcept;

// For tests: make open_beneath use the component walk even where openat2 exists.
void force_open_beneath_fallback(bool on) noexcept;

}  // namespace vfs::sys
