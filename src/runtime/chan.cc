// Channels and select, after Go's chan.go and select.go.
#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "runtime/park.h"
#include "vfs/runtime/detail/chan_base.h"

namespace vfs::runtime::detail {

// A party waiting in a channel's queue (Go's sudog). Lives on the waiter's
// stack; all fields are guarded by the lock of the channel it is queued on.
struct Sudog {
  Waiter* w = nullptr;
  void* elem = nullptr;                      // T* to send, or std::optional<T>* to receive into
  std::atomic<bool>* select_done = nullptr;  // set when part of a select
  int* select_fired = nullptr;
  int case_index = 0;
  bool success = false;  // the operation happened (false: channel closed)
  // The partner's move of the element threw: the operation did not happen,
  // and the waiter tries it again rather than report a closed channel.
  bool retry = false;
  // Atomic: a dropped select's Unqueue reads it without the channel's lock,
  // to skip a channel that was destroyed after unlinking it.
  std::atomic<bool> queued{false};
  Sudog* prev = nullptr;
  Sudog* next = nullptr;
};

// Room for n elements: inline up to N, on the heap beyond. A select over a
// few channels - the common case - then allocates nothing, and leaves
// nothing behind if its fiber is dropped while parked (a dropped fiber's
// stack is not unwound).
template <class T, std::size_t N>
class SmallArray {
 public:
  explicit SmallArray(std::size_t n) : size_(n) {
    if (n > N) heap_ = std::make_unique<T[]>(n);
  }
  T* begin() noexcept { return heap_ ? heap_.get() : inline_.data(); }
  T* end() noexcept { return begin() + size_; }
  T& operator[](std::size_t i) noexcept { return begin()[i]; }
  std::size_t size() const noexcept { return size_; }
  void shrink(std::size_t n) noexcept { size_ = n; }

 private:
  std::size_t size_;
  std::array<T, N> inline_{};
  std::unique_ptr<T[]> heap_;
};

constexpr std::size_t kInlineCases = 4;
using ChanSet = SmallArray<ChanBase*, kInlineCases>;

struct ChanOps {
  static void enqueue(SudogList& q, Sudog* s) noexcept {
    s->prev = q.tail;
    s->next = nullptr;
    if (q.tail) {
      q.tail->next = s;
    } else {
      q.head = s;
    }
    q.tail = s;
    s->queued.store(true, std::memory_order_relaxed);
  }

  static void unlink(SudogList& q, Sudog* s) noexcept {
    if (s->prev) {
      s->prev->next = s->next;
    } else {
      q.head = s->next;
    }
    if (s->next) {
      s->next->prev = s->prev;
    } else {
      q.tail = s->prev;
    }
    s->prev = s->next = nullptr;
    s->queued.store(false, std::memory_order_relaxed);
  }

  // Unlinks a waiter that will never be woken through this channel. A
  // select's fiber keeps its Unqueue: it still waits in other channels.
  static void drop(SudogList& q, Sudog* s) noexcept {
    unlink(q, s);
    if (!s->select_done) forget(s->w);
  }

  // The first waiter still wanting to proceed. A select that another case
  // has already won is dropped from the queue (Go's dequeue), and so is a
  // fiber this thread may not wake (being dropped at exit).
  static Sudog* dequeue(SudogList& q) noexcept {
    while (Sudog* s = q.head) {
      if (!may_wake(s->w)) {
        drop(q, s);
        continue;
      }
      unlink(q, s);
      if (s->select_done) {
        bool expected = false;
        if (!s->select_done->compare_exchange_strong(expected, true)) continue;
        *s->select_fired = s->case_index;
      }
      return s;
    }
    return nullptr;
  }

  // Lock held. Sends without blocking if possible; *woken is a receiver to
  // wake, also when T's move throws (it then retries).
  static bool try_send(ChanBase& c, void* src, Sudog** woken) {
    if (c.closed_) throw ClosedChannelError("vfs::runtime::Channel: send on closed channel");
    if (Sudog* r = dequeue(c.recvq_)) {
      *woken = r;
      r->retry = true;
      c.move_into(r->elem, src);
      r->retry = false;
      r->success = true;
      return true;
    }
    if (c.count_ < c.cap_) {
      c.buf_push(src);
      ++c.count_;
      return true;
    }
    return false;
  }

  // Lock held. Receives without blocking if possible (a closed, drained
  // channel "receives" nullopt); *woken is a sender to wake, also when T's
  // move throws (it then retries).
  static bool try_recv(ChanBase& c, void* dst, bool* ok, Sudog** woken) {
    if (Sudog* s = dequeue(c.sendq_)) {
      *woken = s;
      s->retry = true;
      if (c.cap_ == 0) {
        c.move_into(dst, s->elem);
      } else {
        // Full buffer: the sender's value goes to the tail, and we take the
        // head below. Pushed first, so that a throwing move leaves either
        // nothing changed or the sender's value delivered.
        c.buf_push(s->elem);
        ++c.count_;
      }
      s->retry = false;
      s->success = true;
      if (c.cap_ == 0) {
        *ok = true;
        return true;
      }
    }
    if (c.count_ > 0) {
      c.buf_pop_into(dst);
      --c.count_;
      *ok = true;
      return true;
    }
    if (c.closed_) {
      c.clear(dst);
      *ok = false;
      return true;
    }
    return false;
  }

