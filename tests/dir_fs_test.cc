// DirFS: the on-disk backend, its escape-proof name resolution (with openat2
// and with the fallback walk), descriptors, and errors.
#include <dirent.h>
#include <gtest/gtest.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <thread>
#include <type_traits>

#include "sys/sys.h"
#include "test_util.h"
#include "vfs/runtime.h"
#include "vfs/vfs.h"

namespace {

using vfs::errc;

using vfs_test::names;

int open_fd_count() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (::readdir(d) != nullptr) ++n;
    ::closedir(d);
  }
  return n;
}

// Each test runs twice: with openat2, and with the component walk that
// replaces it on kernels before 5.6.
class DirFSTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    vfs::sys::force_open_beneath_fallback(GetParam());
    outside_.write("secret", "top secret");
    dir_.write("a.txt", "hello");
    dir_.write("sub/b.txt", "bee");
    dir_.write("sub/deep/c.txt", "sea");
    dir_.symlink("a.txt", "link-in");              // stays inside: followed
    dir_.symlink("../b.txt", "sub/deep/up");       // climbs, but stays inside
    dir_.symlink(outside_ / "secret", "abs-out");  // absolute: refused
    dir_.symlink("../../" + outside_.path().substr(outside_.path().rfind('/') + 1) + "/secret",
                 "rel-out");                      // climbs out of the root: refused
    dir_.symlink("..", "sub/parent");             // the root itself, via a subdir
    dir_.symlink("sub/parent/..", "dotdot-out");  // root's parent: refused
    dir_.symlink("loop", "loop");
    auto fs = vfs::DirFS::make(dir_.path());
    ASSERT_TRUE(fs.ok()) << fs.error().message();
    fs_ = *fs;
  }
  void TearDown() override { vfs::sys::force_open_beneath_fallback(false); }

  vfs_test::TempDir outside_;
  vfs_test::TempDir dir_;
  std::shared_ptr<vfs::DirFS> fs_;
};

TEST_P(DirFSTest, ReadsFilesAndDirectories) {
  EXPECT_EQ(*vfs::read_file(*fs_, "a.txt"), "hello");
  EXPECT_EQ(*vfs::read_file(*fs_, "sub/deep/c.txt"), "sea");
  auto st = vfs::stat(*fs_, "sub/b.txt");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->name, "b.txt");
  EXPECT_EQ(st->size, 3);
  EXPECT_TRUE(st->mode.is_regular());
  auto root = vfs::read_dir(*fs_, ".");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(names(*root), (std::vector<std::string>{"a.txt", "abs-out", "dotdot-out", "link-in",
                                                    "loop", "rel-out", "sub"}));
  EXPECT_TRUE((*root)[6].is_dir());
  EXPECT_TRUE((*root)[3].type().is_symlink());
  auto info = (*root)[3].info();  // lstat: the link itself
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->mode.is_symlink());
  EXPECT_EQ(info->name, "link-in");
}

TEST_P(DirFSTest, FollowsSymlinksThatStayInside) {
  EXPECT_EQ(*vfs::read_file(*fs_, "link-in"), "hello");
  EXPECT_EQ(*vfs::read_file(*fs_, "sub/deep/up"), "bee");
  EXPECT_EQ(*vfs::read_file(*fs_, "sub/parent/a.txt"), "hello");
  EXPECT_EQ(vfs::stat(*fs_, "link-in")->size, 5);
}

TEST_P(DirFSTest, RefusesEveryEscape) {
  for (const char* name : {"abs-out", "rel-out", "dotdot-out", "sub/parent/rel-out"}) {
    auto f = fs_->open(name);
    ASSERT_FALSE(f.ok()) << name << " escaped the root";
    EXPECT_TRUE(f.error().is(errc::escapes_root)) << name << ": " << f.error().message();
    EXPECT_TRUE(f.error().is(errc::permission)) << name;
    EXPECT_EQ(f.error().path(), name);
    EXPECT_FALSE(vfs::stat(*fs_, name).ok()) << name;
    EXPECT_FALSE(vfs::read_file(*fs_, name).ok()) << name;
    EXPECT_FALSE(vfs::read_dir(*fs_, name).ok()) << name;
  }
  auto sub = vfs::sub(fs_, "sub");
  ASSERT_TRUE(sub.ok());
  auto up = (*sub)->open("parent/a.txt");  // the sub's parent is outside the sub
  ASSERT_FALSE(up.ok());
  EXPECT_TRUE(up.error().is(errc::escapes_root));
  EXPECT_TRUE((*sub)->open("../a.txt").error().is(errc::invalid));
}

