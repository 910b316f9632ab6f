#include "vfs/runtime/timer.h"

#include <mutex>
#include <stdexcept>

#include "runtime/sched.h"
#include "vfs/runtime/select.h"

namespace vfs::runtime {

Timer::Timer(Clock::duration after) { start(after); }

Timer::~Timer() { stop(); }

void Timer::start(Clock::duration after) {
  detail::RuntimePin pin;
  detail::Sched* s = pin.get();
  if (!s) throw std::logic_error("vfs::runtime::Timer: no runtime is running");
  const std::int64_t when =
      detail::deadline_after(std::chrono::duration_cast<std::chrono::nanoseconds>(after).count());
  bool earliest;
  {
    std::lock_guard<detail::Lock> lock(s->timers.mu());
    pending_ = true;
    earliest = s->timers.add_locked(when, &Timer::fire, this);
  }
  if (earliest) detail::wake_timer_waiter(*s);
}

bool Timer::stop() noexcept {
  detail::RuntimePin pin;
  detail::Sched* s = pin.get();
  if (!s) return false;
  std::lock_guard<detail::Lock> lock(s->timers.mu());
  const bool was_pending = pending_;
  pending_ = false;
  s->timers.remove_locked(this);
  return was_pending;
}

void Timer::reset(Clock::duration after) {
  stop();
  std::optional<TimePoint> stale;
  try_select({on_recv(ch_, stale)});
  start(after);
}

void Timer::fire(void* self) noexcept {
  auto* t = static_cast<Timer*>(self);
  t->pending_ = false;
  TimePoint now = Clock::now();
  // Never blocks: the buffer holds one value and a full one is left as is.
  try_select({on_send(t->ch_, now)});
}

}  // namespace vfs::runtime
