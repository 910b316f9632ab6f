// Config: how run() sizes the runtime.
#pragma once

#include <cstddef>

namespace vfs::runtime {

// What run() does when every fiber is parked and nothing can wake one: no
// fiber is runnable or in a system call, no timer is pending, no fiber waits
// for I/O (Go's "all goroutines are asleep - deadlock!"). A thread outside
// the runtime could still wake a fiber (send on a channel, unlock a mutex),
// and the runtime cannot know whether one will, so by default it fails only
// when no such thread exists.
enum class OnDeadlock {
  // Throw DeadlockError from run() if this process has no thread besides
  // the runtime's own; with other threads, report once (after a second)
  // and keep waiting for them.
  fail,
  // Throw DeadlockError whatever other threads exist: for programs whose
  // other threads never wake fibers (and for tests).
  fail_even_with_threads,
  // Report once on stderr (after a second) and keep waiting.
  report,
  // Keep waiting, silently.
  ignore,
};

struct Config {
  // Logical processors (Go's GOMAXPROCS). 0: the environment variable
  // VFS_MAXPROCS if set, else the number of CPUs this process may run on
  // (sched_getaffinity). An explicit value here wins over the environment,
  // as runtime.GOMAXPROCS(n) wins over GOMAXPROCS in Go.
  int procs = 0;

  // Usable bytes per fiber stack, rounded up to whole pages. Fiber stacks do
  // not grow: size them for the deepest call chain a fiber makes. 0: 64 KiB
  // (256 KiB in sanitizer builds, whose frames are larger).
  std::size_t stack_size = 0;

  // An inaccessible region below every stack, so an overflow faults (and
  // the fault names the fiber) instead of corrupting the stack mapped below.
  // Installed with madvise(MADV_GUARD_INSTALL) (Linux >= 6.13: no extra VMA,
  // no memory), else mprotect (no memory, one extra VMA per stack, so about
  // 32k live stacks fit under the default vm.max_map_count).
  bool guard_pages = true;

  // Bytes of guard below each stack, rounded up to whole pages. 0: 64 KiB.
  // A function whose frame is larger than the guard could step over it,
  // unless it was compiled with -fstack-clash-protection, which probes every
  // page of a large frame as it is allocated: the vfs::vfs CMake target
  // passes that flag to the code that links it, and the library is built
  // with it.
  std::size_t guard_size = 0;

  OnDeadlock on_deadlock = OnDeadlock::fail;
};

}  // namespace vfs::runtime
