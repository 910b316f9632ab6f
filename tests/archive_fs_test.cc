// ArchiveFS: archives made at test time by the real tools
// (tests/archive_fs_fixtures.py: GNU tar, bsdtar, 7z, xorriso, cpio, ar,
// Python's tarfile), read as directory trees and checked against the tree
// on disk, bsdtar's and tar's listings, the conformance checker and hostile
// edits.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "archive/archive_error.h"
#include "archive/decoder.h"
#include "archive_source.h"
#include "fixture_cache.h"
#include "test_util.h"
#include "vfs/archive_fs.h"
#include "vfs/map_fs.h"
#include "vfs/read_link.h"
#include "vfs/runtime.h"
#include "vfs/testing/test_fs.h"
#include "vfs/walk.h"
#include "vfs/zip_fs.h"

namespace {

using vfs::errc;
using vfs::archive::archive_errc;

std::string read_disk(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_disk(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

std::vector<std::string> lines_of(const std::string& cmd) {
  std::vector<std::string> out;
  FILE* p = ::popen(cmd.c_str(), "r");
  char line[8192];
  while (p && std::fgets(line, sizeof line, p)) {
    std::string s(line);
    if (!s.empty() && s.back() == '\n') s.pop_back();
    out.push_back(s);
  }
  if (p) ::pclose(p);
  return out;
}

class Fixtures {
 public:
  static const Fixtures& get() {
    static const Fixtures f;
    return f;
  }
  // A fixture (read-only: shared by the test processes).
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  // Where a test writes its own files.
  std::string scratch(const std::string& name) const { return scratch_.path() + "/" + name; }

 private:
  Fixtures() : dir_(vfs_test::cached_fixtures(VFS_ARCHIVE_FS_FIXTURES, VFS_FIXTURE_CACHE)) {
    if (dir_.empty()) throw std::runtime_error("archive_fs_fixtures.py failed");
  }
  std::string dir_;
  vfs_test::TempDir scratch_;
};

std::shared_ptr<vfs::ArchiveFS> open_archive(const std::string& name,
                                             const vfs::ArchiveOptions& options = {}) {
  auto fs = vfs::ArchiveFS::make(Fixtures::get().path(name), options);
  if (!fs) ADD_FAILURE() << name << ": " << fs.error().message();
  return fs ? *fs : nullptr;
}

// Every path a walk visits ("." left out), directories with a trailing '/'.
std::vector<std::string> walk(vfs::FS& fs) {
  std::vector<std::string> out;
  auto st = vfs::walk_dir(fs, ".",
                          [&](std::string_view path, const vfs::DirEntry* e,
                              const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
                            if (err) return *err;
                            if (path != ".")
                              out.emplace_back(std::string(path) + (e->is_dir() ? "/" : ""));
                            return vfs::WalkAction::proceed;
                          });
  EXPECT_TRUE(st);
  return out;
}

// A tool's listing as a set of names: "./" and a trailing "/" dropped.
std::set<std::string> listing(const std::string& cmd) {
  std::set<std::string> out;
  for (std::string s : lines_of(cmd)) {
    if (s.starts_with("./")) s.erase(0, 2);
    if (s.ends_with('/')) s.pop_back();
    if (!s.empty() && s != ".") out.insert(s);
  }
  return out;
}

const char* const kTreeArchives[] = {"tree.tar",    "tree.pax.tar", "tree.tar.gz", "tree.tar.bz2",
                                     "tree.tar.xz", "tree.tar.zst", "tree.7z",     "tree.iso",
                                     "tree.cpio",   "tree.cpio.gz"};
const char* const kFiles[] = {
    "README.md",  "empty.txt",  "docs/guide.txt",       "docs/api/index.html",
    "src/main.c", "src/hard.c", "src/deep/er/file.bin", "big/blob.bin"};

TEST(ArchiveFS, ReadsWhatTheTreeOnDiskHolds) {
  for (const char* archive : kTreeArchives) {
    SCOPED_TRACE(archive);
    auto fs = open_archive(archive);
    ASSERT_TRUE(fs);
    for (const char* name : kFiles) {
      const std::string want = read_disk(Fixtures::get().path(std::string("tree/") + name));
      auto got = vfs::read_file(*fs, name);
      ASSERT_TRUE(got) << name << ": " << got.error().message();
      EXPECT_EQ(*got, want) << name;
      auto file = fs->open(name);
      ASSERT_TRUE(file) << name;
      auto streamed = vfs::read_all(**file);
      ASSERT_TRUE(streamed) << name << ": " << streamed.error().message();
      EXPECT_EQ(*streamed, want) << name;
      EXPECT_EQ(vfs::stat(*fs, name)->size, static_cast<std::int64_t>(want.size())) << name;
    }
  }
}

// The walk lists what bsdtar -tf lists (and GNU tar -tf, for tar).
TEST(ArchiveFS, ListingAgreesWithTheTools) {
  for (const char* archive : kTreeArchives) {
    SCOPED_TRACE(archive);
    auto fs = open_archive(archive);
    ASSERT_TRUE(fs);
    std::set<std::string> ours;
    for (std::string s : walk(*fs)) {
      if (s.ends_with('/')) s.pop_back();
      ours.insert(s);
    }
    const std::string path = Fixtures::get().path(archive);
    EXPECT_EQ(ours, listing("bsdtar -tf '" + path + "'"));
    if (std::string_view(archive).starts_with("tree.tar")) {
      EXPECT_EQ(ours, listing("tar -tf '" + path + "'"));
    }
  }
}

TEST(ArchiveFS, PassesTheConformanceChecker) {
  for (const char* archive : kTreeArchives) {
    SCOPED_TRACE(archive);
    auto fs = open_archive(archive);
    ASSERT_TRUE(fs);
    auto report = vfs::testing::test_fs(*fs, {"README.md", "docs/guide.txt", "src/main.c"});
    EXPECT_TRUE(report.ok()) << report.to_string();
  }
  // Entries read by re-streaming the archive (nothing cached) pass too.
  vfs::ArchiveOptions no_cache;
  no_cache.max_cached_bytes = 0;
  auto fs = open_archive("tree.tar.xz", no_cache);
  ASSERT_TRUE(fs);
  EXPECT_EQ(fs->stats().cached, 0u);
  auto report = vfs::testing::test_fs(*fs, {"README.md", "docs/guide.txt"});
  EXPECT_TRUE(report.ok()) << report.to_string();
}

TEST(ArchiveFS, SymlinksHardLinksAndMetadata) {
  for (const char* archive : kTreeArchives) {
    SCOPED_TRACE(archive);
    auto fs = open_archive(archive);
    ASSERT_TRUE(fs);
    EXPECT_EQ(*vfs::read_link(*fs, "docs/latest"), "api");
    EXPECT_TRUE(vfs::lstat(*fs, "docs/latest")->mode.is_symlink());
    EXPECT_TRUE(vfs::stat(*fs, "docs/latest")->is_dir());
    EXPECT_EQ(*vfs::read_file(*fs, "src/entry"), "int main(void) { return 0; }\n");
    EXPECT_EQ(*vfs::read_file(*fs, "docs/latest/index.html"),
              read_disk(Fixtures::get().path("tree/docs/api/index.html")));
    EXPECT_TRUE(fs->open("escape").error().is(errc::escapes_root));
    EXPECT_TRUE(fs->open("abs").error().is(errc::escapes_root));
    EXPECT_TRUE(vfs::read_link(*fs, "README.md").error().is(errc::invalid));
    // A hard link is a regular file with its target's bytes.
    auto hard = vfs::lstat(*fs, "src/hard.c");
    ASSERT_TRUE(hard);
    EXPECT_TRUE(hard->mode.is_regular());
    EXPECT_EQ(hard->size, 29);
    // Modes and times as the tools recorded them (the fixtures set them).
    auto readme = vfs::stat(*fs, "README.md");
    EXPECT_EQ(readme->mode.perm(), vfs::FileMode(0644));
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(readme->mod_time.time_since_epoch())
                  .count(),
              1620284890);
    EXPECT_TRUE(vfs::stat(*fs, "src/deep")->is_dir());
  }
  // uid and gid, from owner() (FileInfo has no place for them).
  auto tar = open_archive("tree.tar");
  auto owner = tar->owner("README.md");
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->uid, static_cast<std::int64_t>(::getuid()));
  EXPECT_EQ(owner->gid, static_cast<std::int64_t>(::getgid()));
  EXPECT_TRUE(tar->owner("nope").error().is(errc::not_exist));
}

// How entries are served: by offset for a plain tar, cpio and ar, through
// the gzip checkpoint index for .gz, from memory or by re-streaming for
// the others.
TEST(ArchiveFS, EntriesAreServedByOffsetWhereTheFormatAllows) {
  auto tar = open_archive("tree.tar");
  EXPECT_EQ(tar->stats().cached + tar->stats().streamed, 0u);
  EXPECT_EQ(tar->stats().by_offset, 6u);  // src/main.c is a hard link to src/hard.c
  EXPECT_EQ(tar->format(), "GNU tar format");
  auto gz = open_archive("tree.tar.gz");
  EXPECT_EQ(gz->stats().cached + gz->stats().streamed, 0u);
  EXPECT_GE(gz->stats().gzip_points, 2u);  // 2 MiB of output, a point every MiB
  EXPECT_EQ(gz->format(), "GNU tar format + gzip");
  auto cpio_gz = open_archive("tree.cpio.gz");
  EXPECT_EQ(cpio_gz->stats().cached + cpio_gz->stats().streamed, 0u);
  auto xz = open_archive("tree.tar.xz");
  EXPECT_EQ(xz->stats().by_offset, 0u);
  EXPECT_EQ(xz->stats().streamed, 1u);  // big/blob.bin, above max_cached_entry
  EXPECT_EQ(xz->stats().cached, 5u);
  EXPECT_EQ(xz->format(), "GNU tar format + xz");
  auto seven = open_archive("tree.7z");
  EXPECT_EQ(seven->format(), "7-Zip");
}

// cpio's newc puts a hard link group's data on its last member: the
// earlier one reads it from there, re-streamed as well as cached.
TEST(ArchiveFS, CpioHardLinksCarryTheirDataLast) {
  vfs::ArchiveOptions no_cache;
  no_cache.max_cached_bytes = 0;
  for (const auto& options : {vfs::ArchiveOptions{}, no_cache}) {
    auto fs = open_archive("tree.cpio.xz", options);
    ASSERT_TRUE(fs);
    for (const char* name : {"src/hard.c", "src/main.c"}) {
      auto got = vfs::read_file(*fs, name);
      ASSERT_TRUE(got) << name << ": " << got.error().message();
      EXPECT_EQ(*got, "int main(void) { return 0; }\n") << name;
      auto file = fs->open(name);
      ASSERT_TRUE(file);
      EXPECT_EQ(*vfs::read_all(**file), "int main(void) { return 0; }\n") << name;
    }
  }
}

TEST(ArchiveFS, RandomAccess) {
  const std::string want = read_disk(Fixtures::get().path("tree/big/blob.bin"));
  for (const char* archive : {"tree.tar", "tree.tar.gz", "tree.cpio", "tree.tar.zst"}) {
    SCOPED_TRACE(archive);
    auto fs = open_archive(archive);
    for (const char* name : {"big/blob.bin", "src/deep/er/file.bin"}) {
      const std::string whole = read_disk(Fixtures::get().path(std::string("tree/") + name));
      auto file = fs->open(name);
      ASSERT_TRUE(file);
      auto* at = dynamic_cast<vfs::ReaderAt*>(file->get());
      auto* seeker = dynamic_cast<vfs::Seeker*>(file->get());
      if (std::string_view(archive) == "tree.tar.zst" && std::string_view(name) == "big/blob.bin") {
        EXPECT_FALSE(at);  // streamed: a Reader only
        continue;
      }
      ASSERT_TRUE(at && seeker) << name;
      char buf[100];
      ASSERT_EQ(*at->read_at(buf, 1000), 100u);
      EXPECT_EQ(std::string(buf, 100), whole.substr(1000, 100));
      EXPECT_EQ(*seeker->seek(-10, vfs::Whence::end), static_cast<std::int64_t>(whole.size()) - 10);
      EXPECT_EQ(*(*file)->read(buf), 10u);
      EXPECT_EQ(std::string(buf, 10), whole.substr(whole.size() - 10));
      EXPECT_EQ(*at->read_at(buf, static_cast<std::int64_t>(whole.size())), 0u);
    }
  }
}

TEST(ArchiveFS, ArFlatArchive) {
  auto fs = open_archive("flat.a");
  ASSERT_TRUE(fs);
  EXPECT_EQ(walk(*fs), (std::vector<std::string>{"README.md", "file.bin", "main.c"}));
  EXPECT_EQ(*vfs::read_file(*fs, "main.c"), "int main(void) { return 0; }\n");
  EXPECT_TRUE(*vfs::read_file(*fs, "file.bin") ==
              read_disk(Fixtures::get().path("tree/src/deep/er/file.bin")));
  EXPECT_EQ(fs->stats().by_offset, 3u);
  auto report = vfs::testing::test_fs(*fs, {"README.md", "main.c", "file.bin"});
  EXPECT_TRUE(report.ok()) << report.to_string();
}

// The format comes from the bytes: names lie.
TEST(ArchiveFS, FormatFromTheBytesNotTheName) {
  vfs::MapFS memory{{"looks.zip", {read_disk(Fixtures::get().path("tree.tar.gz"))}},
                    {"looks.tar", {read_disk(Fixtures::get().path("tree.7z"))}}};
  auto a = vfs::ArchiveFS::make(memory, "looks.zip");
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ((*a)->format(), "GNU tar format + gzip");
  auto b = vfs::ArchiveFS::make(memory, "looks.tar");
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ((*b)->format(), "7-Zip");
  EXPECT_EQ(*vfs::read_file(**b, "README.md"), "# tree\n");
}

// A tar in a MapFS, a tar.gz inside a zip, an archive from a stream.
TEST(ArchiveFS, NestedAndInMemoryArchives) {
  vfs::MapFS memory{{"a/tree.tar", {read_disk(Fixtures::get().path("tree.tar"))}}};
  auto in_memory = vfs::ArchiveFS::make(memory, "a/tree.tar");
  ASSERT_TRUE(in_memory) << in_memory.error().message();
  EXPECT_EQ(*vfs::read_file(**in_memory, "src/main.c"), "int main(void) { return 0; }\n");

  auto zip = vfs::ZipFS::make(Fixtures::get().path("nested.zip"));
  ASSERT_TRUE(zip) << zip.error().message();
  auto inner = vfs::ArchiveFS::make(**zip, "inner/tree.tar.gz");
  ASSERT_TRUE(inner) << inner.error().message();
  EXPECT_EQ(*vfs::read_file(**inner, "big/blob.bin"),
            read_disk(Fixtures::get().path("tree/big/blob.bin")));
  auto report = vfs::testing::test_fs(**inner, {"README.md"});
  EXPECT_TRUE(report.ok()) << report.to_string();

  class StreamOnly final : public vfs::File {
   public:
    explicit StreamOnly(std::string data) : data_(std::move(data)) {}
    vfs::Result<vfs::FileInfo> stat() override { return vfs::FileInfo{"s", 0, {}, {}}; }
    vfs::Result<std::size_t> read(std::span<char> buf) override {
      const std::size_t n = std::min(buf.size(), data_.size() - pos_);
      data_.copy(buf.data(), n, pos_);
      pos_ += n;
      return n;
    }
    vfs::Status close() override { return {}; }

   private:
    std::string data_;
    std::size_t pos_ = 0;
  };
  const std::string bytes = read_disk(Fixtures::get().path("tree.tar.bz2"));
  auto streamed = vfs::ArchiveFS::make(std::make_unique<StreamOnly>(bytes), "stream");
  ASSERT_TRUE(streamed) << streamed.error().message();
  EXPECT_EQ(*vfs::read_file(**streamed, "README.md"), "# tree\n");
  vfs::ArchiveOptions small;
  small.max_buffered_archive = 100;
  auto refused = vfs::ArchiveFS::make(std::make_unique<StreamOnly>(bytes), "stream", small);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), std::errc::file_too_large);
}

