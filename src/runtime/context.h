// Context switches between a thread's own stack (g0) and fiber stacks, on
// Boost.Context's fcontext primitives, annotated for the sanitizers.
//
// Why the raw fcontext layer (boost/context/detail/fcontext.hpp) and not
// boost::context::fiber: the scheduler owns its stacks (pooled, lazily
// mapped, guarded) and must run code on g0 *after* a fiber's stack is
// switched away from (to publish a parked fiber only once nobody runs on its
// stack - Go's mcall/park_m). fcontext's jump gives exactly that: the value
// passed to the jump arrives on the other side. These three functions have
// been stable since Boost 1.61 and are what Boost.Fiber itself uses.
//
// The fcontext backend has no sanitizer hooks, so every jump goes through
// jump() below, which tells ASan (__sanitizer_start/finish_switch_fiber) and
// TSan (__tsan_switch_to_fiber) about the stack change.
#pragma once

#include <boost/context/detail/fcontext.hpp>
#include <cstddef>

namespace vfs::runtime::detail {

using Fctx = boost::context::detail::fcontext_t;
using Transfer = boost::context::detail::transfer_t;

// A stack as ASan wants it: lowest usable address and size. Empty (unknown)
// for a thread's own stack until a switch away from it reports it.
struct StackRange {
  const void* bottom = nullptr;
  std::size_t size = 0;
};

struct Jumped {
  Transfer transfer;  // who jumped back to us, and the value they passed
  StackRange from;    // their stack (only filled in under ASan)
};

// Jumps to `to`, running on `to_stack`; `to_tsan` is the destination's TSan
// fiber (nullptr without TSan). `leaving_for_good` is set on a fiber's last
// switch, so ASan can drop its fake stack. Returns when something jumps back.
Jumped jump(Fctx to, void* data, StackRange to_stack, void* to_tsan,
            bool leaving_for_good) noexcept;

// To call first thing in a new context's entry function; returns the stack
// of the context that started it.
StackRange entered_new_context() noexcept;

// Makes a context that will start in `entry` on [bottom, bottom + size).
Fctx make_context(void* bottom, std::size_t size, void (*entry)(Transfer)) noexcept;

// TSan fiber handles (nullptr without TSan).
void* tsan_current_fiber() noexcept;
void* tsan_create_fiber() noexcept;
void tsan_destroy_fiber(void* fiber) noexcept;

// Forget ASan poisoning left on a stack by a fiber that ended without
// returning from its frames, before the memory is reused.
void unpoison_stack(void* bottom, std::size_t size) noexcept;

}  // namespace vfs::runtime::detail
