// Config: how run() sizes the runtime.
#pragma once

#include <cstddef>

namespace vfs::runtime {

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

  // One inaccessible page below every stack, so an overflow faults instead
  // of corrupting a neighbour. Installed with madvise(MADV_GUARD_INSTALL)
  // (Linux >= 6.13: no extra VMA), else mprotect (one extra VMA per stack,
  // so about 32k live stacks fit under the default vm.max_map_count).
  bool guard_pages = true;
};

}  // namespace vfs::runtime
