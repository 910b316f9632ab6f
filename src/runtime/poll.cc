#include "vfs/runtime/poll.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>

#include "runtime/clock.h"
#include "runtime/poller.h"
#include "runtime/sched.h"
#include "vfs/runtime/scheduler.h"

namespace vfs::runtime {
namespace {

// nanotime() of a deadline; 0 for "none" (time_point::max()).
std::int64_t to_nanotime(Deadline deadline) noexcept {
  if (deadline == Deadline::max()) return 0;
  // steady_clock is CLOCK_MONOTONIC in libstdc++ and libc++, as is nanotime().
  const std::int64_t ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
  return ns <= 0 ? 1 : ns;  // 0 would mean "none": an early deadline is long past
}

// Waits for fd in one direction until `deadline_ns` (0: none): parked on the
// poller on a fiber, in poll(2) on a plain thread.
int wait_for(int fd, bool write, std::int64_t deadline_ns) noexcept {
  detail::Sched* s = detail::sched();
  if (s && on_fiber()) return s->poller.wait(s->poller.desc(fd), write, deadline_ns);
  pollfd p{fd, static_cast<short>(write ? POLLOUT : POLLIN), 0};
  for (;;) {
    int timeout_ms = -1;
    if (deadline_ns != 0) {
      const std::int64_t left = deadline_ns - detail::nanotime();
      if (left <= 0) return ETIMEDOUT;
      // Rounded up: poll(2) waking a little early would only loop once more.
      timeout_ms =
          static_cast<int>(std::min<std::int64_t>((left + 999'999) / 1'000'000, INT32_MAX));
    }
    const int n = ::poll(&p, 1, timeout_ms);
    if (n > 0) return 0;
    if (n < 0 && errno != EINTR) return errno;
  }
}

// On a fiber the poller sets O_NONBLOCK once. A plain thread without a
// deadline may block in the call itself, as before; with one it must not,
// so the fd is made non-blocking there too (two fcntls a call: plain
// threads are not the servers' hot path).
void make_nonblocking(int fd, std::int64_t deadline_ns) {
  detail::Sched* s = detail::sched();
  if (s && on_fiber()) {
    s->poller.desc(fd);
  } else if (deadline_ns != 0) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0 && !(flags & O_NONBLOCK)) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  }
}

// Retries `call` until it stops saying "would block", waiting in between.
template <class F>
IoResult io_loop(int fd, bool write, std::int64_t deadline_ns, F call) noexcept {
  make_nonblocking(fd, deadline_ns);
  for (;;) {
    const long n = call();
    if (n >= 0) return {n, 0};
    const int err = errno;  // before anything can move us to another thread
    if (err == EINTR) continue;
    if (err != EAGAIN && err != EWOULDBLOCK) return {-1, err};
    if (const int werr = wait_for(fd, write, deadline_ns)) return {-1, werr};
  }
}

}  // namespace

IoResult poll_read(int fd, void* buf, std::size_t len, Deadline deadline) noexcept {
  return io_loop(fd, false, to_nanotime(deadline),
                 [&] { return static_cast<long>(::read(fd, buf, len)); });
}

IoResult poll_write(int fd, const void* buf, std::size_t len, Deadline deadline) noexcept {
  return io_loop(fd, true, to_nanotime(deadline),
                 [&] { return static_cast<long>(::write(fd, buf, len)); });
}

int wait_readable(int fd, Deadline deadline) noexcept {
  return wait_for(fd, false, to_nanotime(deadline));
}
int wait_writable(int fd, Deadline deadline) noexcept {
  return wait_for(fd, true, to_nanotime(deadline));
}

int poll_close(int fd) noexcept {
  // Closing may wake fibers: from a plain thread, only while the runtime is pinned.
  detail::WakePermit permit;
  detail::RuntimePin pin;
  if (detail::Sched* s = pin.get()) return s->poller.close(fd);
  return ::close(fd) == 0 ? 0 : errno;
}

}  // namespace vfs::runtime
