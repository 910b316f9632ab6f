// Fiber stacks: mmap'd, guarded, pooled.
//
// Each stack is one anonymous mapping: a guard region at the low end (64 KiB
// by default), then `usable` bytes. The guard is larger than one page
// because a function with a large frame (a 64 KiB buffer is ordinary code)
// moves the stack pointer past a one-page guard in one step and writes into
// whatever is mapped below - the stack of another fiber - without a fault.
// It is installed with madvise(MADV_GUARD_INSTALL) where the kernel has it
// (Linux >= 6.13), which adds no VMA and costs no memory - so adjacent stacks
// can even share one - and with mprotect(PROT_NONE) otherwise, which splits
// the mapping: two VMAs per stack, about 32k stacks under the default
// vm.max_map_count of 65530. For a million live fibers on an older kernel,
// raise vm.max_map_count above 2M or turn Config::guard_pages off.
//
// Freed stacks go back to a pool (up to a cap) instead of being unmapped:
// mapping is the expensive part of a spawn, and reuse keeps the touched
// pages warm.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "runtime/context.h"

namespace vfs::runtime::detail {

struct Stack {
  void* mapping = nullptr;  // start of the mmap (the guard page, if any)
  std::size_t mapped = 0;   // length of the mmap
  std::size_t guard = 0;    // bytes of guard at the low end

  explicit operator bool() const noexcept { return mapping != nullptr; }
  void* bottom() const noexcept { return static_cast<char*>(mapping) + guard; }
  std::size_t usable() const noexcept { return mapped - guard; }
  StackRange range() const noexcept { return {bottom(), usable()}; }
};

class StackPool {
 public:
  // `guard`: bytes of guard below each stack (0: none).
  StackPool(std::size_t usable, std::size_t guard);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  // A stack, or an empty Stack if the kernel refuses the mapping.
  Stack get() noexcept;
  void put(Stack stack) noexcept;

  std::size_t usable_size() const noexcept { return usable_; }

 private:
  Stack map_new() noexcept;
  static void unmap(Stack stack) noexcept;

  const std::size_t usable_;
  const std::size_t guard_;
  std::mutex mu_;
  std::vector<Stack> free_;
};

}  // namespace vfs::runtime::detail
