#include "vfs/runtime/wait_group.h"

#include <stdexcept>
#include <utility>

#include "runtime/park.h"

namespace vfs::runtime {

void WaitGroup::add(std::int64_t delta) {
  guard_.lock();
  count_ += delta;
  if (count_ < 0) {
    count_ -= delta;
    guard_.unlock();
    throw std::logic_error("vfs::runtime::WaitGroup: negative counter");
  }
  if (count_ > 0 || !waiters_) {
    guard_.unlock();
    return;
  }
  detail::WaiterNode* node = std::exchange(waiters_, nullptr);
  guard_.unlock();
  while (node) {
    detail::WaiterNode* next = node->next;  // node is gone once woken
    detail::wake(&node->w);
    node = next;
  }
}

void WaitGroup::wait() {
  guard_.lock();
  if (count_ == 0) {
    guard_.unlock();
    return;
  }
  detail::WaiterNode node;
  node.next = waiters_;
  waiters_ = &node;
  detail::wait(node.w, detail::unlock_lock, &guard_);
}

}  // namespace vfs::runtime
