// Inflating is CPU work on a cooperative scheduler: a fiber inflating a
// large stream must let the others on its P run (src/gzip/inflater.h
// yields about every Options::yield_every bytes). The assertions count
// ticks against progress, never time: with one P, a ticker fiber can only
// tick while the inflater is between two of its yields.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "gzip/gzip_reader.h"
#include "gzip_test_util.h"
#include "runtime_test_util.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/sleep.h"
#include "vfs/runtime/wait_group.h"

namespace {

namespace rt = vfs::runtime;

constexpr int kCopies = 32;
constexpr std::uint64_t kMark = std::uint64_t{32} << 20;  // progress between two samples

// 512 MiB of output from about 1 MB: one member of 16 MiB of text lines
// (Python's zlib at level 1 makes it in a blink), repeated.
std::string big_stream() {
  const std::string one =
      vfs_test::run(
          "python3 -c 'import gzip,sys; line = b\"\".join(b\"%06d the quick brown fox jumps "
          "over the lazy dog\\n\" % i for i in range(1000)); "
          "sys.stdout.buffer.write(gzip.compress(line * (16 * 1024 * 1024 // len(line) + 1), 1))'")
          .value_or("");
  std::string all;
  for (int i = 0; i < kCopies; ++i) all += one;
  return all;
}

struct Progress {
  std::vector<std::uint64_t> ticks_at_marks;  // the ticker's count at each kMark of output
  std::uint64_t bytes = 0;
};

// Inflates `gz` on one fiber while another ticks every millisecond, on a
// runtime with one P.
Progress inflate_beside_a_ticker(const std::string& gz, std::uint64_t yield_every) {
  Progress result;
  rt::run(
      [&] {
        std::atomic<std::uint64_t> ticks{0};
        std::atomic<bool> done{false};
        rt::WaitGroup wg;
        wg.add(2);
        rt::go([&] {
          while (!done.load()) {
            rt::sleep_for(std::chrono::milliseconds(1));
            ticks.fetch_add(1);
          }
          wg.done();
        });
        rt::go([&] {
          vfs_test::BytesReader source(gz);
          vfs::gzip::Options options;
          options.yield_every = yield_every;
          auto r = vfs::gzip::GzipReader::open(source, options).value();
          std::string buf(1 << 20, '\0');
          std::uint64_t next_mark = 0;
          for (;;) {
            auto n = r.read(buf);
            if (!n || *n == 0) break;
            result.bytes += *n;
            if (result.bytes >= next_mark) {
              result.ticks_at_marks.push_back(ticks.load());
              next_mark += kMark;
            }
          }
          done = true;
          wg.done();
        });
        wg.wait();
      },
      {.procs = 1});
  return result;
}

TEST(GzipFiber, TickerKeepsTickingWhileInflating) {
  if (!vfs_test::have_fixture_tools()) GTEST_SKIP() << "needs python3";
  rt::testing::HangGuard guard("gzip ticker", std::chrono::seconds(240));
  const std::string gz = big_stream();
  ASSERT_GT(gz.size(), 100'000u);

  const Progress p = inflate_beside_a_ticker(gz, std::uint64_t{1} << 20);
  ASSERT_GE(p.bytes, std::uint64_t{kCopies} << 24);
  ASSERT_GE(p.ticks_at_marks.size(), 16u);
  // Between most two marks (32 MiB of inflating, 32 yields) the ticker
  // ticked: its 1 ms sleeps ran out while the inflater worked, and a yield
  // let it run. "Most", not "all": on a loaded machine two marks may come
  // closer than a tick.
  int intervals_with_ticks = 0;
  for (std::size_t i = 1; i < p.ticks_at_marks.size(); ++i) {
    if (p.ticks_at_marks[i] > p.ticks_at_marks[i - 1]) ++intervals_with_ticks;
  }
  EXPECT_GE(intervals_with_ticks, static_cast<int>(p.ticks_at_marks.size() / 2))
      << "the ticker starved while the inflater ran";
}

// The control: without yields the ticker cannot run at all between the
// first mark and the last, so the test above measures the yields.
TEST(GzipFiber, WithoutYieldsTheTickerStarves) {
  if (!vfs_test::have_fixture_tools()) GTEST_SKIP() << "needs python3";
  rt::testing::HangGuard guard("gzip ticker", std::chrono::seconds(240));
  const Progress p = inflate_beside_a_ticker(big_stream(), 0);
  ASSERT_GE(p.bytes, std::uint64_t{kCopies} << 24);
  ASSERT_GE(p.ticks_at_marks.size(), 16u);
  EXPECT_EQ(p.ticks_at_marks.back(), p.ticks_at_marks.front());
}

}  // namespace
