#include "vfs/runtime/wait_group.h"

#include <stdexcept>
#include <utility>

#include "runtime/park.h"

namespace vfs::runtime {
namespace {

// A parked waiter, as its Unqueue sees it.
struct GroupWait {
  WaitGroup* group;
  detail::WaiterNode* node;
};

}  // namespace

WaitGroup::~WaitGroup() {
  guard_.lock();
  for (detail::WaiterNode* n = waiters_; n; n = n->next) detail::forget(&n->w);
  waiters_ = nullptr;
  guard_.unlock();
}

void WaitGroup::add(std::int64_t delta) {
  detail::WakePermit permit;
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
  // Those that can be woken; fibers being dropped at exit cannot, and forget us.
  detail::WaiterNode* wake = nullptr;
  for (detail::WaiterNode* n = std::exchange(waiters_, nullptr); n;) {
    detail::WaiterNode* next = n->next;
    if (detail::may_wake(&n->w)) {
      n->next = wake;
      wake = n;
    } else {
      detail::forget(&n->w);
    }
    n = next;
  }
  guard_.unlock();
  while (wake) {
    detail::WaiterNode* next = wake->next;  // wake is gone once woken
    detail::wake(&wake->w);
    wake = next;
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
  GroupWait self{this, &node};
  detail::wait(node.w, detail::unlock_lock, &guard_, "WaitGroup::wait",
               {&WaitGroup::unqueue, &self});
}

void WaitGroup::unqueue(void* arg) noexcept {
  auto* wait = static_cast<GroupWait*>(arg);
  WaitGroup& wg = *wait->group;
  wg.guard_.lock();
  for (detail::WaiterNode** link = &wg.waiters_; *link; link = &(*link)->next) {
    if (*link == wait->node) {
      *link = wait->node->next;
      break;
    }
  }
  wg.guard_.unlock();
}

}  // namespace vfs::runtime
