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
// regular files, which epoll cannot watch, use runtime::syscall(). Do not
// close an fd while a fiber waits on it in poll_read/poll_write. One fiber
// at a time may wait to read an fd, and one to write it; another gets EBUSY.
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

}  // namespace vfs::runtime
