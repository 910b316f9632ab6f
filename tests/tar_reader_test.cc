// The tar reader (src/archive/tar_reader.h), ArchiveFS's fast path for tar,
// against libarchive: on tars written by GNU tar (each format), bsdtar and
// Python's tarfile at test time (tests/tar_fixtures.py), and on thousands
// of corrupted copies of them. Wherever the tar reader takes an archive it
// must read every entry as libarchive does; what it declines (old, sparse
// or unusual headers) ArchiveFS reads with libarchive.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "fixture_cache.h"
#include "tar_compare.h"
#include "test_util.h"
#include "vfs/archive_fs.h"
#include "vfs/map_fs.h"
#include "vfs/read_file.h"
#include "vfs/stat.h"

namespace {

std::string read_disk(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class TarFixtures {
 public:
  static const TarFixtures& get() {
    static const TarFixtures f;
    return f;
  }
  std::string bytes(const std::string& name) const { return read_disk(path(name) + ".tar"); }
  // A fixture (read-only: shared by the test processes).
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  // Where a test writes its own files.
  std::string scratch(const std::string& name) const { return scratch_.path() + "/" + name; }
  // Name -> "fast" or "libarchive".
  std::map<std::string, std::string> expected;
  std::string failure;  // why the fixtures could not be made

 private:
  TarFixtures() : dir_(vfs_test::cached_fixtures(VFS_TAR_FIXTURES, VFS_FIXTURE_CACHE)) {
    if (dir_.empty()) {
      failure = "tar_fixtures.py failed";
      return;
    }
    std::ifstream in(dir_ + "/expected.txt");
    std::string name, kind;
    while (in >> name >> kind) expected[name] = kind;
  }
  std::string dir_;
  vfs_test::TempDir scratch_;
};

class TarReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(TarFixtures::get().failure, "");
    ASSERT_GE(TarFixtures::get().expected.size(), 15u);
  }
};

TEST_F(TarReaderTest, ReadsWhatLibarchiveReads) {
  for (const auto& [name, kind] : TarFixtures::get().expected) {
    SCOPED_TRACE(name);
    const auto c = vfs_test::compare_tar_readers(TarFixtures::get().bytes(name));
    EXPECT_EQ(c.diff.value_or(""), "");
    EXPECT_EQ(c.taken, kind == "fast") << "format " << c.format;
    if (kind == "fast") {
      EXPECT_GE(c.entries, 1u);
    }
  }
}

// Single corrupted bytes, cut archives, and bytes of one archive in
// another's header: the tar reader declines or agrees, never disagrees.
TEST_F(TarReaderTest, CorruptedCopiesAgreeOrAreDeclined) {
  std::mt19937_64 rng(7);
  int taken = 0, declined = 0;
  for (const auto& [name, kind] : TarFixtures::get().expected) {
    const std::string original = TarFixtures::get().bytes(name);
    for (int round = 0; round < 300; ++round) {
      std::string bytes = original;
      switch (round % 3) {
        case 0: {  // a byte of a header (the first 2 KiB hold several)
          const std::size_t at = rng() % std::min<std::size_t>(bytes.size(), 2048);
          bytes[at] = static_cast<char>(rng());
          break;
        }
        case 1:  // anywhere
          bytes[rng() % bytes.size()] = static_cast<char>(rng());
          break;
        default:  // cut
          bytes.resize(rng() % bytes.size());
      }
      const auto c = vfs_test::compare_tar_readers(bytes);
      ASSERT_EQ(c.diff.value_or(""), "") << name << " round " << round;
      ++(c.taken ? taken : declined);
    }
  }
  // Both outcomes happen: a test of the comparison, not of one side.
  EXPECT_GT(taken, 100);
  EXPECT_GT(declined, 100);
}

