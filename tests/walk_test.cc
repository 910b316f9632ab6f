// walk_dir: Go's WalkDir contract.
#include <gtest/gtest.h>

#include "test_util.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/vfs.h"

namespace {

using vfs::errc;
using vfs::WalkAction;

// Go's walk_test tree.
vfs::MapFS make_tree() {
  vfs::MapFS fs{{"testdata/a", {}},
                {"testdata/c", {}},
                {"testdata/d/x", {}},
                {"testdata/d/z/u", {}},
                {"testdata/d/z/v", {}}};
  (void)fs.add("testdata/b", {"", vfs::FileMode::dir | 0755});
  (void)fs.add("testdata/d/y", {"", vfs::FileMode::dir | 0755});
  return fs;
}

struct Visit {
  std::string path;
  bool dir;
  bool err;
  friend bool operator==(const Visit&, const Visit&) = default;
};

std::ostream& operator<<(std::ostream& o, const Visit& v) {
  return o << v.path << (v.dir ? "/" : "") << (v.err ? "(err)" : "");
}

std::vector<Visit> walk(vfs::FS& fs, std::string_view root,
                        std::function<vfs::Result<WalkAction>(std::string_view)> action = nullptr) {
  std::vector<Visit> visits;
  vfs::Status st =
      vfs::walk_dir(fs, root,
                    [&](std::string_view path, const vfs::DirEntry* e,
                        const vfs::Error* err) -> vfs::Result<WalkAction> {
                      visits.push_back({std::string(path), e && e->is_dir(), err != nullptr});
                      if (err) return WalkAction::proceed;
                      return action ? action(path) : WalkAction::proceed;
                    });
  EXPECT_TRUE(st.ok()) << st.error().message();
  return visits;
}

TEST(WalkDir, VisitsEverythingInLexicalOrder) {
  auto fs = make_tree();
  const std::vector<Visit> want = {
      {".", true, false},
      {"testdata", true, false},
      {"testdata/a", false, false},
      {"testdata/b", true, false},
      {"testdata/c", false, false},
      {"testdata/d", true, false},
      {"testdata/d/x", false, false},
      {"testdata/d/y", true, false},
      {"testdata/d/z", true, false},
      {"testdata/d/z/u", false, false},
      {"testdata/d/z/v", false, false},
  };
  EXPECT_EQ(walk(fs, "."), want);
  vfs_test::OpenOnlyFS open_only(fs);  // the fallback read_dir walks the same
  EXPECT_EQ(walk(open_only, "."), want);
  auto sub = walk(fs, "testdata/d");
  ASSERT_EQ(sub.size(), 6u);
  EXPECT_EQ(sub[0].path, "testdata/d");
  EXPECT_EQ(sub[5].path, "testdata/d/z/v");
}

TEST(WalkDir, SkipDirOnADirectorySkipsItOnly) {
  auto fs = make_tree();
  auto visits = walk(fs, ".", [](std::string_view p) {
    return p == "testdata/d" ? WalkAction::skip_dir : WalkAction::proceed;
  });
  ASSERT_EQ(visits.size(), 6u);
  EXPECT_EQ(visits.back().path, "testdata/d");
}

TEST(WalkDir, SkipDirOnAFileSkipsTheRestOfItsDirectory) {
  auto fs = make_tree();
  auto visits = walk(fs, ".", [](std::string_view p) {
    return p == "testdata/d/x" ? WalkAction::skip_dir : WalkAction::proceed;
  });
  std::vector<std::string> paths;
  for (auto& v : visits) paths.push_back(v.path);
  EXPECT_EQ(paths, (std::vector<std::string>{".", "testdata", "testdata/a", "testdata/b",
                                             "testdata/c", "testdata/d", "testdata/d/x"}));
}

TEST(WalkDir, SkipAllStopsAndSucceeds) {
  auto fs = make_tree();
  auto visits = walk(fs, ".", [](std::string_view p) {
    return p == "testdata/b" ? WalkAction::skip_all : WalkAction::proceed;
  });
  EXPECT_EQ(visits.size(), 4u);
  EXPECT_EQ(visits.back().path, "testdata/b");
  // skip_dir or skip_all on the root itself also end in success.
  EXPECT_EQ(walk(fs, ".", [](std::string_view) { return WalkAction::skip_dir; }).size(), 1u);
}

TEST(WalkDir, CallbackErrorStopsTheWalkAndIsReturned) {
  auto fs = make_tree();
  int calls = 0;
  vfs::Status st = vfs::walk_dir(
      fs, ".",
      [&](std::string_view p, const vfs::DirEntry*, const vfs::Error*) -> vfs::Result<WalkAction> {
        ++calls;
        if (p == "testdata/c") return vfs::Error("visit", std::string(p), errc::permission);
        return WalkAction::proceed;
      });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().path(), "testdata/c");
  EXPECT_TRUE(st.error().is(errc::permission));
  EXPECT_EQ(calls, 5);
}

