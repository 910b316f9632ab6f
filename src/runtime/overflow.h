// Naming the fiber whose stack overflowed.
//
// A fiber that runs off its stack hits the guard region below it: a
// SIGSEGV. Handled on a per-thread alternate signal stack (the fiber's own
// stack is unusable), the fault address is checked against the running
// fiber's guard; if it matches, one line names the fiber and its stack size.
// Then the fault goes on to the handler installed before ours (a
// sanitizer's, say), or to the default action: a crash, as before.
#pragma once

namespace vfs::runtime::detail {

// Once per process; keeps the previous SIGSEGV handler to forward to.
void install_overflow_handler() noexcept;

// Per thread that runs fibers: an alternate signal stack, unless the thread
// has one. Returns an opaque token for drop_signal_stack.
void* add_signal_stack() noexcept;
void drop_signal_stack(void* token) noexcept;

}  // namespace vfs::runtime::detail