// --- Hostile archives: a clear error, never a crash or an escape ----------

TEST(ArchiveFS, HostileNamesStayInsideTheTree) {
  auto fs = open_archive("hostile.tar");
  ASSERT_TRUE(fs);
  EXPECT_EQ(walk(*fs),
            (std::vector<std::string>{"abs/", "abs/file", "both/", "both/inner", "dot/", "dot/x",
                                      "dup", "etc/", "etc/evil", "hard-ok", "link-out"}));
  EXPECT_EQ(*vfs::read_file(*fs, "etc/evil"), "climbed\n");
  EXPECT_EQ(*vfs::read_file(*fs, "abs/file"), "absolute\n");
  EXPECT_EQ(*vfs::read_file(*fs, "dup"), "first\n");  // the first of two wins
  EXPECT_TRUE(vfs::stat(*fs, "both")->is_dir());      // a directory beats a file
  EXPECT_EQ(*vfs::read_file(*fs, "both/inner"), "inner\n");
  EXPECT_TRUE(fs->open("link-out").error().is(errc::escapes_root));
  EXPECT_EQ(*vfs::read_link(*fs, "link-out"), "../../etc/passwd");
  EXPECT_TRUE(fs->open("hard-missing").error().is(errc::not_exist));  // a link to nothing
  EXPECT_EQ(*vfs::read_file(*fs, "hard-ok"), "second\n");  // the latest "dup" before the link
  const vfs::ArchiveFS::Stats s = fs->stats();
  EXPECT_EQ(s.entries, 11u);
  EXPECT_EQ(s.invalid_names, 1u);  // ".."
  EXPECT_EQ(s.broken_links, 1u);
  EXPECT_EQ(s.duplicates, 1u);
  EXPECT_EQ(s.file_dir_conflicts, 1u);
  auto report = vfs::testing::test_fs(*fs, {"etc/evil", "dup"});
  EXPECT_TRUE(report.ok()) << report.to_string();
}

