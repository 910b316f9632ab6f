// Our side of bench/run: one benchmark per contender, each named as its Go
// peer in go/main.go. bench/run passes the data (--tree, --map_files, ...;
// see common.h) so both sides work on the same files, and reads the JSON
// output. Benchmarks time real (wall) time: that is what the peers' numbers
// are, and a walk spends most of it in the kernel. The runtime rows are in
// runtime_bench.cc.
//
// Adding a row: a function here, its registration in register_all(), the
// same-named function in go/main.go, and a line in bench/run's ROWS.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common.h"
#include "runtime_bench.h"
#include "vfs/parallel_walk.h"
#include "vfs/runtime.h"
#include "vfs/vfs.h"

namespace {

using vfs_bench::Config;

// The callback every walk contender runs: count what is visited, stop at the
// first error (as the Go peer's callback does).
vfs::WalkDirFunc counting(std::int64_t& entries) {
  return [&entries](std::string_view, const vfs::DirEntry*,
                    const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
    if (err) return *err;
    ++entries;
    return vfs::WalkAction::proceed;
  };
}

// Empties the page, dentry and inode caches (root only), so the next walk
// reads the disk: what a walk of a tree nobody touched lately costs.
bool drop_caches() {
  ::sync();
  std::FILE* f = std::fopen("/proc/sys/vm/drop_caches", "w");
  if (!f) return false;
  const bool ok = std::fputs("3\n", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

// Walks cfg.tree once per iteration with `walk` (walk_dir or
// walk_dir_parallel), from a cold cache if `cold`.
template <class Walk>
void time_walks(benchmark::State& state, const Config& cfg, bool cold, Walk walk) {
  auto fs = vfs::DirFS::make(cfg.tree);
  if (!fs) return state.SkipWithError(fs.error().message().c_str());
  std::int64_t entries = 0;
  const vfs::WalkDirFunc fn = counting(entries);
  for (auto _ : state) {
    if (cold) {
      state.PauseTiming();
      const bool dropped = drop_caches();
      state.ResumeTiming();
      if (!dropped) return state.SkipWithError("cannot write /proc/sys/vm/drop_caches (not root?)");
    }
    entries = 0;
    if (auto st = walk(**fs, fn); !st) return state.SkipWithError(st.error().message().c_str());
  }
  state.counters["entries"] = static_cast<double>(entries);
}

// Rows "walk_dir" (vs fs.WalkDir(os.DirFS(tree), ".", count) and `find
// tree`) and "walk_dir_cold" (the same from a cold cache).
void walk_dir(benchmark::State& state, const Config& cfg, bool cold) {
  time_walks(state, cfg, cold,
             [](vfs::FS& fs, const vfs::WalkDirFunc& fn) { return vfs::walk_dir(fs, ".", fn); });
}

// Rows "walk_dir_parallel" and "walk_dir_parallel_cold": the same walk with
// directory reads run ahead on the fibers of a runtime with cfg.procs Ps,
// against the sequential walk_dir.
void walk_dir_parallel(benchmark::State& state, const Config& cfg, bool cold) {
  vfs::runtime::Config config;
  config.procs = cfg.procs;
  vfs::runtime::run(
      [&] {
        time_walks(state, cfg, cold, [](vfs::FS& fs, const vfs::WalkDirFunc& fn) {
          return vfs::walk_dir_parallel(fs, ".", fn);
        });
      },
      config);
}

// The MapFS rows' names: file i is "dDD/fIIIII.txt" with DD = i % 100, as in go/main.go.
std::string map_name(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "d%02d/f%05d.txt", i % 100, i);
  return buf;
}

// Row "mapfs_open_read_close": vs the same loop over testing/fstest.MapFS.
// Reads into a caller-owned buffer until EOF, so the row measures the FS,
// not an allocator.
void mapfs_open_read_close(benchmark::State& state, const Config& cfg) {
  vfs::MapFS fs;
  std::vector<std::string> names;
  for (int i = 0; i < cfg.map_files; ++i) {
    names.push_back(map_name(i));
    auto st = fs.add(names.back(), {std::string(static_cast<std::size_t>(cfg.file_size), 'x')});
    if (!st) return state.SkipWithError(st.error().message().c_str());
  }
  char buf[4096];
  std::int64_t bytes = 0;
  std::size_t next = 0;
  for (auto _ : state) {
    auto file = fs.open(names[next]);
    if (++next == names.size()) next = 0;
    if (!file) return state.SkipWithError(file.error().message().c_str());
    for (;;) {
      auto n = (*file)->read(buf);
      if (!n) return state.SkipWithError(n.error().message().c_str());
      if (*n == 0) break;
      bytes += static_cast<std::int64_t>(*n);
    }
    if (auto st = (*file)->close(); !st) return state.SkipWithError(st.error().message().c_str());
  }
  benchmark::DoNotOptimize(bytes);
  state.counters["bytes_per_op"] =
      static_cast<double>(bytes) / static_cast<double>(state.iterations());
}

void register_all(const Config& cfg) {
  if (!cfg.tree.empty()) {
    benchmark::RegisterBenchmark("walk_dir", walk_dir, cfg, false)->UseRealTime();
    benchmark::RegisterBenchmark("walk_dir_parallel", walk_dir_parallel, cfg, false)->UseRealTime();
    benchmark::RegisterBenchmark("walk_dir_cold", walk_dir, cfg, true)->UseRealTime();
    benchmark::RegisterBenchmark("walk_dir_parallel_cold", walk_dir_parallel, cfg, true)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("mapfs_open_read_close", mapfs_open_read_close, cfg)->UseRealTime();
  vfs_bench::register_runtime(cfg);
}

}  // namespace

int main(int argc, char** argv) {
  // A real program (one with the fiber runtime, say) has threads, and so
  // pays for atomic reference counts; a process that never started one gets
  // plain increments from libstdc++ (__libc_single_threaded). Measure the former.
  std::thread([] {}).join();
  return vfs_bench::bench_main(argc, argv, register_all);
}
