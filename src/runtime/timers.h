// Timers: one heap of deadlines shared by all Ps.
//
// Simpler than Go's per-P timer heaps (Go >= 1.14) at the cost of one lock
// per timer operation; good enough for sleep_for. Expired timers are run by
// whichever M schedules next (the check is one relaxed load while no timer
// is pending), and an idle M sleeps until the earliest deadline (see stopm).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "runtime/park.h"
#include "vfs/runtime/detail/lock.h"

namespace vfs::runtime::detail {

class Timers {
 public:
  Lock& mu() noexcept { return mu_; }

  using Fire = void (*)(void* arg) noexcept;

  // Caller holds mu(). Schedules wake(w) at `when` (nanotime); returns true
  // if this is now the earliest deadline.
  bool add_locked(std::int64_t when, Waiter* w);

  // Caller holds mu(). Schedules fire(arg) at `when`; fire runs with mu()
  // held (so remove_locked() is final) on whichever thread runs timers, and
  // must not block.
  bool add_locked(std::int64_t when, Fire fire, void* arg);

  // Removes arg's timer if still pending. Caller holds mu().
  bool remove_locked(const void* arg) noexcept;

  // The earliest deadline, 0 if none. Lock-free.
  std::int64_t next() const noexcept { return next_.load(std::memory_order_acquire); }

  // Fires every timer whose deadline is <= now. Returns how many.
  int run_expired(std::int64_t now) noexcept;

  std::size_t size() noexcept;

 private:
  struct Entry {
    std::int64_t when;
    std::uint64_t seq;  // FIFO among equal deadlines
    Fire fire;
    void* arg;
  };
  void publish_next() noexcept;

  Lock mu_;
  std::vector<Entry> heap_;
  std::uint64_t seq_ = 0;
  std::atomic<std::int64_t> next_{0};
};

}  // namespace vfs::runtime::detail
