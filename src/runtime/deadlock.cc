// Deadlock detection, after Go's checkdead: the runtime is asleep when every
// fiber is parked and nothing inside it can wake one - no fiber runnable or
// in a system call, no timer pending, no fiber waiting for I/O.
//
// sysmon looks on its own schedule (every 10 ms at most once the runtime is
// idle) without stopping anyone, so one look can be torn: it reads the
// fibers one by one while they run. It therefore declares the runtime asleep
// only after two looks with no progress between them (no fiber resumed or
// spawned: the marker below), which no running fiber can fake.
//
// What the runtime cannot see is a thread outside it, which may still send
// on a channel a fiber waits on. So whether it acts depends on
// Config::on_deadlock and on whether the process has any other thread.
#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "runtime/sched.h"
#include "vfs/runtime/scheduler.h"

namespace vfs::runtime::detail {
namespace {

constexpr std::int64_t kReportAfterNs = 1'000'000'000;
constexpr int kFibersListed = 16;

// Changes whenever a fiber is resumed or spawned.
std::uint64_t progress_marker(Sched& s) noexcept {
  std::uint64_t marker = s.goid.load(std::memory_order_relaxed);
  for (auto& p : s.allp) marker += p->switches.load(std::memory_order_relaxed);
  return marker;
}

// The cheap half of "asleep": nothing queued, every P idle, nothing that can
// wake a fiber by itself.
bool idle_and_unwatched(Sched& s) noexcept {
  if (s.npidle.load() != s.nprocs() || s.runqsize.load() != 0) return false;
  if (s.timers.next() != 0 || s.poller.has_waiters()) return false;
  for (auto& p : s.allp) {
    if (!runqempty(p.get())) return false;
  }
  return true;
}

const char* reason_of(const G* g) noexcept {
  const char* reason = g->wait_reason.load(std::memory_order_relaxed);
  return reason ? reason : "parked";
}

// True if every live fiber is parked; appends "fiber N [reason]" for the
// first few to `parked`.
bool all_parked(Sched& s, std::string& parked, int& count) {
  std::lock_guard lock(s.allgs_lock);
  count = 0;
  for (G* g = s.allgs; g; g = g->all_next) {
    const GStatus status = g->status.load(std::memory_order_acquire);
    if (status == GStatus::dead) continue;
    if (status != GStatus::waiting) return false;
    if (++count <= kFibersListed) {
      parked += "\n  fiber " + std::to_string(g->id.load(std::memory_order_relaxed)) + " [" +
                reason_of(g) + "]";
    }
  }
  if (count > kFibersListed) {
    parked += "\n  ... and " + std::to_string(count - kFibersListed) + " more";
  }
  return count > 0;
}

// Threads of this process that are not the runtime's: its Ms (the thread
// that called run() among them), sysmon and the template thread.
int outside_threads(Sched& s) noexcept {
  DIR* dir = ::opendir("/proc/self/task");
  if (!dir) return 1;  // cannot tell: assume one
  int tasks = 0;
  while (const dirent* d = ::readdir(dir)) tasks += d->d_name[0] != '.';
  ::closedir(dir);
  return std::max(0, tasks - (s.mcount.load() + 2));
}

}  // namespace

void watch_deadlock(Sched& s, DeadlockWatch& watch, std::int64_t now) {
  if (s.on_deadlock == OnDeadlock::ignore || s.shutdown.load()) return;
  if (!idle_and_unwatched(s)) {
    watch.asleep = false;
    return;
  }
  const std::uint64_t before = progress_marker(s);
  // Already asleep at the last look, and nothing has run since: no need to
  // walk every fiber again (there may be a million).
  const bool unchanged = watch.asleep && before == watch.progress;
  std::string parked;
  int count = 0;
  if (!unchanged && (!all_parked(s, parked, count) || progress_marker(s) != before)) {
    watch.asleep = false;
    return;
  }
  if (!watch.asleep || !unchanged) {
    watch = {true, before, now, false};
    return;  // one look is not enough
  }
  const int others = outside_threads(s);
  if (s.on_deadlock == OnDeadlock::fail_even_with_threads ||
      (s.on_deadlock == OnDeadlock::fail && others == 0)) {
    all_parked(s, parked, count);
    stop_with_error(s, std::make_exception_ptr(
                           DeadlockError("vfs runtime: all fibers are asleep - deadlock! (" +
                                         std::to_string(count) + " parked)" + parked)));
    return;
  }
  if (!watch.reported && now - watch.since >= kReportAfterNs) {
    watch.reported = true;
    all_parked(s, parked, count);
    s.deadlock_reports.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr,
                 "vfs runtime: all fibers are asleep and nothing in the runtime can wake them; "
                 "waiting for the %d other thread(s) of this process (%d parked):%s\n",
                 others, count, parked.c_str());
  }
}

}  // namespace vfs::runtime::detail