TEST_P(DirFSTest, SymlinkLoopIsAnErrorNotAHang) {
  auto f = fs_->open("loop");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code(), std::errc::too_many_symbolic_link_levels);
}

TEST_P(DirFSTest, InvalidNamesNeverReachTheKernel) {
  const std::string nul("a.txt\0x", 7);
  for (const std::string& bad :
       {std::string(""), std::string("/etc/passwd"), std::string(".."), std::string("sub/../a.txt"),
        std::string("sub//b.txt"), std::string("sub/"), nul}) {
    EXPECT_TRUE(fs_->open(bad).error().is(errc::invalid)) << bad;
    EXPECT_TRUE(vfs::stat(*fs_, bad).error().is(errc::invalid)) << bad;
    EXPECT_TRUE(vfs::read_dir(*fs_, bad).error().is(errc::invalid)) << bad;
    EXPECT_TRUE(vfs::read_file(*fs_, bad).error().is(errc::invalid)) << bad;
    EXPECT_TRUE(vfs::sub(fs_, bad).error().is(errc::invalid)) << bad;
  }
  auto huge = fs_->open(std::string(64 * 1024, 'n'));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code(), std::errc::filename_too_long);
}

TEST_P(DirFSTest, WrongKindOfFileGivesItsError) {
  auto dir = fs_->open("sub");
  ASSERT_TRUE(dir.ok());
  char buf[16];
  EXPECT_EQ((*dir)->read(buf).error().code(), std::errc::is_a_directory);
  auto file = fs_->open("a.txt");
  auto* rd = dynamic_cast<vfs::ReadDirFile*>(file->get());
  ASSERT_NE(rd, nullptr);  // one class for both, as the kernel decides
  EXPECT_EQ(rd->read_dir(-1).error().code(), std::errc::not_a_directory);
  EXPECT_EQ(vfs::read_dir(*fs_, "a.txt").error().code(), std::errc::not_a_directory);
  EXPECT_TRUE(fs_->open("nope").error().is(errc::not_exist));
  EXPECT_EQ(fs_->open("a.txt/x").error().code(), std::errc::not_a_directory);
}

// A trailing "/" or "/." in a symlink's target asks for a directory: the
// component walk must refuse a file there as the kernel does.
TEST_P(DirFSTest, TrailingSlashOrDotAfterAFileIsNotADirectory) {
  dir_.symlink("a.txt/", "file-slash");
  dir_.symlink("a.txt/.", "file-dot");
  dir_.symlink("sub/", "dir-slash");
  dir_.symlink("sub/.", "dir-dot");
  dir_.symlink("sub/deep/up/", "link-slash");  // sub/deep/up -> ../b.txt, a file
  for (const char* name : {"file-slash", "file-dot", "link-slash"}) {
    auto f = fs_->open(name);
    ASSERT_FALSE(f.ok()) << name << " opened";
    EXPECT_EQ(f.error().code(), std::errc::not_a_directory) << name;
    auto info = vfs::stat(*fs_, name);
    ASSERT_FALSE(info.ok()) << name << " stat'ed";
    EXPECT_EQ(info.error().code(), std::errc::not_a_directory) << name;
  }
  for (const char* name : {"dir-slash", "dir-dot"}) {
    auto entries = vfs::read_dir(*fs_, name);
    ASSERT_TRUE(entries.ok()) << name << ": " << entries.error().message();
    EXPECT_EQ(names(*entries), (std::vector<std::string>{"b.txt", "deep", "parent"})) << name;
  }
}

