// Channels and select, after Go's chan.go and select.go.
#include <algorithm>
#include <atomic>
#include <functional>
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
  bool queued = false;
  Sudog* prev = nullptr;
  Sudog* next = nullptr;
};

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
    s->queued = true;
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
    s->queued = false;
  }

  // The first waiter still wanting to proceed. A select that another case
  // has already won is dropped from the queue (Go's dequeue).
  static Sudog* dequeue(SudogList& q) noexcept {
    while (Sudog* s = q.head) {
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

  // Lock held. Sends without blocking if possible; *woken is a receiver to wake.
  static bool try_send(ChanBase& c, void* src, Sudog** woken) {
    if (c.closed_) throw ClosedChannelError("vfs::runtime::Channel: send on closed channel");
    if (Sudog* r = dequeue(c.recvq_)) {
      c.move_into(r->elem, src);
      r->success = true;
      *woken = r;
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
  // channel "receives" nullopt); *woken is a sender to wake.
  static bool try_recv(ChanBase& c, void* dst, bool* ok, Sudog** woken) {
    if (Sudog* s = dequeue(c.sendq_)) {
      if (c.cap_ == 0) {
        c.move_into(dst, s->elem);
      } else {
        // Full buffer: take its head; the sender's value goes to the tail.
        c.buf_pop_into(dst);
        c.buf_push(s->elem);
      }
      s->success = true;
      *woken = s;
      *ok = true;
      return true;
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

  static void unlock_all(void* arg) noexcept {
    for (ChanBase* c : *static_cast<std::vector<ChanBase*>*>(arg)) c->lock_.unlock();
  }

  // For a parking select, on g0: once the first lock is released the fiber
  // may be woken and run on, so the list is copied off its stack first.
  static void unlock_all_parked(void* arg) noexcept {
    const std::vector<ChanBase*> chans = *static_cast<std::vector<ChanBase*>*>(arg);
    for (ChanBase* c : chans) c->lock_.unlock();
  }

  static void lock_all(const std::vector<ChanBase*>& chans) {
    for (ChanBase* c : chans) c->lock_.lock();
  }

  static SudogList& queue(ChanBase& c, bool send) noexcept { return send ? c.sendq_ : c.recvq_; }

  // Lock held: runs a try_* step, releasing the lock if T's move throws.
  template <class F>
  static bool attempt(ChanBase& c, F step) {
    try {
      return step();
    } catch (...) {
      c.lock_.unlock();
      throw;
    }
  }

  // Lock held: queues the caller on q and parks until a partner or close()
  // takes it (the lock is released once parked). True if the operation
  // happened, false if the channel was closed.
  static bool park_on(ChanBase& c, SudogList& q, void* elem) {
    Waiter w;
    Sudog me;
    me.w = &w;
    me.elem = elem;
    enqueue(q, &me);
    wait(w, unlock_lock, &c.lock_);
    return me.success;
  }
};

void ChanBase::send_erased(void* src) {
  lock_.lock();
  Sudog* woken = nullptr;
  if (ChanOps::attempt(*this, [&] { return ChanOps::try_send(*this, src, &woken); })) {
    lock_.unlock();
    if (woken) wake(woken->w);
    return;
  }
  if (!ChanOps::park_on(*this, sendq_, src)) {
    throw ClosedChannelError("vfs::runtime::Channel: send on closed channel");
  }
}

bool ChanBase::recv_erased(void* dst) {
  lock_.lock();
  Sudog* woken = nullptr;
  bool ok = false;
  if (ChanOps::attempt(*this, [&] { return ChanOps::try_recv(*this, dst, &ok, &woken); })) {
    lock_.unlock();
    if (woken) wake(woken->w);
    return ok;
  }
  return ChanOps::park_on(*this, recvq_, dst);
}

void ChanBase::close() {
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
std::vector<std::size_t> poll_order(std::size_t n) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = select_random() % (i + 1);
    order[i] = order[j];
    order[j] = i;
  }
  return order;
}

// Every distinct channel, in address order: the order locks are taken in,
// so two selects over the same channels cannot deadlock (Go's lockorder).
std::vector<ChanBase*> lock_order(const SelectCase* cases, std::size_t n) {
  std::vector<ChanBase*> chans;
  for (std::size_t i = 0; i < n; ++i) chans.push_back(cases[i].chan);
  std::sort(chans.begin(), chans.end(), std::less<ChanBase*>{});
  chans.erase(std::unique(chans.begin(), chans.end()), chans.end());
  return chans;
}

void park_forever(void*) noexcept {}

}  // namespace

int select_cases(const SelectCase* cases, std::size_t n, bool block) {
  if (n == 0) {
    if (!block) return -1;
    Waiter w;  // Go's `select {}`: nothing will ever wake us
    wait(w, park_forever, nullptr);
  }
  std::vector<ChanBase*> chans = lock_order(cases, n);
  ChanOps::lock_all(chans);
  // Pass 1: a case that can proceed now.
  for (std::size_t i : poll_order(n)) {
    const SelectCase& c = cases[i];
    Sudog* woken = nullptr;
    bool ok = false;
    bool done;
    try {
      done = c.send ? ChanOps::try_send(*c.chan, c.elem, &woken)
                    : ChanOps::try_recv(*c.chan, c.elem, &ok, &woken);
    } catch (...) {
      ChanOps::unlock_all(&chans);
      throw;
    }
    if (done) {
      ChanOps::unlock_all(&chans);
      if (woken) wake(woken->w);
      return static_cast<int>(i);
    }
  }
  if (!block) {
    ChanOps::unlock_all(&chans);
    return -1;
  }
  // Pass 2: wait on all of them; the first to fire wins the CAS on `done`.
  Waiter w;
  std::atomic<bool> done{false};
  int fired = -1;
  std::vector<Sudog> sudogs(n);
  for (std::size_t i = 0; i < n; ++i) {
    Sudog& s = sudogs[i];
    s.w = &w;
    s.elem = cases[i].elem;
    s.select_done = &done;
    s.select_fired = &fired;
    s.case_index = static_cast<int>(i);
    ChanOps::enqueue(ChanOps::queue(*cases[i].chan, cases[i].send), &s);
  }
  wait(w, ChanOps::unlock_all_parked, &chans);
  // Pass 3: leave the queues of the cases that did not fire.
  ChanOps::lock_all(chans);
  for (std::size_t i = 0; i < n; ++i) {
    if (sudogs[i].queued)
      ChanOps::unlink(ChanOps::queue(*cases[i].chan, cases[i].send), &sudogs[i]);
  }
  ChanOps::unlock_all(&chans);
  const SelectCase& c = cases[fired];
  if (c.send && !sudogs[fired].success) {
    throw ClosedChannelError("vfs::runtime::Channel: send on closed channel");
  }
  return fired;
}

}  // namespace vfs::runtime::detail