std::string write_fixture(const std::string& name, const std::string& bytes) {
  const std::string path = Fixtures::get().scratch(name);
  write_disk(path, bytes);
  return path;
}

// Rewrites the checksum of the tar header at `at` after an edit.
void fix_tar_checksum(std::string& bytes, std::size_t at) {
  std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(at + 148), 8, ' ');
  unsigned sum = 0;
  for (std::size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(bytes[at + i]);
  std::snprintf(bytes.data() + at + 148, 8, "%06o", sum);
  bytes[at + 154] = '\0';
  bytes[at + 155] = ' ';
}

// One ustar entry (header and data, padded) for a regular file.
std::string ustar_entry(const std::string& name, const std::string& data) {
  std::string h(512, '\0');
  h.replace(0, name.size(), name);
  auto field = [&](std::size_t at, std::size_t len, unsigned long long v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(len - 1), v);
    h.replace(at, len - 1, buf);
  };
  field(100, 8, 0644);
  field(108, 8, 0);
  field(116, 8, 0);
  field(124, 12, data.size());
  field(136, 12, 0);
  h[156] = '0';
  h.replace(257, 8,
            std::string("ustar\0"
                        "00",
                        8));
  fix_tar_checksum(h, 0);
  std::string out = h + data;
  out.resize((out.size() + 511) / 512 * 512, '\0');
  return out;
}