// Magic links (/proc/<pid>/cwd, fd/N, ...) read as any symlink, by the text
// readlink gives, in both modes (openat2 said ELOOP, the walk escapes_root).
TEST_P(DirFSTest, MagicLinksReadAsTheirText) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  auto proc = vfs::DirFS::make("/proc/self");
  ASSERT_TRUE(proc.ok());
  for (const char* name : {"cwd", "root", "exe", "root/etc/hostname"}) {
    auto f = (*proc)->open(name);
    ASSERT_FALSE(f.ok()) << name << " opened";
    EXPECT_TRUE(f.error().is(errc::escapes_root)) << f.error().message();
  }
  const std::string to_pipe = "fd/" + std::to_string(pipe_fds[0]);  // -> "pipe:[inode]"
  auto f = (*proc)->open(to_pipe);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  ASSERT_FALSE(f.ok()) << to_pipe << " opened";
  EXPECT_TRUE(f.error().is(errc::not_exist)) << f.error().message();
  EXPECT_TRUE(vfs::stat(**proc, "status").ok());  // /proc/self itself is no magic link
}

// Names that are not UTF-8 fail valid_path, but an entry read_dir lists with
// one has its info(), as in Go (os.DirFS's entries lstat the raw name).
TEST_P(DirFSTest, EntriesWithNonUtf8NamesHaveTheirInfo) {
  dir_.write("sub/latin\xff", "12345");
  dir_.mkdir("sub/dir\xfe");
  dir_.symlink("../../outside", "sub/link\xfd");
  auto entries = vfs::read_dir(*fs_, "sub");
  ASSERT_TRUE(entries.ok());
  int checked = 0;
  for (const vfs::DirEntry& e : *entries) {
    if (vfs::valid_path(e.name())) continue;
    auto info = e.info();
    ASSERT_TRUE(info.ok()) << info.error().message();
    EXPECT_EQ(info->name, e.name());
    EXPECT_EQ(info->mode.type(), e.type());
    if (e.name() == "latin\xff") {
      EXPECT_EQ(info->size, 5);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 3);
  EXPECT_TRUE(fs_->open("sub/latin\xff").error().is(errc::invalid));  // by name: still invalid
}

// DirFS lists straight into the caller's vector: same entries as read_dir,
// the vector's buffer kept, emptied on every kind of error.
TEST_P(DirFSTest, ReadDirIntoFillsTheCallersVector) {
  std::vector<vfs::DirEntry> entries;
  entries.reserve(64);
  const vfs::DirEntry* buffer = entries.data();
  for (const char* dir : {".", "sub", "sub/deep"}) {
    ASSERT_TRUE(fs_->read_dir_into(dir, entries).ok()) << dir;
    auto want = vfs::read_dir(*fs_, dir);
    ASSERT_TRUE(want.ok());
    EXPECT_EQ(names(entries), names(*want)) << dir;
    EXPECT_EQ(entries.data(), buffer) << dir;
    ASSERT_TRUE(entries.front().info().ok());  // lazy entries still reach the FS
  }
  EXPECT_EQ(fs_->read_dir_into("a.txt", entries).error().code(), std::errc::not_a_directory);
  EXPECT_TRUE(entries.empty());
  ASSERT_TRUE(fs_->read_dir_into(".", entries).ok());
  EXPECT_TRUE(fs_->read_dir_into("../x", entries).error().is(errc::invalid));
  EXPECT_TRUE(entries.empty());
  ASSERT_TRUE(fs_->read_dir_into(".", entries).ok());
  EXPECT_TRUE(fs_->read_dir_into("nope", entries).error().is(errc::not_exist));
  EXPECT_TRUE(entries.empty());
}

// Lazy entries own the FS they came from: their info() works after every
// other owner has let go, whether they came from read_dir, read_dir_into
// or an open directory's read_dir.
TEST_P(DirFSTest, EntriesOutliveTheFS) {
  using List = std::function<std::vector<vfs::DirEntry>(vfs::DirFS&)>;
  const List ways[] = {
      [](vfs::DirFS& fs) { return *vfs::read_dir(fs, "sub"); },
      [](vfs::DirFS& fs) {
        std::vector<vfs::DirEntry> entries;
        EXPECT_TRUE(fs.read_dir_into("sub", entries).ok());
        return entries;
      },
      [](vfs::DirFS& fs) {
        auto dir = fs.open("sub");
        return *dynamic_cast<vfs::ReadDirFile&>(**dir).read_dir(-1);
      },
  };
  for (const List& list : ways) {
    auto fs = vfs::DirFS::make(dir_.path());
    ASSERT_TRUE(fs.ok());
    std::vector<vfs::DirEntry> entries = list(**fs);
    std::weak_ptr<vfs::DirFS> weak = *fs;
    fs->reset();
    ASSERT_FALSE(weak.expired());  // the entries own it
    ASSERT_FALSE(entries.empty());
    for (const vfs::DirEntry& e : entries) {
      auto info = e.info();
      ASSERT_TRUE(info.ok()) << e.name() << ": " << info.error().message();
      EXPECT_EQ(info->name, e.name());
    }
    entries.clear();
    EXPECT_TRUE(weak.expired());  // and nothing else does
  }
}

TEST_P(DirFSTest, ClosedFileSaysClosed) {
  auto f = fs_->open("a.txt");
  ASSERT_TRUE((*f)->close().ok());
  char buf[4];
  EXPECT_TRUE((*f)->read(buf).error().is(errc::closed));
  EXPECT_TRUE((*f)->stat().error().is(errc::closed));
  EXPECT_TRUE((*f)->close().error().is(errc::closed));
  EXPECT_TRUE(dynamic_cast<vfs::ReaderAt*>(f->get())->read_at(buf, 0).error().is(errc::closed));
  EXPECT_TRUE(
      dynamic_cast<vfs::Seeker*>(f->get())->seek(0, vfs::Whence::begin).error().is(errc::closed));
}

TEST_P(DirFSTest, ReadDirInChunks) {
  for (int i = 0; i < 300; ++i) dir_.write("many/f" + std::to_string(i), "");
  auto f = fs_->open("many");
  auto* dir = dynamic_cast<vfs::ReadDirFile*>(f->get());
  std::size_t total = 0;
  for (;;) {
    auto chunk = dir->read_dir(7);
    ASSERT_TRUE(chunk.ok());
    if (chunk->empty()) break;
    EXPECT_LE(chunk->size(), 7u);
    total += chunk->size();
  }
  EXPECT_EQ(total, 300u);
  EXPECT_TRUE(dir->read_dir(-1)->empty());
}

TEST_P(DirFSTest, ReadAtAndSeek) {
  dir_.write("digits", "0123456789");
  auto f = fs_->open("digits");
  auto* at = dynamic_cast<vfs::ReaderAt*>(f->get());
  auto* sk = dynamic_cast<vfs::Seeker*>(f->get());
  ASSERT_TRUE(at && sk);
  char buf[4];
  EXPECT_EQ(std::string(buf, *at->read_at(buf, 8)), "89");
  EXPECT_EQ(*sk->seek(-4, vfs::Whence::end), 6);
  EXPECT_EQ(std::string(buf, *(*f)->read(buf)), "6789");
  EXPECT_TRUE(at->read_at(buf, -1).error().is(errc::invalid));
  EXPECT_TRUE(sk->seek(-100, vfs::Whence::begin).error().is(errc::invalid));
}

// sysfs and procfs report st_size 0 for their symlinks: a link's target must
// be read whole all the same (the fallback read "" and resolved class/net/lo
// as class/net).
TEST_P(DirFSTest, SymlinksThatReportSizeZeroResolve) {
  struct ::stat st {};
  if (::lstat("/sys/class/net/lo", &st) != 0 || !S_ISLNK(st.st_mode)) {
    GTEST_SKIP() << "no /sys/class/net/lo symlink here";
  }
  std::string want;
  std::getline(std::ifstream("/sys/class/net/lo/address"), want);
  auto sys = vfs::DirFS::make("/sys");
  ASSERT_TRUE(sys.ok());
  auto lo = vfs::read_dir(**sys, "class/net/lo");
  ASSERT_TRUE(lo.ok()) << lo.error().message();
  const std::vector<std::string> listed = names(*lo);
  const auto has = [&](const char* name) {
    return std::find(listed.begin(), listed.end(), name) != listed.end();
  };
  EXPECT_TRUE(has("address"));
  EXPECT_FALSE(has("lo"));  // class/net's entry
  auto address = vfs::read_file(**sys, "class/net/lo/address");
  ASSERT_TRUE(address.ok()) << address.error().message();
  EXPECT_EQ(*address, want + "\n");
}

INSTANTIATE_TEST_SUITE_P(Resolution, DirFSTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "fallback" : "openat2"; });

