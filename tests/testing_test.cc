// Tests of vfs::testing::test_fs: the backends pass, and each way of breaking
// the model (tests/broken_fs.h) is reported against the right name and check.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "broken_fs.h"
#include "vfs/forwarding_fs.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/testing/gtest.h"
#include "vfs/testing/test_fs.h"
#include "vfs/vfs.h"

namespace {

using vfs::testing::Options;
using vfs::testing::Report;
using vfs::testing::test_fs;
using vfs_test::Break;
using vfs_test::BrokenFS;

std::string pattern_bytes(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + seed) % 251);
  return s;
}

// A tree with nesting, an empty file, an explicit empty directory, binary
// content, and a directory of same-sized files for the concurrent check.
std::shared_ptr<vfs::MapFS> sample_fs() {
  auto fs = std::make_shared<vfs::MapFS>();
  const auto add = [&](std::string name, vfs::MapFile file) {
    fs->add(name, std::move(file)).value();
  };
  add("hello.txt", {"hello, world\n"});
  add("dir/data.bin", {pattern_bytes(700, 7)});
  add("dir/empty.txt", {""});
  add("dir/nested/deep.txt", {"deep"});
  add("dir/nested/more.txt", {"more"});
  add("explicit", {"", vfs::FileMode::dir | 0750});
  for (int i = 0; i < 8; ++i) {
    add("many/f" + std::to_string(i) + ".txt", {std::string(64, static_cast<char>('A' + i))});
  }
  return fs;
}

const std::vector<std::string> kSampleNames = {"hello.txt", "dir/data.bin", "dir/nested/deep.txt",
                                               "explicit", "many/f3.txt"};