// gzip is three bytes (magic and method), as detect_archive_format says: a
// tar whose first name starts with gzip's two magic bytes is still a tar.
TEST(ArchiveFS, ATarWhoseFirstNameLooksLikeGzipIsATar) {
  const std::string tar = ustar_entry("\x1f\x8bz.txt", "odd\n") + ustar_entry("b.txt", "hello\n") +
                          std::string(1024, '\0');
  vfs::MapFS memory{{"odd.tar", {tar}}};
  auto fs = vfs::ArchiveFS::make(memory, "odd.tar");
  ASSERT_TRUE(fs) << fs.error().message();
  EXPECT_EQ(*vfs::read_file(**fs, "b.txt"), "hello\n");
  EXPECT_EQ(vfs::read_dir(**fs, ".")->size(), 2u);
}

vfs::Error open_error(const std::string& path, const vfs::ArchiveOptions& options = {}) {
  auto fs = vfs::ArchiveFS::make(path, options);
  EXPECT_FALSE(fs) << path;
  return fs ? vfs::Error() : fs.error();
}

TEST(ArchiveFS, BrokenArchivesAreClearErrors) {
  const std::string tar = read_disk(Fixtures::get().path("tree.tar"));
  // Cut inside an entry's data, and inside a header.
  const std::size_t blob = tar.find("line of the big blob");
  ASSERT_NE(blob, std::string::npos);
  EXPECT_EQ(open_error(write_fixture("cut-data.tar", tar.substr(0, blob + 5000))).code(),
            archive_errc::truncated);
  EXPECT_TRUE(
      open_error(write_fixture("cut-header.tar", tar.substr(0, 512 * 3 + 100))).is(errc::invalid));
  const std::string gz = read_disk(Fixtures::get().path("tree.tar.gz"));
  EXPECT_TRUE(
      open_error(write_fixture("cut.tar.gz", gz.substr(0, gz.size() / 2))).is(errc::invalid));
  const std::string xz = read_disk(Fixtures::get().path("tree.tar.xz"));
  EXPECT_TRUE(
      open_error(write_fixture("cut.tar.xz", xz.substr(0, xz.size() / 2))).is(errc::invalid));
  const std::string seven = read_disk(Fixtures::get().path("tree.7z"));
  EXPECT_TRUE(
      open_error(write_fixture("cut.7z", seven.substr(0, seven.size() - 100))).is(errc::invalid));
  // A GNU long-name header whose name runs past the end.
  const std::string gnulong = read_disk(Fixtures::get().path("gnulong.tar"));
  ASSERT_EQ(gnulong.substr(0, 13), "././@LongLink");
  EXPECT_TRUE(
      open_error(write_fixture("cut-long.tar", gnulong.substr(0, 512 + 100))).is(errc::invalid));
  // Nothing, noise, a directory.
  EXPECT_EQ(open_error(write_fixture("empty.bin", "")).code(), archive_errc::not_archive);
  EXPECT_EQ(open_error(write_fixture("noise.bin", std::string(5000, 'x'))).code(),
            archive_errc::not_archive);
  EXPECT_EQ(open_error(Fixtures::get().path("tree")).code(), std::errc::is_a_directory);
  // A size that lies: README.md's header claims 8 GiB.
  std::string lying = tar;
  const std::size_t readme = lying.find("README.md");
  ASSERT_EQ(readme % 512, 0u);
  std::memcpy(lying.data() + readme + 124, "77777777777", 11);
  fix_tar_checksum(lying, readme);
  EXPECT_EQ(open_error(write_fixture("lying.tar", lying)).code(), archive_errc::truncated);
}

