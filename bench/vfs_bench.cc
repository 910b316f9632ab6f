// Our side of bench/run: one benchmark per contender, each named as its Go
// peer in go/main.go. bench/run passes the data (--tree, --map_files,
// --file_size) so both sides work on the same files, and reads the JSON
// output. Benchmarks time real (wall) time: that is what the peers' numbers
// are, and a walk spends most of it in the kernel.
//
// Adding a row: a function here, its registration in register_all(), the
// same-named function in go/main.go, and a line in bench/run's ROWS.
#include <benchmark/benchmark.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "vfs/vfs.h"

namespace {

struct Config {
  std::string tree;        // generated directory tree; its rows are skipped if empty
  int map_files = 10'000;  // files in the MapFS rows
  int file_size = 100;     // bytes per MapFS file
};

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

// Row "walk_dir": vs fs.WalkDir(os.DirFS(tree), ".", count) and `find tree`.
void walk_dir(benchmark::State& state, const Config& cfg) {
  auto fs = vfs::DirFS::make(cfg.tree);
  if (!fs) return state.SkipWithError(fs.error().message().c_str());
  std::int64_t entries = 0;
  const vfs::WalkDirFunc fn = counting(entries);
  for (auto _ : state) {
    entries = 0;
    if (auto st = vfs::walk_dir(**fs, ".", fn); !st) {
      return state.SkipWithError(st.error().message().c_str());
    }
  }
  state.counters["entries"] = static_cast<double>(entries);
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
  if (!cfg.tree.empty()) benchmark::RegisterBenchmark("walk_dir", walk_dir, cfg)->UseRealTime();
  benchmark::RegisterBenchmark("mapfs_open_read_close", mapfs_open_read_close, cfg)->UseRealTime();
}

// Our flags, taken out of argv before Google Benchmark sees the rest.
bool parse_flag(std::string_view arg, Config& cfg) {
  auto value = [&](std::string_view flag) -> std::string_view {
    return arg.substr(0, flag.size()) == flag ? arg.substr(flag.size()) : std::string_view();
  };
  auto to_int = [](std::string_view s, int& out) {
    return std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc() && out > 0;
  };
  if (auto v = value("--tree="); !v.empty()) return cfg.tree = v, true;
  if (auto v = value("--map_files="); !v.empty()) return to_int(v, cfg.map_files);
  if (auto v = value("--file_size="); !v.empty()) return to_int(v, cfg.file_size);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg.substr(0, 2) == "--" && parse_flag(arg, cfg)) continue;
    argv[kept++] = argv[i];
  }
  argc = kept;
  // A real program (one with the fiber runtime, say) has threads, and so
  // pays for atomic reference counts; a process that never started one gets
  // plain increments from libstdc++ (__libc_single_threaded). Measure the former.
  std::thread([] {}).join();
  register_all(cfg);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