  static void unlock_all(ChanSet& chans) noexcept {
    for (ChanBase* c : chans) c->lock_.unlock();
  }

  // For a parking select, on g0: once the first lock is released the fiber
  // may be woken and run on, so the list is copied off its stack first.
  static void unlock_all_parked(void* arg) noexcept {
    ChanSet& parked = *static_cast<ChanSet*>(arg);
    ChanSet chans(parked.size());
    std::copy(parked.begin(), parked.end(), chans.begin());
    unlock_all(chans);
  }

  static void lock(ChanBase& c) noexcept { c.lock_.lock(); }
  static void unlock(ChanBase& c) noexcept { c.lock_.unlock(); }

  static void lock_all(ChanSet& chans) {
    for (ChanBase* c : chans) c->lock_.lock();
  }

  static SudogList& queue(ChanBase& c, bool send) noexcept { return send ? c.sendq_ : c.recvq_; }

  // Lock held: runs a try_* step; releases the lock either way, then wakes
  // the partner it found (which retries if the step threw).
  template <class F>
  static bool attempt(ChanBase& c, F step) {
    Sudog* woken = nullptr;
    bool done;
    try {
      done = step(&woken);
    } catch (...) {
      c.lock_.unlock();
      if (woken) wake(woken->w);
      throw;
    }
    if (done) {
      c.lock_.unlock();
      if (woken) wake(woken->w);
    }
    return done;
  }

  // A parked send or receive, as its Unqueue sees it.
  struct ParkedOp {
    ChanBase* chan;
    SudogList* queue;
    Sudog* sudog;
  };

  static void unqueue_op(void* arg) noexcept {
    auto* op = static_cast<ParkedOp*>(arg);
    op->chan->lock_.lock();
    if (op->sudog->queued.load(std::memory_order_relaxed)) unlink(*op->queue, op->sudog);
    op->chan->lock_.unlock();
  }

  enum class Parked { done, closed, retry };