TEST(DirFS, HundredThousandOpensLeakNoDescriptor) {
  vfs_test::TempDir dir;
  dir.write("f", "x");
  dir.write("d/g", "y");
  auto fs = vfs::DirFS::make(dir.path());
  const int before = open_fd_count();
  for (int i = 0; i < 100000; ++i) {
    switch (i % 5) {
      case 0:
        (void)fs.value()->open("f");
        break;  // closed by the destructor
      case 1:
        (void)(*fs.value()->open("f"))->close();
        break;
      case 2:
        (void)vfs::read_dir(**fs, "d");
        break;
      case 3:
        (void)vfs::stat(**fs, "d/g");
        break;
      case 4:
        (void)fs.value()->open("missing");
        break;
    }
  }
  EXPECT_EQ(open_fd_count(), before);
}

// A DirFS is a handle on its root descriptor: a copy would close the
// original's descriptor when destroyed, and the original would then resolve
// names under whatever reused the number.
static_assert(!std::is_copy_constructible_v<vfs::DirFS> && !std::is_copy_assignable_v<vfs::DirFS>);
static_assert(!std::is_move_constructible_v<vfs::DirFS> && !std::is_move_assignable_v<vfs::DirFS>);

// The kernel's own answer to `name` under `root` now: a raw openat2, whose
// EAGAIN tells the test that the race it guards against is happening.
int raw_openat2(int root, const char* name, std::uint64_t resolve) {
  open_how how{};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = resolve | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, root, name, &how, sizeof how);
  if (fd < 0) return errno;
  ::close(static_cast<int>(fd));
  return 0;
}

