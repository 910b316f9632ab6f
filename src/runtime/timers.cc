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
  return add_locked(
      when, [](void* arg) noexcept { wake(static_cast<Waiter*>(arg)); }, w);
}

bool Timers::add_locked(std::int64_t when, Fire fire, void* arg) {
  heap_.push_back({when, seq_++, fire, arg});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  const bool earliest = heap_.front().arg == arg;
  publish_next();
  return earliest;
}

bool Timers::remove_locked(const void* arg) noexcept {
  auto it =
      std::find_if(heap_.begin(), heap_.end(), [arg](const Entry& e) { return e.arg == arg; });
  if (it == heap_.end()) return false;
  heap_.erase(it);
  std::make_heap(heap_.begin(), heap_.end(), Later{});
  publish_next();
  return true;
}

int Timers::run_expired(std::int64_t now) noexcept {
  const std::int64_t next = next_.load(std::memory_order_acquire);
  if (next == 0 || next > now) return 0;
  int fired = 0;
  std::lock_guard<Lock> lock(mu_);
  // Fired under the lock so that remove_locked() is final for the owner of
  // a timer (a Timer being stopped or destroyed). Lock order: timers, then
  // channel, then sched - nothing takes them the other way round.
  while (!heap_.empty() && heap_.front().when <= now) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const Entry e = heap_.back();
    heap_.pop_back();
    e.fire(e.arg);
    ++fired;
  }
  publish_next();
  return fired;
}

std::size_t Timers::size() noexcept {
  std::lock_guard<Lock> lock(mu_);
  return heap_.size();
}

void Timers::publish_next() noexcept {
  next_.store(heap_.empty() ? 0 : heap_.front().when, std::memory_order_release);
}

}  // namespace vfs::runtime::detail
