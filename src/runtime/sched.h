// The scheduler's internal state: G (fiber), M (thread), P (processor),
// and the global Sched. Names and structure follow Go's runtime2.go/proc.go
// so that the Go source can be read side by side.
//
// Rules that keep this correct when fibers migrate between threads:
// - Code running on a fiber finds "its" M through current_g()->m, never by
//   caching a thread_local: current_m()/current_g() are noinline so every
//   call re-reads the thread pointer after a possible switch.
// - A G becomes visible to other Ms (run queue, wait list) only after the
//   switch away from its stack is complete: parking hands an unlock function
//   to g0, which runs it on the thread's own stack (Go's mcall/park_m).
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/context.h"
#include "runtime/note.h"
#include "runtime/poller.h"
#include "runtime/stack.h"
#include "runtime/timers.h"
#include "vfs/runtime/config.h"
#include "vfs/runtime/detail/lock.h"
#include "vfs/runtime/detail/task.h"

namespace vfs::runtime::detail {

struct M;
struct P;

enum class GStatus : std::uint32_t { runnable, running, syscall, waiting, dead };
enum class PStatus : std::uint32_t { idle, running, syscall };

struct G {
  // Atomic: scheddetail reads it from sysmon while a reused G gets a new one.
  std::atomic<std::uint64_t> id{0};
  Task* task = nullptr;  // in task_slot, or on the heap if it did not fit
  TaskSlot task_slot;
  Stack stack;             // mapped on first run
  Fctx ctx = nullptr;      // where it resumes; valid while not running
  Fctx ret_ctx = nullptr;  // the g0 that resumed it last
  StackRange ret_stack;    // that g0's stack (ASan only)
  void* tsan_fiber = nullptr;
  std::atomic<GStatus> status{GStatus::runnable};
  M* m = nullptr;          // the M running it; rewritten at every resume
  G* schedlink = nullptr;  // run queue link
  G* all_prev = nullptr;   // allgs links
  G* all_next = nullptr;
  bool is_main = false;
  M* lockedm = nullptr;   // lock_os_thread: the only M it may run on
  int lock_count = 0;     // lock_os_thread nesting
  int syscall_depth = 0;  // > 1: a syscall() inside a syscall() (a no-op)
  // syscall() learns per fiber: once sysmon had to retake its P, its next
  // calls hand the P off at once (as syscall_blocking), until one returns
  // within a sysmon tick again. handoff_since: when a handed-off call began;
  // learned_call: it was one of those, so its length can unlearn (a call
  // through syscall_blocking says nothing of the fiber's syscall() calls).
  bool handoff_syscalls = false;
  bool learned_call = false;
  std::int64_t handoff_since = 0;
  // How long its last call on another thread took, and, while it waits in
  // Sched::syscallq, when it stops waiting for a returning thread.
  std::int64_t call_ns = 0;
  std::int64_t relay_deadline = 0;
  // While parked: what it waits for (deadlock reports), and how to take it
  // out of the primitive's queue if run() drops it (park.h; the Unqueue
  // lives in the parked fiber's frame). Atomic: sysmon and run()'s teardown
  // read them, and a primitive's destructor may clear `unqueue` from any
  // thread.
  std::atomic<const char*> wait_reason{nullptr};
  std::atomic<const Unqueue*> unqueue{nullptr};
};

// A FIFO of Gs linked through schedlink.
struct GQueue {
  G* head = nullptr;
  G* tail = nullptr;
  std::int64_t size = 0;

  bool empty() const noexcept { return head == nullptr; }
  void push_back(G* g) noexcept;
  void push_back_all(GQueue& other) noexcept;
  G* pop_front() noexcept;
};

// P's local run queue: a bounded single-producer, multi-consumer ring
// (Go's runq). Only the owner P pushes; owner and thieves pop with a CAS on
// head. Slots are relaxed atomics: a thief may read a slot the owner is
// overwriting, and discards what it read when its CAS fails.
constexpr std::uint32_t kLocalQueueSize = 256;

struct P {
  int id = 0;
  std::atomic<PStatus> status{PStatus::idle};
  M* m = nullptr;                             // owner, when running
  P* link = nullptr;                          // idle list
  std::atomic<std::uint32_t> schedtick{0};    // ++ per fiber scheduled
  std::atomic<std::uint32_t> syscalltick{0};  // ++ per syscall left
  std::atomic<std::uint32_t> switches{0};     // ++ per fiber resumed (long-run detection)
  std::atomic<bool> in_fiber{false};          // a fiber runs on it (not g0, not a syscall)
  std::atomic<std::uint32_t> head{0};
  std::atomic<std::uint32_t> tail{0};
  std::array<std::atomic<G*>, kLocalQueueSize> runq{};
  std::atomic<G*> runnext{nullptr};
  std::vector<G*> gfree;  // exited Gs, for reuse (Go's gFree); owner only