TEST(ArchiveFS, LimitsAreNamedWhenExceeded) {
  vfs::ArchiveOptions few;
  few.max_entries = 3;
  EXPECT_EQ(open_error(Fixtures::get().path("tree.tar"), few).code(),
            archive_errc::too_many_entries);
  vfs::ArchiveOptions tiny_index;
  tiny_index.max_index_memory = 500;
  EXPECT_EQ(open_error(Fixtures::get().path("tree.tar.gz"), tiny_index).code(),
            archive_errc::index_too_large);
  vfs::ArchiveOptions small_entries;
  small_entries.max_entry_size = 100;
  auto fs = open_archive("tree.tar", small_entries);
  ASSERT_TRUE(fs);
  EXPECT_TRUE(fs->open("README.md"));
  EXPECT_EQ(fs->open("docs/guide.txt").error().code(), archive_errc::entry_too_large);
  EXPECT_EQ(vfs::read_file(*fs, "docs/guide.txt").error().code(), archive_errc::entry_too_large);
  // Bombs: 64 MiB of zeros. xz makes them 6700:1, above the default; gzip
  // 230:1, under it, but not under a stricter limit.
  EXPECT_TRUE(open_error(Fixtures::get().path("zeros.tar.xz")).is(errc::invalid));
  EXPECT_TRUE(open_archive("zeros.tar.gz"));
  vfs::ArchiveOptions strict;
  strict.max_ratio = 100;
  EXPECT_TRUE(open_error(Fixtures::get().path("zeros.tar.gz"), strict).is(errc::invalid));
  vfs::ArchiveOptions no_ratio;
  no_ratio.max_ratio = 0;
  auto xz = open_archive("zeros.tar.xz", no_ratio);
  ASSERT_TRUE(xz);
  EXPECT_EQ(vfs::stat(*xz, "zeros")->size, 64 << 20);
}

