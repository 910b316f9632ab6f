// ZipFS: archives made at test time (tests/zip_fs_fixtures.py, Info-ZIP's
// zip), read as directory trees and checked against the files they hold,
// unzip -Z1, the conformance checker and hostile edits.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"
#include "vfs/dir_fs.h"
#include "vfs/map_fs.h"
#include "vfs/read_link.h"
#include "vfs/runtime.h"
#include "vfs/testing/test_fs.h"
#include "vfs/walk.h"
#include "vfs/zip_fs.h"
#include "zip/zip_error.h"

namespace {

using vfs::errc;
using vfs::zip::zip_errc;

std::string read_disk(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_disk(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

// The fixtures, made once per test binary.
class Fixtures {
 public:
  static const Fixtures& get() {
    static const Fixtures f;
    return f;
  }
  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

 private:
  Fixtures() {
    const std::string cmd = "python3 '" VFS_ZIP_FS_FIXTURES "' '" + dir_.path() + "' 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("zip_fs_fixtures.py failed");
  }
  vfs_test::TempDir dir_;
};

std::shared_ptr<vfs::ZipFS> open_zip(const std::string& name, const vfs::ZipOptions& options = {}) {
  auto zip = vfs::ZipFS::make(Fixtures::get().path(name), options);
  if (!zip) ADD_FAILURE() << zip.error().message();
  return zip ? *zip : nullptr;
}

// Every path a walk visits, in order (Go's WalkDir names, "." left out).
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

std::vector<std::string> unzip_listing(const std::string& archive) {
  std::vector<std::string> names;
  FILE* p = ::popen(("unzip -Z1 '" + archive + "'").c_str(), "r");
  char line[4096];
  while (std::fgets(line, sizeof line, p)) {
    std::string s(line);
    if (!s.empty() && s.back() == '\n') s.pop_back();
    names.push_back(s);
  }
  ::pclose(p);
  std::sort(names.begin(), names.end());
  return names;
}

const std::map<std::string, std::string> kFiles = {
    {"README.md", ""},           {"empty.txt", ""},  {"docs/guide.txt", ""},
    {"docs/api/index.html", ""}, {"src/main.c", ""}, {"src/deep/er/file.bin", ""}};

TEST(ZipFS, ReadsWhatTheTreeOnDiskHolds) {
  for (const char* archive : {"tree.zip", "tool.zip", "stream.zip", "zip64.zip"}) {
    SCOPED_TRACE(archive);
    auto zip = open_zip(archive);
    ASSERT_TRUE(zip);
    for (const auto& [name, unused] : kFiles) {
      const std::string want = read_disk(Fixtures::get().path("tree/" + name));
      auto got = vfs::read_file(*zip, name);
      ASSERT_TRUE(got) << got.error().message();
      EXPECT_EQ(*got, want) << name;
      auto file = zip->open(name);  // the File path: read to the end, CRC checked
      ASSERT_TRUE(file);
      EXPECT_EQ(*vfs::read_all(**file), want) << name;
      EXPECT_EQ(vfs::stat(*zip, name)->size, static_cast<std::int64_t>(want.size()));
    }
  }
}

// The walk lists what unzip -Z1 lists, implicit directories added.
TEST(ZipFS, ListingAgreesWithUnzip) {
  for (const char* archive : {"tree.zip", "tool.zip"}) {
    SCOPED_TRACE(archive);
    auto zip = open_zip(archive);
    ASSERT_TRUE(zip);
    std::vector<std::string> ours = walk(*zip);
    std::sort(ours.begin(), ours.end());
    std::vector<std::string> theirs = unzip_listing(Fixtures::get().path(archive));
    // unzip lists the records; the walk also has directories only implied.
    for (const std::string& name : theirs) {
      EXPECT_TRUE(std::binary_search(ours.begin(), ours.end(), name)) << name;
    }
    for (const std::string& name : ours) {
      if (name.back() == '/') continue;
      EXPECT_TRUE(std::binary_search(theirs.begin(), theirs.end(), name)) << name;
    }
  }
}

TEST(ZipFS, PassesTheConformanceChecker) {
  for (const char* archive : {"tree.zip", "tool.zip", "zip64.zip"}) {
    SCOPED_TRACE(archive);
    auto zip = open_zip(archive);
    ASSERT_TRUE(zip);
    auto report = vfs::testing::test_fs(*zip, {"README.md", "docs/guide.txt", "src/main.c"});
    EXPECT_TRUE(report.ok()) << report.to_string();
  }
  // Streamed entries (no random access) pass too.
  vfs::ZipOptions stream_all;
  stream_all.max_in_memory = 0;
  auto zip = open_zip("tree.zip", stream_all);
  auto report = vfs::testing::test_fs(*zip, {"README.md", "docs/guide.txt"});
  EXPECT_TRUE(report.ok()) << report.to_string();
}

TEST(ZipFS, SymlinksAreSymlinks) {
  for (const char* archive : {"tree.zip", "tool.zip"}) {
    SCOPED_TRACE(archive);
    auto zip = open_zip(archive);
    ASSERT_TRUE(zip);
    EXPECT_EQ(*vfs::read_link(*zip, "docs/latest"), "api");
    EXPECT_TRUE(vfs::lstat(*zip, "docs/latest")->mode.is_symlink());
    EXPECT_TRUE(vfs::stat(*zip, "docs/latest")->is_dir());
    EXPECT_EQ(*vfs::read_file(*zip, "src/entry"), "int main(void) { return 0; }\n");
    EXPECT_EQ(*vfs::read_file(*zip, "docs/latest/index.html"),
              read_disk(Fixtures::get().path("tree/docs/api/index.html")));
    EXPECT_TRUE(zip->open("escape").error().is(errc::escapes_root));
    EXPECT_TRUE(zip->open("abs").error().is(errc::escapes_root));
    EXPECT_TRUE(vfs::read_link(*zip, "README.md").error().is(errc::invalid));
  }
}

// An archive inside an archive, or in memory, opens the same way.
TEST(ZipFS, NestedAndInMemoryArchives) {
  auto zip = open_zip("tree.zip");
  ASSERT_TRUE(zip);
  auto inner = vfs::ZipFS::make(*zip, "nested.zip");
  ASSERT_TRUE(inner) << inner.error().message();
  EXPECT_EQ(*vfs::read_file(**inner, "inner/hello.txt"), "hello from inside\n");
  vfs::MapFS memory{{"a.zip", {read_disk(Fixtures::get().path("tree.zip"))}}};
  auto from_memory = vfs::ZipFS::make(memory, "a.zip");
  ASSERT_TRUE(from_memory);
  EXPECT_EQ(*vfs::read_file(**from_memory, "src/main.c"), "int main(void) { return 0; }\n");
}

// A File without read_at (a stream): the archive is read into memory, within bounds.
TEST(ZipFS, ArchiveFromAStream) {
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
  const std::string bytes = read_disk(Fixtures::get().path("tree.zip"));
  auto zip = vfs::ZipFS::make(std::make_unique<StreamOnly>(bytes), "stream");
  ASSERT_TRUE(zip);
  EXPECT_EQ(*vfs::read_file(**zip, "README.md"), "# tree\n");
  vfs::ZipOptions small;
  small.max_buffered_archive = 100;
  auto refused = vfs::ZipFS::make(std::make_unique<StreamOnly>(bytes), "stream", small);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), std::errc::file_too_large);
}

// Reads, read_at and seek on an entry held in memory and on a stored one.
TEST(ZipFS, RandomAccess) {
  auto zip = open_zip("tree.zip");
  const std::string want = read_disk(Fixtures::get().path("tree/src/deep/er/file.bin"));
  for (const char* name : {"src/deep/er/file.bin", "docs/guide.txt"}) {
    auto file = zip->open(name);
    ASSERT_TRUE(file);
    auto* at = dynamic_cast<vfs::ReaderAt*>(file->get());
    auto* seeker = dynamic_cast<vfs::Seeker*>(file->get());
    ASSERT_TRUE(at && seeker) << name;
    const std::string whole = *vfs::read_file(*zip, name);
    char buf[100];
    ASSERT_EQ(*at->read_at(buf, 1000), 100u);
    EXPECT_EQ(std::string(buf, 100), whole.substr(1000, 100));
    EXPECT_EQ(*seeker->seek(-10, vfs::Whence::end), static_cast<std::int64_t>(whole.size()) - 10);
    EXPECT_EQ(*(*file)->read(buf), 10u);
  }
  EXPECT_EQ(*vfs::read_file(*zip, "src/deep/er/file.bin"), want);
}

// --- Hostile archives: a clear error, never silent bad data -----------------

// The archive with its bytes `edit`ed, written next to the fixtures.
std::string edited(const std::string& archive, const std::function<void(std::string&)>& edit,
                   const std::string& out_name) {
  std::string bytes = read_disk(Fixtures::get().path(archive));
  edit(bytes);
  const std::string out = Fixtures::get().path(out_name);
  write_disk(out, bytes);
  return out;
}

// The offset of `text` in `bytes` (the data of a stored entry is its bytes).
std::size_t find(const std::string& bytes, const std::string& text) {
  const std::size_t at = bytes.find(text);
  EXPECT_NE(at, std::string::npos) << text;
  return at;
}

TEST(ZipFS, CorruptStoredDataFailsItsCRC) {
  // tree.zip stores every other file: docs/api/index.html is stored.
  const std::string path = edited(
      "tree.zip", [](std::string& b) { b[find(b, "<html>xxxx") + 8] ^= 0x20; }, "crc.zip");
  auto zip = vfs::ZipFS::make(path);
  ASSERT_TRUE(zip);
  auto data = vfs::read_file(**zip, "docs/api/index.html");
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().code(), zip_errc::crc_mismatch);
  EXPECT_TRUE(data.error().is(errc::invalid));
  auto file = (*zip)->open("docs/api/index.html");
  ASSERT_TRUE(file);
  auto streamed = vfs::read_all(**file);
  ASSERT_FALSE(streamed);
  EXPECT_EQ(streamed.error().code(), zip_errc::crc_mismatch);
  EXPECT_EQ(streamed.error().path(), "docs/api/index.html");
}

