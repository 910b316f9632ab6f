#include "vfs/runtime/sleep.h"

#include <thread>

#include "runtime/park.h"
#include "runtime/sched.h"

namespace vfs::runtime {
namespace {

struct TimerPark {
  detail::Sched* sched;
  bool earliest;
};

// Runs on g0 once the fiber is off its stack: from here the timer may fire.
void release_timers(void* arg) noexcept {
  const TimerPark park = *static_cast<TimerPark*>(arg);  // copy: arg dies with the fiber
  park.sched->timers.mu().unlock();
  // A new earliest deadline: the M sleeping until the old one must recompute.
  if (park.earliest) detail::wake_timer_waiter(*park.sched);
}

}  // namespace

void sleep_until(std::chrono::steady_clock::time_point deadline) {
  detail::Waiter w;
  if (!w.g) {
    std::this_thread::sleep_until(deadline);
    return;
  }
  // steady_clock is CLOCK_MONOTONIC in libstdc++ and libc++, as is nanotime().
  const std::int64_t when =
      std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
  if (when <= detail::nanotime()) return;
  detail::Sched* s = detail::sched();
  s->timers.mu().lock();
  TimerPark park{s, s->timers.add_locked(when, &w)};
  detail::wait(w, release_timers, &park, "sleep");
}

}  // namespace vfs::runtime
