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

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common.h"
#include "runtime_bench.h"
#include "vfs/parallel_walk.h"
#include "vfs/runtime.h"
#include "vfs/vfs.h"
#include "vfs/zip_fs.h"

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
// Reads `file` to its end into `buf` (the caller's: the rows measure the
// FS, not an allocator), adds the bytes to `bytes`, and closes it.
vfs::Status read_to_eof(vfs::File& file, std::span<char> buf, std::int64_t& bytes) {
  for (;;) {
    auto n = file.read(buf);
    if (!n) return std::move(n).error();
    if (*n == 0) return file.close();
    bytes += static_cast<std::int64_t>(*n);
  }
}

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
    if (auto st = read_to_eof(**file, buf, bytes); !st) {
      return state.SkipWithError(st.error().message().c_str());
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.counters["bytes_per_op"] =
      static_cast<double>(bytes) / static_cast<double>(state.iterations());
}

// Row "zip_walk_stat" (vs Go's zip.OpenReader + fs.WalkDir + fs.Stat of
// every path, and `unzip -Z1`): one op opens the archive (its central
// directory read and indexed), walks it and stats every path by name.
void zip_walk_stat(benchmark::State& state, const Config& cfg) {
  std::int64_t entries = 0;
  for (auto _ : state) {
    auto zip = vfs::ZipFS::make(cfg.zip);
    if (!zip) return state.SkipWithError(zip.error().message().c_str());
    entries = 0;
    std::int64_t size = 0;
    auto st = vfs::walk_dir(**zip, ".",
                            [&](std::string_view path, const vfs::DirEntry*,
                                const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
                              if (err) return *err;
                              auto info = vfs::stat(**zip, path);
                              if (!info) return std::move(info).error();
                              size += info->size;
                              ++entries;
                              return vfs::WalkAction::proceed;
                            });
    if (!st) return state.SkipWithError(st.error().message().c_str());
    benchmark::DoNotOptimize(size);
  }
  state.counters["entries"] = static_cast<double>(entries);
}

// The files of a zip, sorted by name (as the Go peer sorts them), and the
// `count` of them the zip read row reads, picked by the same LCG both sides
// use (Knuth's MMIX constants, the high bits).
std::vector<std::string> zip_picks(vfs::FS& zip, int count) {
  std::vector<std::string> files;
  (void)vfs::walk_dir(zip, ".",
                      [&](std::string_view path, const vfs::DirEntry* e,
                          const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
                        if (err) return *err;
                        if (!e->is_dir()) files.emplace_back(path);
                        return vfs::WalkAction::proceed;
                      });
  std::sort(files.begin(), files.end());
  std::vector<std::string> picks;
  std::uint64_t x = 1;
  for (int i = 0; i < count && !files.empty(); ++i) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    picks.push_back(files[(x >> 33) % files.size()]);
  }
  return picks;
}

// Row "zip_read_random" (vs Go's zip.Reader Open + Read + Close): the
// archive opened once; one op opens, reads to EOF into a caller-owned
// buffer, and closes cfg.zip_reads entries picked at random.
void zip_read_random(benchmark::State& state, const Config& cfg) {
  auto zip = vfs::ZipFS::make(cfg.zip);
  if (!zip) return state.SkipWithError(zip.error().message().c_str());
  const std::vector<std::string> picks = zip_picks(**zip, cfg.zip_reads);
  char buf[4096];
  std::int64_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& name : picks) {
      auto file = (*zip)->open(name);
      if (!file) return state.SkipWithError(file.error().message().c_str());
      if (auto st = read_to_eof(**file, buf, bytes); !st) {
        return state.SkipWithError(st.error().message().c_str());
      }
    }
  }
  state.counters["read_bytes"] =
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
  if (!cfg.zip.empty()) {
    benchmark::RegisterBenchmark("zip_walk_stat", zip_walk_stat, cfg)->UseRealTime();
    benchmark::RegisterBenchmark("zip_read_random", zip_read_random, cfg)->UseRealTime();
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
