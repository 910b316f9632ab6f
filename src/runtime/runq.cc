#include "runtime/runq.h"

#include <unistd.h>

#include <algorithm>

namespace vfs::runtime::detail {
namespace {

constexpr std::uint32_t kMask = kLocalQueueSize - 1;
static_assert((kLocalQueueSize & kMask) == 0, "ring size must be a power of two");

// The slow half of runqput: moves half the ring plus g to the global queue in
// one lock. False if thieves moved head meanwhile; the caller retries.
bool runqputslow(Sched& s, P* p, G* g, std::uint32_t h, std::uint32_t t) noexcept {
  G* batch[kLocalQueueSize / 2 + 1];
  const std::uint32_t n = (t - h) / 2;
  for (std::uint32_t i = 0; i < n; ++i) {
    batch[i] = p->runq[(h + i) & kMask].load(std::memory_order_relaxed);
  }
  if (!p->head.compare_exchange_strong(h, h + n, std::memory_order_acq_rel)) return false;
  batch[n] = g;
  GQueue q;
  for (std::uint32_t i = 0; i <= n; ++i) q.push_back(batch[i]);
  std::lock_guard lock(s.lock);
  s.runqsize.fetch_add(q.size, std::memory_order_relaxed);
  s.runq.push_back_all(q);
  return true;
}

// Copies up to half of victim's ring into p's ring at batch_head (Go's
// runqgrab). Returns how many.
std::uint32_t runqgrab(P* victim, P* p, std::uint32_t batch_head, bool steal_runnext) noexcept {
  for (;;) {
    std::uint32_t h = victim->head.load(std::memory_order_acquire);
    const std::uint32_t t = victim->tail.load(std::memory_order_acquire);
    std::uint32_t n = t - h;
    n -= n / 2;
    if (n == 0) {
      if (!steal_runnext) return 0;
      G* next = victim->runnext.load(std::memory_order_acquire);
      if (next == nullptr) return 0;
      // The victim probably just readied `next` and is about to switch to it;
      // stealing it now would bounce a ping-pong pair between threads. Go
      // sleeps ~3 us here for the same reason.
      if (victim->status.load(std::memory_order_relaxed) == PStatus::running) ::usleep(3);
      if (!victim->runnext.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) {
        continue;
      }
      p->runq[batch_head & kMask].store(next, std::memory_order_relaxed);
      return 1;
    }
    if (n > kLocalQueueSize / 2) continue;  // h and t read at different times
    for (std::uint32_t i = 0; i < n; ++i) {
      G* g = victim->runq[(h + i) & kMask].load(std::memory_order_relaxed);
      p->runq[(batch_head + i) & kMask].store(g, std::memory_order_relaxed);
    }
    if (victim->head.compare_exchange_strong(h, h + n, std::memory_order_acq_rel)) return n;
  }
}

}  // namespace

void GQueue::push_back(G* g) noexcept {
  g->schedlink = nullptr;
  if (tail) {
    tail->schedlink = g;
  } else {
    head = g;
  }
  tail = g;
  ++size;
}

void GQueue::push_back_all(GQueue& other) noexcept {
  if (other.empty()) return;
  if (tail) {
    tail->schedlink = other.head;
  } else {
    head = other.head;
  }
  tail = other.tail;
  size += other.size;
  other = GQueue{};
}

G* GQueue::pop_front() noexcept {
  G* g = head;
  if (!g) return nullptr;
  head = g->schedlink;
  if (!head) tail = nullptr;
  g->schedlink = nullptr;
  --size;
  return g;
}

bool runqempty(const P* p) noexcept {
  // head, tail and runnext are read at different times; retry until tail is
  // stable so a G moving from runnext to the ring is not missed.
  for (;;) {
    const std::uint32_t h = p->head.load(std::memory_order_acquire);
    const std::uint32_t t = p->tail.load(std::memory_order_acquire);
    G* next = p->runnext.load(std::memory_order_acquire);
    if (p->tail.load(std::memory_order_acquire) == t) return h == t && next == nullptr;
  }
}

void runqput(Sched& s, P* p, G* g, bool next) noexcept {
  if (next) {
    G* old = p->runnext.exchange(g, std::memory_order_acq_rel);
    if (old == nullptr) return;
    g = old;
  }
  for (;;) {
    const std::uint32_t h = p->head.load(std::memory_order_acquire);
    const std::uint32_t t = p->tail.load(std::memory_order_relaxed);
    if (t - h < kLocalQueueSize) {
      p->runq[t & kMask].store(g, std::memory_order_relaxed);
      p->tail.store(t + 1, std::memory_order_release);
      return;
    }
    if (runqputslow(s, p, g, h, t)) return;
  }
}

G* runqget(P* p, bool* inherit) noexcept {
  G* next = p->runnext.load(std::memory_order_relaxed);
  if (next && p->runnext.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) {
    *inherit = true;
    return next;
  }
  *inherit = false;
  for (;;) {
    std::uint32_t h = p->head.load(std::memory_order_acquire);
    const std::uint32_t t = p->tail.load(std::memory_order_relaxed);
    if (t == h) return nullptr;
    G* g = p->runq[h & kMask].load(std::memory_order_relaxed);
    if (p->head.compare_exchange_weak(h, h + 1, std::memory_order_acq_rel)) return g;
  }
}

G* runqsteal(P* p, P* victim, bool steal_runnext) noexcept {
  const std::uint32_t t = p->tail.load(std::memory_order_relaxed);
  std::uint32_t n = runqgrab(victim, p, t, steal_runnext);
  if (n == 0) return nullptr;
  --n;
  G* g = p->runq[(t + n) & kMask].load(std::memory_order_relaxed);
  if (n > 0) p->tail.store(t + n, std::memory_order_release);
  return g;
}

void globrunqput(Sched& s, G* g) noexcept {
  s.runq.push_back(g);
  s.runqsize.fetch_add(1, std::memory_order_relaxed);
}

G* globrunqget(Sched& s, P* p, int max) noexcept {
  const std::int64_t size = s.runqsize.load(std::memory_order_relaxed);
  if (size == 0) return nullptr;
  std::int64_t n = std::min<std::int64_t>(size, size / s.nprocs() + 1);
  if (max > 0) n = std::min<std::int64_t>(n, max);
  n = std::min<std::int64_t>(n, kLocalQueueSize / 2);
  s.runqsize.fetch_sub(n, std::memory_order_relaxed);
  G* g = s.runq.pop_front();
  // p's ring is empty here (or max == 1), so these never overflow back into
  // the global queue, whose lock we hold.
  for (--n; n > 0; --n) runqput(s, p, s.runq.pop_front(), false);
  return g;
}

}  // namespace vfs::runtime::detail
