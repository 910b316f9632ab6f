// walk_dir_parallel: the same calls in the same order as walk_dir, with
// directory reads on fibers - with no runtime, on a fiber, and on a plain
// thread while a runtime runs.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "runtime_test_util.h"
#include "vfs/runtime.h"
#include "vfs/vfs.h"
#include "vfs/walk_parallel.h"

namespace rt = vfs::runtime;
using rt::testing::HangGuard;

namespace {

void fill_tree(vfs::MapFS& fs) {
  for (int a = 0; a < 6; ++a) {
    for (int b = 0; b < 5; ++b) {
      for (int c = 0; c < 4; ++c) {
        const std::string dir = "a" + std::to_string(a) + "/b" + std::to_string(b);
        EXPECT_TRUE(fs.add(dir + "/f" + std::to_string(c), {"x"}).ok());
        EXPECT_TRUE(fs.add(dir + "/c" + std::to_string(c) + "/leaf", {"y"}).ok());
      }
    }
  }
}

// Records every call; `policy` decides the action for a path.
struct Recorder {
  std::vector<std::string> calls;
  std::function<vfs::WalkAction(std::string_view, bool)> policy = [](std::string_view, bool) {
    return vfs::WalkAction::proceed;
  };

  vfs::WalkDirFunc fn() {
    return [this](std::string_view path, const vfs::DirEntry* e,
                  const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
      calls.push_back(std::string(path) + (e && e->is_dir() ? "/" : "") + (err ? " ERR" : ""));
      return policy(path, e && e->is_dir());
    };
  }
};

std::vector<std::string> sequential(vfs::FS& fs, std::string_view root, Recorder rec) {
  EXPECT_TRUE(vfs::walk_dir(fs, root, rec.fn()).ok());
  return rec.calls;
}

}  // namespace

TEST(WalkParallel, SameCallsAsWalkDirWithoutARuntime) {
  HangGuard guard("walk no runtime");
  vfs::MapFS fs;
  fill_tree(fs);
  const auto want = sequential(fs, ".", {});
  Recorder rec;
  ASSERT_TRUE(vfs::walk_dir_parallel(fs, ".", rec.fn()).ok());
  EXPECT_EQ(rec.calls, want);
  EXPECT_GT(want.size(), 300u);
}

TEST(WalkParallel, SameCallsOnAFiberWithSkips) {
  HangGuard guard("walk fiber");
  vfs::MapFS fs;
  fill_tree(fs);
  auto policy = [](std::string_view path, bool dir) {
    if (dir && path.ends_with("b2")) return vfs::WalkAction::skip_dir;         // skip a subtree
    if (!dir && path.ends_with("a3/b1/f1")) return vfs::WalkAction::skip_dir;  // rest of dir
    if (path == "a5/b3") return vfs::WalkAction::skip_all;
    return vfs::WalkAction::proceed;
  };
  Recorder seq;
  seq.policy = policy;
  const auto want = sequential(fs, ".", seq);
  Recorder par;
  par.policy = policy;
  rt::run([&] { ASSERT_TRUE(vfs::walk_dir_parallel(fs, ".", par.fn(), {.concurrency = 4}).ok()); },
          {.procs = 2});
  EXPECT_EQ(par.calls, want);
}

TEST(WalkParallel, SameCallsFromAPlainThreadWhileARuntimeRuns) {
  HangGuard guard("walk thread");
  vfs::MapFS fs;
  fill_tree(fs);
  const auto want = sequential(fs, "a1", {});
  Recorder rec;
  rt::run([&] {
    std::thread t([&] { ASSERT_TRUE(vfs::walk_dir_parallel(fs, "a1", rec.fn()).ok()); });
    t.join();
  });
  EXPECT_EQ(rec.calls, want);
}

TEST(WalkParallel, MissingRootAndErrorsStopTheWalkAlike) {
  vfs::MapFS fs;
  fill_tree(fs);
  Recorder missing;
  EXPECT_TRUE(vfs::walk_dir_parallel(fs, "nope", missing.fn()).ok());
  EXPECT_EQ(missing.calls, (std::vector<std::string>{"nope ERR"}));

  int n = 0;
  auto status =
      vfs::walk_dir_parallel(fs, ".",
                             [&](std::string_view path, const vfs::DirEntry*,
                                 const vfs::Error*) -> vfs::Result<vfs::WalkAction> {
                               if (++n == 10)
                                 return vfs::Error("walk", std::string(path), vfs::errc::invalid);
                               return vfs::WalkAction::proceed;
                             });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(n, 10);
}
