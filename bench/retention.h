// The handoff rows' measurement, shared by our runtime and Boost.Fiber (Go's
// copy is retention() in go/main.go): how much compute a runtime keeps while
// fibers sit in blocking system calls.
//
// A phase runs `procs * 2` compute fibers for one window of wall time; each
// repeats a fixed CPU-bound unit, counts it and yields (so a fiber that
// needs the P gets it between units, as Go's preemption would give it).
// retention = units done while `blockers` fibers block ÷ units done alone.
// Both phases run in one process, back to back, so they share the machine's
// state.
//
// Rt adapts a fiber library: go(fn), yield(), a Group (add/done/wait, like
// a WaitGroup) and block(call), the wrapper its fibers make a blocking
// system call through.
#pragma once

#include <time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "common.h"

namespace vfs_bench {

using Clock = std::chrono::steady_clock;

// One unit of compute: 16384 rounds of xorshift64* (about 70 us here). Go's
// computeUnit is the same loop.
inline std::uint64_t compute_unit(std::uint64_t x) {
  for (int i = 0; i < 16384; ++i) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    x *= 0x2545F4914F6CDD1DULL;
  }
  return x;
}

// What the blockers do during the window.
enum class Blocking {
  // read(2) of one byte from its own pipe. Nothing is written: each stays
  // blocked for the whole window; a plain thread closes the write ends at
  // the deadline, so every read returns 0 (EOF).
  pipe_read,
  // nanosleep(10 ms) in a loop: short, repeated blocking calls. A plain
  // thread raises `stop` at the deadline.
  nanosleep_10ms,
};

// A WaitGroup for fiber libraries and threads that have none: a count under
// Mutex, and CondVar to wait for it to reach zero. done() notifies under the
// lock, so wait() cannot return, and the Group be destroyed, while
// notify_all still uses it.
template <class Mutex, class CondVar>
class CountingGroup {
 public:
  void add(int n) {
    std::lock_guard lock(mu_);
    count_ += n;
  }
  void done() {
    std::lock_guard lock(mu_);
    if (--count_ == 0) zero_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu_);
    zero_.wait(lock, [this] { return count_ == 0; });
  }

 private:
  Mutex mu_;
  CondVar zero_;
  int count_ = 0;
};

struct Retention {
  std::int64_t units_alone = 0;
  std::int64_t units_blocked = 0;
  // Blocking calls the blockers completed: a runtime could keep more compute
  // by delaying them, and this shows whether it did.
  std::int64_t calls = 0;
};

template <class Rt>
std::int64_t compute_until(int workers, Clock::time_point deadline) {
  std::atomic<std::int64_t> units{0};
  std::atomic<std::uint64_t> sink{0};
  typename Rt::Group group;
  group.add(workers);
  for (int w = 0; w < workers; ++w) {
    Rt::go([&, w] {
      std::int64_t n = 0;
      std::uint64_t x = 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(w);
      while (Clock::now() < deadline) {
        x = compute_unit(x);
        ++n;
        Rt::yield();
      }
      units += n;
      sink ^= x;  // keeps the kernel from being optimized out
      group.done();
    });
  }
  group.wait();
  return units.load();
}

// The pipes of Blocking::pipe_read: [read end, write end] each.
class Pipes {
 public:
  explicit Pipes(int n) : fds_(static_cast<std::size_t>(n)) {
    for (auto& p : fds_) {
      if (::pipe(p.data()) != 0) throw std::runtime_error("pipe failed");
    }
  }
  Pipes(const Pipes&) = delete;
  Pipes& operator=(const Pipes&) = delete;
  ~Pipes() {
    for (auto& p : fds_) ::close(p[0]);
  }
  int read_end(int i) const { return fds_[static_cast<std::size_t>(i)][0]; }
  void close_write_ends() {
    for (auto& p : fds_) ::close(p[1]);
  }

 private:
  std::vector<std::array<int, 2>> fds_;
};

template <class Rt>
void start_blockers(Blocking kind, int n, Pipes& pipes, std::atomic<bool>& stop,
                    std::atomic<std::int64_t>& calls, typename Rt::Group& group) {
  group.add(n);
  for (int i = 0; i < n; ++i) {
    const int fd = kind == Blocking::pipe_read ? pipes.read_end(i) : -1;
    Rt::go([kind, fd, &stop, &calls, &group] {
      std::int64_t made = 0;
      if (kind == Blocking::pipe_read) {
        char c;
        Rt::block([&] { return ::read(fd, &c, 1); });
        ++made;
      } else {
        const timespec ts{0, 10'000'000};
        for (; !stop.load(); ++made) Rt::block([&] { return ::nanosleep(&ts, nullptr); });
      }
      calls += made;
      group.done();
    });
  }
}

// Both phases; the caller is a fiber of Rt's running runtime.
template <class Rt>
Retention measure_retention(const Config& cfg, Blocking kind) {
  const int workers = 2 * cfg.procs;
  const auto window =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(cfg.window_s));
  Retention r;
  r.units_alone = compute_until<Rt>(workers, Clock::now() + window);

  Pipes pipes(kind == Blocking::pipe_read ? cfg.blockers : 0);
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> calls{0};
  const auto deadline = Clock::now() + window;
  // A plain thread ends the blocking, so it happens on time even when every
  // thread of the fiber library is stuck in a blocker.
  std::thread releaser([&] {
    std::this_thread::sleep_until(deadline);
    stop = true;
    pipes.close_write_ends();
  });
  typename Rt::Group blockers;
  start_blockers<Rt>(kind, cfg.blockers, pipes, stop, calls, blockers);
  r.units_blocked = compute_until<Rt>(workers, deadline);
  blockers.wait();
  releaser.join();
  r.calls = calls.load();
  return r;
}

// Runs both phases once (retention rows are Iterations(1)) and reports
// them; bench/run divides. `in_runtime` runs a callable on a fiber of Rt.
template <class Rt, class InRuntime>
void retention_benchmark(benchmark::State& state, const Config& cfg, Blocking kind,
                         InRuntime in_runtime) {
  Retention r;
  for (auto _ : state) in_runtime([&] { r = measure_retention<Rt>(cfg, kind); });
  state.counters["units_alone"] = static_cast<double>(r.units_alone);
  state.counters["units_blocked"] = static_cast<double>(r.units_blocked);
  state.counters["calls"] = static_cast<double>(r.calls);
  state.counters["blockers"] = cfg.blockers;
}

// Registers the rows "handoff_read" and "handoff_nanosleep" (with `suffix`
// appended), which `measure(state, cfg, kind)` runs; each is one measurement
// of both phases.
template <class Measure>
void register_retention_rows(const Config& cfg, Measure measure, const std::string& suffix = "") {
  for (auto [name, kind] : {std::pair{"handoff_read", Blocking::pipe_read},
                            std::pair{"handoff_nanosleep", Blocking::nanosleep_10ms}}) {
    benchmark::RegisterBenchmark((name + suffix).c_str(), measure, cfg, kind)
        ->Iterations(1)
        ->UseRealTime();
  }
}

}  // namespace vfs_bench
