// The one door through which every backend's blocking system calls pass.
//
// blocking() runs the call between the fiber runtime's entersyscall and
// exitsyscall (vfs::runtime::syscall) when the caller is a fiber of a running
// runtime, so a call that blocks lets the thread's P run other fibers; from a
// plain thread, or with no runtime, it calls straight through. errno is
// captured inside, next to the call, because exitsyscall may move the fiber
// to another thread - with another errno. Internal: not installed.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>

#include "vfs/runtime/syscall.h"

namespace vfs::sys {

// A system call's outcome: value >= 0, or err (an errno value) != 0.
struct Ret {
  long value = 0;
  int err = 0;
  bool ok() const noexcept { return err == 0; }
};

// Retries EINTR; reads errno before anything can switch threads.
template <class F>
inline Ret call_retrying(F& call) noexcept {
  for (;;) {
    const long v = call();
    if (v >= 0) return {v, 0};
    const int err = errno;
    if (err != EINTR) return {-1, err};
  }
}

template <class F>
inline Ret blocking(F&& call) noexcept {
  // Off a fiber, runtime::syscall costs one out-of-line call reading the
  // thread's M before calling straight through.
  return runtime::syscall([&]() noexcept { return call_retrying(call); });
}

Ret read(int fd, void* buf, std::size_t len) noexcept;
// read(2) of a file that can keep a reader waiting (a FIFO, a socket, a tty)
// and is O_NONBLOCK: a read that would block waits until there is data,
// parked on the runtime's poller on a fiber, in poll(2) on a plain thread
// (runtime::poll_read). Close such a file with poll_close.
Ret poll_read(int fd, void* buf, std::size_t len) noexcept;
Ret pread(int fd, void* buf, std::size_t len, off_t offset) noexcept;
Ret lseek(int fd, off_t offset, int whence) noexcept;
Ret getdents64(int fd, void* buf, std::size_t len) noexcept;
Ret fstat(int fd, struct ::stat* st) noexcept;
Ret fstatat(int dirfd, const char* name, struct ::stat* st, int flags) noexcept;
Ret open(const char* path, int flags) noexcept;
// close(2) is not retried on EINTR: on Linux the descriptor is gone either way.
Ret close(int fd) noexcept;
// close() for a file read with poll_read: the runtime's poller wakes its
// waiters and forgets the number (runtime::poll_close).
Ret poll_close(int fd) noexcept;

// How open_beneath confines a name to its root.
enum class Resolve {
  // A symlink or ".." that would leave the root fails with EXDEV, and so
  // does every absolute symlink (openat2's RESOLVE_BENEATH).
  beneath,
  // The root is "/" for the name, as after chroot: an absolute symlink
  // starts over at the root, ".." at the root stays there (openat2's
  // RESOLVE_IN_ROOT). Nothing escapes, so nothing fails with EXDEV.
  in_root,
};

// Opens `path` (relative, already valid_path-checked, or ".") below `root`
// without ever resolving outside it: openat2(RESOLVE_BENEATH or
// RESOLVE_IN_ROOT, with RESOLVE_NO_MAGICLINKS) where the kernel has it, else
// a walk one component at a time that resolves symlinks itself, by the same
// rules. An escape (Resolve::beneath only) fails with EXDEV. The EAGAIN that
// openat2 gives when a rename races its ".." never reaches the caller: it
// retries, then walks. A magic link (/proc/<pid>/fd/N) is followed by its
// text in both ways, as any symlink.
// O_NOFOLLOW in `flags` applies to the last component only.
Ret open_beneath(int root, std::string_view path, int flags,
                 Resolve how = Resolve::beneath) noexcept;

// The target of the symlink open as `fd` (O_PATH | O_NOFOLLOW), whole: the
// buffer grows until it fits, as st_size cannot size it (sysfs and procfs
// report 0 for their links). A descriptor that is no symlink fails with
// EINVAL, as readlink(2) (readlinkat with an empty path says ENOENT).
Ret read_link(int fd, std::string& target);

// For tests: make open_beneath use the component walk even where openat2 exists.
void force_open_beneath_fallback(bool on) noexcept;

}  // namespace vfs::sys