TEST(ZipFS, CorruptDeflateDataIsAnError) {
  for (const std::uint64_t in_memory : {std::uint64_t{64} << 20, std::uint64_t{0}}) {
    vfs::ZipOptions options;
    options.max_in_memory = in_memory;
    const std::string path = edited(
        "big.zip",
        [](std::string& b) {
          for (std::size_t i = 2000; i < 2100; ++i) b[i] = static_cast<char>(b[i] ^ 0x5a);
        },
        "bad_deflate.zip");
    auto zip = vfs::ZipFS::make(path, options);
    ASSERT_TRUE(zip);
    auto file = (*zip)->open("big.txt");
    ASSERT_TRUE(file);
    auto data = vfs::read_all(**file);
    ASSERT_FALSE(data) << "read " << data->size() << " bytes";
    EXPECT_TRUE(data.error().code() == zip_errc::bad_deflate_data ||
                data.error().code() == zip_errc::crc_mismatch ||
                data.error().code() == zip_errc::size_mismatch)
        << data.error().message();
  }
}

// The central directory's size field for big.txt, rewritten: the data
// cannot fill it (a lie) or holds more than it says.
TEST(ZipFS, ADeclaredSizeThatLiesIsAnError) {
  for (const std::uint32_t size : {66682880u + 1000, 1000u}) {
    for (const std::uint64_t in_memory : {std::uint64_t{1} << 30, std::uint64_t{0}}) {
      vfs::ZipOptions options;
      options.max_in_memory = in_memory;
      const std::string path = edited(
          "big.zip",
          [&](std::string& b) {
            const std::size_t cd = b.rfind(std::string("PK\x01\x02", 4));
            for (int i = 0; i < 4; ++i) b[cd + 24 + i] = static_cast<char>(size >> (8 * i));
          },
          "lying.zip");
      auto zip = vfs::ZipFS::make(path, options);
      ASSERT_TRUE(zip);
      auto file = (*zip)->open("big.txt");
      ASSERT_TRUE(file);
      auto data = vfs::read_all(**file);
      ASSERT_FALSE(data);
      EXPECT_EQ(data.error().code(), zip_errc::size_mismatch) << data.error().message();
    }
  }
}

