// Naming the fiber whose stack overflowed.
//
// A fiber that runs off its stack hits the guard page below it: a SIGSEGV.
// Handled on a per-thread alternate signal stack (the fiber's own stack is
// unusable), the fault address is checked against the running fiber's guard
// page; if it matches, one line names the fiber and its stack size before
// the default action (a crash) proceeds. Installed only where SIGSEGV still
// has its default disposition, so sanitizers' and applications' own
// handlers are left alone.
#pragma once

namespace vfs::runtime::detail {

// Once per process, if SIGSEGV is at SIG_DFL.
void install_overflow_handler() noexcept;

// Per thread that runs fibers: an alternate signal stack, unless the thread
// has one. Returns an opaque token for drop_signal_stack.
void* add_signal_stack() noexcept;
void drop_signal_stack(void* token) noexcept;

}  // namespace vfs::runtime::detail