  // sysmon's private record of the last tick it saw (Go's sysmontick).
  std::uint32_t seen_switches = 0;
  std::int64_t seen_switchwhen = 0;
  bool long_run_counted = false;
  bool seen_in_syscall = false;
  std::uint32_t seen_syscalltick = 0;
  std::int64_t seen_syscallwhen = 0;
};

struct M {
  int id = 0;
  P* p = nullptr;          // the P it holds
  P* nextp = nullptr;      // the P it is to take when woken
  P* oldp = nullptr;       // the P it held before entering a syscall
  G* nextg = nullptr;      // a fiber to run without a P: its blocking call
  G* curg = nullptr;       // the G it runs; nullptr on g0
  bool spinning = false;   // looking for work with a P but none yet
  bool is_m0 = false;      // the thread that called run()
  G* lockedg = nullptr;    // the only G this M may run (lock_os_thread)
  bool dead = false;       // its locked G exited: the thread is not reused
  M* schedlink = nullptr;  // idle list
  Note park;
  void* tsan_fiber = nullptr;  // g0's TSan fiber
  std::uint32_t rand_state = 0;
  std::atomic<std::uint64_t> syscalls{0};  // per M: no shared cache line on the fast path
  std::thread thread;                      // not for m0
};

// What a G asks g0 to do when it switches away.
struct SwitchRequest {
  enum Kind { kYield, kPark, kExit, kExitSyscall, kSyscallHandoff } kind;
  void (*unlock)(void*) = nullptr;  // kPark: run on g0 after the switch
  void* arg = nullptr;
};

struct Sched {
  explicit Sched(const Config& config);
  ~Sched();

  Lock lock;  // Go's sched.lock: idle lists, global queue
  GQueue runq;
  std::atomic<std::int64_t> runqsize{0};
  P* pidle = nullptr;
  std::atomic<int> npidle{0};
  M* midle = nullptr;
  int nmidle = 0;
  std::atomic<int> nmspinning{0};
  std::atomic<int> mcount{0};  // Ms alive
  std::vector<std::unique_ptr<P>> allp;
  std::vector<M*> allm;                      // guarded by lock
  std::vector<std::uint32_t> steal_strides;  // numbers coprime to nprocs (Go's randomOrder)
  M* timer_waiter = nullptr;  // the idle M sleeping in epoll until the next timer or I/O
  // Fibers about to make a blocking call, waiting for a thread that comes
  // back from another one (handoff_syscall, proc.cc). Guarded by lock, but
  // for syscallq_deadline: no later than the first relay_deadline in it, 0
  // when empty; every scheduling round reads it.
  GQueue syscallq;
  std::atomic<std::int64_t> syscallq_deadline{0};
  std::int64_t last_return = 0;  // when an M last came back from a call without a P
  std::int64_t return_gap = 0;   // average time between such returns (0: none seen)
  std::atomic<bool> shutdown{false};
  std::exception_ptr main_error;  // guarded by lock once fibers run
  OnDeadlock on_deadlock = OnDeadlock::fail;

  std::mutex allgs_lock;
  G* allgs = nullptr;  // every G, including those on the free lists
  Lock gfree_lock;
  std::vector<G*> gfree;  // overflow of the Ps' free lists

  StackPool stacks;
  Timers timers;
  Poller poller;

  std::thread sysmon;

  // The template thread (Go's templateThread): creates Ms on behalf of
  // threads whose kernel state may be unusual (a locked M, a user thread),
  // so no new M inherits a namespace, signal mask or name set there.
  std::thread template_thread;
  std::mutex template_mu;
  std::condition_variable template_cv;
  std::vector<M*> template_queue;
  bool template_stop = false;
  std::atomic<std::uint64_t> locked_spawns{0};
  std::atomic<std::uint64_t> sysmon_polled{0};

