// copy_fs: a tree of any FS copied to disk, never outside the destination.
#include "vfs/copy_fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.h"
#include "vfs/dir_fs.h"
#include "vfs/map_fs.h"
#include "vfs/read_file.h"

namespace {

using vfs::FileMode;
using vfs::MapFile;
using vfs_test::TempDir;
namespace fsys = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

MapFile link(std::string target) { return {std::move(target), FileMode::symlink | 0777}; }

// Options that go on past refused links, noting each one's path.
vfs::CopyOptions log_refusals(std::vector<std::string>& refused) {
  vfs::CopyOptions options;
  options.on_error = [&refused](const vfs::Error& e) {
    EXPECT_TRUE(e.is(vfs::errc::escapes_root)) << e.message();
    refused.push_back(e.path());
  };
  return options;
}

const vfs::Time kTime = vfs::Time(std::chrono::seconds(1'600'000'000));

TEST(CopyFS, CopiesFilesDirectoriesModesTimesAndLinks) {
  vfs::MapFS src{{"a.txt", {"alpha", 0640, kTime}}, {"bin/run", {"#!/bin/sh\n", 0755}},
                 {"d/e/f.txt", {"deep"}},           {"d/ro", {"", FileMode::dir | 0555}},
                 {"d/link", link("e/f.txt")},       {"up", link("d/../a.txt")}};
  TempDir tmp;
  const std::string out = tmp / "out";
  auto copied = vfs::copy_fs(src, ".", out);
  ASSERT_TRUE(copied.has_value()) << copied.error().message();
  EXPECT_EQ(slurp(out + "/a.txt"), "alpha");
  EXPECT_EQ(slurp(out + "/d/e/f.txt"), "deep");
  EXPECT_EQ(slurp(out + "/d/link"), "deep");
  EXPECT_EQ(fsys::read_symlink(out + "/d/link"), "e/f.txt");
  EXPECT_EQ(fsys::read_symlink(out + "/up"), "d/../a.txt");
  struct ::stat st {};
  ASSERT_EQ(::stat((out + "/bin/run").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0111, 0111u);
  ASSERT_EQ(::stat((out + "/a.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1'600'000'000);
  EXPECT_EQ(st.st_mode & 0007, 0u);
  // A read-only source directory is still the owner's to fill and remove.
  ASSERT_EQ(::stat((out + "/d/ro").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0700, 0700u);
}

TEST(CopyFS, RefusesLinksThatLeaveTheDestinationAndGoesOn) {
  vfs::MapFS src{{"abs", link("/etc/passwd")},
                 {"climb", link("../outside")},
                 {"d/climb2", link("../../outside")},
                 {"d/fine", link("../z.txt")},
                 {"z.txt", {"z"}}};
  TempDir tmp;
  std::vector<std::string> refused;
  const vfs::CopyOptions options = log_refusals(refused);
  ASSERT_TRUE(vfs::copy_fs(src, ".", tmp / "out", options).has_value());
  EXPECT_EQ(refused, (std::vector<std::string>{"abs", "climb", "d/climb2"}));
  EXPECT_FALSE(fsys::exists(fsys::symlink_status(tmp / "out/abs")));
  EXPECT_EQ(slurp(tmp / "out/d/fine"), "z");
  // Without on_error, the first refusal ends the copy.
  auto s = vfs::copy_fs(src, ".", tmp / "out2");
  ASSERT_FALSE(s.has_value());
  EXPECT_TRUE(s.error().is(vfs::errc::escapes_root));
}

// A ".." after a link in the target climbs from wherever that link points,
// not from where it sits: dir/up -> ".." is the root, so dir/up/.. is
// outside it, though the text never climbs above the root.
TEST(CopyFS, RefusesLinksThatClimbOutThroughAnotherLink) {
  vfs::MapFS src{{"dir/up", link("..")},
                 {"esc", link("dir/up/..")},
                 {"esc2", link("dir/up/../outside")},
                 {"sub/esc3", link("../dir/up/../x")},
                 {"through", link("dir/up/z.txt")},
                 {"plain", link("dir/../z.txt")},
                 {"z.txt", {"z"}}};
  TempDir tmp;
  std::vector<std::string> refused;
  const vfs::CopyOptions options = log_refusals(refused);
  ASSERT_TRUE(vfs::copy_fs(src, ".", tmp / "out", options).has_value());
  std::sort(refused.begin(), refused.end());
  EXPECT_EQ(refused, (std::vector<std::string>{"esc", "esc2", "sub/esc3"}));
  EXPECT_FALSE(fsys::exists(fsys::symlink_status(tmp / "out/esc")));
  EXPECT_EQ(slurp(tmp / "out/through"), "z");  // down through a link is fine
  EXPECT_EQ(slurp(tmp / "out/plain"), "z");    // up past a real directory too
  // The same below a copied subdirectory: its links are checked in the source.
  vfs::MapFS nested{{"top/dir/up", link("..")}, {"top/esc", link("dir/up/..")}};
  auto s = vfs::copy_fs(nested, "top", tmp / "sub");
  ASSERT_FALSE(s.has_value());
  EXPECT_TRUE(s.error().is(vfs::errc::escapes_root));
}

// A symlink already in the destination never carries a write out of it.
TEST(CopyFS, NeverWritesThroughALinkInTheDestination) {
  TempDir tmp;
  tmp.mkdir("outside");
  tmp.mkdir("out");
  tmp.symlink(tmp / "outside", "out/d");  // out/d -> an absolute path outside
  tmp.symlink("../outside/f", "out/f");   // out/f -> a file outside
  vfs::MapFS src{{"d/x", {"x"}}, {"f", {"f"}}};
  vfs::CopyOptions options;
  options.overwrite = true;
  std::vector<std::string> failed;
  options.on_error = [&](const vfs::Error& e) { failed.push_back(e.path()); };
  ASSERT_TRUE(vfs::copy_fs(src, ".", tmp / "out", options).has_value());
  EXPECT_TRUE(fsys::is_empty(tmp / "outside")) << "wrote outside the destination";
  // d exists as a link, not a directory: an error, not a follow.
  EXPECT_EQ(failed, (std::vector<std::string>{"d"}));
  // f, a link, was replaced by the file (overwrite), not written through.
  EXPECT_FALSE(fsys::is_symlink(tmp / "out/f"));
  EXPECT_EQ(slurp(tmp / "out/f"), "f");
}

TEST(CopyFS, DoesNotOverwriteUnlessAsked) {
  TempDir tmp;
  tmp.write("out/a", "old");
  vfs::MapFS src{{"a", {"new"}}};
  auto s = vfs::copy_fs(src, ".", tmp / "out");
  ASSERT_FALSE(s.has_value());
  EXPECT_TRUE(s.error().is(vfs::errc::exist)) << s.error().message();
  EXPECT_EQ(slurp(tmp / "out/a"), "old");
  vfs::CopyOptions options;
  options.overwrite = true;
  ASSERT_TRUE(vfs::copy_fs(src, ".", tmp / "out", options).has_value());
  EXPECT_EQ(slurp(tmp / "out/a"), "new");
}

TEST(CopyFS, ASubtreeOrASingleFile) {
  vfs::MapFS src{{"a/b/c", {"c"}}, {"a/d", {"d"}}, {"e", {"e"}}};
  TempDir tmp;
  std::vector<std::string> copied;
  vfs::CopyOptions options;
  options.on_copied = [&](std::string_view name, std::int64_t) { copied.emplace_back(name); };
  ASSERT_TRUE(vfs::copy_fs(src, "a", tmp / "sub", options).has_value());
  EXPECT_EQ(slurp(tmp / "sub/b/c"), "c");
  EXPECT_EQ(copied, (std::vector<std::string>{"a/b/c", "a/d"}));
  ASSERT_TRUE(vfs::copy_fs(src, "e", tmp / "one").has_value());
  EXPECT_EQ(slurp(tmp / "one/e"), "e");
  auto missing = vfs::copy_fs(src, "nope", tmp / "x");
  ASSERT_FALSE(missing.has_value());
  EXPECT_TRUE(missing.error().is(vfs::errc::not_exist));
}

// The round trip: a DirFS copied and read back as a DirFS is the same tree.
TEST(CopyFS, RoundTripsADirFS) {
  TempDir tmp;
  tmp.write("in/x/y.txt", std::string(1 << 20, 'y'));
  tmp.write("in/z", "");
  tmp.symlink("x/y.txt", "in/l");
  auto in = vfs::DirFS::make(tmp / "in").value();
  ASSERT_TRUE(vfs::copy_fs(*in, ".", tmp / "out").has_value());
  auto out = vfs::DirFS::make(tmp / "out").value();
  EXPECT_EQ(vfs::read_file(*out, "x/y.txt").value(), std::string(1 << 20, 'y'));
  EXPECT_EQ(vfs::read_file(*out, "z").value(), "");
  EXPECT_EQ(vfs::read_link(*out, "l").value(), "x/y.txt");
}

}  // namespace