TEST(ZipFS, LimitsAreNamedWhenExceeded) {
  vfs::ZipOptions tiny;
  tiny.max_entry_size = 1000;
  auto zip = open_zip("big.zip", tiny);
  auto file = zip->open("big.txt");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code(), zip_errc::entry_too_large);
  EXPECT_NE(file.error().message().find("max_entry_size"), std::string::npos);
  vfs::ZipOptions strict;
  strict.max_ratio = 100;  // big.txt compresses 343:1
  zip = open_zip("big.zip", strict);
  EXPECT_EQ(zip->open("big.txt").error().code(), zip_errc::ratio_too_high);
  vfs::ZipOptions few;
  few.max_entries = 3;
  auto refused = vfs::ZipFS::make(Fixtures::get().path("tree.zip"), few);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("max_entries"), std::string::npos);
}

TEST(ZipFS, NotAZipIsAClearError) {
  const std::string path = Fixtures::get().path("tree/README.md");
  auto zip = vfs::ZipFS::make(path);
  ASSERT_FALSE(zip);
  EXPECT_TRUE(zip.error().is(errc::invalid));
  EXPECT_NE(zip.error().message().find("not a valid zip file"), std::string::npos);
  EXPECT_TRUE(vfs::ZipFS::make(Fixtures::get().path("nope.zip")).error().is(errc::not_exist));
  EXPECT_FALSE(vfs::ZipFS::make(Fixtures::get().path("tree")));  // a directory
}

