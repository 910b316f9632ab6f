// walk_dir_parallel: the same visits, in the same order, as walk_dir.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "test_util.h"
#include "vfs/parallel_walk.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/vfs.h"

namespace {

using vfs::WalkAction;

// One line per callback: path, entry kind, error.
using Log = std::vector<std::string>;
using Decide = std::function<vfs::Result<WalkAction>(std::string_view, const vfs::Error*)>;

vfs::WalkDirFunc logger(Log& log, const Decide& decide) {
  return [&log, decide](std::string_view path, const vfs::DirEntry* e,
                        const vfs::Error* err) -> vfs::Result<WalkAction> {
    log.push_back(std::string(path) + (e && e->is_dir() ? "/" : "") +
                  (err ? " !" + err->message() : ""));
    return decide(path, err);
  };
}

Decide proceed = [](std::string_view, const vfs::Error*) -> vfs::Result<WalkAction> {
  return WalkAction::proceed;
};

// Runs both walks with `decide` and expects identical logs and results.
void expect_same_walk(vfs::FS& fs, const Decide& decide,
                      const vfs::ParallelWalkOptions& opts = {}) {
  Log seq, par;
  vfs::Status s1 = vfs::walk_dir(fs, ".", logger(seq, decide));
  vfs::Status s2 = vfs::walk_dir_parallel(fs, ".", logger(par, decide), opts);
  EXPECT_EQ(s1.ok(), s2.ok());
  if (!s1.ok() && !s2.ok()) {
    EXPECT_EQ(s1.error().message(), s2.error().message());
  }
  EXPECT_EQ(seq, par);
  EXPECT_GT(seq.size(), 1u);
}

vfs::MapFS make_tree(int dirs, int files) {
  vfs::MapFS fs;
  for (int d = 0; d < dirs; ++d) {
    for (int f = 0; f < files; ++f) {
      const std::string dir = "d" + std::to_string(d % 7) + "/s" + std::to_string(d);
      (void)fs.add(dir + "/f" + std::to_string(f), {"x"});
    }
  }
  return fs;
}

// `fanout` subdirectories per directory, `depth` levels, `files` files in each.
vfs::MapFS make_deep_tree(int fanout, int depth, int files) {
  vfs::MapFS fs;
  std::function<void(const std::string&, int)> fill = [&](const std::string& dir, int level) {
    for (int f = 0; f < files; ++f) (void)fs.add(dir + "/f" + std::to_string(f), {"x"});
    if (level == depth) return;
    for (int d = 0; d < fanout; ++d) fill(dir + "/d" + std::to_string(d), level + 1);
  };
  for (int d = 0; d < fanout; ++d) fill("t" + std::to_string(d), 1);
  return fs;
}

// Counts read_dir calls per name; safe from several fibers at once.
class CountingFS final : public vfs::ReadDirFS {
 public:
  explicit CountingFS(vfs::MapFS& inner) : inner_(inner) {}
  vfs::Result<vfs::FilePtr> open(std::string_view n) override { return inner_.open(n); }
  vfs::Result<std::vector<vfs::DirEntry>> read_dir(std::string_view n) override {
    {
      std::lock_guard lock(mu_);
      reads_.push_back(std::string(n));
      if (vfs::runtime::fiber_id() != walker_) ++read_ahead_;
    }
    return inner_.read_dir(n);
  }
  // Reads from fibers other than `walker` count as read ahead.
  void set_walker(std::uint64_t walker) { walker_ = walker; }
  std::size_t read_ahead() {
    std::lock_guard lock(mu_);
    return read_ahead_;
  }
  std::size_t reads() {
    std::lock_guard lock(mu_);
    return reads_.size();
  }
  std::size_t reads_below(std::string_view dir) {
    std::lock_guard lock(mu_);
    return static_cast<std::size_t>(std::count_if(reads_.begin(), reads_.end(), [&](auto& r) {
      return r.starts_with(std::string(dir) + "/");
    }));
  }

