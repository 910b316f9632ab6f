// DirFS and symlinks: read_link and lstat (ReadLinkFS), and the two
// confinements (beneath, in_root), each with openat2 and with the component
// walk that replaces it on kernels before 5.6.
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "sys/sys.h"
#include "test_util.h"
#include "vfs/vfs.h"

namespace vfs {
void PrintTo(Confinement c, std::ostream* os) {
  *os << (c == Confinement::in_root ? "in_root" : "beneath");
}
}  // namespace vfs

namespace {

using vfs::Confinement;
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

std::string outcome(const vfs::Result<std::vector<vfs::DirEntry>>& r) {
  if (!r) return why(r.error());
  std::string out;
  for (const vfs::DirEntry& e : *r) out += (out.empty() ? "" : " ") + e.name();
  return out;
}

// Each test runs in both confinements, with openat2 and with the walk.
using Mode = std::tuple<bool, Confinement>;  // (walk, confinement)

class ModeTest : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override { vfs::sys::force_open_beneath_fallback(std::get<0>(GetParam())); }
  void TearDown() override { vfs::sys::force_open_beneath_fallback(false); }

  Confinement confinement() const { return std::get<1>(GetParam()); }
  bool in_root() const { return confinement() == Confinement::in_root; }
  // `in_root_answer` in_root; an escape beneath.
  std::string escapes_or(const std::string& in_root_answer) const {
    return in_root() ? in_root_answer : "!escapes_root";
  }
};

const auto kModes = ::testing::Combine(
    ::testing::Values(false, true), ::testing::Values(Confinement::beneath, Confinement::in_root));

std::string mode_name(const ::testing::TestParamInfo<Mode>& info) {
  return std::string(std::get<0>(info.param) ? "fallback" : "openat2") +
         (std::get<1>(info.param) == Confinement::in_root ? "_in_root" : "_beneath");
}

// A tree with links of every kind, and a sibling directory outside it. The
// root holds decoys where an absolute or a climbing link lands in_root
// (outside's path, and its base name, below the root), so the two
// confinements give different answers and an escape reads "OUTSIDE".
class DirFSLinksTest : public ModeTest {
 protected:
  void SetUp() override {
    ModeTest::SetUp();
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
    auto fs = vfs::DirFS::make(dir_.path(), confinement());
    ASSERT_TRUE(fs.ok()) << fs.error().message();
    fs_ = *fs;
  }
  // read_file and stat of `name` agree: stat's size is the content's.
  std::string read(const std::string& name) {
    const std::string content = outcome(vfs::read_file(*fs_, name));
    const std::string info = outcome(vfs::stat(*fs_, name));
    EXPECT_EQ(info, content[0] == '!' ? content : "file " + std::to_string(content.size())) << name;
    return content;
  }

  vfs_test::TempDir outside_;
  vfs_test::TempDir dir_;
  std::shared_ptr<vfs::DirFS> fs_;
};

TEST_P(DirFSLinksTest, FollowsLinksInsideInBothConfinements) {
  EXPECT_EQ(read("rel"), "hello");
  EXPECT_EQ(read("chain1"), "bee");  // chain1 -> chain2 -> sub/deep/up -> ../b.txt
  EXPECT_EQ(read("dir-link/deep/c.txt"), "sea");
  EXPECT_EQ(read("dir-link/deep/up"), "bee");
  EXPECT_EQ(read("sub/parent/sub/parent/a.txt"), "hello");
  EXPECT_EQ(outcome(vfs::read_dir(*fs_, "dir-link")), "b.txt deep parent");
}

// Beneath refuses every absolute link; in_root starts it over at the root.
TEST_P(DirFSLinksTest, AbsoluteLinksEscapeOrResolveAgainstTheRoot) {
  EXPECT_EQ(read("abs"), escapes_or("hello"));
  EXPECT_EQ(read("abs-dir/deep/c.txt"), escapes_or("sea"));
  EXPECT_EQ(read("abs-root/abs-root/sub/b.txt"), escapes_or("bee"));
  EXPECT_EQ(read("abs-out"), escapes_or("DECOY-ABS"));
  EXPECT_EQ(read("abs-out-dir/secret"), escapes_or("DECOY-ABS"));
  EXPECT_EQ(read("sub/deep/far-abs"), escapes_or("bee"));  // "/.." is "/"
  EXPECT_EQ(outcome(vfs::read_dir(*fs_, "abs-dir")), escapes_or("b.txt deep parent"));
  if (in_root()) {  // the entries' lazy info() resolves their names the same way
    for (const vfs::DirEntry& e : *vfs::read_dir(*fs_, "abs-dir")) {
      auto info = e.info();
      ASSERT_TRUE(info.ok()) << e.name() << ": " << info.error().message();
      EXPECT_EQ(info->mode.type(), e.type()) << e.name();
    }
  }
  auto root = vfs::read_dir(*fs_, ".");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(outcome(vfs::read_dir(*fs_, "abs-root")), escapes_or(outcome(root)));
}