bool has_problem(const Report& report, std::string_view text) {
  for (const std::string& p : report.problems()) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

// --- Backends that must pass ----------------------------------------------

TEST(TestFS, EmptyMapFSPasses) {
  vfs::MapFS fs;
  const Report report = test_fs(fs, {});
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_EQ(report.to_string(), "");
}

TEST(TestFS, SampleMapFSPasses) {
  auto fs = sample_fs();
  const Report report = test_fs(*fs, kSampleNames);
  EXPECT_TRUE(report.ok()) << report.to_string();
}

TEST(TestFS, MapFSOfExplicitDirectoriesOnlyPasses) {
  vfs::MapFS fs{{"a", {"", vfs::FileMode::dir | 0755}}, {"a/b", {"", vfs::FileMode::dir | 0700}}};
  const Report report = test_fs(fs, {"a/b"});
  EXPECT_TRUE(report.ok()) << report.to_string();
}

TEST(TestFS, MapFSWithOddNamesPasses) {
  // Glob metacharacters, UTF-8 and a leading dash in names: the glob check
  // must escape them, and the sub-FS pass runs below "x[1]".
  vfs::MapFS fs{{"x[1]/q*.txt", {"q"}},
                {"x[1]/r?.txt", {"r"}},
                {"x[1]/-^].txt", {"s"}},
                {"\xc3\xbc/\xc3\x9f.txt", {"u"}},
                {"a\\b", {"backslash"}}};
  const Report report = test_fs(fs, {"x[1]/q*.txt", "\xc3\xbc/\xc3\x9f.txt", "a\\b"});
  EXPECT_TRUE(report.ok()) << report.to_string();
}

// Depth is no problem: a valid tree 300 levels deep passes, also when the
// check runs on a fiber, whose stack is small (the walk does not recurse).
TEST(TestFS, DeepTreePassesEvenOnAFiber) {
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += (i ? "/d" : "d");
  deep += "/f.txt";
  vfs::MapFS fs{{deep, {"deep"}}};
  std::string report;
  bool ok = false;
  vfs::runtime::run([&] {
    const Report r = test_fs(fs, {deep});
    ok = r.ok();
    report = r.to_string();
  });
  EXPECT_TRUE(ok) << report;
}

TEST(TestFS, FaithfulWrapperPasses) {
  // The baseline for the broken backends below: each differs from this one
  // in exactly one way.
  BrokenFS fs(sample_fs(), Break::none);
  const Report report = test_fs(fs, kSampleNames);
  EXPECT_TRUE(report.ok()) << report.to_string();
}

// A temporary directory tree, removed at the end of the test.
class TempTree {
 public:
  TempTree() {
    std::string tmpl = ::testing::TempDir() + "vfs_testing_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = tmpl;
  }
  ~TempTree() { std::filesystem::remove_all(root_); }
  const std::filesystem::path& root() const { return root_; }

  void file(const std::string& name, const std::string& data) const {
    std::filesystem::create_directories((root_ / name).parent_path());
    std::ofstream(root_ / name, std::ios::binary) << data;
  }
  void dir(const std::string& name) const { std::filesystem::create_directories(root_ / name); }
  void symlink(const std::string& target, const std::string& name) const {
    std::filesystem::create_symlink(target, root_ / name);
  }

 private:
  std::filesystem::path root_;
};

TEST(TestFS, DirFSWithSymlinksPasses) {
  TempTree tree;
  tree.file("a.txt", "alpha\n");
  tree.file("empty.txt", "");
  tree.file("dir/b.txt", "bravo");
  tree.file("dir/big.bin", pattern_bytes(200000, 3));  // past the small-read and sampling limits
  tree.dir("dir/emptydir");
  tree.file("dir/x[1]/q.txt", "q");
  tree.file("\xc3\xbc/\xc3\x9f.txt", "sz");
  tree.symlink("dir/b.txt", "link.txt");  // a file through a link
  tree.symlink("dir", "dirlink");         // a directory through a link, not walked
  // Relative, staying inside the tree and inside the sub-FS "dir" (DirFS's
  // sub is a new root: a link out of it would escape).
  tree.symlink("../b.txt", "dir/emptydir/up.txt");
  auto fs = vfs::DirFS::make(tree.root().string());
  ASSERT_TRUE(fs.ok()) << fs.error().message();
  const Report report =
      test_fs(**fs, {"dir/b.txt", "a.txt", "dir/big.bin", "dir/emptydir/up.txt", "link.txt",
                     "dirlink", "\xc3\xbc/\xc3\x9f.txt", "dir/x[1]/q.txt"});
  EXPECT_TRUE(report.ok()) << report.to_string();
}

// FIFOs, sockets and devices are only stat'ed, as test_fs.h says: a socket
// cannot be opened (ENXIO), a FIFO's reader may wait for a writer.
TEST(TestFS, DirFSWithSocketsAndFifosPasses) {
  TempTree tree;
  tree.file("a.txt", "a");
  ASSERT_EQ(::mkfifo((tree.root() / "fifo").c_str(), 0644), 0);
  const int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string sock_path = (tree.root() / "sock").string();
  ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
  sock_path.copy(addr.sun_path, sock_path.size());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  tree.symlink("sock", "sock-link");
  auto fs = vfs::DirFS::make(tree.root().string());
  ASSERT_TRUE(fs.ok()) << fs.error().message();
  const Report report = test_fs(**fs, {"a.txt", "fifo", "sock", "sock-link"});
  ::close(sock);
  EXPECT_TRUE(report.ok()) << report.to_string();
}

TEST(TestFS, EmptyDirFSPasses) {
  TempTree tree;
  auto fs = vfs::DirFS::make(tree.root().string());
  ASSERT_TRUE(fs.ok()) << fs.error().message();
  const Report report = test_fs(**fs, {});
  EXPECT_TRUE(report.ok()) << report.to_string();
}

// A real tree's links that dangle, loop or leave the FS, and its names that
// are not UTF-8, are the tree's, not the backend's: notes, and the report
// stays ok (test_fs over DirFS("/etc") used to report ~100 "problems").
TEST(TestFS, DirFSTreeOddsAreNotesNotProblems) {
  TempTree tree;
  tree.file("a.txt", "a");
  tree.symlink("/etc/hostname", "out");
  tree.symlink("../../x", "above");
  tree.symlink("nope", "dangling");
  tree.symlink("loop2", "loop1");
  tree.symlink("loop1", "loop2");
  tree.symlink("a.txt", "fine");
  tree.file("caf\xe9.txt", "latin-1 name");
  auto fs = vfs::DirFS::make(tree.root().string());
  ASSERT_TRUE(fs.ok()) << fs.error().message();
  const Report report = test_fs(**fs, {"a.txt", "fine"});
  EXPECT_TRUE(report.ok()) << report.to_string();
  const std::string text = report.to_string();
  for (const char* want :
       {"out: symlink leads out of the file system", "above: symlink leads out of the file system",
        "dangling: dangling symlink", "loop1: symlink loop", "name is not UTF-8"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
  EXPECT_EQ(report.notes().size(), 6u) << text;
}

// --- Symlinks (ReadLinkFS) ----------------------------------------------------

vfs::MapFS linked_fs() {
  const auto link = [](std::string target) {
    return vfs::MapFile{std::move(target), vfs::FileMode::symlink | 0777, {}};
  };
  return vfs::MapFS{{"d/file.txt", {"data"}}, {"d/rel", link("file.txt")},
                    {"top", link("d/rel")},   {"d/dangling", link("gone")},
                    {"d/out", link("/abs")},  {"dirlink", link("d")}};
}

TEST(TestFS, MapFSWithLinksPasses) {
  auto fs = linked_fs();
  const Report report = test_fs(fs, {"d/file.txt", "d/rel", "top", "dirlink"});
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_EQ(report.notes().size(), 4u) << report.to_string();  // twice: the sub(fs, "d") pass too
}

// A ".." after a link climbs from where the link points: esc -> dir/up/..
// leaves the FS (dir/up -> ".." is the root), and gone/../dir/real fails at
// the dangling "gone", as on a disk. Both are notes, not a backend that
// failed to follow a link whose target exists.
TEST(TestFS, LinksThatClimbThroughLinksAreNotes) {
  const auto link = [](std::string target) {
    return vfs::MapFile{std::move(target), vfs::FileMode::symlink | 0777, {}};
  };
  vfs::MapFS fs{{"dir/real", {"r"}},
                {"dir/up", link("..")},
                {"esc", link("dir/up/..")},
                {"gone", link("nowhere")},
                {"via_dangling", link("gone/../dir/real")}};
  const Report report = test_fs(fs, {"dir/real"});
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_NE(report.to_string().find("esc: symlink leads out"), std::string::npos)
      << report.to_string();
}

// A backend whose links break in one way each.
enum class LinkBreak { lstat_follows, read_link_on_file, cannot_follow };

class BrokenLinkFS final : public vfs::ForwardingFS {
 public:
  BrokenLinkFS(vfs::FS& inner, LinkBreak brk) : ForwardingFS(inner), brk_(brk) {}
  vfs::Result<vfs::FilePtr> open(std::string_view name) override {
    if (brk_ == LinkBreak::cannot_follow && is_link(name)) {
      return vfs::Error("open", std::string(name), vfs::errc::not_exist);
    }
    return ForwardingFS::open(name);
  }
  vfs::Result<vfs::FileInfo> stat(std::string_view name) override {
    if (brk_ == LinkBreak::cannot_follow && is_link(name)) {
      return vfs::Error("stat", std::string(name), vfs::errc::not_exist);
    }
    return ForwardingFS::stat(name);
  }
  vfs::Result<vfs::FileInfo> lstat(std::string_view name) override {
    if (brk_ == LinkBreak::lstat_follows) return ForwardingFS::stat(name);
    return ForwardingFS::lstat(name);
  }
  vfs::Result<std::string> read_link(std::string_view name) override {
    if (brk_ == LinkBreak::read_link_on_file && vfs::valid_path(name) && !is_link(name)) {
      return std::string();
    }
    return ForwardingFS::read_link(name);
  }

 private:
  bool is_link(std::string_view name) {
    auto info = ForwardingFS::lstat(name);
    return info && info->mode.is_symlink();
  }
  LinkBreak brk_;
};

TEST(TestFS, LstatThatFollowsLinksIsReported) {
  auto inner = linked_fs();
  BrokenLinkFS fs(inner, LinkBreak::lstat_follows);
  const Report report = test_fs(fs, {"d/file.txt"});
  EXPECT_TRUE(has_problem(report, "d/rel: ReadLinkFS::lstat vs entry.info() disagree"))
      << report.to_string();
}

TEST(TestFS, ReadLinkOfAFileIsReported) {
  auto inner = linked_fs();
  BrokenLinkFS fs(inner, LinkBreak::read_link_on_file);
  const Report report = test_fs(fs, {"d/file.txt"});
  EXPECT_TRUE(has_problem(report, "d/file.txt: ReadLinkFS::read_link of a - entry returned"))
      << report.to_string();
}

// A backend that cannot follow links would otherwise only leave notes: the
// checker reads the target itself, finds it there, and says so.
TEST(TestFS, ALinkTheBackendCannotFollowIsAProblemNotANote) {
  auto inner = linked_fs();
  BrokenLinkFS fs(inner, LinkBreak::cannot_follow);
  const Report report = test_fs(fs, {"d/file.txt"});
  EXPECT_TRUE(has_problem(report,
                          "d/rel: stat: stat d/rel: file does not exist, but the link's "
                          "target \"d/file.txt\" exists"))
      << report.to_string();
}

// --- Expected names ---------------------------------------------------------

TEST(TestFS, MissingExpectedNameIsReported) {
  auto fs = sample_fs();
  const Report report = test_fs(*fs, {"hello.txt", "dir/nope.txt"});
  EXPECT_TRUE(has_problem(report, "dir/nope.txt: expected but not found")) << report.to_string();
}

TEST(TestFS, NonEmptyFSWhenEmptyExpectedIsReported) {
  vfs::MapFS fs{{"a/b.txt", {"x"}}};
  const Report report = test_fs(fs, {});
  ASSERT_EQ(report.problems().size(), 1u) << report.to_string();
  EXPECT_EQ(report.problems()[0], ".: expected an empty file system but found files:\na\na/b.txt");
}

TEST(TestFS, InvalidExpectedNameIsReported) {
  auto fs = sample_fs();
  const Report report = test_fs(*fs, {"hello.txt", "/hello.txt"});
  EXPECT_TRUE(has_problem(report, "/hello.txt: expected name is not a valid path"))
      << report.to_string();
}

// --- Broken backends ------------------------------------------------------

struct BreakCase {
  Break brk;
  const char* name;
  // Text one problem must contain: the name it is about and the check.
  std::string expect;
};

void PrintTo(const BreakCase& c, std::ostream* os) { *os << c.name; }

class BrokenBackend : public ::testing::TestWithParam<BreakCase> {};

TEST_P(BrokenBackend, IsReported) {
  BrokenFS fs(sample_fs(), GetParam().brk);
  const Report report = test_fs(fs, kSampleNames);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(has_problem(report, GetParam().expect))
      << "want a problem containing: " << GetParam().expect << "\n"
      << report.to_string();
}

INSTANTIATE_TEST_SUITE_P(
    TestFS, BrokenBackend,
    ::testing::Values(
        BreakCase{Break::unsorted_read_dir, "unsorted_read_dir",
                  "dir: ReadDirFS::read_dir: not sorted: \"nested\" before \"empty.txt\""},
        BreakCase{Break::stat_size, "stat_size",
                  "hello.txt: StatFS::stat vs file.stat() disagree:\n"
                  "  got:  -rw-r--r-- 14 1970-01-01 00:00:00 hello.txt\n"
                  "  want: -rw-r--r-- 13 1970-01-01 00:00:00 hello.txt"},
        BreakCase{Break::file_stat_size, "file_stat_size",
                  "hello.txt: file.stat() gives size 14, but read returned 13 bytes"},
        BreakCase{Break::read_dir_too_many, "read_dir_too_many",
                  "dir: read_dir(1) after 0 entries: 2 entries (too many)"},
        BreakCase{Break::read_dir_end_error, "read_dir_end_error",
                  "dir: read_dir(1) at end = readdir dir: file does not exist, want an empty list"},
        BreakCase{Break::read_dir_never_ends, "read_dir_never_ends",
                  "dir: read_dir(1) at end = 1 entries, want an empty list"},
        BreakCase{Break::read_dir_zero_is_none, "read_dir_zero_is_none",
                  "dir: read_dir(-1) vs read_dir(1) + read_dir(0) differ:\n- - empty.txt\n"},
        BreakCase{Break::accepts_invalid, "accepts_invalid",
                  "dir/data.bin: open(\"/dir/data.bin\") succeeded, want errc::invalid"},
        BreakCase{Break::invalid_as_not_exist, "invalid_as_not_exist",
                  ".: open(\"\"): open: file does not exist, want errc::invalid"},
        BreakCase{Break::close_twice_ok, "close_twice_ok",
                  "hello.txt: close after close succeeded, want errc::closed"},
        BreakCase{Break::usable_after_close, "usable_after_close",
                  "dir/nested/deep.txt: read after close succeeded, want errc::closed"},
        BreakCase{Break::missing_is_permission, "missing_is_permission",
                  "dir: open(\"dir/vfs-testing-missing\"): open dir/vfs-testing-missing: "
                  "permission denied, want errc::not_exist"},
        BreakCase{Break::read_at_off_by_one, "read_at_off_by_one",
                  "hello.txt: read_at(5 bytes at 4): got \"lo, w\", want \"o, wo\""},
        BreakCase{Break::seek_end_ignores_offset, "seek_end_ignores_offset",
                  "hello.txt: seek(-4, end) = 13, want 9"},
        BreakCase{Break::glob_extra, "glob_extra",
                  "dir: glob(\"d[i][r-r]/*a*\"): wrong output:\nextra: zz-not-matched"},
        BreakCase{Break::glob_accepts_bad, "glob_accepts_bad",
                  "many: glob(\"m[a][n-n][\\\\y]/nonexist/[]\"): bad pattern not detected"},
        BreakCase{Break::read_on_dir_ok, "read_on_dir_ok",
                  "dir/nested: read on a directory returned 0 bytes, want an error"},
        BreakCase{
            Break::read_dir_on_file_ok, "read_dir_on_file_ok",
            "dir/empty.txt: read_dir(-1) on a regular file returned 0 entries, want an error"},
        BreakCase{Break::read_file_wrong_byte, "read_file_wrong_byte",
                  "hello.txt: open+read vs ReadFileFS::read_file: got \"hello, world\\x0b\", want "
                  "\"hello, world\\n\""},
        BreakCase{Break::slash_in_entry_name, "slash_in_entry_name",
                  ".: read_dir(-1): invalid entry name \"x/hello.txt\""},
        BreakCase{Break::sub_full_error_paths, "sub_full_error_paths",
                  "dir: sub(\"dir\") then open(\"vfs-testing-missing\"): error names path "
                  "\"dir/vfs-testing-missing\", want \"vfs-testing-missing\""},
        BreakCase{Break::shared_read_buffer, "shared_read_buffer", ": concurrent "},
        BreakCase{Break::read_dir_into_appends, "read_dir_into_appends",
                  "dir: ReadDirFS::read_dir vs read_dir_into differ:\n+ - stale"}),
    [](const ::testing::TestParamInfo<BreakCase>& info) { return std::string(info.param.name); });

TEST(TestFS, SharedBufferIsOnlyCaughtByConcurrentReaders) {
  // Single-threaded, the shared buffer is invisible: the concurrent check is
  // what finds it.
  BrokenFS fs(sample_fs(), Break::shared_read_buffer);
  Options one_thread;
  one_thread.threads = 1;
  EXPECT_TRUE(test_fs(fs, kSampleNames, one_thread).ok());
  const Report report = test_fs(fs, kSampleNames);
  EXPECT_TRUE(has_problem(report, ": concurrent ")) << report.to_string();
}

TEST(TestFS, SubFSIsCheckedToo) {
  // Correct at the top, broken below "dir": only the sub-FS pass can see it.
  class BrokenBelow final : public vfs::SubFS {
   public:
    explicit BrokenBelow(std::shared_ptr<vfs::MapFS> fs) : fs_(std::move(fs)) {}
    vfs::Result<vfs::FilePtr> open(std::string_view name) override { return fs_->open(name); }
    vfs::Result<vfs::FSPtr> sub(std::string_view dir) override {
      auto inner = vfs::sub(fs_, dir);
      if (!inner) return inner;
      return vfs::FSPtr(std::make_shared<BrokenFS>(*inner, Break::unsorted_read_dir));
    }

   private:
    std::shared_ptr<vfs::MapFS> fs_;
  };
  BrokenBelow fs(sample_fs());
  const Report report = test_fs(fs, {"dir/nested/deep.txt", "hello.txt"});
  EXPECT_TRUE(has_problem(report, "sub(fs, \"dir\"): .: ReadDirFS::read_dir: not sorted"))
      << report.to_string();
}

// A file above max_file_bytes is read to its end once, in pieces, and
// noted; one whose stat says less than it holds is not read on without end.
TEST(TestFS, LargeFilesAreReadOnceWithinBoundedMemory) {
  vfs::MapFS fs{{"big.bin", {std::string(3 << 20, 'x')}}, {"small.txt", {"s"}}};
  Options options;
  options.max_file_bytes = 1 << 20;
  const Report report = test_fs(fs, {"big.bin", "small.txt"}, options);
  EXPECT_TRUE(report.ok()) << report.to_string();
  ASSERT_EQ(report.notes().size(), 1u) << report.to_string();
  EXPECT_NE(report.notes()[0].find("big.bin: 3145728 bytes, over Options::max_file_bytes"),
            std::string::npos)
      << report.notes()[0];
}

// --- Report and the GoogleTest adaptor -----------------------------------------

TEST(TestFS, ProblemsAreCappedAndSaySo) {
  BrokenFS fs(sample_fs(), Break::accepts_invalid);
  Options options;
  options.max_problems = 3;
  const Report report = test_fs(fs, kSampleNames, options);
  EXPECT_EQ(report.problems().size(), 3u);
  EXPECT_TRUE(report.full());
  const std::string text = report.to_string();
  EXPECT_EQ(text.rfind("vfs::testing::test_fs found 3 problems:\n  ", 0), 0u) << text;
  EXPECT_NE(text.find("(stopped after 3 problems)"), std::string::npos) << text;
}

TEST(TestFS, ReportIndentsMultiLineProblems) {
  Report report;
  report.add("a: one");
  report.add("b: two\nthree");
  EXPECT_EQ(report.to_string(),
            "vfs::testing::test_fs found 2 problems:\n  a: one\n  b: two\n      three\n");
}

TEST(Conforms, PassesForAGoodFS) {
  auto fs = sample_fs();
  EXPECT_TRUE(vfs::testing::conforms(*fs, kSampleNames));
}

TEST(Conforms, FailsWithTheReport) {
  auto fs = sample_fs();
  const ::testing::AssertionResult r = vfs::testing::conforms(*fs, {"missing.txt"});
  EXPECT_FALSE(r);
  EXPECT_NE(std::string(r.message()).find("missing.txt: expected but not found"), std::string::npos)
      << r.message();
}

}  // namespace
