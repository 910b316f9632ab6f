// sysmon: a thread without a P that watches the Ps (Go's sysmon/retake).
//
// It takes back the P of a thread stuck in a system call and hands it to
// another thread, counts fibers that run for 10 ms without a switch, and
// makes sure overdue timers find a thread. It polls every 20 us while it
// finds something to do and backs off to every 10 ms when it does not.
#include <algorithm>

#include "runtime/sched.h"

namespace vfs::runtime::detail {
namespace {

constexpr std::int64_t kMinDelayNs = 20'000;      // Go: 20 us
constexpr std::int64_t kMaxDelayNs = 10'000'000;  // Go: 10 ms
constexpr int kIdleRoundsBeforeBackoff = 50;      // Go: 50
constexpr std::int64_t kLongRunNs = 10'000'000;   // Go's forcePreemptNS
constexpr std::int64_t kSyscallPatienceNs = 10'000'000;

// Counts a fiber on p that has run >= 10 ms without a switch (once per run).
void watch_long_run(Sched& s, P* p, std::int64_t now) noexcept {
  const std::uint32_t t = p->switches.load(std::memory_order_relaxed);
  if (p->seen_switches != t) {
    p->seen_switches = t;
    p->seen_switchwhen = now;
    p->long_run_counted = false;
    return;
  }
  if (!p->long_run_counted && now - p->seen_switchwhen >= kLongRunNs) {
    p->long_run_counted = true;
    s.long_runs.fetch_add(1, std::memory_order_relaxed);
  }
}

// True if p has been in the same syscall since the previous look and is
// worth taking: it has work, or nobody else could pick up new work, or the
// call has lasted 10 ms.
bool should_retake(Sched& s, P* p, std::int64_t now) noexcept {
  const std::uint32_t t = p->syscalltick.load(std::memory_order_relaxed);
  if (!p->seen_in_syscall || p->seen_syscalltick != t) {
    p->seen_in_syscall = true;
    p->seen_syscalltick = t;
    p->seen_syscallwhen = now;
    return false;
  }
  const bool others_can_run = s.nmspinning.load() + s.npidle.load() > 0;
  return !(runqempty(p) && others_can_run && now - p->seen_syscallwhen < kSyscallPatienceNs);
}

int retake(Sched& s, std::int64_t now) noexcept {
  int taken = 0;
  for (auto& owned : s.allp) {
    P* p = owned.get();
    const PStatus status = p->status.load(std::memory_order_acquire);
    if (status == PStatus::running) watch_long_run(s, p, now);
    if (status != PStatus::syscall) {
      p->seen_in_syscall = false;
      continue;
    }
    if (!should_retake(s, p, now)) continue;
    PStatus expected = PStatus::syscall;
    if (p->status.compare_exchange_strong(expected, PStatus::idle, std::memory_order_acq_rel)) {
      p->seen_in_syscall = false;
      p->syscalltick.fetch_add(1, std::memory_order_relaxed);
      s.retakes.fetch_add(1, std::memory_order_relaxed);
      ++taken;
      handoffp(s, p);
    }
  }
  return taken;
}

}  // namespace

void wake_timer_waiter(Sched& s) noexcept {
  std::lock_guard lock(s.lock);
  if (s.timer_waiter) s.timer_waiter->park.wakeup();
}

void sysmon_main(Sched& s) noexcept {
  std::int64_t delay = kMinDelayNs;
  int idle_rounds = 0;
  while (!s.sysmon_stop.load()) {
    if (idle_rounds == 0) {
      delay = kMinDelayNs;
    } else if (idle_rounds > kIdleRoundsBeforeBackoff) {
      delay = std::min(delay * 2, kMaxDelayNs);
    }
    s.sysmon_note.sleep_until(nanotime() + delay);
    if (s.sysmon_stop.load()) break;
    const std::int64_t now = nanotime();
    bool busy = retake(s, now) > 0;
    const std::int64_t next_timer = s.timers.next();
    if (next_timer != 0 && next_timer + kMinDelayNs < now) {
      // An overdue timer: make sure some thread is on its way to it.
      wake_timer_waiter(s);
      wakep();
    }
    idle_rounds = busy ? 0 : idle_rounds + 1;
  }
}

}  // namespace vfs::runtime::detail
