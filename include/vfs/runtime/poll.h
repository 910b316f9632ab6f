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
//
// Deadlines (for servers: a client that sends nothing, or reads nothing,
// must not hold a fiber for good): every call takes an optional absolute
// steady_clock deadline. A call that would still have to wait once the
// deadline has passed fails with ETIMEDOUT; a call that can complete at
// once completes, however late (Go checks the deadline first; here data
// already there is not thrown away). The deadline is per call, not a
// property of the fd (Go's SetReadDeadline): a server passes the same
// time_point to each call of one phase (headers, a response). On a fiber
// the wait parks on the poller and a runtime timer; on a plain thread it
// is poll(2) with a timeout.
#pragma once

#include <chrono>
#include <cstddef>

namespace vfs::runtime {

struct IoResult {
  long value = 0;
  int err = 0;
  bool ok() const noexcept { return err == 0; }
};

// An absolute deadline; Deadline::max() waits for ever.
using Deadline = std::chrono::steady_clock::time_point;
inline constexpr Deadline kNoDeadline = Deadline::max();

IoResult poll_read(int fd, void* buf, std::size_t len, Deadline deadline = kNoDeadline) noexcept;
IoResult poll_write(int fd, const void* buf, std::size_t len,
                    Deadline deadline = kNoDeadline) noexcept;

// Parks until fd is readable / writable (or has an error or hangup), or the
// deadline passes. Returns 0, ETIMEDOUT, or an errno value if fd cannot be
// polled (EBADF once poll_close'd).
int wait_readable(int fd, Deadline deadline = kNoDeadline) noexcept;
int wait_writable(int fd, Deadline deadline = kNoDeadline) noexcept;

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
