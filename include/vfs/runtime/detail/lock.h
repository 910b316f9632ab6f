// Lock: the runtime's internal lock for short critical sections (Go's
// lock_futex): an atomic word, a short spin, then a futex sleep.
//
// Not std::mutex, because a parking fiber's lock is taken on the fiber and
// released by its thread's scheduler context (g0) after the switch - a
// different execution context, which std::mutex forbids and ThreadSanitizer
// flags. Plain atomics carry the happens-before that matters.
#pragma once

#include <atomic>
#include <cstdint>

namespace vfs::runtime::detail {

class Lock {
 public:
  void lock() noexcept {
    std::uint32_t unlocked = 0;
    if (!state_.compare_exchange_strong(unlocked, 1, std::memory_order_acquire)) lock_slow();
  }
  void unlock() noexcept {
    if (state_.exchange(0, std::memory_order_release) == 2) wake_one();
  }

 private:
  void lock_slow() noexcept;
  void wake_one() noexcept;

  std::atomic<std::uint32_t> state_{0};  // 0 free, 1 held, 2 held with sleepers
};

}  // namespace vfs::runtime::detail
