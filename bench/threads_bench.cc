// The machine's ceiling for the handoff rows: the same measurement as ours
// (retention.h) with a plain OS thread for every compute worker and every
// blocker, so the kernel schedules them all. A blocked thread costs nothing
// but its own wake-ups, and a woken one runs at once, preempting compute; no
// fiber runtime can keep more compute than this on the same machine.
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "common.h"
#include "retention.h"

namespace vfs_bench {
namespace {

struct OsThreads {
  using Group = CountingGroup<std::mutex, std::condition_variable>;

  // Threads are joined when the measurement ends (join_all), not detached:
  // none may outlive the frames its function refers to.
  template <class F>
  static void go(F&& fn) {
    std::lock_guard lock(mu());
    threads().emplace_back(std::forward<F>(fn));
  }
  static void yield() {}  // the kernel preempts
  template <class F>
  static auto block(F&& call) {
    return call();
  }

  static void join_all() {
    std::vector<std::thread> all;
    {
      std::lock_guard lock(mu());
      all.swap(threads());
    }
    for (auto& t : all) t.join();
  }

 private:
  static std::mutex& mu() {
    static std::mutex m;
    return m;
  }
  static std::vector<std::thread>& threads() {
    static std::vector<std::thread> v;
    return v;
  }
};

void threads_retention(benchmark::State& state, const Config& cfg, Blocking kind) {
  retention_benchmark<OsThreads>(state, cfg, kind, [](auto fn) {
    fn();
    OsThreads::join_all();
  });
}

void register_all(const Config& cfg) { register_retention_rows(cfg, threads_retention); }

}  // namespace
}  // namespace vfs_bench

int main(int argc, char** argv) {
  return vfs_bench::bench_main(argc, argv, vfs_bench::register_all);
}
