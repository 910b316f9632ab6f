// What both of bench/'s Google Benchmark executables share: the data flags
// bench/run passes every contender (so ours and the peers work on the same
// data), and main().
#pragma once

#include <string>

namespace vfs_bench {

struct Config {
  std::string tree;        // generated directory tree; its rows are skipped if empty
  std::string zip;         // the tree as a deflated zip; its rows are skipped if empty
  int zip_reads = 10'000;  // entries read per op in the zip read row
  int map_files = 10'000;  // files in the MapFS rows
  int file_size = 100;     // bytes per MapFS file
  int procs = 2;           // Ps (GOMAXPROCS, threads) of the runtime rows
  int fibers = 1'000'000;  // fibers spawned / parked in the runtime rows
  int blockers = 64;       // fibers blocked in system calls in the retention rows
  double window_s = 0.5;   // seconds each retention phase computes for
};

// Strips our flags (--tree=, --map_files=, ...) from argv, hands the rest to
// Google Benchmark, calls register_all and runs what the filter selects.
int bench_main(int argc, char** argv, void (*register_all)(const Config&));

}  // namespace vfs_bench
