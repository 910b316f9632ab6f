// The "1-byte reads" row: every read() returns a Result<std::size_t>, so a
// loop of tiny reads measures what the Result costs. bench/run builds this
// file twice - against the library as it is, and against the library as it
// was before Error became one pointer (BASELINE in bench/run) - and runs
// both in the same run. It uses only API both have.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <thread>

#include "common.h"
#include "vfs/map_fs.h"

namespace {

using vfs_bench::Config;

constexpr std::size_t kFileSize = 1 << 20;

// One byte per read() from a MapFS file, seeking back to the start at its end.
void mapfs_read_1byte(benchmark::State& state, const Config&) {
  vfs::MapFS fs;
  if (auto st = fs.add("f", {std::string(kFileSize, 'x')}); !st) {
    return state.SkipWithError(st.error().message().c_str());
  }
  auto file = fs.open("f");
  if (!file) return state.SkipWithError(file.error().message().c_str());
  auto* seeker = dynamic_cast<vfs::Seeker*>(file->get());
  char byte;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    auto n = (*file)->read(std::span<char>(&byte, 1));
    if (!n) return state.SkipWithError(n.error().message().c_str());
    if (*n == 0) {
      if (!seeker->seek(0, vfs::Whence::begin)) return state.SkipWithError("seek failed");
      continue;
    }
    bytes += static_cast<std::int64_t>(*n);
  }
  benchmark::DoNotOptimize(bytes);
}

void register_all(const Config& cfg) {
  benchmark::RegisterBenchmark("mapfs_read_1byte", mapfs_read_1byte, cfg)->UseRealTime();
}

}  // namespace

int main(int argc, char** argv) {
  std::thread([] {}).join();  // as in vfs_bench.cc: atomic reference counts, as a real program
  return vfs_bench::bench_main(argc, argv, register_all);
}
