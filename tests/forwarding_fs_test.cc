// ForwardingFS (wrappers that keep fast paths) and FS ownership (FSRef).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "test_util.h"
#include "vfs/forwarding_fs.h"
#include "vfs/map_fs.h"
#include "vfs/sub.h"
#include "vfs/testing/test_fs.h"

namespace {

using vfs::errc;

class CountingFS final : public vfs::ForwardingFS {
 public:
  using ForwardingFS::ForwardingFS;
  vfs::Result<vfs::FilePtr> open(std::string_view name) override {
    ++opens;
    return ForwardingFS::open(name);
  }
  int opens = 0;
};

vfs::MapFS sample() {
  return vfs::MapFS{{"a/x.txt", {"x"}},
                    {"a/y.txt", {"yy"}},
                    {"b.txt", {"b"}},
                    {"a/l", {"x.txt", vfs::FileMode::symlink | 0777, {}}}};
}

// A wrapper that overrides only open() still stats, lists, reads and globs
// through the inner FS's own fast paths: none of them opens a file.
TEST(ForwardingFS, KeepsTheInnerFastPaths) {
  auto memory = sample();
  CountingFS counting(memory);
  EXPECT_EQ(vfs::stat(counting, "a/y.txt")->size, 2);
  EXPECT_EQ(vfs_test::names(*vfs::read_dir(counting, "a")),
            (std::vector<std::string>{"l", "x.txt", "y.txt"}));
  EXPECT_EQ(*vfs::read_file(counting, "a/y.txt"), "yy");
  EXPECT_EQ(vfs::glob(counting, "a/*.txt")->size(), 2u);
  EXPECT_EQ(*vfs::read_link(counting, "a/l"), "x.txt");
  EXPECT_TRUE(vfs::lstat(counting, "a/l")->mode.is_symlink());
  EXPECT_EQ(counting.opens, 0);
  auto f = counting.open("b.txt");
  ASSERT_TRUE(f);
  EXPECT_EQ(counting.opens, 1);
}

// Over an FS with nothing but open(), each call takes the helper's fallback
// over the inner FS.
TEST(ForwardingFS, FallsBackWhereTheInnerFSHasNoExtension) {
  auto memory = sample();
  vfs_test::OpenOnlyFS bare(memory);
  CountingFS counting(bare);
  EXPECT_EQ(vfs::stat(counting, "a/y.txt")->size, 2);
  EXPECT_EQ(*vfs::read_file(counting, "a/x.txt"), "x");
  EXPECT_TRUE(vfs::read_link(counting, "a/l").error().is(errc::invalid));  // bare has no links
  EXPECT_GT(bare.opens, 0);
  EXPECT_EQ(counting.opens, 0);  // the fallbacks open the inner FS, not the wrapper
}

TEST(ForwardingFS, PassesTheConformanceChecker) {
  auto memory = sample();
  CountingFS counting(memory);
  auto report = vfs::testing::test_fs(counting, {"a/x.txt", "a/y.txt", "b.txt", "a/l"});
  EXPECT_TRUE(report.ok()) << report.to_string();
}

// The sub-FS of a wrapper is a view through the wrapper.
TEST(ForwardingFS, SubOfAWrapperGoesThroughIt) {
  auto memory = sample();
  CountingFS counting(memory);
  auto a = vfs::sub(counting, "a");
  ASSERT_TRUE(a);
  ASSERT_TRUE((*a)->open("x.txt"));
  EXPECT_EQ(counting.opens, 1);
}

// sub() of a value borrows it: no deep copy of the MapFS.
TEST(FSOwnership, SubOfAValueBorrowsIt) {
  auto memory = sample();
  auto a = vfs::sub(memory, "a");
  ASSERT_TRUE(a);
  EXPECT_EQ(*vfs::read_file(**a, "y.txt"), "yy");
  ASSERT_TRUE(memory.add("a/z.txt", {"new"}));  // the view sees the FS itself, not a copy
  EXPECT_EQ(*vfs::read_file(**a, "z.txt"), "new");
  auto report = vfs::testing::test_fs(**a, {"x.txt", "y.txt", "z.txt"});
  EXPECT_TRUE(report.ok()) << report.to_string();
}

// sub() of an FSPtr shares it: the view keeps it alive.
TEST(FSOwnership, SubOfAnFSPtrSharesIt) {
  auto shared = std::make_shared<vfs::MapFS>(sample());
  std::weak_ptr<vfs::MapFS> watch = shared;
  auto a = vfs::sub(shared, "a");
  ASSERT_TRUE(a);
  shared.reset();
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(*vfs::read_file(**a, "x.txt"), "x");
  a->reset();
  EXPECT_TRUE(watch.expired());
}

// A borrowed FS destroyed while a view still holds it is a fatal error that
// names the mistake, not a silent dangle.
TEST(FSOwnershipDeathTest, DestroyingABorrowedFSFirstIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        vfs::FSPtr view;
        {
          auto memory = sample();
          view = vfs::sub(memory, "a").value();
        }
      },
      "destroyed while 1 view");
}

}  // namespace