// openat2 fails with EAGAIN when any rename on the system lands while it
// resolves a name with "..", and the kernel means it as "try again": no
// caller may see it. The longer the walk before the "..", the likelier the
// race, hence a deep target. (The component walk has no such race.) In
// both confinements: in_root's ".." at the root succeeds and is checked too.
// Each open is paired with a raw openat2, and the opens go on until the
// kernel has said EAGAIN to it kRaces times (or kMaxOpens), so the test
// sees the race even when the renamer got little CPU (without these, a run
// missed it as often as not on two busy cores; without the retry, most
// opens said EAGAIN).
TEST(DirFS, RenamesElsewhereNeverSurfaceAsEagain) {
  vfs_test::TempDir dir, outside;
  dir.write("a.txt", "hello");
  constexpr int kDepth = 32;
  std::string deep, up;
  for (int i = 0; i < kDepth; ++i) deep += "x/", up += "../";
  dir.write(deep + "keep", "");
  dir.symlink(deep + up + "a.txt", "via-dotdot");
  dir.symlink(deep + up + up + "a.txt", "via-dotdot-above");  // clamped in_root
  outside.write("t1", "1");
  outside.write("t2", "2");
  auto beneath = vfs::DirFS::make(dir.path());
  auto in_root = vfs::DirFS::make(dir.path(), vfs::Confinement::in_root);
  const int root = ::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_TRUE(beneath.ok() && in_root.ok() && root >= 0);
  std::atomic<bool> stop{false};
  std::atomic<long> renames{0};
  std::thread renamer([&] {  // some other program renaming its own files
    const std::string a = outside / "t1", b = outside / "t2";
    while (!stop.load(std::memory_order_relaxed)) {
      ::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE);
      renames.fetch_add(1, std::memory_order_relaxed);
    }
  });
  while (renames.load() == 0) std::this_thread::yield();
  constexpr int kOpens = 10000, kMaxOpens = 100000, kRaces = 100;
  for (const auto& [fs, name] :
       {std::pair{*beneath, "via-dotdot"}, std::pair{*in_root, "via-dotdot"},
        std::pair{*in_root, "via-dotdot-above"}}) {
    const std::uint64_t resolve = fs == *in_root ? RESOLVE_IN_ROOT : RESOLVE_BENEATH;
    int eagain = 0, races = 0, opens = 0;
    for (; opens < kMaxOpens && (opens < kOpens || races < kRaces); ++opens) {
      auto f = fs->open(name);
      if (!f.ok()) {
        EXPECT_EQ(f.error().code(), std::errc::resource_unavailable_try_again)
            << f.error().message();  // anything else is a bug of its own
        ++eagain;
      }
      if (raw_openat2(root, name, resolve) == EAGAIN) ++races;
    }
    EXPECT_EQ(eagain, 0) << name << (fs == *in_root ? " in_root" : "") << ": of " << opens
                         << " opens, while raw openat2 said EAGAIN " << races << " times";
    if (races < kRaces) std::cout << "  " << name << ": only " << races << " races seen\n";
  }
  stop = true;
  renamer.join();
  ::close(root);
}

