#include "runtime/poller.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <utility>

#include "runtime/clock.h"
#include "runtime/sched.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define VFS_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) && !defined(VFS_TSAN)
#define VFS_TSAN 1
#endif
#ifdef VFS_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace vfs::runtime::detail {
namespace {

// A PollDesc reaches the thread that polls through the kernel (epoll's
// data.ptr), which TSan cannot see: without these, the first lock of a
// descriptor made on another thread looks like a race with its allocation.
inline void publish(PollDesc* pd) noexcept {
#ifdef VFS_TSAN
  __tsan_release(pd);
#else
  (void)pd;
#endif
}
inline void received(PollDesc* pd) noexcept {
#ifdef VFS_TSAN
  __tsan_acquire(pd);
#else
  (void)pd;
#endif
}

}  // namespace

Poller::Poller()
    : epfd_(::epoll_create1(EPOLL_CLOEXEC)),
      eventfd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      last_poll_(nanotime()) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // the interrupt fd
  ::epoll_ctl(epfd_, EPOLL_CTL_ADD, eventfd_, &ev);
}

Poller::~Poller() {
  ::close(eventfd_);
  ::close(epfd_);
}

PollDesc* Poller::desc(int fd) {
  PollDesc* pd = find(fd, /*make=*/true);
  std::lock_guard<Lock> lock(pd->lock);
  if (!pd->nonblocking) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0 && !(flags & O_NONBLOCK)) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    pd->nonblocking = true;
  }
  return pd;
}

PollDesc* Poller::find(int fd, bool make) {
  std::lock_guard<Lock> lock(map_lock_);
  auto it = descs_.find(fd);
  if (it != descs_.end()) return it->second.get();
  if (!make) return nullptr;
  auto& pd = descs_[fd];
  pd = std::make_unique<PollDesc>();
  pd->fd = fd;
  return pd.get();
}

int Poller::close(int fd) noexcept {
  PollDesc* pd = find(fd, /*make=*/false);
  if (!pd) return ::close(fd) == 0 ? 0 : errno;
  // Closed under the lock: a waiter that comes after sees the fd closed
  // (epoll_ctl fails with EBADF) rather than parking on it for good.
  pd->lock.lock();
  PollWaiter* r = claim_all(pd->rg, EBADF);
  PollWaiter* w = claim_all(pd->wg, EBADF);
  pd->rready = pd->wready = pd->nonblocking = false;
  ::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);  // close alone would not if fd was dup'd
  const int err = ::close(fd) == 0 ? 0 : errno;
  pd->lock.unlock();
  wake_all(r);
  wake_all(w);
  return err;
}

namespace {

// What a fiber parking with a deadline hands to g0: both locks are released
// only once it is off its stack, so neither an edge nor the timer can wake
// it before it has parked.
struct DeadlinePark {
  Lock* fd_lock;
  Sched* sched;
  bool earliest;
};

void release_deadline_park(void* arg) noexcept {
  const DeadlinePark park = *static_cast<DeadlinePark*>(arg);  // arg dies with the fiber
  park.sched->timers.mu().unlock();
  park.fd_lock->unlock();
  if (park.earliest) wake_timer_waiter(*park.sched);
}

}  // namespace

void Poller::expire(void* arg) noexcept {
  auto* x = static_cast<PollWaiter*>(arg);
  if (x->claimed.exchange(true)) return;  // the poller got there first
  x->err = ETIMEDOUT;
  x->poller->waiters_.fetch_sub(1);
  wake(&x->w);
}

