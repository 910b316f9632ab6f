#include "runtime/park.h"

#include "vfs/runtime/detail/lock.h"

#include "runtime/note.h"
#include "runtime/sched.h"

namespace vfs::runtime::detail {

Waiter::Waiter() noexcept : g(current_g()) {}

void wait(Waiter& w, void (*unlock)(void*), void* arg) noexcept {
  if (w.g) {
    park(unlock, arg);
    return;
  }
  unlock(arg);
  while (w.woken.load(std::memory_order_acquire) == 0) futex_wait(&w.woken, 0, nullptr);
}

void wake(Waiter* w) noexcept {
  if (G* g = w->g) {
    ready(g);
    return;
  }
  w->woken.store(1, std::memory_order_release);
  // w may already be gone (its owner saw woken == 1 and returned); a wake on
  // a stale futex word only causes a spurious wakeup, which waiters tolerate.
  futex_wake(&w->woken, 1);
}

void unlock_lock(void* lock) noexcept { static_cast<Lock*>(lock)->unlock(); }

}  // namespace vfs::runtime::detail
