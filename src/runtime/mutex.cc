#include "vfs/runtime/mutex.h"

#include <stdexcept>

#include "runtime/park.h"

namespace vfs::runtime {
namespace {

// A parked locker, as its Unqueue sees it.
struct MutexWait {
  Mutex* mutex;
  detail::WaiterNode* node;
};

}  // namespace

Mutex::~Mutex() {
  // Fibers still queued can never be woken now: they forget this mutex (if
  // run() drops them later, it must not touch it).
  guard_.lock();
  for (detail::WaiterNode* n = head_; n; n = n->next) detail::forget(&n->w);
  head_ = tail_ = nullptr;
  guard_.unlock();
}

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
  MutexWait self{this, &node};
  detail::wait(node.w, detail::unlock_lock, &guard_, "Mutex::lock", {&Mutex::unqueue, &self});
  // unlock() handed us the lock.
}

void Mutex::unlock() {
  detail::WakePermit permit;
  guard_.lock();
  if (!locked_.load(std::memory_order_relaxed)) {
    guard_.unlock();
    throw std::logic_error("vfs::runtime::Mutex: unlock of unlocked mutex");
  }
  // The longest waiter that can still be woken (one whose fiber is being
  // dropped at exit cannot) gets the lock.
  detail::WaiterNode* next = head_;
  for (; next; next = head_) {
    head_ = next->next;
    if (!head_) tail_ = nullptr;
    if (detail::may_wake(&next->w)) break;
    detail::forget(&next->w);
  }
  if (!next) {
    locked_.store(false, std::memory_order_release);
    guard_.unlock();
    return;
  }
  guard_.unlock();
  detail::wake(&next->w);
}

void Mutex::unqueue(void* arg) noexcept {
  auto* wait = static_cast<MutexWait*>(arg);
  Mutex& mu = *wait->mutex;
  mu.guard_.lock();
  detail::WaiterNode* prev = nullptr;
  for (detail::WaiterNode* n = mu.head_; n; prev = n, n = n->next) {
    if (n != wait->node) continue;
    (prev ? prev->next : mu.head_) = n->next;
    if (mu.tail_ == n) mu.tail_ = prev;
    break;
  }
  mu.guard_.unlock();
}

}  // namespace vfs::runtime
