// MapFS symlinks: followed as on a disk, seen as links by read_link and lstat.
#include <gtest/gtest.h>

#include <string>
#include <system_error>
#include <vector>

#include "test_util.h"
#include "vfs/map_fs.h"
#include "vfs/read_dir.h"
#include "vfs/read_file.h"
#include "vfs/read_link.h"
#include "vfs/stat.h"
#include "vfs/sub.h"
#include "vfs/testing/test_fs.h"
#include "vfs/walk.h"

namespace {

using vfs::errc;
using vfs::FileMode;
using vfs::MapFile;

std::vector<std::string> tests_names(vfs::FS& fs, std::string_view dir) {
  return vfs_test::names(vfs::read_dir(fs, dir).value());
}

MapFile link(std::string target) {
  return MapFile{std::move(target), FileMode::symlink | 0777, {}};
}

vfs::MapFS tree() {
  vfs::MapFS fs{{"a/b/file.txt", {"hello"}},  {"a/rel", link("b/file.txt")},
                {"a/up", link("../top.txt")}, {"top.txt", {"top"}},
                {"a/chain", link("rel")},     {"a/dirlink", link("b")},
                {"a/dangling", link("nope")}, {"a/abs", link("/etc/passwd")},
                {"a/above", link("../../x")}, {"a/loop1", link("loop2")},
                {"a/loop2", link("loop1")},   {"a/slash", link("b/file.txt/")},
                {"a/dotdotdir", link("b/..")}};
  return fs;
}

TEST(MapFSLinks, FollowedAsOnADisk) {
  auto fs = tree();
  EXPECT_EQ(*vfs::read_file(fs, "a/rel"), "hello");
  EXPECT_EQ(*vfs::read_file(fs, "a/up"), "top");
  EXPECT_EQ(*vfs::read_file(fs, "a/chain"), "hello");
  EXPECT_EQ(*vfs::read_file(fs, "a/dirlink/file.txt"), "hello");
  EXPECT_EQ(vfs::stat(fs, "a/rel")->mode, FileMode(0644));
  EXPECT_EQ(vfs::stat(fs, "a/rel")->name, "file.txt");
  EXPECT_TRUE(vfs::stat(fs, "a/dirlink")->is_dir());
  EXPECT_EQ(tests_names(fs, "a/dirlink"), (std::vector<std::string>{"file.txt"}));
  EXPECT_TRUE(vfs::stat(fs, "a/dotdotdir")->is_dir());
  auto file = fs.open("a/chain");
  ASSERT_TRUE(file);
  EXPECT_EQ(*vfs::read_all(**file), "hello");
}

TEST(MapFSLinks, BrokenLinksFailClearly) {
  auto fs = tree();
  EXPECT_TRUE(fs.open("a/dangling").error().is(errc::not_exist));
  EXPECT_TRUE(fs.open("a/abs").error().is(errc::escapes_root));
  EXPECT_TRUE(fs.open("a/above").error().is(errc::escapes_root));
  EXPECT_TRUE(fs.open("a/above").error().is(errc::permission));
  EXPECT_EQ(fs.open("a/loop1").error().code(), std::errc::too_many_symbolic_link_levels);
  EXPECT_EQ(fs.open("a/slash").error().code(), std::errc::not_a_directory);
  EXPECT_TRUE(fs.open("a/dirlink/nope").error().is(errc::not_exist));
  EXPECT_TRUE(fs.open("a/nope/x").error().is(errc::not_exist));
  EXPECT_EQ(fs.open("a/abs").error().path(), "a/abs");
}

TEST(MapFSLinks, ReadLinkAndLstatSeeTheLink) {
  auto fs = tree();
  EXPECT_EQ(*vfs::read_link(fs, "a/rel"), "b/file.txt");
  EXPECT_EQ(*vfs::read_link(fs, "a/abs"), "/etc/passwd");
  EXPECT_EQ(*vfs::read_link(fs, "a/dangling"), "nope");
  EXPECT_EQ(*vfs::read_link(fs, "a/dirlink"), "b");
  EXPECT_TRUE(vfs::read_link(fs, "a/b/file.txt").error().is(errc::invalid));
  EXPECT_TRUE(vfs::read_link(fs, "a/none").error().is(errc::not_exist));
  EXPECT_TRUE(vfs::read_link(fs, "../x").error().is(errc::invalid));
  auto info = vfs::lstat(fs, "a/dangling");
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->mode.is_symlink());
  EXPECT_EQ(info->size, 4);
  EXPECT_EQ(info->name, "dangling");
  EXPECT_EQ(*vfs::lstat(fs, "a/b/file.txt"), *vfs::stat(fs, "a/b/file.txt"));
  // The link in a directory listing is a link.
  auto list = vfs::read_dir(fs, "a");
  ASSERT_TRUE(list);
  for (const auto& e : *list) {
    if (e.name() == "rel") {
      EXPECT_TRUE(e.type().is_symlink());
    }
  }
}

// Walks report links as links and do not follow them.
TEST(MapFSLinks, WalkReportsLinksAsLinks) {
  auto fs = tree();
  std::vector<std::string> links;
  auto st = vfs::walk_dir(fs, ".",
                          [&](std::string_view path, const vfs::DirEntry* e,
                              const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
                            if (err) return *err;
                            if (e->type().is_symlink()) links.emplace_back(path);
                            return vfs::WalkAction::proceed;
                          });
  ASSERT_TRUE(st);
  EXPECT_EQ(links.size(), 11u);
}

// A sub view keeps links: read_link and lstat through it see them, and open
// follows them in the parent.
TEST(MapFSLinks, SubKeepsLinks) {
  auto fs = tree();
  auto a = vfs::sub(fs, "a");
  ASSERT_TRUE(a);
  EXPECT_EQ(*vfs::read_link(**a, "rel"), "b/file.txt");
  EXPECT_TRUE(vfs::lstat(**a, "rel")->mode.is_symlink());
  EXPECT_EQ(*vfs::read_file(**a, "chain"), "hello");
  auto err = vfs::read_link(**a, "b/file.txt");
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().path(), "b/file.txt");
}

TEST(MapFSLinks, AddBelowALinkIsRefused) {
  auto fs = tree();
  EXPECT_EQ(fs.add("a/dirlink/new", {"x"}).error().code(), std::errc::not_a_directory);
  // Copies keep their links.
  vfs::MapFS copy = fs;
  EXPECT_EQ(*vfs::read_file(copy, "a/chain"), "hello");
  vfs::MapFS moved = std::move(copy);
  EXPECT_EQ(*vfs::read_file(moved, "a/up"), "top");
}

}  // namespace
