// Mutex: a lock whose waiters park (a fiber) or block (a plain thread).
//
// Unlike std::mutex, a fiber waiting for it does not hold its thread: the
// thread runs other fibers meanwhile. Ownership is handed directly to the
// longest waiter on unlock (FIFO, no barging), so no waiter starves. Not
// recursive; unlocking from another fiber than the owner is allowed (as in
// Go). Satisfies Lockable, so std::lock_guard / std::unique_lock work.
#pragma once

#include <atomic>

#include "vfs/runtime/detail/lock.h"

namespace vfs::runtime {

namespace detail {
struct Waiter;
struct WaiterNode;
}  // namespace detail

class Mutex {
 public:
  Mutex() = default;
  // Destroying a mutex a plain thread waits for is undefined; fibers parked
  // on it are forgotten (they can never run again).
  ~Mutex();
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock();
  bool try_lock() noexcept;
  void unlock();

 private:
  static void unqueue(void* arg) noexcept;  // run() drops a parked locker

  std::atomic<bool> locked_{false};
  detail::Lock guard_;  // protects the wait list; held only for a few instructions
  detail::WaiterNode* head_ = nullptr;
  detail::WaiterNode* tail_ = nullptr;
};

}  // namespace vfs::runtime