 private:
  vfs::MapFS& inner_;
  std::mutex mu_;
  std::vector<std::string> reads_;
  std::uint64_t walker_ = 0;
  std::size_t read_ahead_ = 0;
};

void in_runtime(int procs, const std::function<void()>& body) {
  vfs::runtime::Config config;
  config.procs = procs;
  vfs::runtime::run(body, config);
}

TEST(ParallelWalk, SameOrderAsWalkDirOnMapFS) {
  auto fs = make_tree(60, 8);
  in_runtime(2, [&] {
    expect_same_walk(fs, proceed);
    expect_same_walk(fs, proceed, {.readers = 1, .max_ahead = 1});
    expect_same_walk(fs, proceed, {.readers = 16, .max_ahead = 3});
  });
}

// Small batches: readers hand back the rest of their part after every one or
// two directories and split off siblings whenever a reader is free, so the
// walk follows many ranges and holes; and with max_ahead 0 it reads
// everything itself.
TEST(ParallelWalk, SameOrderWithSmallBatches) {
  auto fs = make_deep_tree(4, 4, 2);  // 4 + 16 + 64 + 256 directories
  in_runtime(2, [&] {
    for (std::size_t batch : {1, 2, 3, 7}) {
      for (int readers : {1, 3, 16}) {
        expect_same_walk(fs, proceed, {.readers = readers, .max_ahead = 4096, .batch = batch});
      }
    }
    expect_same_walk(fs, proceed, {.readers = 4, .max_ahead = 0, .batch = 1});
    expect_same_walk(fs, proceed, {.readers = 4, .max_ahead = 5, .batch = 2});
  });
}

TEST(ParallelWalk, SkipsWithSmallBatches) {
  auto fs = make_deep_tree(4, 4, 2);
  Decide skip_some = [](std::string_view p, const vfs::Error*) -> vfs::Result<WalkAction> {
    if (p == "t1" || p.ends_with("d2/d1") || p == "t3/d0/d3") return WalkAction::skip_dir;
    if (p.ends_with("d3/f0")) return WalkAction::skip_dir;  // the rest of that directory
    return WalkAction::proceed;
  };
  Decide stop_midway = [](std::string_view p, const vfs::Error*) -> vfs::Result<WalkAction> {
    return p == "t2/d1/d3/d0" ? WalkAction::skip_all : WalkAction::proceed;
  };
  in_runtime(2, [&] {
    for (std::size_t batch : {1, 2, 5}) {
      expect_same_walk(fs, skip_some, {.readers = 3, .batch = batch});
      expect_same_walk(fs, stop_midway, {.readers = 3, .batch = batch});
    }
  });
}

// A skipped subtree is not crawled: once the walk has passed it, the ranges
// queued for it are cancelled, however long the walk then takes. (Without
// that, readers have time to read all 300 directories below "a".)
TEST(ParallelWalk, SkippedSubtreeIsNotCrawled) {
  vfs::MapFS tree;
  for (int d = 0; d < 300; ++d) (void)tree.add("a/d" + std::to_string(d) + "/f", {"x"});
  (void)tree.add("b/f", {"x"});
  CountingFS fs(tree);
  constexpr int kReaders = 2;
  std::size_t when_passed = 0, after_a_while = 0;
  in_runtime(2, [&] {
    Log log;
    vfs::Status st = vfs::walk_dir_parallel(
        fs, ".",
        logger(log,
               [&](std::string_view p, const vfs::Error*) -> vfs::Result<WalkAction> {
                 if (p == "b/f") {  // "b" is listed: the walk has passed "a"
                   when_passed = fs.reads_below("a");
                   for (int i = 0; i < 2000; ++i) vfs::runtime::yield();  // time for readers
                   after_a_while = fs.reads_below("a");
                 }
                 return p == "a" ? WalkAction::skip_dir : WalkAction::proceed;
               }),
        {.readers = kReaders, .batch = 2});
    EXPECT_TRUE(st.ok());
    EXPECT_EQ(log, (Log{"./", "a/", "b/", "b/f"}));
  });
  // Before the walk got to "a", readers may have read any part of it (that
  // is a race, and the point of reading ahead). Once it has passed, each
  // reader starts at most the one read it had already decided on.
  EXPECT_LE(after_a_while - when_passed, std::size_t{kReaders});
  EXPECT_EQ(fs.reads_below("a"), after_a_while);
}

// However big the batch, a reader's crawl of a deep tree stops going down
// well before its fiber's stack runs out, and leaves the rest to a hole.
TEST(ParallelWalk, TreeDeeperThanAFiberStackWithAHugeBatch) {
  std::string deepest = "d";
  for (int i = 1; i < 3000; ++i) deepest += (i % 500 == 0 ? "/e" : "/d");
  vfs::MapFS fs;
  ASSERT_TRUE(fs.add(deepest + "/f", {"x"}).ok());
  ASSERT_TRUE(fs.add("d/d/x/f", {"x"}).ok());  // a sibling subtree, for a second reader
  in_runtime(2, [&] { expect_same_walk(fs, proceed, {.readers = 4, .batch = 1u << 20}); });
}

// An exception from the callback leaves walk_dir_parallel as it leaves
// walk_dir: the readers are stopped and waited for on the way out (no leak,
// no reader left touching the FS), and the next walk is whole.
TEST(ParallelWalk, ExceptionFromTheCallbackStopsTheReaders) {
  auto fs = make_tree(60, 8);
  CountingFS counted(fs);
  in_runtime(2, [&] {
    auto throw_at = [](std::string_view p, const vfs::DirEntry*,
                       const vfs::Error*) -> vfs::Result<WalkAction> {
      if (p == "d3/s10/f2") throw std::runtime_error("callback failed");
      return WalkAction::proceed;
    };
    EXPECT_THROW((void)vfs::walk_dir(counted, ".", throw_at), std::runtime_error);
    EXPECT_THROW((void)vfs::walk_dir_parallel(counted, ".", throw_at, {.batch = 2}),
                 std::runtime_error);
    const std::size_t reads = counted.reads();
    for (int i = 0; i < 100; ++i) vfs::runtime::yield();
    EXPECT_EQ(counted.reads(), reads);  // nobody reads after the walk is gone
    expect_same_walk(counted, proceed, {.batch = 2});
  });
}

// max_ahead bounds what readers hold for the walk, not how much of the tree
// they read: with a window far smaller than a directory's subtree, readers
// still do most of the reading while the walk (slow here) visits. Listings
// the walk has taken stop counting, though the rest of their directory is
// still to come, and batches shrink to fit the window.
TEST(ParallelWalk, SmallMaxAheadStillReadsAhead) {
  vfs::MapFS tree;
  for (int d = 0; d < 300; ++d) (void)tree.add("t/d" + std::to_string(d) + "/f", {"x"});
  CountingFS fs(tree);
  in_runtime(2, [&] {
    fs.set_walker(vfs::runtime::fiber_id());
    auto slow = [](std::string_view, const vfs::Error*) -> vfs::Result<WalkAction> {
      for (int i = 0; i < 50; ++i) vfs::runtime::yield();
      return WalkAction::proceed;
    };
    Log log;
    ASSERT_TRUE(vfs::walk_dir_parallel(fs, ".", logger(log, slow), {.max_ahead = 8}).ok());
    EXPECT_EQ(log.size(), 1u + 1 + 300 * 2);
    EXPECT_GE(fs.read_ahead(), 300u / 4);  // 13-34 when the window stalled readers
  });
}

TEST(ParallelWalk, SameOrderAsWalkDirOnDisk) {
  vfs_test::TempDir dir;
  for (int d = 0; d < 40; ++d) {
    for (int f = 0; f < 5; ++f)
      dir.write("a" + std::to_string(d % 4) + "/b" + std::to_string(d) + "/f" + std::to_string(f),
                "x");
  }
  auto fs = vfs::DirFS::make(dir.path());
  ASSERT_TRUE(fs.ok());
  in_runtime(2, [&] { expect_same_walk(**fs, proceed); });
}

TEST(ParallelWalk, SkipsAndErrorsAsWalkDir) {
  auto fs = make_tree(60, 8);
  in_runtime(2, [&] {
    // skip_dir on directories: their subtrees are not visited (but may have been read).
    expect_same_walk(fs, [](std::string_view p, const vfs::Error*) -> vfs::Result<WalkAction> {
      return p.ends_with("s3") || p == "d5" ? WalkAction::skip_dir : WalkAction::proceed;
    });
    // skip_dir on a file: the rest of its directory.
    expect_same_walk(fs, [](std::string_view p, const vfs::Error*) -> vfs::Result<WalkAction> {
      return p.ends_with("/f2") ? WalkAction::skip_dir : WalkAction::proceed;
    });
    // skip_all part way.
    expect_same_walk(fs, [](std::string_view p, const vfs::Error*) -> vfs::Result<WalkAction> {
      return p == "d4/s11/f3" ? WalkAction::skip_all : WalkAction::proceed;
    });
    // an error from the callback ends the walk with that error.
    expect_same_walk(fs, [](std::string_view p, const vfs::Error*) -> vfs::Result<WalkAction> {
      if (p == "d2/s30") return vfs::Error("visit", std::string(p), vfs::errc::permission);
      return WalkAction::proceed;
    });
    // skipping most directories does not starve the read-ahead of slots.
    expect_same_walk(fs,
                     [](std::string_view p, const vfs::Error*) -> vfs::Result<WalkAction> {
                       return p.find("/s") != std::string_view::npos && !p.ends_with("s59")
                                  ? WalkAction::skip_dir
                                  : WalkAction::proceed;
                     },
                     {.readers = 2, .max_ahead = 2});
  });
}

TEST(ParallelWalk, UnreadableDirectoryGetsTheSecondCall) {
  vfs_test::UnreadableDirFS fs;
  in_runtime(2, [&] { expect_same_walk(fs, proceed); });
}

TEST(ParallelWalk, CallbackNeverRunsConcurrently) {
  auto fs = make_tree(100, 10);
  in_runtime(2, [&] {
    std::atomic<int> inside{0};
    int max_inside = 0;
    std::size_t visits = 0;
    vfs::Status st = vfs::walk_dir_parallel(
        fs, ".",
        [&](std::string_view, const vfs::DirEntry*, const vfs::Error*) -> vfs::Result<WalkAction> {
          max_inside = std::max(max_inside, ++inside);
          ++visits;
          vfs::runtime::yield();  // give a concurrent call every chance to show
          --inside;
          return WalkAction::proceed;
        },
        {.readers = 8});
    EXPECT_TRUE(st.ok());
    EXPECT_EQ(max_inside, 1);
    EXPECT_EQ(visits, 1u + 7 + 100 + 1000);
  });
}

TEST(ParallelWalk, FromAPlainThreadWhileARuntimeRuns) {
  auto fs = make_tree(30, 4);
  in_runtime(2, [&] {
    // The thread is not a fiber, but the runtime's fibers read for it.
    std::thread t([&] { expect_same_walk(fs, proceed); });
    t.join();
  });
}

TEST(ParallelWalk, WithoutARuntimeIsWalkDir) {
  auto fs = make_tree(20, 3);
  ASSERT_EQ(vfs::runtime::procs(), 0);
  expect_same_walk(fs, proceed);
}

}  // namespace
