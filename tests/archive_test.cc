// detect_archive_format and open_archive on archives the real tools make
// at test time (zip, gzip, xz, bzip2, zstd, tar, 7z, xorriso, cpio, ar),
// and on files that are no archive.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gzip_test_util.h"
#include "test_util.h"
#include "vfs/archive.h"
#include "vfs/archive_fs.h"
#include "vfs/dir_fs.h"
#include "vfs/gzip_fs.h"
#include "vfs/map_fs.h"
#include "vfs/read_file.h"
#include "vfs/zip_fs.h"

namespace {

using vfs::ArchiveFormat;

struct Made {
  const char* file;
  const char* command;  // run in the fixture directory, which holds f.txt and d/
  ArchiveFormat format;
};

// Every magic the header lists, each made by the tool users make it with.
const Made kArchives[] = {
    {"a.zip", "zip -q a.zip f.txt", ArchiveFormat::zip},
    {"empty.zip", "python3 -c \"import zipfile; zipfile.ZipFile('empty.zip', 'w').close()\"",
     ArchiveFormat::zip},
    {"a.gz", "gzip -c f.txt > a.gz", ArchiveFormat::gzip},
    {"a.tgz", "tar -czf a.tgz f.txt", ArchiveFormat::gzip},
    {"a.xz", "xz -c f.txt > a.xz", ArchiveFormat::xz},
    {"a.bz2", "bzip2 -c f.txt > a.bz2", ArchiveFormat::bzip2},
    {"a.zst", "zstd -q -c f.txt > a.zst", ArchiveFormat::zstd},
    {"ustar.tar", "tar --format=ustar -cf ustar.tar f.txt d", ArchiveFormat::tar},
    {"gnu.tar", "tar --format=gnu -cf gnu.tar f.txt d", ArchiveFormat::tar},
    {"pax.tar", "tar --format=pax -cf pax.tar f.txt d", ArchiveFormat::tar},
    {"v7.tar", "tar --format=v7 -cf v7.tar f.txt d", ArchiveFormat::tar},
    {"a.7z", "7z a -bd -bso0 a.7z f.txt", ArchiveFormat::sevenzip},
    {"a.iso", "xorriso -as mkisofs -quiet -o a.iso d 2>/dev/null", ArchiveFormat::iso9660},
    {"odc.cpio", "echo f.txt | cpio -o --quiet -H odc > odc.cpio", ArchiveFormat::cpio},
    {"newc.cpio", "echo f.txt | cpio -o --quiet -H newc > newc.cpio", ArchiveFormat::cpio},
    {"crc.cpio", "echo f.txt | cpio -o --quiet -H crc > crc.cpio", ArchiveFormat::cpio},
    {"bin.cpio", "echo f.txt | cpio -o --quiet -H bin > bin.cpio", ArchiveFormat::cpio},
    {"a.a", "ar rc a.a f.txt", ArchiveFormat::ar},
};

class ArchiveTest : public ::testing::Test {
 protected:
  // A fixture that cannot be made fails every test. Not by a failure in
  // SetUpTestSuite: gtest then marks each test skipped, and ctest (through
  // gtest_discover_tests' skip pattern) would report skips, not failures.
  static void SetUpTestSuite() {
    dir_ = new vfs_test::TempDir;
    dir_->write("f.txt", "hello, archive\n");
    dir_->write("d/inner.txt", "inside\n");
    for (const Made& m : kArchives) {
      const std::string cmd = "cd '" + dir_->path() + "' && " + m.command;
      if (!vfs_test::run(cmd)) fixture_errors_ += "failed: " + cmd + "\n";
    }
  }
  void SetUp() override { ASSERT_EQ(fixture_errors_, ""); }
  static void TearDownTestSuite() { delete dir_; }
  static std::string head(const std::string& file) {
    std::string data = vfs_test::read_whole(*dir_ / file);
    if (data.size() > vfs::kArchiveSniffBytes) data.resize(vfs::kArchiveSniffBytes);
    return data;
  }
  static vfs_test::TempDir* dir_;
  static std::string fixture_errors_;
};
vfs_test::TempDir* ArchiveTest::dir_ = nullptr;
std::string ArchiveTest::fixture_errors_;

TEST_F(ArchiveTest, DetectsEveryFormatByItsBytes) {
  for (const Made& m : kArchives) {
    EXPECT_EQ(vfs::detect_archive_format(head(m.file)), m.format)
        << m.file << " detected as " << vfs::to_string(vfs::detect_archive_format(head(m.file)));
  }
}

TEST_F(ArchiveTest, BinaryCpioInBothByteOrders) {
  std::string bin = head("bin.cpio");
  ASSERT_GE(bin.size(), 2u);
  std::swap(bin[0], bin[1]);  // what a big-endian machine writes
  EXPECT_EQ(vfs::detect_archive_format(bin), ArchiveFormat::cpio);
}

// The old tar header is recognised by its checksum, so a wrong one fails.
TEST_F(ArchiveTest, OldTarNeedsItsChecksum) {
  std::string v7 = head("v7.tar");
  ASSERT_EQ(vfs::detect_archive_format(v7), ArchiveFormat::tar);
  v7[10] ^= 1;  // a byte of the name: the sum no longer matches
  EXPECT_EQ(vfs::detect_archive_format(v7), ArchiveFormat::unknown);
  EXPECT_EQ(vfs::detect_archive_format(std::string(1024, '\0')), ArchiveFormat::unknown);
}

// Every prefix of every archive's head is either unknown or its format:
// no magic reads past the bytes it is given (ASan would say).
TEST_F(ArchiveTest, ShortHeads) {
  for (const Made& m : kArchives) {
    const std::string h = head(m.file);
    for (std::size_t n : {0, 1, 2, 3, 4, 5, 6, 8, 100, 261, 262, 511, 512, 32773}) {
      if (n > h.size()) continue;
      const ArchiveFormat f = vfs::detect_archive_format(std::string_view(h).substr(0, n));
      EXPECT_TRUE(f == ArchiveFormat::unknown || f == m.format) << m.file << " " << n;
    }
  }
}

TEST_F(ArchiveTest, OpenArchivePicksTheBackend) {
  auto disk = *vfs::DirFS::make(dir_->path());
  for (const char* name : {"a.zip", "empty.zip"}) {
    auto fs = vfs::open_archive(*disk, name);
    ASSERT_TRUE(fs) << fs.error().message();
    EXPECT_TRUE(dynamic_cast<vfs::ZipFS*>(fs->get())) << name;
  }
  EXPECT_EQ(*vfs::read_file(**vfs::open_archive(*disk, "a.zip"), "f.txt"), "hello, archive\n");
  auto gz = vfs::open_archive(*disk, "a.gz");
  ASSERT_TRUE(gz);
  ASSERT_TRUE(dynamic_cast<vfs::GzipFS*>(gz->get()));
  // `gzip -c f.txt` keeps the name f.txt in the header: the view uses it.
  EXPECT_EQ(*vfs::read_file(**gz, "f.txt"), "hello, archive\n");
  // A .tgz is a gzip whose content is a tar: ArchiveFS serves its entries.
  auto tgz = vfs::open_archive(*disk, "a.tgz");
  ASSERT_TRUE(tgz) << tgz.error().message();
  EXPECT_TRUE(dynamic_cast<vfs::ArchiveFS*>(tgz->get()));
  EXPECT_EQ(*vfs::read_file(**tgz, "f.txt"), "hello, archive\n");

  // tar, 7z, iso9660, cpio and ar are ArchiveFS's; each holds f.txt (the
  // iso: d/'s inner.txt).
  for (const Made& m : kArchives) {
    if (m.format == ArchiveFormat::zip || m.format == ArchiveFormat::gzip) continue;
    auto fs = vfs::open_archive(*disk, m.file);
    if (m.format == ArchiveFormat::xz || m.format == ArchiveFormat::bzip2 ||
        m.format == ArchiveFormat::zstd) {
      // A bare compressed stream holds no archive: refused, not guessed at.
      ASSERT_FALSE(fs) << m.file;
      EXPECT_TRUE(fs.error().is(vfs::errc::invalid)) << fs.error().message();
      continue;
    }
    ASSERT_TRUE(fs) << m.file << ": " << fs.error().message();
    EXPECT_TRUE(dynamic_cast<vfs::ArchiveFS*>(fs->get())) << m.file;
    const char* inside = m.format == ArchiveFormat::iso9660 ? "inner.txt" : "f.txt";
    EXPECT_TRUE(vfs::read_file(**fs, inside)) << m.file;
  }
}

// Each backend gets its limits through open_archive.
TEST_F(ArchiveTest, OptionsReachTheBackends) {
  auto disk = *vfs::DirFS::make(dir_->path());
  vfs::OpenArchiveOptions options;
  options.zip.max_entries = 0;
  options.gzip.max_output = 3;
  auto zip = vfs::open_archive(*disk, "a.zip", options);
  ASSERT_FALSE(zip);
  EXPECT_NE(zip.error().message().find("max_entries"), std::string::npos) << zip.error().message();
  auto gz = vfs::open_archive(*disk, "a.gz", options);
  ASSERT_TRUE(gz);
  auto data = vfs::read_file(**gz, "f.txt");
  ASSERT_FALSE(data);
  EXPECT_NE(data.error().message().find("max_output"), std::string::npos);
  options.archive.max_entries = 0;
  auto tgz = vfs::open_archive(*disk, "a.tgz", options);
  ASSERT_FALSE(tgz);
  EXPECT_NE(tgz.error().message().find("max_entries"), std::string::npos) << tgz.error().message();
}

// A zip after a prefix (a self-extracting stub): found by its end record.
TEST_F(ArchiveTest, ZipAfterAPrefix) {
  ASSERT_TRUE(vfs_test::run("cd '" + dir_->path() +
                            "' && (printf '#!/bin/sh\\necho stub\\nexit 0\\n'; cat a.zip) > sfx.zip"
                            " && zip -q -A sfx.zip"));
  EXPECT_EQ(vfs::detect_archive_format(head("sfx.zip")), ArchiveFormat::unknown);
  auto disk = *vfs::DirFS::make(dir_->path());
  auto fs = vfs::open_archive(*disk, "sfx.zip");
  ASSERT_TRUE(fs) << fs.error().message();
  EXPECT_EQ(*vfs::read_file(**fs, "f.txt"), "hello, archive\n");
  // archive_format tells what open_archive picks, the tail included.
  EXPECT_EQ(*vfs::archive_format(*disk, "sfx.zip"), ArchiveFormat::zip);
  EXPECT_EQ(*vfs::archive_format(*disk, "a.zip"), ArchiveFormat::zip);
}

TEST_F(ArchiveTest, NotAnArchive) {
  dir_->write("notes.txt", "just text, no archive\n");
  dir_->write("empty", "");
  dir_->write("zeros", std::string(40000, '\0'));
  auto disk = *vfs::DirFS::make(dir_->path());
  for (const char* name : {"notes.txt", "empty", "zeros"}) {
    EXPECT_EQ(*vfs::archive_format(*disk, name), ArchiveFormat::unknown) << name;
    auto fs = vfs::open_archive(*disk, name);
    ASSERT_FALSE(fs) << name;
    EXPECT_TRUE(fs.error().is(vfs::errc::invalid));
    EXPECT_EQ(fs.error().message(),
              "open " + std::string(name) + ": archive: no archive format recognised");
  }
  auto dir = vfs::open_archive(*disk, "d");
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code(), std::errc::is_a_directory);
  EXPECT_EQ(vfs::archive_format(*disk, "d").error().code(), std::errc::is_a_directory);
  EXPECT_EQ(dir.error().path(), "d");
  EXPECT_TRUE(vfs::open_archive(*disk, "missing.zip").error().is(vfs::errc::not_exist));
}

// Archives are opened through whatever FS holds them.
TEST_F(ArchiveTest, FromMemory) {
  vfs::MapFS mem{{"x/a.zip", {vfs_test::read_whole(*dir_ / "a.zip")}},
                 {"x/a.gz", {vfs_test::read_whole(*dir_ / "a.gz")}},
                 {"x/t.txt", {"text"}}};
  EXPECT_EQ(*vfs::read_file(**vfs::open_archive(mem, "x/a.zip"), "f.txt"), "hello, archive\n");
  EXPECT_EQ(*vfs::read_file(**vfs::open_archive(mem, "x/a.gz"), "f.txt"), "hello, archive\n");
  EXPECT_TRUE(vfs::open_archive(mem, "x/t.txt").error().is(vfs::errc::invalid));
  EXPECT_EQ(vfs::open_archive(mem, "x").error().code(), std::errc::is_a_directory);
}

}  // namespace
