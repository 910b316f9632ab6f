// lock_os_thread: wire the calling fiber to its OS thread (Go >= 1.10's
// runtime.LockOSThread semantics).
//
// - Calls nest: the fiber stays wired until unlock_os_thread() has been
//   called as many times as lock_os_thread().
// - While wired, the fiber runs only on that thread and the thread runs no
//   other fiber: when the fiber parks, the thread gives its P away and sleeps
//   until the fiber is runnable again.
// - A fiber that exits while wired takes its thread down with it: the thread
//   may be in a state the fiber set up (a namespace, credentials, a signal
//   mask), so it is never reused. (The thread that called run() cannot end;
//   it only waits for run() to return.)
// - New threads are created by a clean template thread, never by a wired
//   one, so they do not inherit such state.
//
// Beyond Go: a fiber spawned by a wired fiber runs on another thread, so
// not inside a namespace the parent entered with setns(2)/unshare(2) - a
// classic bug. The LockedSpawn policy decides what go() does then.
#pragma once

#include <stdexcept>

namespace vfs::runtime {

// On a fiber: wires it to its current thread (one more level). Elsewhere: no-op.
void lock_os_thread() noexcept;
// Undoes one lock_os_thread(); unwires at zero. No-op if not wired.
void unlock_os_thread() noexcept;
// True when the calling fiber is wired to its thread.
bool os_thread_locked() noexcept;

enum class LockedSpawn {
  allow,   // as Go: spawn, say nothing
  report,  // spawn, and write the spawn site to stderr (once per site)
  refuse,  // throw LockedSpawnError from go(); nothing is spawned
};

// The policy for go() called from a wired fiber; returns the previous one.
// Process-wide; the default is `allow` (Go's behaviour).
LockedSpawn set_locked_spawn_policy(LockedSpawn policy) noexcept;

class LockedSpawnError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace vfs::runtime
