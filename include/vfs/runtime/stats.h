// stats(): counters of the running runtime, for tests and diagnostics.
#pragma once

#include <cstdint>

namespace vfs::runtime {

struct Stats {
  int procs = 0;    // Ps
  int threads = 0;  // Ms alive (excluding sysmon)
  int idle_procs = 0;
  std::uint64_t spawned = 0;           // fibers created since run()
  std::uint64_t live_fibers = 0;       // fibers not yet exited
  std::uint64_t steals = 0;            // successful runqsteal()s
  std::uint64_t syscalls = 0;          // syscall()/syscall_blocking() calls on fibers
  std::uint64_t retakes = 0;           // Ps sysmon took from a thread stuck in a syscall
  std::uint64_t handoffs = 0;          // Ps handed to another thread (retakes + blocking)
  std::uint64_t moved_syscalls = 0;    // blocking calls moved to another thread, the P staying
  std::uint64_t relayed_syscalls = 0;  // of those, made by a thread back from another call
  std::uint64_t long_runs = 0;         // fibers seen running >= 10 ms without a switch
  std::uint64_t locked_spawns = 0;     // go() calls from fibers wired to their thread
  std::uint64_t sysmon_polled = 0;     // fibers woken by sysmon's own poll (nobody else polled)
  std::uint64_t trace_lines = 0;       // schedtrace reports printed (VFS_DEBUG=schedtrace=ms)
  std::uint64_t deadlock_reports = 0;  // "all fibers are asleep" reports (Config::on_deadlock)
};

// All zero when no runtime runs.
Stats stats() noexcept;

}  // namespace vfs::runtime
