#include "runtime/timers.h"

#include <algorithm>
#include <mutex>

namespace vfs::runtime::detail {
namespace {

struct Later {
  template <class E>
  bool operator()(const E& a, const E& b) const noexcept {
    return a.when != b.when ? a.when > b.when : a.seq > b.seq;
  }
};

}  // namespace

bool Timers::add_locked(std::int64_t when, Waiter* w) {
  heap_.push_back({when, seq_++, w});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  const bool earliest = heap_.front().w == w;
  publish_next();
  return earliest;
}

bool Timers::remove_locked(const Waiter* w) noexcept {
  auto it = std::find_if(heap_.begin(), heap_.end(), [w](const Entry& e) { return e.w == w; });
  if (it == heap_.end()) return false;
  heap_.erase(it);
  std::make_heap(heap_.begin(), heap_.end(), Later{});
  publish_next();
  return true;
}

int Timers::run_expired(std::int64_t now) noexcept {
  const std::int64_t next = next_.load(std::memory_order_acquire);
  if (next == 0 || next > now) return 0;
  std::vector<Waiter*> due;
  {
    std::lock_guard<Lock> lock(mu_);
    while (!heap_.empty() && heap_.front().when <= now) {
      std::pop_heap(heap_.begin(), heap_.end(), Later{});
      due.push_back(heap_.back().w);
      heap_.pop_back();
    }
    publish_next();
  }
  for (Waiter* w : due) wake(w);
  return static_cast<int>(due.size());
}

std::size_t Timers::size() noexcept {
  std::lock_guard<Lock> lock(mu_);
  return heap_.size();
}

void Timers::publish_next() noexcept {
  next_.store(heap_.empty() ? 0 : heap_.front().when, std::memory_order_release);
}

}  // namespace vfs::runtime::detail