// A cpio newc header whose name size is 3.5 GiB: libarchive reads a name
// ahead into one buffer of that size before parsing it. The read-ahead
// stops at max_index_memory, named, whether the bytes after the header are
// plain or come out of gzip, xz, zstd or bzip2; without the bound the copy
// runs to the end of the input (here 16 MiB, and a bomb could be made as
// large as it likes). The ratio limit is off for the compressed ones: 16
// MiB of one byte is a bomb too.
TEST(ArchiveFS, HeaderReadAheadIsBounded) {
  std::string cpio = "070701";
  for (const char* field :
       {"00000001", "000081A4", "00000000", "00000000", "00000001", "00000000", "00000000",
        "00000000", "00000000", "00000000", "00000000", "E0000000", "00000000"}) {
    cpio += field;
  }
  ASSERT_EQ(cpio.size(), 110u);
  cpio += std::string(4 << 20, 'n');  // four times the bound below
  vfs::ArchiveOptions options;
  options.max_index_memory = 1 << 20;
  EXPECT_EQ(open_error(write_fixture("long-name.cpio", cpio), options).code(),
            archive_errc::index_too_large);
  const std::string plain = write_fixture("long-name-gz.cpio", cpio);
  ASSERT_EQ(std::system(("gzip -1 -f " + plain).c_str()), 0);
  EXPECT_EQ(open_error(plain + ".gz", options).code(), archive_errc::index_too_large);
  options.max_ratio = 0;
  for (const std::string tool : {"xz -0 -T1", "zstd -1 -q", "bzip2 -1"}) {
    const std::string packed = write_fixture("long-name-packed.cpio", cpio);
    ASSERT_EQ(std::system((tool + " -c " + packed + " > " + packed + ".z").c_str()), 0);
    EXPECT_EQ(open_error(packed + ".z", options).code(), archive_errc::index_too_large) << tool;
  }
}

