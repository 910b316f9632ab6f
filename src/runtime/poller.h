// The network poller (Go's netpoll on epoll): fibers waiting for a socket or
// pipe to become readable/writable park here instead of blocking a thread.
//
// Each fd used through runtime::poll_read/poll_write gets a PollDesc and is
// registered edge-triggered for both directions. A readiness edge wakes
// every fiber waiting in that direction (each retries its call, and those
// that find nothing park again: an edge comes once, so waking one would
// leave the others waiting while the fd has data), or, if none waits yet, is
// remembered (rready/wready) so a fiber about to park retries instead.
//
// Who polls: a scheduler with nothing local polls without blocking; the one
// idle M that sleeps until the next timer sleeps in epoll_wait instead (so
// it wakes for I/O too, and interrupt() wakes it like a Note); sysmon polls
// when nobody has for 10 ms.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "runtime/park.h"
#include "vfs/runtime/detail/lock.h"

namespace vfs::runtime::detail {

class Poller;

// A fiber parked in Poller::wait, and why it was woken.
//
// With a deadline, two parties may wake it: the poller (an edge, or close)
// and the timer. Whoever flips `claimed` first wakes it; the other leaves
// it alone. The poller claims under the fd's lock, so once the woken fiber
// has taken that lock itself, no poller thread still holds its address;
// the timer fires under the timers' lock, which the fiber takes to remove
// its timer. That is how a waiter on the fiber's stack can die safely.
struct PollWaiter {
  Waiter w;
  int err = 0;  // 0: the fd may be ready; EBADF: it was closed; ETIMEDOUT
  PollWaiter* next = nullptr;
  Poller* poller = nullptr;
  std::atomic<bool> claimed{false};
};

// What the poller knows of one fd number. Kept for good once made (a waiter
// may hold it); close() makes it new again for the next file of that number.
struct PollDesc {
  int fd = -1;
  Lock lock;                 // guards everything below
  PollWaiter* rg = nullptr;  // fibers or threads waiting to read (a list)
  PollWaiter* wg = nullptr;  // ... to write
  bool rready = false;       // an edge arrived with no reader waiting
  bool wready = false;
  bool nonblocking = false;  // O_NONBLOCK set on this file
};

class Poller {
 public:
  Poller();
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // The descriptor for fd, set O_NONBLOCK on first use.
  PollDesc* desc(int fd);

  // Parks the calling fiber until fd may be readable (`write` false) or
  // writable, or until `deadline_ns` (nanotime; 0: none) has passed.
  // Returns 0, ETIMEDOUT, or an errno if fd cannot be polled (e.g. EPERM:
  // a regular file).
  int wait(PollDesc* pd, bool write, std::int64_t deadline_ns = 0) noexcept;

  // epoll_wait until `deadline_ns` (nanotime; 0: no deadline, -1: do not
  // block) and wake the fibers whose fds are ready. Returns how many.
  int poll(std::int64_t deadline_ns) noexcept;

  // Closes fd: wakes its waiters with EBADF and forgets its state, so that
  // a file that gets the number next starts afresh (Go's pollDesc close).
  // Returns close(2)'s errno, or 0.
  int close(int fd) noexcept;

  // Makes a blocked poll() return (Go's netpollBreak).
  void interrupt() noexcept;

  bool has_waiters() const noexcept { return waiters_.load() > 0; }
  bool blocked() const noexcept { return blocked_.load(); }
  std::int64_t last_poll() const noexcept { return last_poll_.load(std::memory_order_relaxed); }

 private:
  // pd's lock held: unlinks every waiter of `list`, and returns the chain of
  // those this call claimed (not already claimed by their timer), each
  // given `err`.
  PollWaiter* claim_all(PollWaiter*& list, int err) noexcept;
  // Wakes a chain claim_all returned; returns how many.
  int wake_all(PollWaiter* chain) noexcept;
  // A deadline's timer: claims and wakes the waiter with ETIMEDOUT.
  static void expire(void* waiter) noexcept;

  // The descriptor of fd, made if `make` and there is none; nullptr if not.
  PollDesc* find(int fd, bool make);

  int epfd_ = -1;
  int eventfd_ = -1;
  Lock map_lock_;
  std::unordered_map<int, std::unique_ptr<PollDesc>> descs_;
  std::atomic<int> waiters_{0};
  std::atomic<bool> blocked_{false};
  std::atomic<std::int64_t> last_poll_{0};
};

}  // namespace vfs::runtime::detail