  // schedtrace (VFS_DEBUG=schedtrace=<ms>[,scheddetail=1], like GODEBUG).
  std::int64_t start_time = 0;
  std::int64_t trace_period_ns = 0;  // 0: off
  bool trace_detail = false;
  std::atomic<std::uint64_t> trace_lines{0};
  Note sysmon_note;
  std::atomic<bool> sysmon_stop{false};

  std::atomic<std::uint64_t> goid{0};
  std::atomic<std::uint64_t> live{0};
  std::atomic<std::uint64_t> steals{0};
  std::atomic<std::uint64_t> retakes{0};
  std::atomic<std::uint64_t> handoffs{0};
  std::atomic<std::uint64_t> moved_syscalls{0};
  std::atomic<std::uint64_t> relayed_syscalls{0};
  std::atomic<std::uint64_t> deadlock_reports{0};
  std::atomic<std::uint64_t> long_runs{0};

  int nprocs() const noexcept { return static_cast<int>(allp.size()); }
};

// The running runtime, nullptr when none. Only for the runtime's own threads
// and fibers, which run() stops before it frees the Sched; anything else
// pins it first.
Sched* sched() noexcept;

// Pins the running runtime for a thread outside it (go() or a wakeup from a
// plain thread): run() does not tear a runtime down while it is pinned, and
// refuses new pins once it has begun to. Returns nullptr (nothing pinned)
// when no runtime runs or it is ending. Pins are held for a few
// instructions, never across a blocking wait.
Sched* pin_runtime() noexcept;
void unpin_runtime() noexcept;

// The running runtime for code that may run on any thread: pinned when the
// caller is outside the runtime, plain sched() on its own threads.
class RuntimePin {
 public:
  RuntimePin() noexcept;
  ~RuntimePin() { release(); }
  RuntimePin(const RuntimePin&) = delete;
  RuntimePin& operator=(const RuntimePin&) = delete;
  Sched* get() const noexcept { return s_; }
  explicit operator bool() const noexcept { return s_ != nullptr; }
  void release() noexcept {
    if (pinned_) unpin_runtime();
    pinned_ = false;
  }

 private:
  Sched* s_ = nullptr;
  bool pinned_ = false;
};

// An M, sysmon or the template thread: the runtime cannot be torn down
// under them.
bool on_runtime_thread() noexcept;

// True in the child of a fork() made while a runtime ran. There the runtime
// does not exist (its other threads were not copied): a runtime call that
// would need it ends the process with a message naming `what`.
bool in_forked_child() noexcept;
[[noreturn]] void fatal_in_forked_child(const char* what) noexcept;

// Prints "vfs runtime: fatal: <what>" and aborts.
[[noreturn]] void fatal(const char* what) noexcept;
M* current_m() noexcept;
G* current_g() noexcept;

// Makes a parked G runnable (Go's ready): onto the caller's P if it has one,
// else onto the global queue; wakes an idle P if there is one.
void ready(G* g) noexcept;

// Parks the calling fiber: switches to g0, which then calls unlock(arg).
// Whoever later finds the G (after unlock) calls ready() on it.
void park(void (*unlock)(void*), void* arg) noexcept;

// Wakes an idle P if there is one and nobody is spinning (Go's wakep).
void wakep() noexcept;
// Gives `p` (not owned by anyone) to a thread that will run it, or idles it.
void handoffp(Sched& s, P* p) noexcept;
bool runqempty(const P* p) noexcept;
// Gives the fibers in Sched::syscallq to idle or new Ms: all of them, or
// those that waited their time.
void start_queued_calls(Sched& s, bool overdue_only);
std::uint32_t fastrand(M* m) noexcept;

// Wakes m (sched.lock held): its Note, and the poller if m sleeps in it.
void notify(Sched& s, M* m) noexcept;

// Ends the runtime as if main had returned, with `error` for run() to
// rethrow (unless main already left one).
void stop_with_error(Sched& s, std::exception_ptr error) noexcept;

// sysmon.cc
void sysmon_main(Sched& s) noexcept;
void wake_timer_waiter(Sched& s) noexcept;

// deadlock.cc: sysmon's watch for a runtime whose fibers are all asleep
// (Go's checkdead), acting on Config::on_deadlock.
struct DeadlockWatch {
  bool asleep = false;         // the last look found every fiber asleep
  std::uint64_t progress = 0;  // the progress marker then
  std::int64_t since = 0;      // asleep since (nanotime)
  bool reported = false;
};
void watch_deadlock(Sched& s, DeadlockWatch& watch, std::int64_t now);

}  // namespace vfs::runtime::detail