int Poller::wait(PollDesc* pd, bool write, std::int64_t deadline_ns) noexcept {
  pd->lock.lock();
  bool& ready = write ? pd->wready : pd->rready;
  if (ready) {
    ready = false;
    pd->lock.unlock();
    return 0;
  }
  // (Re)register before parking. EEXIST: already registered, and any edge
  // since our last try was recorded in `ready`. A fresh registration reports
  // the current state at once, so a new or reused fd loses nothing either.
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = pd;
  publish(pd);
  if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, pd->fd, &ev) != 0 && errno != EEXIST) {
    const int err = errno;
    pd->lock.unlock();
    return err;
  }
  PollWaiter*& list = write ? pd->wg : pd->rg;
  PollWaiter waiter;
  waiter.poller = this;
  const char* reason = write ? "poll write" : "poll read";
  if (deadline_ns == 0 || !waiter.w.g) {
    waiter.next = list;
    list = &waiter;
    waiters_.fetch_add(1);
    detail::wait(waiter.w, unlock_lock, &pd->lock, reason);
    return waiter.err;
  }
  if (deadline_ns <= nanotime()) {
    pd->lock.unlock();
    return ETIMEDOUT;
  }
  waiter.next = list;
  list = &waiter;
  waiters_.fetch_add(1);
  // Lock order: a fd's lock, then the timers' (a timer firing takes no fd lock).
  Sched* s = sched();
  s->timers.mu().lock();
  DeadlinePark park{&pd->lock, s, s->timers.add_locked(deadline_ns, &Poller::expire, &waiter)};
  detail::wait(waiter.w, release_deadline_park, &park, reason);
  {
    // After this, the timer cannot be firing at `waiter` any more.
    std::lock_guard<Lock> lock(s->timers.mu());
    s->timers.remove_locked(&waiter);
  }
  if (waiter.err == ETIMEDOUT) {
    // The timer claimed us; we may still be on the fd's list. Once we hold
    // the fd's lock, no poller thread is claiming from a list we are on.
    std::lock_guard<Lock> lock(pd->lock);
    for (PollWaiter** p = &list; *p; p = &(*p)->next) {
      if (*p == &waiter) {
        *p = waiter.next;
        break;
      }
    }
  }
  return waiter.err;
}

int Poller::poll(std::int64_t deadline_ns) noexcept {
  timespec timeout{};
  timespec* tp = &timeout;
  if (deadline_ns == 0) {
    tp = nullptr;
  } else if (deadline_ns > 0) {
    const std::int64_t left = std::max<std::int64_t>(0, deadline_ns - nanotime());
    timeout = {static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
  }
  const bool blocking = deadline_ns != -1;
  if (blocking) blocked_.store(true);
  epoll_event events[128];
  const int n = ::epoll_pwait2(epfd_, events, 128, tp, nullptr);
  if (blocking) blocked_.store(false);
  last_poll_.store(nanotime(), std::memory_order_relaxed);
  int woken = 0;
  for (int i = 0; i < n; ++i) {
    auto* pd = static_cast<PollDesc*>(events[i].data.ptr);
    if (!pd) {
      std::uint64_t drained;
      while (::read(eventfd_, &drained, sizeof drained) > 0) {
      }
      continue;
    }
    received(pd);
    const std::uint32_t e = events[i].events;
    const bool readable = e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR);
    const bool writable = e & (EPOLLOUT | EPOLLHUP | EPOLLERR);
    PollWaiter* r = nullptr;
    PollWaiter* w = nullptr;
    pd->lock.lock();
    // An edge nobody takes (no waiter, or only ones whose deadline has
    // passed) is remembered for the next.
    if (readable) {
      r = claim_all(pd->rg, 0);
      if (!r) pd->rready = true;
    }
    if (writable) {
      w = claim_all(pd->wg, 0);
      if (!w) pd->wready = true;
    }
    pd->lock.unlock();
    woken += wake_all(r) + wake_all(w);
  }
  return woken;
}

PollWaiter* Poller::claim_all(PollWaiter*& list, int err) noexcept {
  PollWaiter* chain = nullptr;
  PollWaiter* x = std::exchange(list, nullptr);
  while (x) {
    PollWaiter* next = x->next;
    if (!x->claimed.exchange(true)) {  // else its timer woke it: not ours to touch
      x->err = err;
      x->next = chain;
      chain = x;
    }
    x = next;
  }
  return chain;
}

int Poller::wake_all(PollWaiter* chain) noexcept {
  int n = 0;
  while (chain) {
    PollWaiter* x = std::exchange(chain, chain->next);  // before wake: x may go at once
    waiters_.fetch_sub(1);
    wake(&x->w);
    ++n;
  }
  return n;
}

void Poller::interrupt() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(eventfd_, &one, sizeof one);
}

}  // namespace vfs::runtime::detail
