// poll_read / poll_write: I/O on sockets and pipes that parks the calling
// fiber, not its thread, while the fd is not ready (Go's netpoller).
//
// The fd is switched to O_NONBLOCK on first use and stays so. On a fiber, a
// read or write that would block parks the fiber on the runtime's epoll
// poller; the thread runs other fibers meanwhile and no thread is spent per
// waiting fd. Off a fiber, the call waits with poll(2) instead. Results are
// the system call's: value >= 0, or err (an errno value).
//
// Use these for fds that can block indefinitely (sockets, pipes, ttys). For
// regular files, which epoll cannot watch, use runtime::syscall(). Close
// such fds with poll_close(), not close(2). Any number of fibers may wait on
// one fd (several accepting on one listener, say): when it becomes ready
// they all retry, and those that find nothing wait again.
#pragma once

#include <cstddef>

namespace vfs::runtime {

struct IoResult {
  long value = 0;
  int err = 0;
  bool ok() const noexcept { return err == 0; }
};

IoResult poll_read(int fd, void* buf, std::size_t len) noexcept;
IoResult poll_write(int fd, const void* buf, std::size_t len) noexcept;

// Parks until fd is readable / writable (or has an error or hangup).
// Returns 0, or an errno value if fd cannot be polled.
int wait_readable(int fd) noexcept;
int wait_writable(int fd) noexcept;

// Closes fd. Fibers waiting on it in the calls above wake and fail with
// EBADF, as a Go connection's pending reads fail when it is closed (with
// close(2) they would wait for good: the kernel drops a closed fd from
// epoll without a word). And the poller forgets what it knew of the fd
// (that it set O_NONBLOCK, a readiness edge), which the next file to get
// the same number must not inherit: with close(2), that file would not be
// made non-blocking, and a read on it would block its thread. A plain
// thread waiting in poll(2) is not woken, as with close(2). Returns 0, or
// close(2)'s errno.
int poll_close(int fd) noexcept;

}  // namespace vfs::runtime