// Through ArchiveFS: an archive the tar reader declines reads the same as
// one it takes (the same tree, written as GNU sparse and as plain GNU).
TEST_F(TarReaderTest, ArchiveFSFallsBackToLibarchive) {
  auto fast = vfs::ArchiveFS::make(TarFixtures::get().path("gnu") + ".tar");
  auto slow = vfs::ArchiveFS::make(TarFixtures::get().path("v7") + ".tar");
  ASSERT_TRUE(fast && slow);
  EXPECT_EQ((*fast)->format(), "GNU tar format");
  EXPECT_EQ((*slow)->format(), "tar (non-POSIX)");
  EXPECT_EQ(*vfs::read_file(**fast, "a.txt"), "alpha\n");
  EXPECT_EQ(*vfs::read_file(**slow, "a.txt"), "alpha\n");
  EXPECT_EQ(*vfs::read_file(**fast, "hard"), "alpha\n");
  EXPECT_EQ(vfs::stat(**fast, "dir/run.sh")->mode.perm().bits(), 0755u);
  EXPECT_TRUE(vfs::stat(**fast, "dir/run.sh")->mode.bits() & vfs::FileMode::setuid);

  auto sparse = vfs::ArchiveFS::make(TarFixtures::get().path("sparse_gnu") + ".tar");
  ASSERT_TRUE(sparse) << sparse.error().message();
  auto holes = vfs::read_file(**sparse, "holes");
  ASSERT_TRUE(holes) << holes.error().message();
  EXPECT_EQ(holes->size(), (1u << 20) + 3);
  EXPECT_EQ(holes->substr(holes->size() - 3), "end");
}

// Hand-made headers (tar_fixtures.py's HAND_MADE) through ArchiveFS: what
// libarchive reads from them, whichever reader took them.
TEST_F(TarReaderTest, ArchiveFSReadsOddHeadersAsLibarchiveDoes) {
  auto open = [](const char* name) {
    auto fs = vfs::ArchiveFS::make(TarFixtures::get().path(name) + ".tar");
    EXPECT_TRUE(fs) << name << ": " << fs.error().message();
    return fs ? *fs : nullptr;
  };
  // The header inside a "regular directory"'s data is an entry.
  auto regdir = open("regdir_data");
  ASSERT_TRUE(regdir);
  EXPECT_TRUE(vfs::stat(*regdir, "d")->is_dir());
  EXPECT_EQ(*vfs::read_file(*regdir, "inner"), "x");
  // The last 'x' header alone, and an empty path leaves the header's.
  auto two = open("two_x_path");
  ASSERT_TRUE(two);
  EXPECT_TRUE(vfs::stat(*two, "f"));
  EXPECT_FALSE(vfs::stat(*two, "p1"));
  auto reset = open("pax_path_reset");
  ASSERT_TRUE(reset);
  EXPECT_EQ(*vfs::read_file(*reset, "short"), "s");
  // An mtime of year 4147 saturates instead of overflowing (UBSan).
  auto late = open("huge_mtime");
  ASSERT_TRUE(late);
  auto info = vfs::stat(*late, "late");
  ASSERT_TRUE(info);
  EXPECT_GT(info->mod_time, vfs::Time{} + std::chrono::hours(24 * 365 * 250));
  // A first name that looks like bzip2 is what the Handle says of it.
  EXPECT_FALSE(vfs::ArchiveFS::make(TarFixtures::get().path("bzh_name") + ".tar"));
}

// The same archive gzipped: the tar reader reads the inflated stream (no
// seeking), and falls back the same way.
TEST_F(TarReaderTest, GzippedTarsTakeTheSamePaths) {
  for (const char* name : {"posix", "v7"}) {
    SCOPED_TRACE(name);
    const std::string tar = TarFixtures::get().scratch(name) + ".tar";
    ASSERT_EQ(std::system(("cp '" + TarFixtures::get().path(name) + ".tar' '" + tar +
                           "' && gzip -kf '" + tar + "'")
                              .c_str()),
              0);
    auto plain = vfs::ArchiveFS::make(tar);
    auto gz = vfs::ArchiveFS::make(tar + ".gz");
    ASSERT_TRUE(plain && gz);
    EXPECT_EQ((*gz)->format(), (*plain)->format() + " + gzip");
    EXPECT_EQ((*gz)->stats().entries, (*plain)->stats().entries);
    EXPECT_EQ(*vfs::read_file(**gz, "dir/b.bin"), *vfs::read_file(**plain, "dir/b.bin"));
  }
}

}  // namespace
