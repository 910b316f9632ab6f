#include "vfs/runtime/mutex.h"

#include <stdexcept>

#include "runtime/park.h"

namespace vfs::runtime {

bool Mutex::try_lock() noexcept {
  return !locked_.load(std::memory_order_relaxed) &&
         !locked_.exchange(true, std::memory_order_acquire);
}

void Mutex::lock() {
  if (try_lock()) return;
  guard_.lock();
  // locked_ stays true while anyone waits (ownership is handed over), so this
  // only succeeds if the owner unlocked with no waiters since try_lock.
  if (!locked_.exchange(true, std::memory_order_acquire)) {
    guard_.unlock();
    return;
  }
  detail::WaiterNode node;
  if (tail_) {
    tail_->next = &node;
  } else {
    head_ = &node;
  }
  tail_ = &node;
  detail::wait(node.w, detail::unlock_lock, &guard_);
  // unlock() handed us the lock.
}

void Mutex::unlock() {
  guard_.lock();
  if (!locked_.load(std::memory_order_relaxed)) {
    guard_.unlock();
    throw std::logic_error("vfs::runtime::Mutex: unlock of unlocked mutex");
  }
  detail::WaiterNode* next = head_;
  if (!next) {
    locked_.store(false, std::memory_order_release);
    guard_.unlock();
    return;
  }
  head_ = next->next;
  if (!head_) tail_ = nullptr;
  guard_.unlock();
  detail::wake(&next->w);
}

}  // namespace vfs::runtime
