// The scheduler: run a program's main fiber, spawn fibers, yield.
//
// An M:P:N runtime after Go's (runtime/proc.go): fibers (G) run on OS threads
// (M), each of which must hold one of a fixed number of logical processors
// (P) to run fibers. Every P has a bounded local run queue plus a `runnext`
// slot; there is one global run queue; idle Ps' threads steal half of a
// victim's queue. Scheduling is cooperative: a fiber runs until it yields,
// parks (channel, mutex, sleep...) or exits. A blocking system call made
// through runtime::syscall() lets the thread's P go to another thread
// (see syscall.h).
//
//   vfs::runtime::run([] {
//     vfs::runtime::WaitGroup wg;
//     for (int i = 0; i < 10; ++i) { wg.add(1); vfs::runtime::go([&] { work(); wg.done(); }); }
//     wg.wait();
//   });
//
// run() returns when the main fiber returns. Like a Go program's exit, it
// does not wait for other fibers: those still runnable or parked are dropped
// without being resumed (their closures are destroyed, their stacks are not
// unwound, so what they hold on the heap is not freed). It does wait for
// threads busy in a fiber that has not reached its next switch, or in a
// system call, so every fiber should be finished or parked when main
// returns. Only one runtime runs at a time per process.
//
// A Channel, Mutex or WaitGroup may outlive run(): a dropped fiber parked
// on one is taken out of its queue first, so the primitive goes on as if it
// had never waited (a close() or unlock() after run() wakes nobody; a mutex
// a dropped fiber held stays locked). A primitive destroyed while fibers are
// parked on it (say, one on main's stack when main returns) forgets them.
//
// From a plain thread, go() and anything that wakes a fiber either act on
// the live runtime or - once run() has begun to end - do nothing to it
// (go() throws); they never touch a runtime being torn down.
//
// fork(): in the child of a fork() made while a runtime runs, the runtime
// does not exist (its threads were not copied). The forking fiber's code
// goes on as a plain thread: system calls, syscall() and DirFS work, go()
// throws; a wait that would park, or the fiber returning, ends the child
// with a message. As in Go, exec or _exit is what should follow.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <type_traits>

#include "vfs/runtime/config.h"
#include "vfs/runtime/detail/task.h"

namespace vfs::runtime {

// Where go() was called, for the locked-spawn report: std::source_location's
// interface, built on the builtins GCC and clang share, because clang 14 with
// libstdc++ 12 (Debian 12's pair, used for the fuzz build) has no
// std::source_location.
class SpawnSite {
 public:
  static constexpr SpawnSite current(const char* file = __builtin_FILE(),
                                     unsigned line = __builtin_LINE(),
                                     const char* function = __builtin_FUNCTION()) noexcept {
    return SpawnSite(file, line, function);
  }
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr unsigned line() const noexcept { return line_; }
  constexpr const char* function_name() const noexcept { return function_; }

 private:
  constexpr SpawnSite(const char* file, unsigned line, const char* function) noexcept
      : file_(file), line_(line), function_(function) {}
  const char* file_;
  unsigned line_;
  const char* function_;
};

// Thrown by run() when every fiber was asleep with nothing left to wake
// one (see OnDeadlock). what() lists the parked fibers and what each waits
// for. The fibers have been dropped, as when main returns.
class DeadlockError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
void run_main(Task* main, const Config& config);
void spawn(TaskBuilder build, void* closure, const SpawnSite& where);
}  // namespace detail

// Runs `main` as the first fiber of a new runtime on the calling thread (which
// becomes the runtime's first M) and returns when it returns. An exception
// escaping `main` is rethrown here after the runtime has stopped; one
// escaping any other fiber terminates the process (as an unrecovered panic
// does in Go). Throws std::logic_error if a runtime is already running.
template <class F>
void run(F&& main, const Config& config = {}) {
  detail::run_main(detail::make_task(std::forward<F>(main)), config);
}

// Starts `fn` on a new fiber. Callable from a fiber or from any thread while
// a runtime is running; throws std::logic_error when none is. The fiber's
// stack is mapped when it first runs, so a queued fiber costs only its
// descriptor and closure. From a fiber locked to its thread, the spawn is
// subject to the LockedSpawn policy (lock_os_thread.h); `where` names the
// spawn site in its report or error.
template <class F>
void go(F&& fn, const SpawnSite& where = SpawnSite::current()) {
  if constexpr (std::is_function_v<std::remove_reference_t<F>>) {
    go(&fn, where);  // a function: its pointer is the closure
  } else {
    detail::spawn(
        [](void* closure, detail::TaskSlot& slot) {
          return detail::make_task(
              std::forward<F>(*static_cast<std::remove_reference_t<F>*>(closure)), slot);
        },
        const_cast<void*>(static_cast<const void*>(std::addressof(fn))), where);
  }
}

// Lets other fibers run (Go's runtime.Gosched: the caller goes to the global
// run queue). On a plain thread: std::this_thread::yield().
void yield() noexcept;

// True when the caller is a fiber of the running runtime.
bool on_fiber() noexcept;

// The number of Ps of the running runtime, 0 when none runs.
int procs() noexcept;

// The Ps with nothing to run at this moment (0 when no runtime runs): a
// hint for code that decides whether to spread work over more fibers.
int idle_procs() noexcept;

// A number identifying the calling fiber (1 for main), 0 on a plain thread.
std::uint64_t fiber_id() noexcept;

}  // namespace vfs::runtime
