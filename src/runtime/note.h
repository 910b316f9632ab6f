// Note: a one-shot wakeup an OS thread sleeps on (Go's note), on a futex.
//
// sleep() returns once wakeup() has been called since the last clear();
// wakeups before the sleep are not lost. Used to park idle Ms and sysmon
// without burning CPU.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "runtime/clock.h"

namespace vfs::runtime::detail {

inline void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                       const timespec* relative_timeout) noexcept {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected,
            relative_timeout, nullptr, 0);
}

inline void futex_wake(std::atomic<std::uint32_t>* word, int count) noexcept {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAKE_PRIVATE, count, nullptr,
            nullptr, 0);
}

class Note {
 public:
  void wakeup() noexcept {
    key_.store(1, std::memory_order_release);
    futex_wake(&key_, 1);
  }

  void sleep() noexcept {
    while (key_.load(std::memory_order_acquire) == 0) futex_wait(&key_, 0, nullptr);
  }

  // Sleeps until woken or until the monotonic clock reaches `deadline_ns`.
  // Returns true if woken.
  bool sleep_until(std::int64_t deadline_ns) noexcept {
    while (key_.load(std::memory_order_acquire) == 0) {
      const std::int64_t left = deadline_ns - nanotime();
      if (left <= 0) return false;
      const timespec rel{static_cast<time_t>(left / 1'000'000'000),
                         static_cast<long>(left % 1'000'000'000)};
      futex_wait(&key_, 0, &rel);
    }
    return true;
  }

  void clear() noexcept { key_.store(0, std::memory_order_relaxed); }

 private:
  std::atomic<std::uint32_t> key_{0};
};

}  // namespace vfs::runtime::detail
