// sysmon: a thread without a P that watches the Ps (Go's sysmon/retake).
//
// It takes back the P of a thread stuck in a system call and hands it to
// another thread, counts fibers that run for 10 ms without a switch, and
// makes sure overdue timers find a thread. It polls every 20 us while it
// finds something to do and backs off to every 10 ms when it does not.
#include <algorithm>
#include <cstdio>
#include <string>

#include "runtime/sched.h"

namespace vfs::runtime::detail {
namespace {

constexpr std::int64_t kMinDelayNs = 20'000;      // Go: 20 us
constexpr std::int64_t kMaxDelayNs = 10'000'000;  // Go: 10 ms
constexpr int kIdleRoundsBeforeBackoff = 50;      // Go: 50
constexpr std::int64_t kLongRunNs = 10'000'000;   // Go's forcePreemptNS
constexpr std::int64_t kSyscallPatienceNs = 10'000'000;
constexpr std::int64_t kPollIntervalNs = 10'000'000;  // Go: 10 ms
// While any P is in a system call, sysmon looks at least this often. Go backs
// off to 10 ms, and then never sees a 10 ms call twice, so a fiber looping on
// short blocking calls keeps its P forever (Go keeps ~half its compute
// there). One look a millisecond catches such a fiber within ~2 ms; from
// then on its syscall() calls hand the P off at once (proc.cc). sysmon also
// looks this often while calls wait in the relay queue and some P has not
// switched fibers since the previous look.
constexpr std::int64_t kSyscallWatchDelayNs = 1'000'000;

// Counts a fiber on p that has run >= 10 ms without a switch (once per run).
// True if p has not switched since the previous look.
bool watch_long_run(Sched& s, P* p, std::int64_t now) noexcept {
  const std::uint32_t t = p->switches.load(std::memory_order_relaxed);
  if (p->seen_switches != t) {
    p->seen_switches = t;
    p->seen_switchwhen = now;
    p->long_run_counted = false;
    return false;
  }
  if (!p->long_run_counted && now - p->seen_switchwhen >= kLongRunNs) {
    p->long_run_counted = true;
    s.long_runs.fetch_add(1, std::memory_order_relaxed);
  }
  return true;
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

// What retake saw besides what it took.
struct Watch {
  bool in_syscall = false;  // some P is in a call
  bool stalled = false;     // some P runs the fiber it ran at the last look
};

// Retakes what should be retaken.
int retake(Sched& s, std::int64_t now, Watch& seen) noexcept {
  int taken = 0;
  seen = Watch{};
  for (auto& owned : s.allp) {
    P* p = owned.get();
    const PStatus status = p->status.load(std::memory_order_acquire);
    if (status == PStatus::running && p->in_fiber.load(std::memory_order_relaxed)) {
      if (watch_long_run(s, p, now)) seen.stalled = true;
    } else {
      // Idle, spinning or in a syscall: restart the clock.
      p->seen_switches = p->switches.load(std::memory_order_relaxed);
      p->seen_switchwhen = now;
    }
    if (status != PStatus::syscall) {
      p->seen_in_syscall = false;
      continue;
    }
    seen.in_syscall = true;
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

const char* p_status_name(PStatus status) noexcept {
  switch (status) {
    case PStatus::idle:
      return "idle";
    case PStatus::running:
      return "running";
    case PStatus::syscall:
      return "syscall";
  }
  return "?";
}

const char* g_status_name(GStatus status) noexcept {
  switch (status) {
    case GStatus::runnable:
      return "runnable";
    case GStatus::running:
      return "running";
    case GStatus::syscall:
      return "syscall";
    case GStatus::waiting:
      return "waiting";
    case GStatus::dead:
      return "dead";
  }
  return "?";
}

std::uint32_t local_runq_size(const P* p) noexcept {
  return p->tail.load(std::memory_order_acquire) - p->head.load(std::memory_order_acquire);
}

// Go's schedtrace line, one write so lines from several runtimes' or
// threads' output do not interleave:
//   SCHED 1004ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=0
//   idlethreads=1 runqueue=0 [3 1]
// followed by our addition, longruns=N (fibers seen running >= 10 ms
// without a switch). scheddetail adds one line per P, M and G.
void schedtrace(Sched& s, std::int64_t now) {
  std::string out;
  char buf[256];
  std::lock_guard lock(s.lock);
  std::snprintf(buf, sizeof buf,
                "SCHED %lldms: gomaxprocs=%d idleprocs=%d threads=%d spinningthreads=%d "
                "idlethreads=%d runqueue=%lld",
                static_cast<long long>((now - s.start_time) / 1'000'000), s.nprocs(),
                s.npidle.load(), s.mcount.load(), s.nmspinning.load(), s.nmidle,
                static_cast<long long>(s.runqsize.load()));
  out += buf;
  if (!s.trace_detail) {
    for (std::size_t i = 0; i < s.allp.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%s%u", i == 0 ? " [" : " ", local_runq_size(s.allp[i].get()));
      out += buf;
    }
    out += "]";
  }
  std::snprintf(buf, sizeof buf, " longruns=%llu\n",
                static_cast<unsigned long long>(s.long_runs.load()));
  out += buf;
  if (s.trace_detail) {
    for (auto& owned : s.allp) {
      const P* p = owned.get();
      std::snprintf(buf, sizeof buf, "  P%d: status=%s schedtick=%u syscalltick=%u runqsize=%u\n",
                    p->id, p_status_name(p->status.load()), p->schedtick.load(),
                    p->syscalltick.load(), local_runq_size(p));
      out += buf;
    }
    for (const M* m : s.allm) {
      bool idle = false;
      for (const M* i = s.midle; i; i = i->schedlink) idle = idle || i == m;
      std::snprintf(buf, sizeof buf, "  M%d: idle=%d dead=%d m0=%d\n", m->id, idle, m->dead,
                    m->is_m0);
      out += buf;
    }
    std::lock_guard gs(s.allgs_lock);
    for (const G* g = s.allgs; g; g = g->all_next) {
      std::snprintf(buf, sizeof buf, "  G%llu: status=%s\n",
                    static_cast<unsigned long long>(g->id.load(std::memory_order_relaxed)),
                    g_status_name(g->status.load()));
      out += buf;
    }
  }
  std::fputs(out.c_str(), stderr);
  s.trace_lines.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

void wake_timer_waiter(Sched& s) noexcept {
  std::lock_guard lock(s.lock);
  if (s.timer_waiter) notify(s, s.timer_waiter);
}

void sysmon_main(Sched& s) noexcept {
  std::int64_t delay = kMinDelayNs;
  int idle_rounds = 0;
  bool watch_closely = false;
  std::int64_t last_trace = s.start_time;
  DeadlockWatch deadlock;
  while (!s.sysmon_stop.load()) {
    if (idle_rounds == 0) {
      delay = kMinDelayNs;
    } else if (idle_rounds > kIdleRoundsBeforeBackoff) {
      delay = std::min(delay * 2, kMaxDelayNs);
    }
    if (watch_closely) delay = std::min(delay, kSyscallWatchDelayNs);
    if (s.trace_period_ns) delay = std::min(delay, s.trace_period_ns);
    s.sysmon_note.sleep_until(nanotime() + delay);
    if (s.sysmon_stop.load()) break;
    const std::int64_t now = nanotime();
    Watch seen;
    bool busy = retake(s, now, seen) > 0;
    watch_closely = seen.in_syscall;
    // Calls queued for a returning thread. Each scheduling round starts the
    // overdue ones, so sysmon need look often only while some P makes none:
    // its wakeups would otherwise cost the busy Ps about as much as the
    // queue saves them.
    if (const std::int64_t due = s.syscallq_deadline.load(std::memory_order_relaxed); due != 0) {
      if (now >= due) start_queued_calls(s, true);
      watch_closely = watch_closely || seen.stalled;
    }
    const std::int64_t next_timer = s.timers.next();
    if (next_timer != 0 && now - next_timer > kMinDelayNs) {
      // An overdue timer: make sure some thread is on its way to it.
      wake_timer_waiter(s);
      wakep();
    }
    if (s.trace_period_ns && now - last_trace >= s.trace_period_ns) {
      schedtrace(s, now);
      last_trace = now;
    }
    // Fibers waiting for I/O and nobody has polled for 10 ms (every P busy,
    // no M blocked in the poller): poll for them; they go to the global queue.
    if (s.poller.has_waiters() && !s.poller.blocked() &&
        now - s.poller.last_poll() > kPollIntervalNs) {
      const int woken = s.poller.poll(-1);
      s.sysmon_polled.fetch_add(static_cast<std::uint64_t>(woken), std::memory_order_relaxed);
      busy = busy || woken > 0;
    }
    watch_deadlock(s, deadlock, now);
    idle_rounds = busy ? 0 : idle_rounds + 1;
  }
}

}  // namespace vfs::runtime::detail
