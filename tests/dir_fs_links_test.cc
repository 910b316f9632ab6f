// DirFS and symlinks: read_link and lstat (ReadLinkFS), each with openat2
// and with the component walk that replaces it on kernels before 5.6.
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <vector>

#include "sys/sys.h"
#include "test_util.h"
#include "vfs/vfs.h"

namespace {

using vfs::errc;

// What a call gave, as one comparable string: the value, or "!" and the
// cause (ours by name, else the errno's).
std::string why(const vfs::Error& e) {
  if (e.is(errc::escapes_root)) return "!escapes_root";
  if (e.is(errc::not_exist)) return "!not_exist";
  if (e.is(errc::invalid)) return "!invalid";
  if (e.code() == std::errc::too_many_symbolic_link_levels) return "!ELOOP";
  if (e.code() == std::errc::not_a_directory) return "!ENOTDIR";
  return "!" + e.message();
}

std::string outcome(const vfs::Result<std::string>& r) { return r ? *r : why(r.error()); }

// "file 5", "dir", "link 5" (a link's size is its target's length), or the error.
std::string outcome(const vfs::Result<vfs::FileInfo>& r) {
  if (!r) return why(r.error());
  if (r->mode.is_dir()) return "dir";
  return (r->mode.is_symlink()   ? "link "
          : r->mode.is_regular() ? "file "
                                 : "other ") +
         std::to_string(r->size);
}

// A tree with links of every kind, and a sibling directory outside it. The
// root holds decoys of outside's path and of its base name, so that a link
// that got out would read "OUTSIDE" and not the decoy.
class DirFSLinksTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    vfs::sys::force_open_beneath_fallback(GetParam());
    const std::string out = outside_.path();
    const std::string out_rel = out.substr(1);                    // tmp/vfs-XXXXXX
    const std::string out_base = out.substr(out.rfind('/') + 1);  // vfs-XXXXXX
    outside_.write("secret", "OUTSIDE");
    outside_.symlink("OUTSIDE-LINK", "olink");
    dir_.write("a.txt", "hello");
    dir_.write("sub/b.txt", "bee");
    dir_.write("sub/deep/c.txt", "sea");
    dir_.write(out_rel + "/secret", "DECOY-ABS");
    dir_.symlink("DECOY-ABS-LINK", out_rel + "/olink");
    dir_.write(out_base + "/secret", "DECOY-UP");
    dir_.symlink("DECOY-UP-LINK", out_base + "/olink");
    dir_.symlink("../b.txt", "sub/deep/up");
    dir_.symlink("..", "sub/parent");
    dir_.symlink("a.txt", "rel");
    dir_.symlink("chain2", "chain1");
    dir_.symlink("sub/deep/up", "chain2");
    dir_.symlink("sub", "dir-link");
    dir_.symlink("/a.txt", "abs");
    dir_.symlink("/sub", "abs-dir");
    dir_.symlink("/", "abs-root");
    dir_.symlink(out + "/secret", "abs-out");
    dir_.symlink(out, "abs-out-dir");
    dir_.symlink("../" + out_base + "/secret", "up-out");
    dir_.symlink("../" + out_base, "up-out-dir");
    dir_.symlink("sub/deep/../../../../../../a.txt", "far");
    dir_.symlink("/../../sub/b.txt", "sub/deep/far-abs");
    dir_.symlink("sub/parent/..", "dotdot-out");
    dir_.symlink("nowhere", "dangling");
    dir_.symlink("/nowhere", "abs-dangling");
    dir_.symlink("loop", "loop");
    dir_.symlink("pong", "ping");
    dir_.symlink("ping", "pong");
    dir_.symlink("/abs-loop", "abs-loop");
    dir_.symlink("a.txt/", "file-slash");
    dir_.symlink("/a.txt/", "abs-file-slash");
    dir_.symlink("a.txt/x", "through-file");
    auto fs = vfs::DirFS::make(dir_.path());
    ASSERT_TRUE(fs.ok()) << fs.error().message();
    fs_ = *fs;
  }
  void TearDown() override { vfs::sys::force_open_beneath_fallback(false); }

  vfs_test::TempDir outside_;
  vfs_test::TempDir dir_;
  std::shared_ptr<vfs::DirFS> fs_;
};