// Seeking a directory to 0 starts its listing over, as in Go: entries the
// file had read ahead before the seek must not be listed again, and one that
// had reached the end must list everything again.
TEST(DirFS, SeekToStartListsADirectoryAgain) {
  vfs_test::TempDir dir;
  std::vector<std::string> want;
  for (int i = 0; i < 10; ++i) {
    want.push_back("e" + std::to_string(i));
    dir.write("d/" + want.back(), "");
  }
  auto fs = vfs::DirFS::make(dir.path());
  ASSERT_TRUE(fs.ok());
  auto f = (*fs)->open("d");
  ASSERT_TRUE(f.ok());
  auto& d = dynamic_cast<vfs::ReadDirFile&>(**f);
  auto& seeker = dynamic_cast<vfs::Seeker&>(**f);
  const auto sorted_names = [](std::vector<vfs::DirEntry> entries) {
    vfs::sort_entries(entries);
    return names(entries);
  };
  ASSERT_EQ(d.read_dir(3)->size(), 3u);
  ASSERT_EQ(*seeker.seek(0, vfs::Whence::begin), 0);
  EXPECT_EQ(sorted_names(*d.read_dir(-1)), want);  // 17 entries before: 7 twice
  EXPECT_TRUE(d.read_dir(-1)->empty());
  ASSERT_EQ(*seeker.seek(0, vfs::Whence::begin), 0);
  EXPECT_EQ(sorted_names(*d.read_dir(-1)), want);  // none before
}

// ext4 stores times up to 2446, past what nanoseconds since 1970 hold
// (2262): such a time saturates at Time::max() (it overflowed, to 1815).
TEST(DirFS, ModTimesPast2262Saturate) {
  vfs_test::TempDir dir;
  dir.write("future", "f");
  constexpr std::time_t k2400 = 13569465600;  // 2400-01-01T00:00:00Z
  const struct ::timespec times[2] = {{k2400, 0}, {k2400, 0}};
  struct ::stat st {};
  if (::utimensat(AT_FDCWD, (dir / "future").c_str(), times, 0) != 0 ||
      ::stat((dir / "future").c_str(), &st) != 0 || st.st_mtim.tv_sec != k2400) {
    GTEST_SKIP() << "this file system does not store the year 2400";
  }
  auto fs = vfs::DirFS::make(dir.path());
  ASSERT_TRUE(fs.ok());
  auto info = vfs::stat(**fs, "future");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->mod_time, vfs::Time::max());
  auto entries = vfs::read_dir(**fs, ".");
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].info()->mod_time, vfs::Time::max());
  EXPECT_NE(vfs::format_file_info(*info).find(" 2262-"), std::string::npos);
}