// ".." above the root: an escape beneath; the root itself in_root.
TEST_P(DirFSLinksTest, DotDotAboveTheRootEscapesOrStaysAtTheRoot) {
  EXPECT_EQ(read("up-out"), escapes_or("DECOY-UP"));
  EXPECT_EQ(read("up-out-dir/secret"), escapes_or("DECOY-UP"));
  EXPECT_EQ(read("far"), escapes_or("hello"));
  auto root = vfs::read_dir(*fs_, ".");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(outcome(vfs::read_dir(*fs_, "dotdot-out")), escapes_or(outcome(root)));
}

TEST_P(DirFSLinksTest, DanglingLoopingAndFileLinksFailAlike) {
  EXPECT_EQ(read("dangling"), "!not_exist");
  EXPECT_EQ(read("abs-dangling"), escapes_or("!not_exist"));
  for (const char* name : {"loop", "ping", "loop/x", "ping/a.txt"}) {
    auto f = fs_->open(name);
    ASSERT_FALSE(f.ok()) << name;
    EXPECT_EQ(f.error().code(), std::errc::too_many_symbolic_link_levels) << name;
    EXPECT_EQ(read(name), "!ELOOP");
  }
  EXPECT_EQ(read("abs-loop"), escapes_or("!ELOOP"));
  EXPECT_EQ(read("file-slash"), "!ENOTDIR");
  EXPECT_EQ(read("through-file"), "!ENOTDIR");
  EXPECT_EQ(read("abs-file-slash"), escapes_or("!ENOTDIR"));
  EXPECT_EQ(read("a.txt/x"), "!ENOTDIR");
}

// The stored text, whatever it points at (or fails to), in either confinement.
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
  EXPECT_EQ(outcome(fs_->read_link("abs-dir/deep/up")), escapes_or("../b.txt"));
  EXPECT_EQ(outcome(fs_->read_link("abs-out-dir/olink")), escapes_or("DECOY-ABS-LINK"));
  EXPECT_EQ(outcome(fs_->read_link("up-out-dir/olink")), escapes_or("DECOY-UP-LINK"));
  EXPECT_EQ(outcome(fs_->read_link("loop/x")), "!ELOOP");
  EXPECT_EQ(outcome(fs_->read_link("file-slash/x")), "!ENOTDIR");
  EXPECT_EQ(outcome(fs_->lstat("dir-link/deep/up")), "link 8");
  EXPECT_EQ(outcome(fs_->lstat("abs-dir/deep/up")), escapes_or("link 8"));
  EXPECT_EQ(outcome(fs_->lstat("up-out-dir/olink")), escapes_or("link 13"));
  EXPECT_EQ(outcome(fs_->lstat("abs-dir/deep")), escapes_or("dir"));
  auto escaped = fs_->lstat("abs-dir/deep/up");
  if (!in_root()) {
    EXPECT_EQ(escaped.error().op(), "lstat");
    EXPECT_EQ(escaped.error().path(), "abs-dir/deep/up");
  }
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
  auto sys = vfs::DirFS::make("/sys", confinement());
  ASSERT_TRUE(sys.ok());
  EXPECT_EQ(outcome((*sys)->read_link("class/net/lo")), std::string(want, n));
  EXPECT_EQ(outcome((*sys)->lstat("class/net/lo")).substr(0, 5), "link ");
}

// sub() gives a DirFS with the same confinement, rooted at the subdirectory.
TEST_P(DirFSLinksTest, SubKeepsTheConfinement) {
  auto sub = vfs::sub(fs_, "sub");
  ASSERT_TRUE(sub.ok());
  auto dir = std::dynamic_pointer_cast<vfs::DirFS>(*sub);
  ASSERT_NE(dir, nullptr);
  EXPECT_EQ(dir->confinement(), confinement());
  EXPECT_EQ(outcome(vfs::read_link(**sub, "deep/up")), "../b.txt");
  EXPECT_EQ(outcome(vfs::lstat(**sub, "parent")), "link 2");
  // sub/parent -> "..": the sub's root is its own parent in_root.
  EXPECT_EQ(outcome(vfs::read_file(**sub, "parent/b.txt")), escapes_or("bee"));
  EXPECT_EQ(outcome(vfs::read_file(**sub, "deep/far-abs")), escapes_or("!not_exist"));
  auto via_abs = vfs::sub(fs_, "abs-dir");
  if (!in_root()) {
    EXPECT_TRUE(via_abs.error().is(errc::escapes_root));
    return;
  }
  ASSERT_TRUE(via_abs.ok()) << via_abs.error().message();
  EXPECT_EQ(outcome(vfs::read_file(**via_abs, "deep/c.txt")), "sea");
  EXPECT_EQ(outcome(vfs::read_link(**via_abs, "deep/up")), "../b.txt");
}