// The stored text, whatever it points at (or fails to).
TEST_P(DirFSLinksTest, ReadLinkGivesTheStoredTarget) {
  const auto link = [&](const std::string& name) { return outcome(fs_->read_link(name)); };
  EXPECT_EQ(link("rel"), "a.txt");
  EXPECT_EQ(link("chain1"), "chain2");
  EXPECT_EQ(link("abs-root"), "/");
  EXPECT_EQ(link("abs-out"), outside_ / "secret");
  EXPECT_EQ(link("up-out-dir"), "../" + outside_.path().substr(outside_.path().rfind('/') + 1));
  EXPECT_EQ(link("dangling"), "nowhere");
  EXPECT_EQ(link("loop"), "loop");
  EXPECT_EQ(link("file-slash"), "a.txt/");
  // Through the helper, as a caller holding an FS& would.
  EXPECT_EQ(outcome(vfs::read_link(*fs_, "sub/parent")), "..");
}

TEST_P(DirFSLinksTest, ReadLinkOfANonLinkIsInvalid) {
  for (const char* name : {"a.txt", "sub", "."}) {
    auto r = fs_->read_link(name);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_TRUE(r.error().is(errc::invalid)) << name << ": " << r.error().message();
    EXPECT_EQ(r.error().code(), std::errc::invalid_argument) << name;
    EXPECT_EQ(r.error().op(), "readlink");
    EXPECT_EQ(r.error().path(), name);
  }
  auto missing = fs_->read_link("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().is(errc::not_exist));
  EXPECT_EQ(missing.error().op(), "readlink");
  EXPECT_EQ(missing.error().path(), "nope");
  for (const char* bad : {"", "/rel", "sub/../rel", "rel/"}) {
    EXPECT_TRUE(fs_->read_link(bad).error().is(errc::invalid)) << bad;
    EXPECT_TRUE(fs_->lstat(bad).error().is(errc::invalid)) << bad;
  }
}

// The directories on the way are followed, confined as open's are; only
// the last element is not.
TEST_P(DirFSLinksTest, ReadLinkAndLstatThroughALinkedParent) {
  EXPECT_EQ(outcome(fs_->read_link("dir-link/deep/up")), "../b.txt");
  EXPECT_EQ(outcome(fs_->read_link("sub/parent/rel")), "a.txt");
  EXPECT_EQ(outcome(fs_->read_link("abs-dir/deep/up")), "!escapes_root");
  EXPECT_EQ(outcome(fs_->read_link("abs-out-dir/olink")), "!escapes_root");
  EXPECT_EQ(outcome(fs_->read_link("up-out-dir/olink")), "!escapes_root");
  EXPECT_EQ(outcome(fs_->read_link("loop/x")), "!ELOOP");
  EXPECT_EQ(outcome(fs_->read_link("file-slash/x")), "!ENOTDIR");
  EXPECT_EQ(outcome(fs_->lstat("dir-link/deep/up")), "link 8");
  EXPECT_EQ(outcome(fs_->lstat("abs-dir/deep/up")), "!escapes_root");
  EXPECT_EQ(outcome(fs_->lstat("up-out-dir/olink")), "!escapes_root");
  EXPECT_EQ(outcome(fs_->lstat("abs-dir/deep")), "!escapes_root");
  auto escaped = fs_->lstat("abs-dir/deep/up");
  EXPECT_EQ(escaped.error().op(), "lstat");
  EXPECT_EQ(escaped.error().path(), "abs-dir/deep/up");
}

// lstat shows a link as itself, even one that dangles, loops or escapes.
TEST_P(DirFSLinksTest, LstatShowsTheLinkItself) {
  EXPECT_EQ(outcome(fs_->lstat("a.txt")), "file 5");
  EXPECT_EQ(outcome(fs_->lstat("rel")), "link 5");
  EXPECT_EQ(outcome(fs_->lstat("sub")), "dir");
  EXPECT_EQ(outcome(fs_->lstat("dir-link")), "link 3");
  EXPECT_EQ(outcome(fs_->lstat(".")), "dir");
  EXPECT_EQ(outcome(fs_->lstat("loop")), "link 4");
  EXPECT_EQ(outcome(fs_->lstat("dangling")), "link 7");
  EXPECT_EQ(outcome(fs_->lstat("abs-out")), "link " + std::to_string((outside_ / "secret").size()));
  auto info = vfs::lstat(*fs_, "sub/deep/up");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->name, "up");
  EXPECT_TRUE(info->mode.is_symlink());
  auto missing = fs_->lstat("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().is(errc::not_exist));
  EXPECT_EQ(missing.error().op(), "lstat");
  EXPECT_EQ(missing.error().path(), "nope");
}

// The buffer grows past its first 256 bytes (and sysfs links, whose st_size
// is 0, are read whole below).
TEST_P(DirFSLinksTest, ReadLinkOfALongTarget) {
  std::string target;
  while (target.size() < 3000) target += "long/";
  target += "end";
  dir_.symlink(target, "long");
  EXPECT_EQ(outcome(fs_->read_link("long")), target);
  EXPECT_EQ(outcome(fs_->lstat("long")), "link " + std::to_string(target.size()));
}

TEST_P(DirFSLinksTest, ReadLinkOfSysfsLinks) {
  char want[PATH_MAX];
  const ssize_t n = ::readlink("/sys/class/net/lo", want, sizeof want);
  if (n <= 0) GTEST_SKIP() << "no /sys/class/net/lo symlink here";
  auto sys = vfs::DirFS::make("/sys");
  ASSERT_TRUE(sys.ok());
  EXPECT_EQ(outcome((*sys)->read_link("class/net/lo")), std::string(want, n));
  EXPECT_EQ(outcome((*sys)->lstat("class/net/lo")).substr(0, 5), "link ");
}

// sub() gives a DirFS, which reads links too, from its own root.
TEST_P(DirFSLinksTest, SubReadsLinks) {
  auto sub = vfs::sub(fs_, "sub");
  ASSERT_TRUE(sub.ok());
  ASSERT_NE(std::dynamic_pointer_cast<vfs::DirFS>(*sub), nullptr);
  EXPECT_EQ(outcome(vfs::read_link(**sub, "deep/up")), "../b.txt");
  EXPECT_EQ(outcome(vfs::lstat(**sub, "parent")), "link 2");
  EXPECT_EQ(outcome(vfs::read_link(**sub, "b.txt")), "!invalid");
}

// A magic link reads as its text, and lstat shows it as a link: openat2
// opens it with O_PATH | O_NOFOLLOW though RESOLVE_NO_MAGICLINKS.
TEST_P(DirFSLinksTest, MagicLinksReadAsTheirText) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  const int file_fd = ::open((dir_ / "a.txt").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(file_fd, 0);
  auto proc = vfs::DirFS::make("/proc/self");
  ASSERT_TRUE(proc.ok());
  const std::string to_pipe = "fd/" + std::to_string(pipe_fds[0]);
  char cwd[PATH_MAX];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  EXPECT_EQ(outcome((*proc)->read_link("cwd")), cwd);
  EXPECT_EQ(outcome((*proc)->read_link("root")), "/");
  EXPECT_EQ(outcome((*proc)->lstat("cwd")).substr(0, 5), "link ");
  EXPECT_EQ(outcome(vfs::read_file(**proc, to_pipe)), "!not_exist");
  const std::string to_file = "fd/" + std::to_string(file_fd);
  EXPECT_EQ(outcome((*proc)->read_link(to_file)), dir_ / "a.txt");
  ::close(file_fd);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

INSTANTIATE_TEST_SUITE_P(Resolution, DirFSLinksTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "fallback" : "openat2"; });

}  // namespace
