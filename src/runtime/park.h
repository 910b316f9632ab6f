// Waiter: one party blocked on a parking primitive - a fiber (parked, its
// thread free to run others) or a plain thread (blocked on a futex). Lets
// channels, mutexes, wait groups and timers serve both.
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

// Blocks the caller until wake(&w); `unlock(arg)` runs once the caller can no
// longer miss the wakeup (for a fiber: after it has left its stack), and must
// release whatever lock protects the structure `w` was published in.
void wait(Waiter& w, void (*unlock)(void*), void* arg) noexcept;

// Wakes `w`. `w` may be gone as soon as this returns.
void wake(Waiter* w) noexcept;

// An unlock function for wait() that releases a detail::Lock.
void unlock_lock(void* lock) noexcept;

}  // namespace vfs::runtime::detail

namespace vfs::runtime::detail {

// A Waiter in an intrusive FIFO (mutex and wait group wait lists).
struct WaiterNode {
  Waiter w;
  WaiterNode* next = nullptr;
};

}  // namespace vfs::runtime::detail
