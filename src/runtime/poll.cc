#include "vfs/runtime/poll.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/poller.h"
#include "runtime/sched.h"
#include "vfs/runtime/scheduler.h"

namespace vfs::runtime {
namespace {

// Waits for fd in one direction: parked on the poller on a fiber, in
// poll(2) on a plain thread.
int wait_for(int fd, bool write) noexcept {
  detail::Sched* s = detail::sched();
  if (s && on_fiber()) return s->poller.wait(s->poller.desc(fd), write);
  pollfd p{fd, static_cast<short>(write ? POLLOUT : POLLIN), 0};
  while (::poll(&p, 1, -1) < 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

void make_nonblocking(int fd) {
  detail::Sched* s = detail::sched();
  if (s && on_fiber()) s->poller.desc(fd);
}

// Retries `call` until it stops saying "would block", waiting in between.
template <class F>
IoResult io_loop(int fd, bool write, F call) noexcept {
  make_nonblocking(fd);
  for (;;) {
    const long n = call();
    if (n >= 0) return {n, 0};
    const int err = errno;  // before anything can move us to another thread
    if (err == EINTR) continue;
    if (err != EAGAIN && err != EWOULDBLOCK) return {-1, err};
    if (const int werr = wait_for(fd, write)) return {-1, werr};
  }
}

}  // namespace

IoResult poll_read(int fd, void* buf, std::size_t len) noexcept {
  return io_loop(fd, false, [&] { return static_cast<long>(::read(fd, buf, len)); });
}

IoResult poll_write(int fd, const void* buf, std::size_t len) noexcept {
  return io_loop(fd, true, [&] { return static_cast<long>(::write(fd, buf, len)); });
}

int wait_readable(int fd) noexcept { return wait_for(fd, false); }
int wait_writable(int fd) noexcept { return wait_for(fd, true); }

int poll_close(int fd) noexcept {
  // Closing may wake fibers: from a plain thread, only while the runtime is pinned.
  detail::WakePermit permit;
  detail::RuntimePin pin;
  if (detail::Sched* s = pin.get()) return s->poller.close(fd);
  return ::close(fd) == 0 ? 0 : errno;
}

}  // namespace vfs::runtime