// Threads reading different entries of one archive at once (pread, no
// shared offset) all see the right bytes.
TEST(ConcurrencyZipFS, ThreadsReadDifferentEntries) {
  auto zip = open_zip("tree.zip");
  std::map<std::string, std::string> want;
  for (const auto& [name, unused] : kFiles)
    want[name] = read_disk(Fixtures::get().path("tree/" + name));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (const auto& [name, data] : want) {
          if ((round + t) % 2) {
            auto got = vfs::read_file(*zip, name);
            if (!got || *got != data) ++wrong;
          } else {
            auto file = zip->open(name);
            if (!file) {
              ++wrong;
              continue;
            }
            auto got = vfs::read_all(**file);
            if (!got || *got != data) ++wrong;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

// A long inflate on a fiber yields: with one P, a fiber ticking every
// millisecond keeps ticking while 64 MiB stream out of big.zip.
TEST(ZipFS, AStreamingInflateLetsOtherFibersRun) {
  vfs::ZipOptions stream_all;
  stream_all.max_in_memory = 0;
  auto zip = open_zip("big.zip", stream_all);
  std::atomic<bool> done{false};
  std::atomic<int> ticks_during{0};
  std::int64_t bytes = 0;
  vfs::runtime::run(
      [&] {
        vfs::runtime::WaitGroup wg;
        wg.add(1);
        vfs::runtime::go([&] {
          while (!done.load()) {
            vfs::runtime::sleep_for(std::chrono::milliseconds(1));
            if (!done.load()) ++ticks_during;
          }
          wg.done();
        });
        auto file = zip->open("big.txt");
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
      {.procs = 1});
  EXPECT_EQ(bytes, 66682880);
  EXPECT_GT(ticks_during.load(), 0);
}

}  // namespace
