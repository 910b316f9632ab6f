// Waiter: one party blocked on a parking primitive - a fiber (parked, its
// thread free to run others) or a plain thread (blocked on a futex). Lets
// channels, mutexes, wait groups and timers serve both.
//
// Fibers dropped at exit. run() returns when the main fiber does, dropping
// fibers still parked. A primitive can outlive run() (a channel declared
// before it, say), so each parked fiber records how to take its waiter out
// of the primitive's queue (Unqueue); run() does that for every fiber it
// drops, and a primitive destroyed first forgets its fiber waiters. Either
// way the primitive is left as if the dropped fibers had never waited: a
// later close(), done() or unlock() finds nobody to wake.
#pragma once

#include <atomic>
#include <cstdint>

namespace vfs::runtime::detail {

struct G;

struct Waiter {
  Waiter() noexcept;  // for the calling fiber or thread
  G* g = nullptr;     // nullptr: a plain thread
  std::atomic<std::uint32_t> woken{0};
};

// Takes a parked fiber's waiter out of the queue it is in, if it still is;
// run() calls it for each fiber it drops. Takes the primitive's own lock.
struct Unqueue {
  void (*fn)(void* arg) noexcept = nullptr;
  void* arg = nullptr;
};

// Blocks the caller until wake(&w); `unlock(arg)` runs once the caller can no
// longer miss the wakeup (for a fiber: after it has left its stack), and must
// release whatever lock protects the structure `w` was published in.
// `reason` names the wait in a deadlock report ("Channel::recv").
void wait(Waiter& w, void (*unlock)(void*), void* arg, const char* reason,
          Unqueue unqueue = {}) noexcept;

// Wakes `w`. `w` may be gone as soon as this returns. A fiber waiter may only
// be woken by the runtime's own threads or by a thread holding a WakePermit
// that allows it (see may_wake).
void wake(Waiter* w) noexcept;

// Whether the caller may wake `w` now. A plain thread may wake a fiber only
// while it holds a WakePermit of a live runtime: the fibers of a runtime
// that is ending are being dropped, their stacks about to be freed. With the
// primitive's lock held, a waiter that may not be woken is to be unlinked
// and forgotten (forget()).
bool may_wake(const Waiter* w) noexcept;

// For a waiter a primitive unlinks without waking (its fiber is being
// dropped, or the primitive is being destroyed): the fiber no longer
// refers to the primitive. Primitive's lock held.
void forget(Waiter* w) noexcept;

// An unlock function for wait() that releases a detail::Lock.
void unlock_lock(void* lock) noexcept;

// Held by a primitive's operation that may wake waiters (send, close,
// unlock, done...). On a plain thread it pins the running runtime, if any,
// so that it cannot be torn down while a fiber is being woken; release()
// before the operation blocks.
class WakePermit {
 public:
  WakePermit() noexcept;
  ~WakePermit() { release(); }
  WakePermit(const WakePermit&) = delete;
  WakePermit& operator=(const WakePermit&) = delete;
  void release() noexcept;

 private:
  bool pinned_ = false;
};

// A Waiter in an intrusive FIFO (mutex and wait group wait lists).
struct WaiterNode {
  Waiter w;
  WaiterNode* next = nullptr;
};

}  // namespace vfs::runtime::detail