// The decoders libarchive's input goes through (src/archive/decoder.h):
// concatenated streams are one, and truncation, corruption and bombs are
// named errors.
TEST(ArchiveFS, DecodersOfXzZstdAndBzip2) {
  using vfs::ArchiveFormat;
  const std::string a = "first stream\n", b = std::string(200000, 'b') + "second\n";
  const std::string dir = write_fixture("decoder-a", a);
  write_fixture("decoder-b", b);
  const std::string base = dir.substr(0, dir.rfind('/') + 1);
  auto decode = [](const std::string& bytes, ArchiveFormat c,
                   vfs::archive::DecoderLimits limits = {}) -> vfs::Result<std::string> {
    vfs::internal::BufferReaderAt buffer(bytes);
    vfs::SectionReader raw(buffer, 0, static_cast<std::int64_t>(bytes.size()));
    auto d = vfs::archive::open_decoder(c, raw, limits, "x");
    if (!d) return std::move(d).error();
    std::string out;
    char buf[4096];
    for (;;) {
      auto n = (*d)->read(buf);
      if (!n) return std::move(n).error();
      if (*n == 0) return out;
      out.append(buf, *n);
    }
  };
  const struct {
    const char* tool;
    ArchiveFormat codec;
  } codecs[] = {{"xz -0 -T1", ArchiveFormat::xz},
                {"zstd -1 -q", ArchiveFormat::zstd},
                {"bzip2 -1", ArchiveFormat::bzip2}};
  for (const auto& c : codecs) {
    SCOPED_TRACE(c.tool);
    const std::string out = base + "decoder.z";
    ASSERT_EQ(std::system(("cd " + base + " && " + c.tool + " -c decoder-a > decoder.z && " +
                           c.tool + " -c decoder-b >> decoder.z")
                              .c_str()),
              0);
    const std::string packed = read_disk(out);
    EXPECT_EQ(vfs::detect_archive_format(packed), c.codec);
    auto whole = decode(packed, c.codec);
    ASSERT_TRUE(whole) << whole.error().message();
    EXPECT_EQ(*whole, a + b);
    EXPECT_EQ(decode(packed.substr(0, packed.size() - 9), c.codec).error().code(),
              archive_errc::truncated);
    std::string corrupt = packed;
    corrupt[corrupt.size() / 2] ^= 0x55;
    corrupt[corrupt.size() / 2 + 1] ^= 0x55;
    EXPECT_TRUE(decode(corrupt, c.codec).error().is(vfs::errc::invalid));
    vfs::archive::DecoderLimits strict;
    strict.max_ratio = 2;                          // 200 KB of one byte is far above it...
    EXPECT_TRUE(decode(packed, c.codec, strict));  // ...but under the 1 MiB grace
    const std::string big = write_fixture("decoder-big", std::string(3 << 20, 'z'));
    ASSERT_EQ(std::system((c.tool + std::string(" -c ") + big + " > " + big + ".z").c_str()), 0);
    EXPECT_EQ(decode(read_disk(big + ".z"), c.codec, strict).error().code(),
              archive_errc::ratio_too_high);
  }
  EXPECT_FALSE(vfs::archive::has_decoder(vfs::detect_archive_format(std::string_view("BZh0"))));
  // gzip has its own reader (src/gzip).
  EXPECT_EQ(decode("\x1f\x8b\x08", ArchiveFormat::gzip).error().code(), archive_errc::not_archive);
}