  // Lock held: queues the caller on q and parks until a partner or close()
  // takes it (the lock is released once parked).
  static Parked park_on(ChanBase& c, SudogList& q, void* elem, const char* reason) {
    Waiter w;
    Sudog me;
    me.w = &w;
    me.elem = elem;
    enqueue(q, &me);
    ParkedOp self{&c, &q, &me};
    wait(w, unlock_lock, &c.lock_, reason, {&unqueue_op, &self});
    if (me.retry) return Parked::retry;
    return me.success ? Parked::done : Parked::closed;
  }
};

ChanBase::~ChanBase() {
  // Waiters left can never be woken through this channel now; fibers among
  // them forget it, so that run() dropping them will not touch it.
  lock_.lock();
  while (recvq_.head) ChanOps::drop(recvq_, recvq_.head);
  while (sendq_.head) ChanOps::drop(sendq_, sendq_.head);
  lock_.unlock();
}

void ChanBase::send_erased(void* src) {
  WakePermit permit;
  for (;;) {
    lock_.lock();
    if (ChanOps::attempt(*this,
                         [&](Sudog** woken) { return ChanOps::try_send(*this, src, woken); })) {
      return;
    }
    permit.release();  // before blocking
    switch (ChanOps::park_on(*this, sendq_, src, "Channel::send")) {
      case ChanOps::Parked::done:
        return;
      case ChanOps::Parked::closed:
        throw ClosedChannelError("vfs::runtime::Channel: send on closed channel");
      case ChanOps::Parked::retry:
        break;
    }
  }
}

bool ChanBase::recv_erased(void* dst) {
  WakePermit permit;
  for (;;) {
    lock_.lock();
    bool ok = false;
    if (ChanOps::attempt(
            *this, [&](Sudog** woken) { return ChanOps::try_recv(*this, dst, &ok, woken); })) {
      return ok;
    }
    permit.release();
    switch (ChanOps::park_on(*this, recvq_, dst, "Channel::recv")) {
      case ChanOps::Parked::done:
        return true;
      case ChanOps::Parked::closed:
        return false;
      case ChanOps::Parked::retry:
        break;
    }
  }
}

void ChanBase::close() {
  WakePermit permit;
  lock_.lock();
  if (closed_) {
    lock_.unlock();
    throw ClosedChannelError("vfs::runtime::Channel: close of closed channel");
  }
  closed_ = true;
  std::vector<Sudog*> woken;
  while (Sudog* r = ChanOps::dequeue(recvq_)) {
    clear(r->elem);
    r->success = false;
    woken.push_back(r);
  }
  while (Sudog* s = ChanOps::dequeue(sendq_)) {
    s->success = false;
    woken.push_back(s);
  }
  lock_.unlock();
  for (Sudog* s : woken) wake(s->w);
}

std::size_t ChanBase::size() {
  lock_.lock();
  const std::size_t n = count_;
  lock_.unlock();
  return n;
}

namespace {

std::uint32_t select_random() noexcept {
  static std::atomic<std::uint32_t> seed{0x12345678u};
  std::uint32_t x = seed.fetch_add(0x9e3779b9u, std::memory_order_relaxed);
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  return x;
}

// A random order to poll the cases in (Go's pollorder): fairness among
// cases ready at once.
SmallArray<std::size_t, kInlineCases> poll_order(std::size_t n) {
  SmallArray<std::size_t, kInlineCases> order(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = select_random() % (i + 1);
    order[i] = order[j];
    order[j] = i;
  }
  return order;
}

// Every distinct channel, in address order: the order locks are taken in,
// so two selects over the same channels cannot deadlock (Go's lockorder).
ChanSet lock_order(const SelectCase* cases, std::size_t n) {
  ChanSet chans(n);
  for (std::size_t i = 0; i < n; ++i) chans[i] = cases[i].chan;
  std::sort(chans.begin(), chans.end(), std::less<ChanBase*>{});
  chans.shrink(static_cast<std::size_t>(std::unique(chans.begin(), chans.end()) - chans.begin()));
  return chans;
}

void park_forever(void*) noexcept {}

// A parked select, as its Unqueue sees it.
struct ParkedSelect {
  const SelectCase* cases;
  std::size_t n;
  Sudog* sudogs;
};

void unqueue_select(void* arg) noexcept {
  auto* sel = static_cast<ParkedSelect*>(arg);
  for (std::size_t i = 0; i < sel->n; ++i) {
    Sudog& s = sel->sudogs[i];
    if (!s.queued.load(std::memory_order_relaxed)) continue;  // its channel may be gone
    ChanBase& c = *sel->cases[i].chan;
    ChanOps::lock(c);
    if (s.queued.load(std::memory_order_relaxed)) {
      ChanOps::unlink(ChanOps::queue(c, sel->cases[i].send), &s);
    }
    ChanOps::unlock(c);
  }
}

// Pass 1 of a select: the index of a case that can proceed now, or -1.
// Locks held on entry and released on return (or throw).
int select_ready(const SelectCase* cases, std::size_t n, ChanSet& chans) {
  for (std::size_t i : poll_order(n)) {
    const SelectCase& c = cases[i];
    Sudog* woken = nullptr;
    bool ok = false;
    bool done;
    try {
      done = c.send ? ChanOps::try_send(*c.chan, c.elem, &woken)
                    : ChanOps::try_recv(*c.chan, c.elem, &ok, &woken);
    } catch (...) {
      ChanOps::unlock_all(chans);
      if (woken) wake(woken->w);
      throw;
    }
    if (done) {
      ChanOps::unlock_all(chans);
      if (woken) wake(woken->w);
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

int select_cases(const SelectCase* cases, std::size_t n, bool block) {
  if (n == 0) {
    if (!block) return -1;
    Waiter w;  // Go's `select {}`: nothing will ever wake us
    wait(w, park_forever, nullptr, "select {}");
  }
  WakePermit permit;
  ChanSet chans = lock_order(cases, n);
  for (;;) {
    ChanOps::lock_all(chans);
    if (const int ready = select_ready(cases, n, chans); ready >= 0) return ready;
    if (!block) {
      ChanOps::unlock_all(chans);
      return -1;
    }
    permit.release();
    // Pass 2: wait on all of them; the first to fire wins the CAS on `done`.
    Waiter w;
    std::atomic<bool> done{false};
    int fired = -1;
    SmallArray<Sudog, kInlineCases> sudogs(n);
    for (std::size_t i = 0; i < n; ++i) {
      Sudog& s = sudogs[i];
      s.w = &w;
      s.elem = cases[i].elem;
      s.select_done = &done;
      s.select_fired = &fired;
      s.case_index = static_cast<int>(i);
      ChanOps::enqueue(ChanOps::queue(*cases[i].chan, cases[i].send), &s);
    }
    ParkedSelect self{cases, n, sudogs.begin()};
    wait(w, ChanOps::unlock_all_parked, &chans, "select", {&unqueue_select, &self});
    // Pass 3: leave the queues of the cases that did not fire.
    ChanOps::lock_all(chans);
    for (std::size_t i = 0; i < n; ++i) {
      if (sudogs[i].queued.load(std::memory_order_relaxed))
        ChanOps::unlink(ChanOps::queue(*cases[i].chan, cases[i].send), &sudogs[i]);
    }
    ChanOps::unlock_all(chans);
    const Sudog& won = sudogs[fired];
    if (won.retry) continue;  // the partner's move threw: select again
    if (cases[fired].send && !won.success) {
      throw ClosedChannelError("vfs::runtime::Channel: send on closed channel");
    }
    return fired;
  }
}

}  // namespace vfs::runtime::detail
