// The scheduler proper, after Go's runtime/proc.go: schedule, findrunnable,
// wakep/startm/stopm/handoffp, the g0 side of switches, and run()/go().
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "runtime/overflow.h"
#include "runtime/runq.h"
#include "runtime/sched.h"
#include "vfs/runtime/lock_os_thread.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/stats.h"
#include "vfs/runtime/syscall.h"

namespace vfs::runtime::detail {
namespace {

std::atomic<Sched*> the_sched{nullptr};
thread_local M* tls_m = nullptr;
std::atomic<int> max_threads{10000};

// The gate plain threads pass to use the running runtime (pin_runtime):
// bit 0 is set while it accepts them, the rest counts those inside. run()
// opens it once the Sched is published, and closes it and waits for the
// count to drain before tearing anything down.
constexpr std::uint64_t kGateOpen = 1;
constexpr std::uint64_t kGateUser = 2;
std::atomic<std::uint64_t> gate{0};

std::atomic<bool> forked_child{false};

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::size_t kDefaultStackSize = 256 * 1024;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr std::size_t kDefaultStackSize = 256 * 1024;
#else
constexpr std::size_t kDefaultStackSize = 64 * 1024;
#endif
#else
constexpr std::size_t kDefaultStackSize = 64 * 1024;
#endif

int cpus_allowed() noexcept {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

int resolve_procs(const Config& config) {
  if (config.procs > 0) return config.procs;
  if (const char* env = ::getenv("VFS_MAXPROCS")) {
    const int n = ::atoi(env);
    if (n > 0) return n;
  }
  return cpus_allowed();
}

std::size_t resolve_stack_size(const Config& config) {
  return config.stack_size ? config.stack_size : kDefaultStackSize;
}

constexpr std::size_t kDefaultGuardSize = 64 * 1024;

std::size_t resolve_guard_size(const Config& config) {
  if (!config.guard_pages) return 0;
  return config.guard_size ? config.guard_size : kDefaultGuardSize;
}

// --- P and M bookkeeping (sched.lock held) ---------------------------------

void pidleput(Sched& s, P* p) noexcept {
  p->m = nullptr;
  p->status.store(PStatus::idle, std::memory_order_release);
  p->link = s.pidle;
  s.pidle = p;
  s.npidle.fetch_add(1);
}

P* pidleget(Sched& s) noexcept {
  P* p = s.pidle;
  if (p) {
    s.pidle = p->link;
    p->link = nullptr;
    s.npidle.fetch_sub(1);
  }
  return p;
}

void mput(Sched& s, M* m) noexcept {
  m->schedlink = s.midle;
  s.midle = m;
  ++s.nmidle;
}

M* mget(Sched& s) noexcept {
  M* m = s.midle;
  if (m) {
    s.midle = m->schedlink;
    m->schedlink = nullptr;
    --s.nmidle;
  }
  return m;
}

void mremove(Sched& s, M* m) noexcept {
  for (M** link = &s.midle; *link; link = &(*link)->schedlink) {
    if (*link == m) {
      *link = m->schedlink;
      m->schedlink = nullptr;
      --s.nmidle;
      return;
    }
  }
}

void acquirep(M* m, P* p) noexcept {
  m->p = p;
  p->m = m;
  p->status.store(PStatus::running, std::memory_order_release);
}

P* releasep(M* m) noexcept {
  P* p = m->p;
  m->p = nullptr;
  p->m = nullptr;
  p->status.store(PStatus::idle, std::memory_order_release);
  return p;
}

// --- threads ---------------------------------------------------------------

void schedule_loop(Sched& s, M* m);

void mstart(Sched* s, M* m) {
  tls_m = m;
  void* altstack = add_signal_stack();
  m->tsan_fiber = tsan_current_fiber();
  if (P* p = std::exchange(m->nextp, nullptr)) acquirep(m, p);
  schedule_loop(*s, m);
  tls_m = nullptr;
  drop_signal_stack(altstack);
}

// Go's checkmcount: a program that needs more threads than the limit is
// broken (runaway blocking calls), and waiting for a thread to free up can
// wait forever - when the calls in progress wait for fibers that need a
// thread to run. Fatal, as in Go, rather than a hang.
[[noreturn]] void thread_limit_exceeded(int limit) noexcept {
  char what[160];
  std::snprintf(what, sizeof what,
                "program exceeds the %d-thread limit (runtime::set_max_threads): every thread is "
                "busy in a system call or wired to a fiber",
                limit);
  fatal(what);
}

// A thread may be in an unusual kernel state (a namespace, a signal mask)
// if a fiber is wired to it or it is not ours at all: new Ms are not
// cloned from such threads.
thread_local bool tls_clean_runtime_thread = false;  // sysmon, template thread

bool on_clean_thread() noexcept {
  M* m = current_m();
  return m ? m->lockedg == nullptr : tls_clean_runtime_thread;
}

void template_thread_main(Sched& s) {
  tls_clean_runtime_thread = true;
  std::unique_lock lock(s.template_mu);
  for (;;) {
    s.template_cv.wait(lock, [&] { return s.template_stop || !s.template_queue.empty(); });
    // Drain before stopping: every M handed to us must get its thread.
    while (!s.template_queue.empty()) {
      M* m = s.template_queue.back();
      s.template_queue.pop_back();
      m->thread = std::thread(mstart, &s, m);
    }
    if (s.template_stop) return;
  }
}

// Starts a thread for `p` (Go's newm), or for `g`, a fiber in a blocking call
// that is to run without a P. sched.lock held by `lock`, which is released.
// False (lock still held, p untouched) on shutdown. Beyond the thread limit
// the process ends (thread_limit_exceeded).
bool newm(Sched& s, P* p, bool spinning, std::unique_lock<Lock>& lock, G* g = nullptr) {
  if (s.shutdown.load()) return false;
  if (const int limit = max_threads.load(); s.mcount.load() >= limit) {
    thread_limit_exceeded(limit);
  }
  auto* m = new M;
  m->id = static_cast<int>(s.allm.size());
  m->rand_state = 0x9e3779b9u * static_cast<std::uint32_t>(m->id + 1);
  m->nextp = p;
  m->nextg = g;
  m->spinning = spinning;
  s.allm.push_back(m);
  s.mcount.fetch_add(1);
  lock.unlock();
  if (on_clean_thread()) {
    m->thread = std::thread(mstart, &s, m);
  } else {
    std::lock_guard template_lock(s.template_mu);
    s.template_queue.push_back(m);
    s.template_cv.notify_one();
  }
  return true;
}

// Runs `p` (an idle P if nullptr) on an idle or new M (Go's startm). With
// `spinning`, the caller has already counted the M in nmspinning.
void startm(Sched& s, P* p, bool spinning) {
  std::unique_lock lock(s.lock);
  if (!p) p = pidleget(s);
  if (!p) {
    lock.unlock();
    if (spinning) s.nmspinning.fetch_sub(1);
    return;
  }
  if (M* m = mget(s)) {
    m->spinning = spinning;
    m->nextp = p;
    notify(s, m);  // under the lock: see stopm
    return;
  }
  if (newm(s, p, spinning, lock)) return;
  pidleput(s, p);
  lock.unlock();
  if (spinning) s.nmspinning.fetch_sub(1);
}

// Parks m until it is given a P or a fiber in a blocking call (m->nextg) to
// run (true), or the runtime stops (false). An M
// that finds no one else waiting for the next timer sleeps only until then,
// and on waking takes an idle P to run the timers with, or runs them onto
// the global queue.
bool stopm(Sched& s, M* m) {
  for (;;) {
    const std::int64_t deadline = s.timers.next();
    std::unique_lock lock(s.lock);
    if (s.shutdown.load()) return false;
    // One idle M waits for the next timer and for I/O, in epoll.
    const bool waiter = (deadline != 0 || s.poller.has_waiters()) && s.timer_waiter == nullptr;
    if (waiter) s.timer_waiter = m;
    mput(s, m);
    lock.unlock();
    if (waiter) {
      s.poller.poll(deadline);  // interrupted by notify(); readies go global
    } else {
      m->park.sleep();
    }
    lock.lock();
    // Wakeups happen under the lock, except handoff_syscall's, which may
    // arrive after this and cost one spurious turn of this loop.
    m->park.clear();
    if (s.timer_waiter == m) s.timer_waiter = nullptr;
    if (m->nextg) return true;
    if (P* p = std::exchange(m->nextp, nullptr)) {
      lock.unlock();
      acquirep(m, p);
      return true;
    }
    mremove(s, m);
    if (s.shutdown.load()) return false;
    P* p = pidleget(s);
    lock.unlock();
    if (p) {
      acquirep(m, p);
      return true;
    }
    s.timers.run_expired(nanotime());
  }
}

// --- finding work ----------------------------------------------------------

void run_timers(Sched& s) noexcept {
  const std::int64_t next = s.timers.next();
  if (next != 0 && next <= nanotime()) s.timers.run_expired(nanotime());
}

// Four passes over the other Ps in random order (Go's stealWork); the last
// pass also takes runnext.
G* steal_work(Sched& s, M* m) {
  P* p = m->p;
  const std::uint32_t n = static_cast<std::uint32_t>(s.nprocs());
  constexpr int kStealTries = 4;
  for (int round = 0; round < kStealTries; ++round) {
    const bool last = round == kStealTries - 1;
    std::uint32_t pos = fastrand(m) % n;
    const std::uint32_t stride = s.steal_strides[fastrand(m) % s.steal_strides.size()];
    for (std::uint32_t i = 0; i < n; ++i, pos = (pos + stride) % n) {
      if (s.shutdown.load(std::memory_order_relaxed)) return nullptr;
      P* victim = s.allp[pos].get();
      if (victim == p) continue;
      if (G* g = runqsteal(p, victim, last)) {
        s.steals.fetch_add(1, std::memory_order_relaxed);
        return g;
      }
    }
  }
  return nullptr;
}

// After giving up its P, a formerly spinning M checks once more for work
// queued while it was still counted as spinning (whose wakep() therefore did
// nothing). Returns true if it took a P back to look again.
bool recheck_after_spinning(Sched& s, M* m) {
  bool work = s.runqsize.load() != 0;
  for (std::size_t i = 0; !work && i < s.allp.size(); ++i) work = !runqempty(s.allp[i].get());
  if (!work) return false;
  std::unique_lock lock(s.lock);
  P* p = pidleget(s);
  lock.unlock();
  if (!p) return false;
  acquirep(m, p);
  m->spinning = true;
  s.nmspinning.fetch_add(1);
  return true;
}

// Blocks until there is a G to run (Go's findrunnable); nullptr on shutdown.
G* findrunnable(Sched& s, M* m, bool* inherit) {
  for (;;) {
    if (s.shutdown.load(std::memory_order_relaxed)) return nullptr;
    P* p = m->p;
    run_timers(s);
    if (G* g = runqget(p, inherit)) return g;
    *inherit = false;
    if (s.runqsize.load(std::memory_order_relaxed) != 0) {
      std::lock_guard lock(s.lock);
      if (G* g = globrunqget(s, p, 0)) return g;
    }
    // Fibers waiting for I/O, and nobody blocked in the poller to see it:
    // look without blocking; the woken go onto our P.
    if (s.poller.has_waiters() && !s.poller.blocked() && s.poller.poll(-1) > 0) {
      if (G* g = runqget(p, inherit)) return g;
    }
    // Bound the spinning Ms to half the busy Ps: more would burn CPU for
    // nothing (Go's rule).
    const int busy = s.nprocs() - s.npidle.load();
    if (m->spinning || 2 * s.nmspinning.load() < busy) {
      if (!m->spinning) {
        m->spinning = true;
        s.nmspinning.fetch_add(1);
      }
      if (G* g = steal_work(s, m)) return g;
    }
    // This P is about to idle: the calls waiting for a returning thread
    // wait no longer.
    if (s.syscallq_deadline.load(std::memory_order_relaxed) != 0) start_queued_calls(s, false);
    {
      std::lock_guard lock(s.lock);
      if (s.shutdown.load()) return nullptr;
      if (G* g = globrunqget(s, p, 0)) return g;
      pidleput(s, releasep(m));
    }
    if (m->spinning) {
      m->spinning = false;
      s.nmspinning.fetch_sub(1);
      if (recheck_after_spinning(s, m)) continue;
    }
    if (!stopm(s, m)) return nullptr;
    if (m->nextg) return std::exchange(m->nextg, nullptr);
  }
}

void resetspinning(Sched& s, M* m) noexcept {
  m->spinning = false;
  s.nmspinning.fetch_sub(1);
  // We were the M looking for work; now that we found some, another idle P
  // may be needed for the rest.
  wakep();
}

// Go's schedule() up to execute: nullptr on shutdown.
G* pick_next(Sched& s, M* m, bool* inherit) {
  if (s.shutdown.load(std::memory_order_relaxed)) return nullptr;
  P* p = m->p;
  G* g = nullptr;
  *inherit = false;
  if (const std::int64_t due = s.syscallq_deadline.load(std::memory_order_relaxed);
      due != 0 && nanotime() >= due) {
    start_queued_calls(s, true);
  }
  // Every 61st tick look at the global queue first, so that two fibers
  // readying each other through runnext cannot starve it.
  if (p->schedtick.load(std::memory_order_relaxed) % 61 == 0 &&
      s.runqsize.load(std::memory_order_relaxed) > 0) {
    std::lock_guard lock(s.lock);
    g = globrunqget(s, p, 1);
  }
  if (!g) {
    run_timers(s);
    g = runqget(p, inherit);
  }
  if (!g) g = findrunnable(s, m, inherit);
  if (g && m->spinning) resetspinning(s, m);
  return g;
}

// --- fibers ----------------------------------------------------------------

void destroy_g(Sched& s, G* g) noexcept {
  {
    std::lock_guard lock(s.allgs_lock);
    if (g->all_prev) {
      g->all_prev->all_next = g->all_next;
    } else {
      s.allgs = g->all_next;
    }
    if (g->all_next) g->all_next->all_prev = g->all_prev;
  }
  if (g->stack) s.stacks.put(g->stack);
  tsan_destroy_fiber(g->tsan_fiber);
  if (g->task) destroy_task(g->task, g->task_slot);
  delete g;
  s.live.fetch_sub(1, std::memory_order_relaxed);
}

// destroy_g for a G already counted out of `live` (a cached, exited one).
void destroy_g_quietly(Sched& s, G* g) noexcept {
  s.live.fetch_add(1, std::memory_order_relaxed);
  destroy_g(s, g);
}

// Exited Gs stay on allgs and are cached per P, then globally (Go's
// gfput/gfget): a spawn then costs no allocation and no allgs lock. Beyond
// the caps they are freed. (1M spawn+join: 430 -> 345 ms here.)
constexpr std::size_t kLocalGFree = 64;
constexpr std::size_t kGlobalGFree = 4096;

void gfput(Sched& s, P* p, G* g) noexcept {
  g->status.store(GStatus::dead, std::memory_order_relaxed);
  g->ctx = nullptr;  // a fresh context on the same stack at the next start
  g->m = nullptr;
  g->lockedm = nullptr;
  g->lock_count = 0;
  g->syscall_depth = 0;
  g->handoff_syscalls = false;  // a new fiber learns its calls afresh
  g->call_ns = 0;
  g->is_main = false;
  // TSan counts its fibers against a thread limit: do not keep idle ones.
  tsan_destroy_fiber(g->tsan_fiber);
  g->tsan_fiber = nullptr;
  // The stack goes back to the pool rather than staying with the G: queued
  // Gs outnumber running ones, and a stack parked on a cached G is one the
  // next fiber to start would have to map afresh.
  if (g->stack) s.stacks.put(std::exchange(g->stack, Stack{}));
  s.live.fetch_sub(1, std::memory_order_relaxed);
  if (!p) {
    destroy_g_quietly(s, g);
    return;
  }
  p->gfree.push_back(g);
  if (p->gfree.size() <= kLocalGFree) return;
  // Full: move half to the global list in one lock; free what does not fit.
  std::vector<G*> excess;
  {
    std::lock_guard<Lock> lock(s.gfree_lock);
    while (p->gfree.size() > kLocalGFree / 2) {
      G* x = p->gfree.back();
      p->gfree.pop_back();
      if (s.gfree.size() < kGlobalGFree) {
        s.gfree.push_back(x);
      } else {
        excess.push_back(x);
      }
    }
  }
  for (G* x : excess) destroy_g_quietly(s, x);
}

G* gfget(Sched& s, P* p) noexcept {
  if (p) {
    if (p->gfree.empty()) {
      // Refill half the local cache in one lock.
      std::lock_guard<Lock> lock(s.gfree_lock);
      while (!s.gfree.empty() && p->gfree.size() < kLocalGFree / 2) {
        p->gfree.push_back(s.gfree.back());
        s.gfree.pop_back();
      }
    }
    if (!p->gfree.empty()) {
      G* g = p->gfree.back();
      p->gfree.pop_back();
      return g;
    }
    return nullptr;
  }
  std::lock_guard<Lock> lock(s.gfree_lock);
  if (s.gfree.empty()) return nullptr;
  G* g = s.gfree.back();
  s.gfree.pop_back();
  return g;
}

G* new_g(Sched& s, Task* task) {
  M* m = current_m();
  G* g = gfget(s, m ? m->p : nullptr);
  if (!g) {
    g = new G;
    std::lock_guard lock(s.allgs_lock);
    g->all_next = s.allgs;
    if (s.allgs) s.allgs->all_prev = g;
    s.allgs = g;
  }
  g->id.store(s.goid.fetch_add(1, std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  g->task = task;
  g->status.store(GStatus::runnable, std::memory_order_relaxed);
  s.live.fetch_add(1, std::memory_order_relaxed);
  return g;
}

void switch_to_g0(G* g, SwitchRequest& req) noexcept {
  const bool leaving = req.kind == SwitchRequest::kExit;
  Jumped j = jump(g->ret_ctx, &req, g->ret_stack, g->m->tsan_fiber, leaving);
  // Resumed, maybe by another M: remember whose g0 to return to.
  g->ret_ctx = j.transfer.fctx;
  g->ret_stack = j.from;
}

void run_task(G* g) noexcept {
  try {
    g->task->run();
  } catch (...) {
    if (in_forked_child()) fatal_in_forked_child("an exception escaped a fiber");
    if (!g->is_main) {
      ::fprintf(stderr, "vfs runtime: an exception escaped fiber %llu\n",
                static_cast<unsigned long long>(g->id.load(std::memory_order_relaxed)));
      std::terminate();
    }
    Sched& s = *sched();
    std::lock_guard lock(s.lock);
    if (!s.main_error) s.main_error = std::current_exception();
  }
  // The closure's destructors run here, on the fiber, where they may still
  // use the runtime.
  destroy_task(g->task, g->task_slot);
  g->task = nullptr;
}

void g_entry(Transfer t) {
  const StackRange from = entered_new_context();
  G* g = static_cast<G*>(t.data);
  g->ret_ctx = t.fctx;
  g->ret_stack = from;
  run_task(g);
  // The scheduler this fiber would return to was not copied into the child.
  if (in_forked_child()) fatal_in_forked_child("a fiber returned");
  SwitchRequest req{SwitchRequest::kExit};
  switch_to_g0(g, req);
  fatal("a finished fiber was resumed");
}

void start_context(Sched& s, G* g) noexcept {
  if (!g->stack) g->stack = s.stacks.get();  // a reused G has one
  if (!g->stack) fatal("cannot map a fiber stack (out of memory or vm.max_map_count)");
  g->ctx = make_context(g->stack.bottom(), g->stack.usable(), g_entry);
  g->tsan_fiber = tsan_create_fiber();
}

// Switches to g until it switches back; returns what it asked for.
SwitchRequest* execute(Sched& s, M* m, G* g, bool inherit) noexcept {
  m->curg = g;
  g->m = m;
  g->status.store(GStatus::running, std::memory_order_relaxed);
  // No P: g resumes inside a blocking call another M handed over.
  if (P* p = m->p) {
    if (!inherit)
      p->schedtick.store(p->schedtick.load(std::memory_order_relaxed) + 1,
                         std::memory_order_relaxed);
    p->switches.store(p->switches.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    p->in_fiber.store(true, std::memory_order_relaxed);
  }
  if (!g->ctx) start_context(s, g);
  Jumped j = jump(g->ctx, g, g->stack.range(), g->tsan_fiber, false);
  g->ctx = j.transfer.fctx;
  m->curg = nullptr;
  // The fiber may have come back holding another P (or none) after a syscall.
  if (m->p) m->p->in_fiber.store(false, std::memory_order_relaxed);
  return static_cast<SwitchRequest*>(j.transfer.data);
}

void begin_shutdown(Sched& s) noexcept {
  std::lock_guard lock(s.lock);
  s.shutdown.store(true);
  // Idle Ms, wired Ms waiting for their G, retired m0: all re-check.
  for (M* m : s.allm) notify(s, m);
}

}  // namespace

void stop_with_error(Sched& s, std::exception_ptr error) noexcept {
  {
    std::lock_guard lock(s.lock);
    if (!s.main_error) s.main_error = std::move(error);
  }
  begin_shutdown(s);
}

namespace {

// The wired G of m exited: m gives its P away and its thread ends, never to
// run another fiber (Go's goexit0 on a locked M). m0 is the caller's thread
// and cannot end; it sleeps until the runtime stops.
void retire_locked_m(Sched& s, M* m) noexcept {
  m->lockedg = nullptr;
  {
    std::lock_guard lock(s.lock);  // schedtrace reads it
    m->dead = true;
  }
  if (m->p) handoffp(s, releasep(m));
  s.mcount.fetch_sub(1);
}

// Waits until m's wired G has been scheduled back to m with a P; returns it,
// or nullptr on shutdown (Go's stoplockedm).
G* stoplockedm(Sched& s, M* m) noexcept {
  if (m->p) handoffp(s, releasep(m));
  for (;;) {
    m->park.sleep();
    std::lock_guard lock(s.lock);
    m->park.clear();  // every wakeup is made under the lock
    if (P* p = std::exchange(m->nextp, nullptr)) {
      acquirep(m, p);
      return m->lockedg;
    }
    if (s.shutdown.load()) return nullptr;
  }
}

// g is wired to another M: give it our P and let it run g (Go's
// startlockedm). We then look for work again without a P.
void startlockedm(Sched& s, M* m, G* g) noexcept {
  M* owner = g->lockedm;
  P* p = releasep(m);
  std::lock_guard lock(s.lock);
  owner->nextp = p;
  owner->park.wakeup();
}

// Records that an M came back from a call and found no P: the rate of such
// returns says how soon a queued call would find a thread.
void note_return(Sched& s, std::int64_t now) noexcept {
  if (s.last_return != 0) {
    const std::int64_t gap = now - s.last_return;
    s.return_gap = s.return_gap == 0 ? gap : (7 * s.return_gap + gap) / 8;
  }
  s.last_return = now;
}

// How long g's call may wait for a returning thread: a small share of what
// its last call took (0 when it has made none), so that relaying delays no
// call by more than a few percent, and never more than a millisecond.
constexpr std::int64_t kRelayShare = 16;
constexpr std::int64_t kMaxRelayWaitNs = 1'000'000;

std::int64_t relay_budget(const G* g) noexcept {
  return std::min(g->call_ns / kRelayShare, kMaxRelayWaitNs);
}

// True if threads come back from calls often enough that, with one more
// call queued, the last one's expected wait is within `budget`.
bool returns_soon(const Sched& s, std::int64_t now, std::int64_t budget) noexcept {
  return s.return_gap != 0 && now - s.last_return <= budget &&
         s.return_gap * (s.syscallq.size + 1) <= budget;
}

void syscallq_put(Sched& s, G* g, std::int64_t deadline) noexcept {
  g->relay_deadline = deadline;
  const std::int64_t first = s.syscallq_deadline.load(std::memory_order_relaxed);
  if (first == 0 || deadline < first) {
    s.syscallq_deadline.store(deadline, std::memory_order_relaxed);
  }
  s.syscallq.push_back(g);
}

// Takes the oldest queued call. syscallq_deadline may now be earlier than
// any left: that costs one early look in start_queued_calls, which mends it.
G* syscallq_get(Sched& s) noexcept {
  G* g = s.syscallq.pop_front();
  if (s.syscallq.empty()) s.syscallq_deadline.store(0, std::memory_order_relaxed);
  return g;
}

// Gives g, a fiber about to make a blocking call, to an idle or new M, which
// runs it without a P. sched.lock held by `lock`, which is released. False
// on shutdown (lock still held).
bool start_call(Sched& s, G* g, std::unique_lock<Lock>& lock) {
  if (M* idle = mget(s)) {
    idle->nextg = g;
    idle->spinning = false;
    const bool poller = s.timer_waiter == idle;
    lock.unlock();
    // Outside the lock, unlike startm: only this caller can wake `idle` now,
    // and a wakeup that arrives after it woke by itself and saw nextg costs
    // it one spurious turn in stopm.
    idle->park.wakeup();
    if (poller) s.poller.interrupt();
    return true;
  }
  return newm(s, nullptr, false, lock, g);
}

// Go's exitsyscall0, on g0: the fiber's P was taken while it was in a
// syscall and no P was idle on its way out. Rather than sleep, this thread
// makes the next queued blocking call, if there is one.
G* exitsyscall0(Sched& s, M* m, G* g) {
  g->status.store(GStatus::runnable, std::memory_order_relaxed);
  std::unique_lock lock(s.lock);
  P* p = pidleget(s);
  if (!p) {
    note_return(s, nanotime());
    globrunqput(s, g);
    if (!m->lockedg && !s.syscallq.empty() && !s.shutdown.load()) {
      s.relayed_syscalls.fetch_add(1, std::memory_order_relaxed);
      return syscallq_get(s);
    }
  }
  lock.unlock();
  if (p) {
    acquirep(m, p);
    return g;
  }
  // A wired M waits for its G to be scheduled back to it (stoplockedm).
  if (!m->lockedg) stopm(s, m);
  return nullptr;
}

// Gives m's P away for the call its fiber is about to make (Go's
// entersyscallblock).
void handoff_syscall_p(Sched& s, M* m) noexcept {
  P* p = releasep(m);
  p->syscalltick.fetch_add(1, std::memory_order_relaxed);
  handoffp(s, p);
}

// g is about to make a call known to block, and m's P has other fibers to
// run. Go would hand the P to another thread, and the P would sit idle until
// the kernel runs that thread: tens of microseconds here, for every call,
// with every core busy. We hand the fiber over instead: another M makes the
// call on g's stack, and m keeps its P and goes on at once. Only g waits for
// the other thread, and its call is a long one.
//
// That thread is woken for it, unless threads come back from other calls so
// often that one will be here within relay_budget(g): then g queues, and the
// next thread to come back without a P makes g's call instead of going to
// sleep (exitsyscall0). With many fibers in short blocking calls that saves
// two thread switches per call, which is most of what such calls cost.
//
// On shutdown the call is made here and the P goes (nullptr: g is
// handed over; else run g now, without a P).
G* handoff_syscall(Sched& s, M* m, G* g) {
  std::unique_lock lock(s.lock);
  const std::int64_t now = nanotime();
  if (const std::int64_t budget = relay_budget(g); returns_soon(s, now, budget)) {
    syscallq_put(s, g, now + 2 * budget);
  } else if (!start_call(s, g, lock)) {
    lock.unlock();
    handoff_syscall_p(s, m);
    return g;
  }
  s.moved_syscalls.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

// What g0 does once a fiber has switched away; returns a G to run at once.
G* after_switch(Sched& s, M* m, G* g, const SwitchRequest* req) {
  switch (req->kind) {
    case SwitchRequest::kYield: {
      g->status.store(GStatus::runnable, std::memory_order_relaxed);
      std::lock_guard lock(s.lock);
      globrunqput(s, g);
      return nullptr;
    }
    case SwitchRequest::kPark: {
      // req lives on g's stack: read it before unlock lets g run elsewhere.
      void (*unlock)(void*) = req->unlock;
      void* arg = req->arg;
      g->status.store(GStatus::waiting, std::memory_order_release);
      unlock(arg);
      return nullptr;
    }
    case SwitchRequest::kExit: {
      const bool main = g->is_main;
      const bool locked = g->lockedm != nullptr;
      gfput(s, m->p, g);
      if (locked) retire_locked_m(s, m);
      if (main) begin_shutdown(s);
      return nullptr;
    }
    case SwitchRequest::kExitSyscall:
      return exitsyscall0(s, m, g);
    case SwitchRequest::kSyscallHandoff:
      return handoff_syscall(s, m, g);
  }
  return nullptr;
}

void schedule_loop(Sched& s, M* m) {
  G* next = nullptr;
  bool inherit = false;
  for (;;) {
    if (m->dead) return;
    if (!next) next = std::exchange(m->nextg, nullptr);
    if (!next && m->lockedg) {
      // A wired M runs nothing but its G.
      next = stoplockedm(s, m);
      if (!next) return;
    }
    if (!next) {
      if (!m->p) return;  // stopm saw shutdown
      next = pick_next(s, m, &inherit);
      if (!next) return;
    }
    G* g = std::exchange(next, nullptr);
    if (g->lockedm && g->lockedm != m) {
      startlockedm(s, m, g);
      if (!stopm(s, m)) return;
      continue;
    }
    const SwitchRequest* req = execute(s, m, g, inherit);
    inherit = false;
    next = after_switch(s, m, g, req);
  }
}

// What m0 does once its wired fiber has exited: it cannot end (it is the
// caller's thread), so it waits for the runtime to stop.
void wait_for_shutdown(Sched& s, M* m) noexcept {
  for (;;) {
    m->park.sleep();
    std::lock_guard lock(s.lock);
    m->park.clear();
    if (s.shutdown.load()) return;
  }
}

// Lets no more plain threads in (pin_runtime) and waits for those inside to
// leave: after this, nothing outside the runtime touches it.
void close_gate() noexcept {
  gate.fetch_and(~kGateOpen, std::memory_order_acq_rel);
  while (gate.load(std::memory_order_acquire) >= kGateUser) std::this_thread::yield();
}

// Takes every parked fiber about to be dropped out of the primitive it waits
// on, which may outlive run() (park.h). Its stack, where the waiter lives,
// is freed next.
void unqueue_dropped(Sched& s) noexcept {
  std::lock_guard lock(s.allgs_lock);
  for (G* g = s.allgs; g; g = g->all_next) {
    if (g->status.load(std::memory_order_acquire) != GStatus::waiting) continue;
    if (const Unqueue* u = g->unqueue.exchange(nullptr, std::memory_order_acq_rel)) u->fn(u->arg);
  }
}

void teardown(Sched& s) {
  close_gate();
  s.sysmon_stop.store(true);
  s.sysmon_note.wakeup();
  if (s.sysmon.joinable()) s.sysmon.join();
  {
    std::lock_guard lock(s.template_mu);
    s.template_stop = true;
  }
  s.template_cv.notify_one();
  if (s.template_thread.joinable()) s.template_thread.join();
  std::vector<M*> ms;
  {
    std::lock_guard lock(s.lock);
    ms = s.allm;
  }
  // Every other M leaves at its next scheduling point; idle ones were woken.
  for (M* m : ms) {
    if (m->thread.joinable()) m->thread.join();
  }
  unqueue_dropped(s);
  // Fibers never resumed again, and the free lists: free them all.
  for (auto& p : s.allp) p->gfree.clear();
  s.gfree.clear();
  while (s.allgs) destroy_g(s, s.allgs);
  for (M* m : ms) delete m;
}

// VFS_DEBUG=schedtrace=1000,scheddetail=1 - the GODEBUG keys, same meaning.
void parse_debug_env(Sched& s) {
  const char* env = ::getenv("VFS_DEBUG");
  if (!env) return;
  std::string_view rest(env);
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string key(item.substr(0, eq));
    const long value = ::atol(std::string(item.substr(eq + 1)).c_str());
    if (key == "schedtrace" && value > 0) s.trace_period_ns = value * 1'000'000;
    if (key == "scheddetail") s.trace_detail = value != 0;
  }
}

std::vector<std::uint32_t> coprimes(std::uint32_t n) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 1; i <= n; ++i) {
    if (std::gcd(i, n) == 1) out.push_back(i);
  }
  return out;
}

}  // namespace

// --- shared with the rest of the runtime ------------------------------------

Sched::Sched(const Config& config)
    : on_deadlock(config.on_deadlock),
      stacks(resolve_stack_size(config), resolve_guard_size(config)) {
  const int n = resolve_procs(config);
  for (int i = 0; i < n; ++i) {
    allp.push_back(std::make_unique<P>());
    allp.back()->id = i;
  }
  steal_strides = coprimes(static_cast<std::uint32_t>(n));
  start_time = nanotime();
  parse_debug_env(*this);
}

Sched::~Sched() = default;

Sched* sched() noexcept { return the_sched.load(std::memory_order_acquire); }

Sched* pin_runtime() noexcept {
  if (gate.fetch_add(kGateUser, std::memory_order_acq_rel) & kGateOpen) {
    return the_sched.load(std::memory_order_acquire);
  }
  unpin_runtime();
  return nullptr;
}

void unpin_runtime() noexcept { gate.fetch_sub(kGateUser, std::memory_order_acq_rel); }

RuntimePin::RuntimePin() noexcept {
  if (on_runtime_thread()) {
    s_ = sched();
  } else {
    s_ = pin_runtime();
    pinned_ = s_ != nullptr;
  }
}

[[gnu::noinline]] bool on_runtime_thread() noexcept {
  return current_m() != nullptr || tls_clean_runtime_thread;
}

bool in_forked_child() noexcept { return forked_child.load(std::memory_order_relaxed); }

void fatal(const char* what) noexcept {
  ::fprintf(stderr, "vfs runtime: fatal: %s\n", what);
  ::abort();
}

void fatal_in_forked_child(const char* what) noexcept {
  char line[256];
  std::snprintf(line, sizeof line,
                "in the child of a fork() made while a runtime ran, %s; the runtime does not "
                "exist there: only exec and _exit may follow such a fork()",
                what);
  fatal(line);
}

// noinline + an opaque asm: the thread pointer is re-read at every call, so
// a fiber that moved to another thread never sees the old thread's M.
[[gnu::noinline]] M* current_m() noexcept {
  M* m = tls_m;
  asm volatile("" ::: "memory");
  return m;
}

[[gnu::noinline]] G* current_g() noexcept {
  M* m = current_m();
  return m ? m->curg : nullptr;
}

std::uint32_t fastrand(M* m) noexcept {
  std::uint32_t x = m->rand_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return m->rand_state = x;
}

void notify(Sched& s, M* m) noexcept {
  m->park.wakeup();
  if (s.timer_waiter == m) s.poller.interrupt();
}

void wakep() noexcept {
  Sched* s = sched();
  if (!s || s->npidle.load() == 0) return;
  int expected = 0;
  if (s->nmspinning.load() != 0 || !s->nmspinning.compare_exchange_strong(expected, 1)) return;
  startm(*s, nullptr, true);
}

void start_queued_calls(Sched& s, bool overdue_only) {
  const std::int64_t now = nanotime();
  std::unique_lock lock(s.lock);
  if (s.shutdown.load()) return;  // they stay queued, like any runnable fiber
  GQueue due;
  GQueue waiting;
  std::int64_t first = 0;
  while (G* g = s.syscallq.pop_front()) {
    if (!overdue_only || g->relay_deadline <= now) {
      due.push_back(g);
    } else {
      waiting.push_back(g);
      if (first == 0 || g->relay_deadline < first) first = g->relay_deadline;
    }
  }
  s.syscallq.push_back_all(waiting);
  s.syscallq_deadline.store(first, std::memory_order_relaxed);
  while (G* g = due.pop_front()) {
    if (!start_call(s, g, lock)) {
      // Shutdown: they stay queued, like any runnable fiber.
      syscallq_put(s, g, now);
      while (G* rest = due.pop_front()) syscallq_put(s, rest, now);
      return;
    }
    lock.lock();
  }
}

void handoffp(Sched& s, P* p) noexcept {
  s.handoffs.fetch_add(1, std::memory_order_relaxed);
  // Work to do: give it a thread now.
  if (!runqempty(p) || s.runqsize.load() != 0) {
    startm(s, p, false);
    return;
  }
  // Nobody is looking for work: this P will.
  int expected = 0;
  if (s.nmspinning.load() + s.npidle.load() == 0 &&
      s.nmspinning.compare_exchange_strong(expected, 1)) {
    startm(s, p, true);
    return;
  }
  std::unique_lock lock(s.lock);
  const bool timers_unwatched =
      (s.timers.next() != 0 || s.poller.has_waiters()) && s.timer_waiter == nullptr;
  if (!s.shutdown.load() && (s.runqsize.load() != 0 || timers_unwatched)) {
    lock.unlock();
    startm(s, p, false);
    return;
  }
  pidleput(s, p);
  lock.unlock();
  // An idle P: the calls waiting for a returning thread wait no longer.
  if (s.syscallq_deadline.load(std::memory_order_relaxed) != 0) start_queued_calls(s, false);
}

void ready(G* g) noexcept {
  Sched& s = *sched();
  g->status.store(GStatus::runnable, std::memory_order_relaxed);
  M* m = current_m();
  if (m && m->p) {
    runqput(s, m->p, g, true);
    wakep();
    return;
  }
  // No P (a plain thread, sysmon, or an M between Ps): the global queue,
  // and a thread for an idle P. Not through wakep(): a spinning M about to
  // give up its P would not see this G (Go's injectglist does the same).
  {
    std::lock_guard lock(s.lock);
    globrunqput(s, g);
  }
  if (s.npidle.load() > 0) startm(s, nullptr, false);
}

void park(void (*unlock)(void*), void* arg) noexcept {
  G* g = current_g();
  // Inside syscall() the fiber holds no P: parking there would lose it.
  if (g->syscall_depth > 0) fatal("a fiber parked inside runtime::syscall()");
  SwitchRequest req{SwitchRequest::kPark, unlock, arg};
  switch_to_g0(g, req);
}

namespace {

// In the child of a fork() the runtime's other threads do not exist, and its
// locks may be held forever by them: the runtime is gone. The forking thread
// continues alone, as a plain thread (see in_forked_child).
void forget_runtime_in_child() noexcept {
  if (the_sched.load(std::memory_order_relaxed) == nullptr) return;
  forked_child.store(true, std::memory_order_relaxed);
  the_sched.store(nullptr, std::memory_order_relaxed);
  gate.store(0, std::memory_order_relaxed);
  tls_m = nullptr;
}

void watch_forks() noexcept {
  static const int registered = ::pthread_atfork(nullptr, nullptr, forget_runtime_in_child);
  (void)registered;
}

}  // namespace

void run_main(Task* main, const Config& config) {
  std::unique_ptr<Task> owned(main);
  if (current_m()) throw std::logic_error("vfs::runtime::run: called from a fiber");
  if (in_forked_child()) {
    throw std::logic_error("vfs::runtime::run: in the child of a fork() made while a runtime ran");
  }
  watch_forks();
  auto s = std::make_unique<Sched>(config);
  Sched* none = nullptr;
  if (!the_sched.compare_exchange_strong(none, s.get())) {
    throw std::logic_error("vfs::runtime::run: a runtime is already running");
  }
  auto* m0 = new M;
  m0->is_m0 = true;
  m0->rand_state = 0x2545f491u;
  m0->tsan_fiber = tsan_current_fiber();
  s->allm.push_back(m0);
  s->mcount.store(1);
  for (auto it = s->allp.rbegin(); it != s->allp.rend(); ++it) pidleput(*s, it->get());
  acquirep(m0, pidleget(*s));
  G* g = new_g(*s, owned.release());
  g->is_main = true;
  tls_m = m0;
  install_overflow_handler();
  void* altstack = add_signal_stack();
  runqput(*s, m0->p, g, true);
  s->sysmon = std::thread([&sched = *s] {
    tls_clean_runtime_thread = true;
    sysmon_main(sched);
  });
  s->template_thread = std::thread(template_thread_main, std::ref(*s));
  // Only now may plain threads come in (go(), wakeups): the setup above
  // touches the idle lists without the lock.
  gate.fetch_or(kGateOpen, std::memory_order_acq_rel);
  schedule_loop(*s, m0);
  if (m0->dead) wait_for_shutdown(*s, m0);
  tls_m = nullptr;
  drop_signal_stack(altstack);
  teardown(*s);
  std::exception_ptr error = s->main_error;
  the_sched.store(nullptr);
  s.reset();
  if (error) std::rethrow_exception(error);
}

namespace {

std::atomic<LockedSpawn> locked_spawn_policy{LockedSpawn::allow};
std::mutex reported_sites_mu;
std::set<std::string> reported_sites;

std::string describe_locked_spawn(G* parent, const SpawnSite& where) {
  return "fiber " + std::to_string(parent->id) + ", wired to its thread (lock_os_thread), " +
         "spawned a fiber at " + where.file_name() + ":" + std::to_string(where.line()) + " (" +
         where.function_name() + "); the new fiber runs on another thread, outside any " +
         "namespace or thread state the parent set up";
}

void check_locked_spawn(Sched& s, G* parent, const SpawnSite& where) {
  s.locked_spawns.fetch_add(1, std::memory_order_relaxed);
  switch (locked_spawn_policy.load(std::memory_order_relaxed)) {
    case LockedSpawn::allow:
      return;
    case LockedSpawn::report: {
      const std::string site = std::string(where.file_name()) + ":" + std::to_string(where.line());
      std::lock_guard lock(reported_sites_mu);
      if (reported_sites.insert(site).second) {
        ::fprintf(stderr, "vfs runtime: %s\n", describe_locked_spawn(parent, where).c_str());
      }
      return;
    }
    case LockedSpawn::refuse:
      throw LockedSpawnError("vfs::runtime::go: " + describe_locked_spawn(parent, where));
  }
}

}  // namespace

void spawn(TaskBuilder build, void* closure, const SpawnSite& where) {
  RuntimePin pin;
  Sched* s = pin.get();
  if (!s) {
    throw std::logic_error(in_forked_child()
                               ? "vfs::runtime::go: no runtime in the child of a fork() made "
                                 "while one ran (only exec and _exit may follow it)"
                               : "vfs::runtime::go: no runtime is running");
  }
  if (G* parent = current_g(); parent && parent->lock_count > 0) {
    check_locked_spawn(*s, parent, where);
  }
  G* g = new_g(*s, nullptr);
  try {
    g->task = build(closure, g->task_slot);
  } catch (...) {  // the closure's copy or move threw: the G was never seen
    gfput(*s, current_m() ? current_m()->p : nullptr, g);
    throw;
  }
  M* m = current_m();
  if (m && m->p) {
    runqput(*s, m->p, g, true);
    wakep();
    return;
  }
  ready(g);
}

// --- syscalls (Go's entersyscall/exitsyscall) --------------------------------

namespace {

// What every entry into a call records, whatever happens to the P.
void mark_in_syscall(G* g, M* m) noexcept {
  m->syscalls.store(m->syscalls.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  g->status.store(GStatus::syscall, std::memory_order_relaxed);
  m->p->in_fiber.store(false, std::memory_order_relaxed);
}

// For a call expected to block (Go's entersyscallblock): when the P has
// other fibers to run, the fiber moves to another thread for the call and
// the P stays (handoff_syscall); else, or when the fiber is wired to its
// thread, the P is given away now.
void enter_syscall_handing_off(G* g) noexcept {
  M* m = g->m;
  mark_in_syscall(g, m);
  Sched& s = *sched();
  if (g->lockedm == nullptr && (!runqempty(m->p) || s.runqsize.load() != 0)) {
    SwitchRequest req{SwitchRequest::kSyscallHandoff};
    switch_to_g0(g, req);  // resumed on the M that makes the call, without a P
    return;
  }
  handoff_syscall_p(s, m);
}

// A call this short is one sysmon would not have retaken: the fiber's calls
// no longer need an immediate handoff.
constexpr std::int64_t kShortSyscallNs = 20'000;

}  // namespace

void enter_syscall() noexcept {
  G* g = current_g();
  if (g->syscall_depth++ > 0) return;
  if (g->handoff_syscalls) {
    // Its calls block: waiting for sysmon would leave the P idle for a tick
    // per call (the case Go's sysmon misses once it has backed off).
    enter_syscall_handing_off(g);
    g->learned_call = true;
    g->handoff_since = nanotime();  // after any move: time the call alone
    return;
  }
  M* m = g->m;
  P* p = m->p;
  mark_in_syscall(g, m);
  p->m = nullptr;
  m->oldp = p;
  m->p = nullptr;
  // From here sysmon may take p (CAS syscall -> idle).
  p->status.store(PStatus::syscall, std::memory_order_release);
}

void enter_syscall_block() noexcept {
  G* g = current_g();
  if (g->syscall_depth++ > 0) return;
  enter_syscall_handing_off(g);
  g->learned_call = false;
  g->handoff_since = nanotime();
}

void exit_syscall() noexcept {
  G* g = current_g();
  if (--g->syscall_depth > 0) return;
  M* m = g->m;
  Sched& s = *sched();
  if (g->handoff_since != 0) {
    g->call_ns = nanotime() - std::exchange(g->handoff_since, 0);
    if (g->learned_call && g->call_ns < kShortSyscallNs) g->handoff_syscalls = false;
  }
  // Fast path: our P is still waiting for us.
  if (P* oldp = std::exchange(m->oldp, nullptr)) {
    PStatus expected = PStatus::syscall;
    if (oldp->status.compare_exchange_strong(expected, PStatus::running,
                                             std::memory_order_acq_rel)) {
      m->p = oldp;
      oldp->m = m;
      oldp->in_fiber.store(true, std::memory_order_relaxed);
      oldp->syscalltick.fetch_add(1, std::memory_order_relaxed);
      g->status.store(GStatus::running, std::memory_order_relaxed);
      return;
    }
    g->handoff_syscalls = true;  // sysmon had to retake it: hand off at once next time
  }
  // It was taken: any idle P will do.
  if (s.npidle.load() > 0) {
    std::unique_lock lock(s.lock);
    P* p = pidleget(s);
    lock.unlock();
    if (p) {
      acquirep(m, p);
      p->in_fiber.store(true, std::memory_order_relaxed);
      g->status.store(GStatus::running, std::memory_order_relaxed);
      return;
    }
  }
  // None: g0 queues us globally and parks this thread.
  SwitchRequest req{SwitchRequest::kExitSyscall};
  switch_to_g0(g, req);
}

}  // namespace vfs::runtime::detail

namespace vfs::runtime {

void lock_os_thread() noexcept {
  detail::G* g = detail::current_g();
  if (!g) return;
  if (g->lock_count++ == 0) {
    g->lockedm = g->m;
    g->m->lockedg = g;
  }
}

void unlock_os_thread() noexcept {
  detail::G* g = detail::current_g();
  if (!g || g->lock_count == 0) return;
  if (--g->lock_count == 0) {
    g->m->lockedg = nullptr;
    g->lockedm = nullptr;
  }
}

bool os_thread_locked() noexcept {
  detail::G* g = detail::current_g();
  return g && g->lock_count > 0;
}

LockedSpawn set_locked_spawn_policy(LockedSpawn policy) noexcept {
  return detail::locked_spawn_policy.exchange(policy);
}

void yield() noexcept {
  detail::G* g = detail::current_g();
  if (!g || g->syscall_depth > 0) {  // inside syscall(): no P to yield
    std::this_thread::yield();
    return;
  }
  detail::SwitchRequest req{detail::SwitchRequest::kYield};
  detail::switch_to_g0(g, req);
}

bool on_fiber() noexcept { return detail::current_g() != nullptr; }

int procs() noexcept {
  detail::RuntimePin pin;
  detail::Sched* s = pin.get();
  return s ? s->nprocs() : 0;
}

int idle_procs() noexcept {
  detail::RuntimePin pin;
  detail::Sched* s = pin.get();
  return s ? s->npidle.load(std::memory_order_relaxed) : 0;
}

std::uint64_t fiber_id() noexcept {
  detail::G* g = detail::current_g();
  return g ? g->id.load(std::memory_order_relaxed) : 0;
}

int set_max_threads(int limit) noexcept { return detail::max_threads.exchange(std::max(1, limit)); }

Stats stats() noexcept {
  Stats out;
  detail::RuntimePin pin;
  detail::Sched* s = pin.get();
  if (!s) return out;
  out.procs = s->nprocs();
  out.threads = s->mcount.load();
  out.idle_procs = s->npidle.load();
  out.spawned = s->goid.load();
  out.live_fibers = s->live.load();
  out.steals = s->steals.load();
  {
    std::lock_guard lock(s->lock);
    for (detail::M* m : s->allm) out.syscalls += m->syscalls.load(std::memory_order_relaxed);
  }
  out.retakes = s->retakes.load();
  out.handoffs = s->handoffs.load();
  out.moved_syscalls = s->moved_syscalls.load();
  out.relayed_syscalls = s->relayed_syscalls.load();
  out.deadlock_reports = s->deadlock_reports.load();
  out.long_runs = s->long_runs.load();
  out.locked_spawns = s->locked_spawns.load();
  out.trace_lines = s->trace_lines.load();
  out.sysmon_polled = s->sysmon_polled.load();
  return out;
}

}  // namespace vfs::runtime