TEST(DirFS, MissingRootFails) {
  auto fs = vfs::DirFS::make("/nonexistent/vfs-root");
  ASSERT_FALSE(fs.ok());
  EXPECT_TRUE(fs.error().is(errc::not_exist));
  EXPECT_EQ(fs.error().path(), "/nonexistent/vfs-root");
}

TEST(DirFS, FifoOpensWithoutWaitingForAWriter) {
  vfs_test::TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  auto fs = vfs::DirFS::make(dir.path());
  auto f = fs.value()->open("fifo");  // would block forever without O_NONBLOCK
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE((*f)->stat()->mode.type() == vfs::FileMode(vfs::FileMode::named_pipe));
}

// Opens the FIFO `fifo` of `fs`, then writes "hello" and " world" into it
// from another thread, pausing before each, and expects to read both: a read
// must wait for data, though the file was opened O_NONBLOCK.
void read_fifo_from_slow_writer(vfs::DirFS& fs, const std::string& fifo) {
  auto f = fs.open("fifo");
  ASSERT_TRUE(f.ok()) << f.error().message();
  // A reader has it open, so this open does not wait; done here, not by the
  // writer, so the read cannot come first and see end of file (no writer).
  const int w = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(w, 0);
  std::thread writer([w] {
    for (std::string_view part : {"hello", " world"}) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      EXPECT_EQ(::write(w, part.data(), part.size()), static_cast<ssize_t>(part.size()));
    }
    ::close(w);
  });
  auto data = vfs::read_all(**f);
  writer.join();
  ASSERT_TRUE(data.ok()) << data.error().message();
  EXPECT_EQ(*data, "hello world");
  EXPECT_TRUE((*f)->close().ok());
}

TEST(DirFS, FifoReadWaitsForDataOnAThread) {
  vfs_test::TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  auto fs = vfs::DirFS::make(dir.path());
  ASSERT_TRUE(fs.ok());
  read_fifo_from_slow_writer(**fs, dir / "fifo");
}

// On a fiber the read parks on the runtime's poller. Twice: the first file's
// number, which the poller knew, is likely the second's.
TEST(DirFS, FifoReadWaitsForDataOnAFiber) {
  vfs_test::TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  auto fs = vfs::DirFS::make(dir.path());
  ASSERT_TRUE(fs.ok());
  vfs::runtime::run([&] {
    read_fifo_from_slow_writer(**fs, dir / "fifo");
    read_fifo_from_slow_writer(**fs, dir / "fifo");
  });
}

// Root ignores file permissions, so the check runs in a child that drops to
// "nobody"; a non-root run checks directly.
TEST(DirFS, PermissionDeniedIsPermission) {
  vfs_test::TempDir dir;
  dir.write("locked/f", "x");
  dir.write("secret", "x");
  ::chmod((dir / "secret").c_str(), 0);
  ::chmod((dir / "locked").c_str(), 0);
  ::chmod(dir.path().c_str(), 0755);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(10);
    auto fs = vfs::DirFS::make(dir.path());
    if (!fs) ::_exit(11);
    if (!(*fs)->open("secret").error().is(errc::permission)) ::_exit(12);
    if (!vfs::read_file(**fs, "secret").error().is(errc::permission)) ::_exit(13);
    if (!vfs::read_dir(**fs, "locked").error().is(errc::permission)) ::_exit(14);
    if (!vfs::stat(**fs, "locked/f").error().is(errc::permission)) ::_exit(15);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 11) GTEST_SKIP() << "the temp dir is not reachable as nobody";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "failed check " << WEXITSTATUS(status);
}

}  // namespace
