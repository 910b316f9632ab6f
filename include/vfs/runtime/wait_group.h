// WaitGroup: wait for a collection of fibers to finish (Go's sync.WaitGroup).
//
//   WaitGroup wg;
//   wg.add(n);                       // before starting the n fibers
//   ... each fiber calls wg.done() ...
//   wg.wait();                       // parks until the counter is zero
//
// A counter going negative throws std::logic_error (Go panics).
#pragma once

#include <cstdint>

#include "vfs/runtime/detail/lock.h"

namespace vfs::runtime {

namespace detail {
struct WaiterNode;
}

class WaitGroup {
 public:
  WaitGroup() = default;
  // Destroying a group a plain thread waits on is undefined; fibers parked
  // on it are forgotten (they can never run again).
  ~WaitGroup();
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;

  void add(std::int64_t delta);
  void done() { add(-1); }
  void wait();

 private:
  static void unqueue(void* arg) noexcept;  // run() drops a parked waiter

  detail::Lock guard_;
  std::int64_t count_ = 0;
  detail::WaiterNode* waiters_ = nullptr;
};

}  // namespace vfs::runtime