// DirFS("/") in_root is the whole machine with every absolute link working,
// which beneath refuses.
TEST_P(DirFSLinksTest, SlashAsTheRoot) {
  auto slash = vfs::DirFS::make("/", confinement());
  ASSERT_TRUE(slash.ok());
  const std::string abs_out = (dir_ / "abs-out").substr(1);
  EXPECT_EQ(outcome(vfs::read_file(**slash, abs_out)), escapes_or("OUTSIDE"));
  EXPECT_EQ(outcome((*slash)->read_link(abs_out)), outside_ / "secret");
  EXPECT_EQ(outcome(vfs::read_file(**slash, (dir_ / "rel").substr(1))), "hello");
}

// Magic links are followed by their text in both resolutions: openat2
// refuses them (ELOOP) and the walk answers instead.
TEST_P(DirFSLinksTest, MagicLinksReadAsTheirText) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  const int file_fd = ::open((dir_ / "a.txt").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(file_fd, 0);
  auto proc = vfs::DirFS::make("/proc/self", confinement());
  ASSERT_TRUE(proc.ok());
  const std::string to_pipe = "fd/" + std::to_string(pipe_fds[0]);
  char cwd[PATH_MAX];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  EXPECT_EQ(outcome((*proc)->read_link("cwd")), cwd);
  EXPECT_EQ(outcome((*proc)->read_link("root")), "/");
  EXPECT_EQ(outcome((*proc)->lstat("cwd")).substr(0, 5), "link ");
  EXPECT_EQ(outcome(vfs::read_file(**proc, to_pipe)), "!not_exist");
  EXPECT_EQ(outcome(vfs::stat(**proc, "root")), escapes_or("dir"));  // /proc/self itself
  EXPECT_EQ(vfs::read_file(**proc, "root/status").ok(), in_root());
  if (std::string_view(cwd) != "/") {
    EXPECT_EQ(outcome(vfs::stat(**proc, "cwd")), escapes_or("!not_exist"));
  }
  // From "/", fd/N names the file it was opened as: in_root reads it.
  auto slash = vfs::DirFS::make("/", confinement());
  ASSERT_TRUE(slash.ok());
  const std::string via_fd = "proc/self/fd/" + std::to_string(file_fd);
  EXPECT_EQ(outcome(vfs::read_file(**slash, via_fd)), escapes_or("hello"));
  ::close(file_fd);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

INSTANTIATE_TEST_SUITE_P(Resolution, DirFSLinksTest, kModes, mode_name);

// Escape races (after the reproducer attacks/fs_race.cc): a directory or a
// file of the root swaps places with a symlink to "/", to "..", or to a file
// outside, over and over (renameat2 RENAME_EXCHANGE), while two threads
// look names up through it. Each answer must be one of what the tree gives
// in one state or the other; above all nothing outside may ever be read,
// stat'ed, listed or read_link'ed, in either confinement: beneath says
// escapes_root in the link's state, in_root lands on the root's decoys.
class DirFSRaceTest : public ModeTest {
 protected:
  // One lookup and what it may answer with `a` in its place (the directory
  // or file) and with the link there instead.
  struct Probe {
    std::string label;
    std::function<std::string()> run;
    std::set<std::string> as_a;
    std::set<std::string> as_link;
  };

  void SetUp() override {
    ModeTest::SetUp();
    out_ = outside_.path();
    out_rel_ = out_.substr(1);
    out_base_ = out_.substr(out_.rfind('/') + 1);
    outside_.write("secret", "OUTSIDE");
    outside_.symlink("OUTSIDE-LINK", "olink");
    outside_.write("outside-only", "");
    for (const std::string& mirror : {out_rel_, out_base_}) {
      dir_.write("d/" + mirror + "/secret", "INSIDE-D");
      dir_.symlink("INSIDE-D-LINK", "d/" + mirror + "/olink");
      dir_.write(mirror + "/secret", "INSIDE-ROOT");
      dir_.symlink("INSIDE-ROOT-LINK", mirror + "/olink");
    }
    dir_.write("f", "INSIDE-F");
    dir_.symlink("/", "to-slash");
    dir_.symlink("..", "to-dotdot");
    dir_.symlink(out_ + "/secret", "to-abs-secret");
    dir_.symlink("../" + out_base_ + "/secret", "to-up-secret");
    auto fs = vfs::DirFS::make(dir_.path(), confinement());
    ASSERT_TRUE(fs.ok()) << fs.error().message();
    fs_ = *fs;
  }
  // Lookups below `dir` ("d/<mirror>"), where d swaps with a link to the
  // root's parent or to "/": in_root, the link lands on the root's mirror.
  std::vector<Probe> dir_probes(const std::string& dir) {
    vfs::FSPtr fs = fs_;
    return {
        {"read_file secret",
         [=] { return outcome(vfs::read_file(*fs, dir + "/secret")); },
         {"INSIDE-D"},
         {escapes_or("INSIDE-ROOT")}},
        {"stat secret",
         [=] { return outcome(vfs::stat(*fs, dir + "/secret")); },
         {"file 8"},
         {escapes_or("file 11")}},
        {"read_link olink",
         [=] { return outcome(vfs::read_link(*fs, dir + "/olink")); },
         {"INSIDE-D-LINK"},
         {escapes_or("INSIDE-ROOT-LINK")}},
        {"lstat olink",
         [=] { return outcome(vfs::lstat(*fs, dir + "/olink")); },
         {"link 13"},
         {escapes_or("link 16")}},
        {"read_dir",
         [=] { return outcome(vfs::read_dir(*fs, dir)); },
         {"olink secret"},
         {escapes_or("olink secret")}},
        {"sub, read_file secret",
         [=]() -> std::string {
           auto sub = vfs::sub(fs, dir);
           return sub ? outcome(vfs::read_file(**sub, "secret")) : why(sub.error());
         },
         {"INSIDE-D"},
         {escapes_or("INSIDE-ROOT")}},
        {"walk_dir d", [=] { return walk_reading_files(*fs, "d"); }, {"clean"}, {"clean"}},
    };
  }

  // Lookups of "f", which swaps with a link to outside's secret.
  std::vector<Probe> file_probes(const std::string& link_target) {
    vfs::FSPtr fs = fs_;
    const std::string size = std::to_string(link_target.size());
    return {
        {"read_file f",
         [=] { return outcome(vfs::read_file(*fs, "f")); },
         {"INSIDE-F"},
         {escapes_or("INSIDE-ROOT")}},
        {"stat f",
         [=] { return outcome(vfs::stat(*fs, "f")); },
         {"file 8"},
         {escapes_or("file 11")}},
        {"read_link f",
         [=] { return outcome(vfs::read_link(*fs, "f")); },
         {"!invalid"},
         {link_target}},
        {"lstat f", [=] { return outcome(vfs::lstat(*fs, "f")); }, {"file 8"}, {"link " + size}},
    };
  }

  // Walks `root` and reads every file and link it meets: "clean", or what
  // came from outside. The walk's own errors are expected (its directories
  // turn into links under it). It stops after 200 entries, which the tree
  // never has: a walk that got out would be walking the whole machine.
  static std::string walk_reading_files(vfs::FS& fs, const std::string& root) {
    std::string found = "clean";
    int entries = 0;
    const auto visit = [&](std::string_view path, const vfs::DirEntry* e,
                           const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
      if (++entries > 200) {
        found = "walked out";
        return vfs::WalkAction::skip_all;
      }
      if (err || e->is_dir()) return vfs::WalkAction::proceed;
      const std::string name(path);
      if (e->name() == "outside-only") found = "listed outside " + name;
      // Only files' contents: out of the tree there are devices to block on.
      const std::string content =
          e->type().is_regular() ? outcome(vfs::read_file(fs, name, 64)) : "";
      const std::string target = outcome(vfs::read_link(fs, name));
      if (content.starts_with("OUTSIDE") || target.starts_with("OUTSIDE")) {
        found = "read outside through " + name;
      }
      return found == "clean" ? vfs::WalkAction::proceed : vfs::WalkAction::skip_all;
    };
    (void)vfs::walk_dir(fs, root, visit);
    return found;
  }

  // Runs `probes` round robin on two threads while `a` and `b` of the root
  // swap places, and checks every answer. Each thread stops after kMinRuns
  // once both states have been seen, at kMaxRuns, or after kPatience: a
  // bound, never a verdict.
  void race(const std::string& a, const std::string& b, const std::vector<Probe>& probes) {
    constexpr int kMinRuns = 3000;
    constexpr int kMaxRuns = 100000;
    constexpr auto kPatience = std::chrono::seconds(10);
    const int root_fd = ::open(dir_.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(root_fd, 0);
    std::atomic<bool> stop{false};
    std::atomic<long> swaps{0};
    std::thread swapper([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        ::syscall(SYS_renameat2, root_fd, a.c_str(), root_fd, b.c_str(), RENAME_EXCHANGE);
        swaps.fetch_add(1, std::memory_order_relaxed);
      }
    });
    while (swaps.load() == 0) std::this_thread::yield();
    std::atomic<long> seen_a{0}, seen_link{0};
    std::mutex mu;
    std::map<std::string, long> wrong;  // "probe: answer" -> count
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    const auto worker = [&](std::size_t first) {
      for (int i = 0; i < kMaxRuns && std::chrono::steady_clock::now() < deadline; ++i) {
        if (i >= kMinRuns && seen_a.load() > 0 && seen_link.load() > 0) break;
        const Probe& p = probes[(first + static_cast<std::size_t>(i)) % probes.size()];
        const std::string got = p.run();
        const bool a_ok = p.as_a.count(got) > 0, link_ok = p.as_link.count(got) > 0;
        if (a_ok && !link_ok) seen_a.fetch_add(1);
        if (link_ok && !a_ok) seen_link.fetch_add(1);
        if (!a_ok && !link_ok) {
          std::lock_guard lock(mu);
          ++wrong[p.label + ": " + got];
        }
      }
    };
    std::thread other(worker, probes.size() / 2);
    worker(0);
    other.join();
    stop = true;
    swapper.join();
    ::close(root_fd);
    for (const auto& [what, count] : wrong) ADD_FAILURE() << what << " (" << count << " times)";
    std::cout << "  " << swaps.load() << " swaps; answers from the first state " << seen_a.load()
              << ", from the link's " << seen_link.load() << "\n";
  }

  vfs_test::TempDir outside_;
  vfs_test::TempDir dir_;
  std::string out_, out_rel_, out_base_;
  std::shared_ptr<vfs::DirFS> fs_;
};

// The probes' answers when nothing moves: what the race is checked against.
TEST_P(DirFSRaceTest, ProbesAnswerAsExpectedInEachState) {
  const int root_fd = ::open(dir_.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(root_fd, 0);
  const auto check = [&](const char* a, const char* link, const std::vector<Probe>& probes) {
    for (const Probe& p : probes) EXPECT_EQ(p.as_a.count(p.run()), 1u) << a << ": " << p.label;
    ASSERT_EQ(::syscall(SYS_renameat2, root_fd, a, root_fd, link, RENAME_EXCHANGE), 0);
    for (const Probe& p : probes) {
      EXPECT_EQ(p.as_link.count(p.run()), 1u) << link << ": " << p.label << " " << p.run();
    }
    ASSERT_EQ(::syscall(SYS_renameat2, root_fd, a, root_fd, link, RENAME_EXCHANGE), 0);
  };
  check("d", "to-slash", dir_probes("d/" + out_rel_));
  check("d", "to-dotdot", dir_probes("d/" + out_base_));
  check("f", "to-abs-secret", file_probes(out_ + "/secret"));
  check("f", "to-up-secret", file_probes("../" + out_base_ + "/secret"));
  ::close(root_fd);
}

TEST_P(DirFSRaceTest, DirectorySwappedWithLinkToSlash) {
  race("d", "to-slash", dir_probes("d/" + out_rel_));
}

TEST_P(DirFSRaceTest, DirectorySwappedWithLinkToDotDot) {
  race("d", "to-dotdot", dir_probes("d/" + out_base_));
}

TEST_P(DirFSRaceTest, FileSwappedWithAbsoluteLinkOut) {
  race("f", "to-abs-secret", file_probes(out_ + "/secret"));
}

TEST_P(DirFSRaceTest, FileSwappedWithClimbingLinkOut) {
  race("f", "to-up-secret", file_probes("../" + out_base_ + "/secret"));
}

INSTANTIATE_TEST_SUITE_P(Resolution, DirFSRaceTest, kModes, mode_name);

TEST(DirFSLinks, BeneathIsTheDefault) {
  vfs_test::TempDir dir;
  auto fs = vfs::DirFS::make(dir.path());
  ASSERT_TRUE(fs.ok());
  EXPECT_EQ((*fs)->confinement(), Confinement::beneath);
}

}  // namespace