TEST(ArchiveFS, TheRatioLimitNamesItself) {
  const vfs::Error e = open_error(Fixtures::get().path("zeros.tar.xz"));
  EXPECT_EQ(e.code(), archive_errc::ratio_too_high) << e.message();
  EXPECT_NE(e.message().find("max_ratio"), std::string::npos);
}

// Several threads read entries of one ArchiveFS at once, by read_at: the
// tar's windows and the tar.gz's checkpoint reader are shared.
TEST(ConcurrencyArchiveFS, ReadersOfOneArchive) {
  for (const char* archive : {"tree.tar", "tree.tar.gz", "tree.tar.xz"}) {
    SCOPED_TRACE(archive);
    auto fs = open_archive(archive);
    ASSERT_TRUE(fs);
    std::vector<std::string> want;
    for (const char* name : kFiles) {
      want.push_back(read_disk(Fixtures::get().path(std::string("tree/") + name)));
    }
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937 rng(static_cast<unsigned>(t));
        for (int i = 0; i < 12; ++i) {
          const std::size_t k = rng() % std::size(kFiles);
          auto got = vfs::read_file(*fs, kFiles[k]);
          if (!got || *got != want[k]) ++wrong;
          auto file = fs->open(kFiles[k]);
          auto* at = file ? dynamic_cast<vfs::ReaderAt*>(file->get()) : nullptr;
          if (at && want[k].size() > 64) {
            char buf[64];
            const std::size_t off = rng() % (want[k].size() - 64);
            auto n = at->read_at(buf, static_cast<std::int64_t>(off));
            if (!n || *n != 64 || std::string(buf, 64) != want[k].substr(off, 64)) ++wrong;
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0);
  }
}

// Decompression on a fiber yields: with one P, a fiber ticking every
// millisecond keeps ticking while 130 MiB are indexed (skipped through
// libarchive's zstd filter, or inflated by the gzip reader) and then read
// back by re-streaming.
TEST(ArchiveFS, DecompressionLetsOtherFibersRun) {
  const std::string dir = Fixtures::get().scratch("");
  const std::string make =
      "cd '" + dir +
      "' && head -c 100663296 /dev/urandom | base64 -w 76 > big.txt && "
      "tar -cf - big.txt | zstd -1 -q > big.tar.zst && tar -cf - big.txt | igzip -1 -c > "
      "big.tar.gz && rm big.txt";
  ASSERT_EQ(std::system(make.c_str()), 0);
  for (const char* archive : {"big.tar.zst", "big.tar.gz"}) {
    SCOPED_TRACE(archive);
    std::atomic<bool> done{false};
    std::atomic<int> ticks_indexing{0}, ticks_reading{0};
    std::atomic<int>* counter = &ticks_indexing;
    std::int64_t bytes = 0;
    vfs::runtime::run(
        [&] {
          vfs::runtime::WaitGroup wg;
          wg.add(1);
          vfs::runtime::go([&] {
            while (!done.load()) {
              vfs::runtime::sleep_for(std::chrono::milliseconds(1));
              if (!done.load()) ++*counter;
            }
            wg.done();
          });
          vfs::ArchiveOptions options;
          options.max_ratio = 0;
          auto fs = vfs::ArchiveFS::make(Fixtures::get().scratch(archive), options);
          ASSERT_TRUE(fs) << fs.error().message();
          counter = &ticks_reading;
          auto file = (*fs)->open("big.txt");
          ASSERT_TRUE(file);
          std::vector<char> buf(1 << 20);
          for (;;) {
            auto n = (*file)->read(buf);
            ASSERT_TRUE(n) << n.error().message();
            if (*n == 0) break;
            bytes += static_cast<std::int64_t>(*n);
          }
          done = true;
          wg.wait();
        },
        {.procs = 1, .stack_size = 256 * 1024});
    EXPECT_GT(bytes, 128 << 20);  // 96 MiB in base64
    EXPECT_GT(ticks_indexing.load(), 5);
    EXPECT_GT(ticks_reading.load(), 5);
  }
}

}  // namespace
