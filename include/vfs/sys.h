// The syscall door: how a backend makes a blocking system call, on a fiber
// or off one. Every backend of this library goes through it (DirFS,
// archives read from disk), and a backend you write should too.
//
//   vfs::sys::Ret r = vfs::sys::blocking([&] { return ::pread(fd, buf, len, off); });
//   if (!r.ok()) return vfs::Error::from_errno("read", name, r.err);
//
// blocking() runs the call between the fiber runtime's entersyscall and
// exitsyscall (vfs::runtime::syscall) when the caller is a fiber, so a call
// that blocks lets the thread's P run other fibers; from a plain thread, or
// with no runtime, it calls straight through. It retries EINTR, and reads
// errno inside, next to the call: exitsyscall may move the fiber to another
// thread, with another errno. The wrappers below are the calls the
// library's own backends make.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <utility>

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

// Runs `calls`, a few system calls made through this door that belong
// together (open a directory, read it all, close it), as one call, and
// returns what it returns. A fiber enters and leaves the system-call state
// once: the lot is timed as one call, so a short step (the close after a
// slow read) does not make the fiber forget that its calls block, and a
// fiber that hands its P off does so once for the lot, not at every step.
// The door calls inside are plain calls. `calls` runs without a P: it must
// not use the runtime (spawn, park, yield, channels, runtime mutexes), and
// what it computes besides the calls (decoding what they read) should stay
// small, or sysmon will hand the P to another thread meanwhile.
template <class F>
inline decltype(auto) as_one_call(F&& calls) {
  return runtime::syscall(std::forward<F>(calls));
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
// sendfile(2) from a regular file at *offset (advanced by what was sent) to
// `out_fd`. Through the door because reading the file may block on the
// disk; a non-blocking socket that is full fails with EAGAIN at once.
Ret sendfile(int out_fd, int in_fd, off_t* offset, std::size_t count) noexcept;
// close(2) is not retried on EINTR: on Linux the descriptor is gone either way.
Ret close(int fd) noexcept;
// close() for a file read with poll_read: the runtime's poller wakes its
// waiters and forgets the number (runtime::poll_close).
Ret poll_close(int fd) noexcept;

}  // namespace vfs::sys
