// The runtime rows of bench/run: our fibers against goroutines (go/main.go)
// and, for the handoff rows, Boost.Fiber (boost_fiber_bench.cc). Every row
// runs the runtime with cfg.procs Ps, as Go runs with GOMAXPROCS(procs).
#include "runtime_bench.h"

#include <cstdio>
#include <cstring>
#include <utility>

#include "retention.h"
#include "vfs/runtime.h"

namespace vfs_bench {
namespace {

namespace rt = vfs::runtime;

// Runs fn as the main fiber of a runtime with the row's P count.
template <class F>
void in_runtime(const Config& cfg, F&& fn) {
  rt::Config config;
  config.procs = cfg.procs;
  rt::run(std::forward<F>(fn), config);
}

// Row "spawn_join": one op starts cfg.fibers fibers that each finish at
// once, and waits for all of them (WaitGroup), as Go's spawnJoin does with
// goroutines.
void spawn_join(benchmark::State& state, const Config& cfg) {
  in_runtime(cfg, [&] {
    for (auto _ : state) {
      rt::WaitGroup wg;
      wg.add(cfg.fibers);
      for (int i = 0; i < cfg.fibers; ++i) rt::go([&wg] { wg.done(); });
      wg.wait();
    }
  });
  state.counters["fibers"] = cfg.fibers;
}

// Row "ping_pong": one op is a round trip over two unbuffered channels
// between the main fiber and an echo fiber.
void ping_pong(benchmark::State& state, const Config& cfg) {
  in_runtime(cfg, [&] {
    rt::Channel<int> ping, pong;
    rt::WaitGroup echoed;
    echoed.add(1);
    rt::go([&] {
      while (auto v = ping.recv()) pong.send(*v);
      echoed.done();
    });
    int v = 0;
    for (auto _ : state) {
      ping.send(v);
      v = *pong.recv() + 1;
    }
    ping.close();
    echoed.wait();
  });
}

// Resident set size of this process, from /proc/self/status (VmRSS), in bytes.
long rss_bytes() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kib = -1;
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) kib = std::atol(line + 6);
  }
  std::fclose(f);
  return kib * 1024;
}

// Row "park_memory": the RSS that cfg.fibers fibers add while parked on a
// channel receive, per fiber. Measured once per process, on its first
// fibers: later ones would reuse the stacks (and heap) the first left.
void park_memory(benchmark::State& state, const Config& cfg) {
  long before = 0, after = 0;
  for (auto _ : state) {
    in_runtime(cfg, [&] {
      rt::Channel<int> gate;
      rt::WaitGroup parked, exited;
      parked.add(cfg.fibers);
      exited.add(cfg.fibers);
      before = rss_bytes();
      for (int i = 0; i < cfg.fibers; ++i) {
        rt::go([&] {
          parked.done();
          gate.recv();
          exited.done();
        });
      }
      parked.wait();
      after = rss_bytes();
      gate.close();
      exited.wait();
    });
  }
  if (before < 0 || after < 0) return state.SkipWithError("cannot read VmRSS");
  state.counters["fibers"] = cfg.fibers;
  state.counters["bytes_per_fiber"] = static_cast<double>(after - before) / cfg.fibers;
}

// Our side of the retention rows: the blockers go through syscall() (sysmon
// must notice and retake the P) or syscall_blocking() (hands it off at once).
template <bool kHandOffAtOnce>
struct Ours {
  using Group = rt::WaitGroup;
  template <class F>
  static void go(F&& fn) {
    rt::go(std::forward<F>(fn));
  }
  static void yield() { rt::yield(); }
  template <class F>
  static auto block(F&& call) {
    if constexpr (kHandOffAtOnce) {
      return rt::syscall_blocking(std::forward<F>(call));
    } else {
      return rt::syscall(std::forward<F>(call));
    }
  }
};

template <bool kHandOffAtOnce>
void retention_row(benchmark::State& state, const Config& cfg, Blocking kind) {
  retention_benchmark<Ours<kHandOffAtOnce>>(state, cfg, kind,
                                            [&](auto fn) { in_runtime(cfg, fn); });
}

}  // namespace

void register_runtime(const Config& cfg) {
  benchmark::RegisterBenchmark("spawn_join", spawn_join, cfg)->UseRealTime();
  benchmark::RegisterBenchmark("ping_pong", ping_pong, cfg)->UseRealTime();
  benchmark::RegisterBenchmark("park_memory", park_memory, cfg)->Iterations(1)->UseRealTime();
  // The handoff rows with blockers through syscall(), and through
  // syscall_blocking() ("_blocking").
  register_retention_rows(cfg, retention_row<false>);
  register_retention_rows(cfg, retention_row<true>, "_blocking");
}

}  // namespace vfs_bench
