// schedtrace (VFS_DEBUG=schedtrace=ms[,scheddetail=1]) and long-run counting.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <regex>
#include <string>

#include "runtime_test_util.h"
#include "vfs/runtime.h"

namespace rt = vfs::runtime;
using namespace std::chrono_literals;
using rt::testing::HangGuard;

namespace {

// Runs `main` with VFS_DEBUG set, until at least one trace line is out;
// returns what the runtime wrote to stderr.
std::string traced_run(const char* debug, int procs) {
  ::setenv("VFS_DEBUG", debug, 1);
  ::testing::internal::CaptureStderr();
  rt::run(
      [] {
        rt::WaitGroup wg;
        wg.add(1);
        rt::go([&] { wg.done(); });
        wg.wait();
        while (rt::stats().trace_lines == 0) rt::sleep_for(1ms);
      },
      {.procs = procs});
  ::unsetenv("VFS_DEBUG");
  return ::testing::internal::GetCapturedStderr();
}

}  // namespace

TEST(RuntimeTrace, SchedtracePrintsGoFormatLines) {
  HangGuard guard("schedtrace");
  const std::string err = traced_run("schedtrace=1", 2);
  const std::regex line(
      R"(SCHED \d+ms: gomaxprocs=2 idleprocs=\d+ threads=\d+ spinningthreads=\d+ )"
      R"(idlethreads=\d+ runqueue=\d+ \[\d+ \d+\] longruns=\d+\n)");
  EXPECT_TRUE(std::regex_search(err, line)) << err;
}

TEST(RuntimeTrace, ScheddetailAddsPMAndGLines) {
  HangGuard guard("scheddetail");
  const std::string err = traced_run("schedtrace=1,scheddetail=1", 2);
  EXPECT_TRUE(std::regex_search(err, std::regex(R"(SCHED \d+ms: gomaxprocs=2 .*runqueue=\d+ )")))
      << err;
  EXPECT_TRUE(std::regex_search(err, std::regex(R"(\n  P1: status=\w+ schedtick=\d+)"))) << err;
  EXPECT_TRUE(std::regex_search(err, std::regex(R"(\n  M0: idle=\d dead=0 m0=1\n)"))) << err;
  EXPECT_TRUE(std::regex_search(err, std::regex(R"(\n  G1: status=\w+\n)"))) << err;
}

TEST(RuntimeTrace, NoTraceWithoutTheVariable) {
  ::unsetenv("VFS_DEBUG");
  std::uint64_t lines = 1;
  rt::run([&] {
    rt::sleep_for(5ms);
    lines = rt::stats().trace_lines;
  });
  EXPECT_EQ(lines, 0u);
}

// A fiber that runs without switching is counted once sysmon sees it run
// for 10 ms: the spinner below stops as soon as it has been counted.
TEST(RuntimeTrace, FiberRunningWithoutYieldIsCounted) {
  HangGuard guard("long run");
  std::uint64_t long_runs = 0;
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(1);
        rt::go([&] {
          while (rt::stats().long_runs == 0) {
          }
          wg.done();
        });
        wg.wait();
        long_runs = rt::stats().long_runs;
      },
      {.procs = 2});
  EXPECT_GE(long_runs, 1u);
}
