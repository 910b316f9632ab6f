// Boost.Fiber's side of the handoff rows: the same measurement as ours
// (retention.h) on boost::fibers::algo::work_stealing with cfg.procs
// threads. Its blockers make the plain blocking call: Boost.Fiber has no
// handoff, so a fiber blocked in a system call holds its thread.
#include <benchmark/benchmark.h>

#include <boost/fiber/all.hpp>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "common.h"
#include "retention.h"

namespace vfs_bench {
namespace {

namespace fibers = boost::fibers;

struct BoostFiber {
  using Group = CountingGroup<fibers::mutex, fibers::condition_variable>;

  template <class F>
  static void go(F&& fn) {
    fibers::fiber(std::forward<F>(fn)).detach();
  }
  static void yield() { boost::this_fiber::yield(); }
  template <class F>
  static auto block(F&& call) {
    return call();
  }
};

// Runs fn on the calling thread's main fiber, with procs - 1 more threads
// sharing the fibers through work stealing. Once per process: work_stealing
// keeps its thread registry in statics.
template <class F>
void in_work_stealing_pool(int procs, F&& fn) {
  BoostFiber::Group finished;  // the helpers' main fibers wait on it
  finished.add(1);
  std::vector<std::thread> helpers;
  for (int i = 1; i < procs; ++i) {
    helpers.emplace_back([&] {
      // suspend = true: an idle thread sleeps instead of spinning on a core.
      fibers::use_scheduling_algorithm<fibers::algo::work_stealing>(procs, true);
      finished.wait();
    });
  }
  fibers::use_scheduling_algorithm<fibers::algo::work_stealing>(procs, true);
  fn();
  finished.done();
  for (auto& t : helpers) t.join();
}

void boost_retention(benchmark::State& state, const Config& cfg, Blocking kind) {
  retention_benchmark<BoostFiber>(state, cfg, kind,
                                  [&](auto fn) { in_work_stealing_pool(cfg.procs, fn); });
}

void register_all(const Config& cfg) { register_retention_rows(cfg, boost_retention); }

}  // namespace
}  // namespace vfs_bench

int main(int argc, char** argv) {
  return vfs_bench::bench_main(argc, argv, vfs_bench::register_all);
}
