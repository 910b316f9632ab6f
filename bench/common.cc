#include "common.h"

#include <benchmark/benchmark.h>

#include <charconv>
#include <string_view>

namespace vfs_bench {
namespace {

bool parse_flag(std::string_view arg, Config& cfg) {
  auto value = [&](std::string_view flag) -> std::string_view {
    return arg.substr(0, flag.size()) == flag ? arg.substr(flag.size()) : std::string_view();
  };
  auto to_int = [](std::string_view s, int& out) {
    return std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc() && out > 0;
  };
  if (auto v = value("--tree="); !v.empty()) return cfg.tree = v, true;
  if (auto v = value("--zip="); !v.empty()) return cfg.zip = v, true;
  if (auto v = value("--zip_reads="); !v.empty()) return to_int(v, cfg.zip_reads);
  if (auto v = value("--map_files="); !v.empty()) return to_int(v, cfg.map_files);
  if (auto v = value("--file_size="); !v.empty()) return to_int(v, cfg.file_size);
  if (auto v = value("--procs="); !v.empty()) return to_int(v, cfg.procs);
  if (auto v = value("--fibers="); !v.empty()) return to_int(v, cfg.fibers);
  if (auto v = value("--blockers="); !v.empty()) return to_int(v, cfg.blockers);
  if (auto v = value("--window="); !v.empty()) {
    return std::from_chars(v.data(), v.data() + v.size(), cfg.window_s).ec == std::errc() &&
           cfg.window_s > 0;
  }
  return false;
}

}  // namespace

int bench_main(int argc, char** argv, void (*register_all)(const Config&)) {
  Config cfg;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg.substr(0, 2) == "--" && parse_flag(arg, cfg)) continue;
    argv[kept++] = argv[i];
  }
  argc = kept;
  register_all(cfg);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace vfs_bench