TEST(WalkDir, MissingRootIsReportedToTheCallback) {
  auto fs = make_tree();
  int calls = 0;
  vfs::Status st = vfs::walk_dir(fs, "nope",
                                 [&](std::string_view p, const vfs::DirEntry* e,
                                     const vfs::Error* err) -> vfs::Result<WalkAction> {
                                   ++calls;
                                   EXPECT_EQ(p, "nope");
                                   EXPECT_EQ(e, nullptr);
                                   EXPECT_TRUE(err && err->is(errc::not_exist));
                                   return *err;  // returning the error makes walk_dir return it
                                 });
  EXPECT_EQ(calls, 1);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.error().is(errc::not_exist));
}

TEST(WalkDir, UnreadableDirectoryGetsASecondCallWithTheError) {
  vfs_test::UnreadableDirFS fs;
  const std::vector<Visit> want = {{".", true, false},      {"a", true, false},
                                   {"a/bad", true, false},  {"a/bad", true, true},
                                   {"a/next", true, false}, {"a/next/f", false, false}};
  EXPECT_EQ(walk(fs, "."), want);
  // Returning skip_dir from the error call (Go issue 51617) also goes on with the siblings.
  std::vector<std::string> dirs;
  vfs::Status st = vfs::walk_dir(fs, ".",
                                 [&](std::string_view p, const vfs::DirEntry* e,
                                     const vfs::Error* err) -> vfs::Result<WalkAction> {
                                   if (err) return WalkAction::skip_dir;
                                   if (e->is_dir()) dirs.emplace_back(p);
                                   return WalkAction::proceed;
                                 });
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(dirs, (std::vector<std::string>{".", "a", "a/bad", "a/next"}));
}

TEST(WalkDir, OnDiskThroughDirFS) {
  vfs_test::TempDir dir;
  dir.write("x/1", "1");
  dir.write("x/2", "2");
  dir.write("y", "3");
  auto fs = vfs::DirFS::make(dir.path());
  ASSERT_TRUE(fs.ok());
  auto visits = walk(**fs, ".");
  std::vector<std::string> paths;
  for (auto& v : visits) paths.push_back(v.path);
  EXPECT_EQ(paths, (std::vector<std::string>{".", "x", "x/1", "x/2", "y"}));
}

// The walk keeps the directories it is in on the heap, not on the call
// stack: a tree far deeper than a fiber's stack (64 KiB) can hold frames for
// is walked on one.
TEST(WalkDir, TreeDeeperThanAFiberStackOnAFiber) {
  constexpr int kDepth = 3000;
  std::string deepest = "d";
  for (int i = 1; i < kDepth; ++i) deepest += "/d";
  vfs::MapFS fs;
  ASSERT_TRUE(fs.add(deepest + "/f", {"x"}).ok());
  std::vector<Visit> visits;
  vfs::runtime::run([&] { visits = walk(fs, "."); });
  ASSERT_EQ(visits.size(), 1u + kDepth + 1);
  EXPECT_EQ(visits[kDepth], (Visit{deepest, true, false}));
  EXPECT_EQ(visits.back(), (Visit{deepest + "/f", false, false}));
}

}  // namespace
