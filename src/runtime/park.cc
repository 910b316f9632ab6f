#include "runtime/park.h"

#include "runtime/note.h"
#include "runtime/sched.h"
#include "vfs/runtime/detail/lock.h"

namespace vfs::runtime::detail {
namespace {

// WakePermits this plain thread holds on a live runtime. Read only off
// fibers (a runtime thread never counts its permits), so no fiber can carry
// a stale thread-local address across a switch.
thread_local int tls_permits = 0;

}  // namespace

Waiter::Waiter() noexcept : g(current_g()) {}

void wait(Waiter& w, void (*unlock)(void*), void* arg, const char* reason,
          Unqueue unqueue) noexcept {
  if (G* g = w.g) {
    g->wait_reason.store(reason, std::memory_order_relaxed);
    g->unqueue.store(unqueue.fn ? &unqueue : nullptr, std::memory_order_relaxed);
    park(unlock, arg);
    g->unqueue.store(nullptr, std::memory_order_relaxed);
    return;
  }
  unlock(arg);
  if (in_forked_child()) {
    fatal_in_forked_child(
        "a thread waits on a runtime primitive (only exec and _exit are allowed)");
  }
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

bool may_wake(const Waiter* w) noexcept {
  return w->g == nullptr || on_runtime_thread() || tls_permits > 0;
}

void forget(Waiter* w) noexcept {
  if (w->g) w->g->unqueue.store(nullptr, std::memory_order_release);
}

void unlock_lock(void* lock) noexcept { static_cast<Lock*>(lock)->unlock(); }

WakePermit::WakePermit() noexcept {
  if (on_runtime_thread() || !pin_runtime()) return;
  pinned_ = true;
  ++tls_permits;
}

void WakePermit::release() noexcept {
  if (!pinned_) return;
  pinned_ = false;
  --tls_permits;
  unpin_runtime();
}

}  // namespace vfs::runtime::detail
