#include "vfs/runtime/detail/lock.h"

#include <sched.h>

#include "runtime/note.h"

namespace vfs::runtime::detail {

void Lock::lock_slow() noexcept {
  // Critical sections are a few instructions: spin briefly before sleeping.
  for (int spin = 0; spin < 64; ++spin) {
    std::uint32_t unlocked = 0;
    if (state_.load(std::memory_order_relaxed) == 0 &&
        state_.compare_exchange_weak(unlocked, 1, std::memory_order_acquire)) {
      return;
    }
    if (spin >= 48) ::sched_yield();
  }
  // Mark contended (2) and sleep until an unlock sees the mark.
  while (state_.exchange(2, std::memory_order_acquire) != 0) futex_wait(&state_, 2, nullptr);
}

void Lock::wake_one() noexcept { futex_wake(&state_, 1); }

}  // namespace vfs::runtime::detail
