// syscall(): run a call that may block the thread, without blocking the P.
//
// Go's entersyscall/exitsyscall. On entry the fiber's P is marked "in a
// system call" (two stores); on return the fiber takes it back with one CAS
// if nobody else did. If the call lasts longer than a sysmon tick (20 us,
// backing off while the runtime is idle, to 1 ms while any P is in a call)
// sysmon retakes that P and hands it to an idle or new thread, so the other
// fibers keep running. On return, a fiber whose P was taken takes any idle P,
// or else goes to the global run queue while its thread parks. A fiber whose
// P had to be retaken hands off at once on its next calls, until one of them
// is short again.
//
// syscall_blocking() hands off at once (Go's entersyscallblock): use it for
// calls known to block for long, e.g. a read from a pipe or a socket.
// Handing off at once: when the P has other fibers to run, the fiber moves
// to an idle (or new) thread for the call and the P stays, running the next
// fiber without waiting for a thread to wake (beyond Go, which moves the P);
// otherwise, or for a fiber wired with lock_os_thread, the P is given away.
//
// errno: the thread may change on entry and on exit, never while `call`
// runs, so a `call` that needs errno must read it itself and return it, e.g.
//
//   auto [n, err] = vfs::runtime::syscall([&] {
//     ssize_t n = ::read(fd, buf, len);
//     return std::pair{n, n < 0 ? errno : 0};
//   });
//
// An exception from `call` reaches the caller, rethrown once the fiber has
// left the call (possibly on another thread).
//
// Off a fiber (a plain thread, or no runtime) both just call `call`.
// `call` must not use the runtime (spawn, park, yield): the fiber is not on a P.
#pragma once

#include <exception>
#include <optional>
#include <type_traits>

#include "vfs/runtime/scheduler.h"

namespace vfs::runtime {

namespace detail {
void enter_syscall() noexcept;
void enter_syscall_block() noexcept;
void exit_syscall() noexcept;

// Runs `call` between `enter` and exit_syscall. A throwing `call`'s
// exception is caught before exit_syscall and rethrown after it: leaving the
// call may resume the fiber on another thread, and an exception must not be
// in flight across that move (the C++ runtime counts exceptions in flight
// per thread, and the count would go up on one and down on the other).
template <class F>
decltype(auto) in_syscall(void (*enter)() noexcept, F& call) {
  using R = std::invoke_result_t<F&>;
  if constexpr (std::is_nothrow_invocable_v<F&>) {
    enter();
    struct Exit {
      ~Exit() { exit_syscall(); }
    } exit;
    return call();
  } else {
    // The result waits in `result` while the call is left; a reference is
    // held as a pointer (and a void call holds nothing).
    using Held = std::conditional_t<
        std::is_void_v<R>, char,
        std::conditional_t<std::is_reference_v<R>, std::remove_reference_t<R>*, R>>;
    std::optional<Held> result;
    std::exception_ptr thrown;
    enter();
    try {
      if constexpr (std::is_void_v<R>) {
        call();
      } else if constexpr (std::is_reference_v<R>) {
        result.emplace(&call());
      } else {
        result.emplace(call());
      }
    } catch (...) {
      thrown = std::current_exception();
    }
    exit_syscall();
    if (thrown) std::rethrow_exception(thrown);
    if constexpr (std::is_reference_v<R>) {
      return static_cast<R>(**result);
    } else if constexpr (!std::is_void_v<R>) {
      return R(std::move(*result));
    }
  }
}
}  // namespace detail

template <class F>
decltype(auto) syscall(F&& call) {
  if (!on_fiber()) return call();
  return detail::in_syscall(detail::enter_syscall, call);
}

template <class F>
decltype(auto) syscall_blocking(F&& call) {
  if (!on_fiber()) return call();
  return detail::in_syscall(detail::enter_syscall_block, call);
}

// The most OS threads the runtime may have at once (Go's
// debug.SetMaxThreads; default 10000). Returns the previous limit. A
// program that needs more - every thread busy in a blocking call or wired
// to a fiber, and work waiting for one more - ends with a fatal error naming
// the limit, as in Go: waiting for a thread to free up could wait forever
// when the calls in progress wait for fibers that need a thread to run.
// `limit` < 1 is treated as 1.
int set_max_threads(int limit) noexcept;

}  // namespace vfs::runtime
