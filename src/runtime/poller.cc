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

namespace vfs::runtime::detail {

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
  PollWaiter* r = std::exchange(pd->rg, nullptr);
  PollWaiter* w = std::exchange(pd->wg, nullptr);
  pd->rready = pd->wready = pd->nonblocking = false;
  ::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);  // close alone would not if fd was dup'd
  const int err = ::close(fd) == 0 ? 0 : errno;
  pd->lock.unlock();
  wake_all(r, EBADF);
  wake_all(w, EBADF);
  return err;
}

int Poller::wait(PollDesc* pd, bool write) noexcept {
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
  if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, pd->fd, &ev) != 0 && errno != EEXIST) {
    const int err = errno;
    pd->lock.unlock();
    return err;
  }
  PollWaiter*& list = write ? pd->wg : pd->rg;
  PollWaiter waiter;
  waiter.next = list;
  list = &waiter;
  waiters_.fetch_add(1);
  detail::wait(waiter.w, unlock_lock, &pd->lock, write ? "poll write" : "poll read");
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
    const std::uint32_t e = events[i].events;
    const bool readable = e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR);
    const bool writable = e & (EPOLLOUT | EPOLLHUP | EPOLLERR);
    PollWaiter* r = nullptr;
    PollWaiter* w = nullptr;
    pd->lock.lock();
    if (readable) {
      r = std::exchange(pd->rg, nullptr);
      if (!r) pd->rready = true;
    }
    if (writable) {
      w = std::exchange(pd->wg, nullptr);
      if (!w) pd->wready = true;
    }
    pd->lock.unlock();
    woken += wake_all(r, 0) + wake_all(w, 0);
  }
  return woken;
}

int Poller::wake_all(PollWaiter* list, int err) noexcept {
  int n = 0;
  while (list) {
    PollWaiter* x = std::exchange(list, list->next);  // before wake: x may go at once
    x->err = err;
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
