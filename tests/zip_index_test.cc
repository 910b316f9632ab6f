// The zip central directory parser and index (src/zip/): archives made at
// test time by Info-ZIP's zip and Python's zipfile (zip_fixtures.py, whose
// manifests and `unzip -Z1` are the oracles), and hand-built byte buffers
// for the malformed and hostile cases.
#include <gtest/gtest.h>
#include <stdio.h>

#include <boost/crc.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mem_reader_at.h"
#include "test_util.h"
#include "vfs/fs.h"
#include "zip/attributes.h"
#include "zip/central_directory.h"
#include "zip/index.h"
#include "zip/local_header.h"
#include "zip/name_hash.h"
#include "zip/names.h"
#include "zip/zip_error.h"

namespace {

using vfs::Time;
using vfs::zip::CentralDirectory;
using vfs::zip::Entry;
using vfs::zip::Index;
using vfs::zip::Limits;
using vfs::zip::zip_errc;
using vfs_test::MemReaderAt;
using namespace std::chrono;

// ---------------------------------------------------------------------------
// Helpers

vfs::Result<CentralDirectory> parse(MemReaderAt& r, const Limits& limits = {}) {
  return vfs::zip::read_central_directory(r, r.size(), limits, "test.zip");
}

vfs::Result<CentralDirectory> parse(const std::string& bytes, const Limits& limits = {}) {
  MemReaderAt r(bytes);
  return parse(r, limits);
}

vfs::Result<Index> index_of(const std::string& bytes, const Limits& limits = {}) {
  auto cd = parse(bytes, limits);
  if (!cd) return std::move(cd).error();
  return Index::build(*std::move(cd), limits, "test.zip");
}

template <class T>
testing::AssertionResult fails_with(const vfs::Result<T>& r, zip_errc e) {
  if (r.ok()) return testing::AssertionFailure() << "succeeded";
  if (r.error().code() != vfs::zip::make_error_code(e)) {
    return testing::AssertionFailure() << r.error().message();
  }
  if (!r.error().is(vfs::errc::invalid)) return testing::AssertionFailure() << "not invalid";
  return testing::AssertionSuccess();
}

// Every node's name, the root's aside, in index order.
std::vector<std::string> node_names(const Index& index) {
  std::vector<std::string> out;
  for (Index::Id id = 1; id < index.size(); ++id) out.emplace_back(index.name(id));
  return out;
}

std::vector<std::string> child_names(const Index& index, std::string_view dir) {
  std::vector<std::string> out;
  const Index::Id id = index.find(dir);
  if (id == Index::kNone) return {"<not found>"};
  for (const Index::Id c : index.children(id)) out.emplace_back(index.base_name(c));
  return out;
}

// The bytes an entry's data occupies, found through its local header.
std::string entry_data(MemReaderAt& r, const Entry& e) {
  auto offset = vfs::zip::local_data_offset(r, e, "test.zip");
  if (!offset) return "<" + offset.error().message() + ">";
  return r.data().substr(*offset, e.compressed_size);
}

std::uint32_t crc32_of(std::string_view data) {
  boost::crc_32_type crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

Time utc(year_month_day day, seconds time_of_day = seconds(0)) {
  return Time(sys_days(day).time_since_epoch() + time_of_day);
}

// Little-endian appends and patches, for hand-built archives.
void put16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>(v >> 8);
}
void put32(std::string& s, std::uint32_t v) {
  put16(s, static_cast<std::uint16_t>(v));
  put16(s, static_cast<std::uint16_t>(v >> 16));
}
void put64(std::string& s, std::uint64_t v) {
  put32(s, static_cast<std::uint32_t>(v));
  put32(s, static_cast<std::uint32_t>(v >> 32));
}
void set16(std::string& s, std::size_t at, std::uint16_t v) {
  std::string b;
  put16(b, v);
  s.replace(at, 2, b);
}
void set32(std::string& s, std::size_t at, std::uint32_t v) {
  std::string b;
  put32(b, v);
  s.replace(at, 4, b);
}

// An extra field: tag, length, body.
std::string extra(std::uint16_t tag, std::string_view body) {
  std::string s;
  put16(s, tag);
  put16(s, static_cast<std::uint16_t>(body.size()));
  return s.append(body);
}

// One entry of a hand-built archive: stored, its fields as given.
struct RawEntry {
  RawEntry(std::string n, std::string d) : name(std::move(n)), data(std::move(d)) {}

  std::string name;
  std::string data;
  std::uint16_t flags = 0;
  std::uint16_t made_by = 3 << 8 | 20;  // Unix, version 2.0
  std::uint32_t external_attrs = 0100644u << 16;
  std::uint16_t dos_date = (2020 - 1980) << 9 | 1 << 5 | 2;  // 2020-01-02
  std::uint16_t dos_time = 3 << 11 | 4 << 5 | 3;             // 03:04:06
  std::string central_extra;
  std::string local_extra;
};

// A hand-built archive and where its records are.
struct Built {
  std::string bytes;
  std::vector<std::size_t> local;    // each entry's local header
  std::vector<std::size_t> central;  // each entry's central header
  std::size_t directory = 0;
  std::size_t end = 0;  // the end of central directory record
};

struct EndOptions {
  std::string comment = {};
  bool zip64 = false;                 // zip64 end records, and 0xFFFF... in the end record
  std::uint16_t count_mask = 0xFFFF;  // a legacy writer's truncated count: keep all 16 bits
};

// The fields local and central headers share, from the flags to the extra
// field's length.
void put_common(std::string& s, const RawEntry& e, std::size_t extra_len) {
  put16(s, e.flags);
  put16(s, 0);  // stored
  put16(s, e.dos_time);
  put16(s, e.dos_date);
  put32(s, crc32_of(e.data));
  put32(s, static_cast<std::uint32_t>(e.data.size()));
  put32(s, static_cast<std::uint32_t>(e.data.size()));
  put16(s, static_cast<std::uint16_t>(e.name.size()));
  put16(s, static_cast<std::uint16_t>(extra_len));
}

void put_local(std::string& s, const RawEntry& e) {
  put32(s, 0x04034b50);
  put16(s, 20);  // version needed
  put_common(s, e, e.local_extra.size());
  s += e.name;
  s += e.local_extra;
  s += e.data;
}

void put_central(std::string& s, const RawEntry& e, std::size_t local) {
  put32(s, 0x02014b50);
  put16(s, e.made_by);
  put16(s, 20);  // version needed
  put_common(s, e, e.central_extra.size());
  put16(s, 0);  // comment
  put16(s, 0);  // disk
  put16(s, 0);  // internal attributes
  put32(s, e.external_attrs);
  put32(s, static_cast<std::uint32_t>(local));
  s += e.name;
  s += e.central_extra;
}

void put_end(Built& b, std::size_t count, const EndOptions& opt) {
  std::string& s = b.bytes;
  const std::size_t dir_size = s.size() - b.directory;
  if (opt.zip64) {
    const std::size_t record = s.size();
    put32(s, 0x06064b50);
    put64(s, 44);
    put16(s, 45);
    put16(s, 45);
    put32(s, 0);
    put32(s, 0);
    put64(s, count);
    put64(s, count);
    put64(s, dir_size);
    put64(s, b.directory);
    put32(s, 0x07064b50);
    put32(s, 0);
    put64(s, record);
    put32(s, 1);
  }
  b.end = s.size();
  put32(s, 0x06054b50);
  put16(s, 0);
  put16(s, 0);
  const auto count16 = static_cast<std::uint16_t>(opt.zip64 ? 0xFFFF : count & opt.count_mask);
  put16(s, count16);
  put16(s, count16);
  put32(s, opt.zip64 ? 0xFFFFFFFF : static_cast<std::uint32_t>(dir_size));
  put32(s, opt.zip64 ? 0xFFFFFFFF : static_cast<std::uint32_t>(b.directory));
  put16(s, static_cast<std::uint16_t>(opt.comment.size()));
  s += opt.comment;
}

Built build_zip(const std::vector<RawEntry>& entries, const EndOptions& opt = {}) {
  Built b;
  for (const RawEntry& e : entries) {
    b.local.push_back(b.bytes.size());
    put_local(b.bytes, e);
  }
  b.directory = b.bytes.size();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    b.central.push_back(b.bytes.size());
    put_central(b.bytes, entries[i], b.local[i]);
  }
  put_end(b, entries.size(), opt);
  return b;
}

// Offsets of a central header's fields.
constexpr std::size_t kCentralCsize = 20;
constexpr std::size_t kCentralUsize = 24;
constexpr std::size_t kCentralOffset = 42;
// Offsets of an end record's fields.
constexpr std::size_t kEndCount = 10;
constexpr std::size_t kEndSize = 12;
constexpr std::size_t kEndOffset = 16;

const std::vector<RawEntry> kThree = {{"a.txt", "alpha"}, {"d/b.txt", "bravo"}, {"d/", ""}};

// ---------------------------------------------------------------------------
// Archives made by zip and Python, through zip_fixtures.py

// Runs a command; returns its stdout, or nullopt if it failed.
std::optional<std::string> run(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  if (::pclose(p) != 0) return std::nullopt;
  return out;
}

bool have_tools() {
  static const bool have =
      run("command -v python3 && command -v zip && command -v unzip").has_value();
  return have;
}

std::string read_whole(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// The path of a fixture archive (and of its manifest, with .tsv), made on
// first use in this process: ctest runs each test in a process of its own.
std::string fixture(const std::string& name) {
  static vfs_test::TempDir dir;
  static std::set<std::string> made;
  const std::string base = dir / name;
  if (made.insert(name).second) {
    const std::string cmd = "python3 '" VFS_ZIP_FIXTURES "' '" + dir.path() + "' " + name + " 2>&1";
    if (!run(cmd)) ADD_FAILURE() << "failed: " << cmd;
  }
  return base;
}

std::string unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

// One line of a manifest: Python's zipfile reading a record.
struct PyRecord {
  std::string raw_name, py_name;
  std::uint64_t flags, method, crc, csize, usize, header_offset;
  std::int64_t data_offset;
  std::uint64_t external_attr, create_system;
};

std::vector<PyRecord> manifest(const std::string& name) {
  std::vector<PyRecord> out;
  std::istringstream in(read_whole(fixture(name) + ".tsv"));
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string raw, py;
    PyRecord r;
    f >> raw >> py >> r.flags >> r.method >> r.crc >> r.csize >> r.usize >> r.header_offset >>
        r.data_offset >> r.external_attr >> r.create_system;
    r.raw_name = unhex(raw);
    r.py_name = unhex(py);
    out.push_back(r);
  }
  return out;
}

class ZipFixture : public testing::Test {
 protected:
  void SetUp() override {
    if (!have_tools()) GTEST_SKIP() << "needs python3, zip and unzip";
  }
  MemReaderAt& open(const std::string& name) {
    reader_ = std::make_unique<MemReaderAt>(read_whole(fixture(name) + ".zip"));
    return *reader_;
  }
  // The index of a fixture; throws (failing the test) if it has none.
  Index index(const std::string& name) { return Index::build(parse(open(name)).value()).value(); }
  std::unique_ptr<MemReaderAt> reader_;
};

class ZipFixtures : public ZipFixture, public testing::WithParamInterface<const char*> {};

// Every record as Python reads it: sizes (zip64 ones too), offsets, flags,
// CRC, and where the data starts after the local header.
TEST_P(ZipFixtures, RecordsMatchPython) {
  MemReaderAt& r = open(GetParam());
  auto cd = parse(r);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  const std::vector<PyRecord> py = manifest(GetParam());
  ASSERT_EQ(cd->entries.size(), py.size());
  for (std::size_t i = 0; i < py.size(); ++i) {
    const Entry& e = cd->entries[i];
    SCOPED_TRACE(py[i].py_name);
    EXPECT_EQ(e.flags, py[i].flags);
    EXPECT_EQ(e.method, py[i].method);
    EXPECT_EQ(e.crc32, py[i].crc);
    EXPECT_EQ(e.compressed_size, py[i].csize);
    EXPECT_EQ(e.uncompressed_size, py[i].usize);
    EXPECT_EQ(e.local_header_offset, py[i].header_offset);
    auto data = vfs::zip::local_data_offset(r, e, "test.zip");
    ASSERT_TRUE(data.ok()) << data.error().message();
    EXPECT_EQ(static_cast<std::int64_t>(*data), py[i].data_offset);
    if (e.method == vfs::zip::kMethodStore) {
      EXPECT_EQ(crc32_of(entry_data(r, e)), e.crc32);
    }
    // Names that are valid UTF-8 and flagged, or ASCII, read the same.
    if ((e.flags & vfs::zip::kFlagUtf8) || vfs::zip::is_valid_utf8(py[i].raw_name)) {
      if (py[i].raw_name == py[i].py_name) {
        EXPECT_EQ(cd->name(e), py[i].raw_name);
      }
    }
  }
}

// The index lists what unzip lists, plus the parents it implies; no record
// of these archives is dropped.
TEST_P(ZipFixtures, ListsLikeUnzip) {
  const std::string name = GetParam();
  const Index ix = index(name);
  // Exit status 1 is a warning (the prefixed archives have one).
  auto listing = run("unzip -Z1 '" + fixture(name) + ".zip' 2>/dev/null || test $? = 1");
  std::set<std::string> want;
  std::istringstream in(listing.value_or(""));
  for (std::string line; std::getline(in, line);) {
    if (line.ends_with('/')) line.pop_back();
    while (!line.empty()) {
      want.insert(line);
      line.resize(line.rfind('/') == std::string::npos ? 0 : line.rfind('/'));
    }
  }
  const std::vector<std::string> got = node_names(ix);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), want);
  EXPECT_EQ(got.size(), want.size());
  EXPECT_EQ(ix.stats().invalid_names + ix.stats().duplicates + ix.stats().file_dir_conflicts, 0u);
}

INSTANTIATE_TEST_SUITE_P(Zip, ZipFixtures,
                         testing::Values("tool", "tool_zip64", "tool_stream", "py_mixed",
                                         "py_zip64", "py_stream", "py_modes", "py_prefixed",
                                         "py_prefixed_adjusted"));

TEST_F(ZipFixture, ToolArchiveTree) {
  const Index ix = index("tool");
  EXPECT_EQ(child_names(ix, "."), (std::vector<std::string>{"a.txt", "empty", "link", "sub"}));
  EXPECT_EQ(child_names(ix, "sub"), (std::vector<std::string>{"b.txt", "deep"}));
  EXPECT_EQ(child_names(ix, "sub/deep"), (std::vector<std::string>{"c.txt"}));
  EXPECT_EQ(child_names(ix, "empty"), (std::vector<std::string>{}));
  EXPECT_EQ(ix.stats().synthesized_dirs, 0u);  // zip records its directories

  const vfs::FileInfo a = ix.info(ix.find("a.txt"));
  EXPECT_EQ(a.name, "a.txt");
  EXPECT_EQ(a.size, 6);
  EXPECT_TRUE(a.mode.is_regular());
  // The extended timestamp (UT) wins over the MS-DOS time (the writer's
  // local time).
  EXPECT_EQ(a.mod_time, Time(seconds(1'700'000'000)));
  EXPECT_TRUE(ix.info(ix.find("link")).mode.is_symlink());
  EXPECT_EQ(ix.info(ix.find("sub/deep")).mode.type(), vfs::FileMode::dir);
  EXPECT_EQ(ix.find("sub/"), Index::kNone);
  EXPECT_EQ(ix.find("nope"), Index::kNone);
  EXPECT_EQ(entry_data(*reader_, *ix.entry(ix.find("link"))), "a.txt");
}

TEST_F(ZipFixture, StreamedArchivesHaveDataDescriptors) {
  for (const char* name : {"tool_stream", "py_stream"}) {
    auto cd = parse(open(name));
    ASSERT_TRUE(cd.ok()) << cd.error().message();
    int with = 0;
    for (const Entry& e : cd->entries) with += e.has_data_descriptor();
    EXPECT_GE(with, 3) << name;
  }
  auto cd = parse(open("py_stream"));
  ASSERT_TRUE(cd.ok());
  std::string second;
  for (int i = 0; i < 30; ++i) second += "second";
  EXPECT_EQ(entry_data(*reader_, cd->entries[1]), second);
}

TEST_F(ZipFixture, Zip64RecordsAndExtras) {
  MemReaderAt& r = open("py_zip64");
  auto cd = parse(r);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  // The window (with the locator), the zip64 end record, the directory.
  EXPECT_EQ(r.reads.load(), 3);
  EXPECT_TRUE(cd->zip64);
  ASSERT_EQ(cd->entries.size(), 4u);
  EXPECT_EQ(cd->entries[1].uncompressed_size, 100u);  // from the zip64 extra
  EXPECT_EQ(entry_data(r, cd->entries[1]).substr(0, 10), "0123456789");
  EXPECT_EQ(entry_data(r, cd->entries[2]), "forced zip64 local header");
}

TEST_F(ZipFixture, ReadsTheDirectoryInOneRead) {
  MemReaderAt& r = open("tool");
  ASSERT_TRUE(parse(r).ok());
  EXPECT_EQ(r.reads.load(), 2);  // the end record's window, the directory
}

TEST_F(ZipFixture, MetadataAndComments) {
  MemReaderAt& r = open("py_mixed");
  auto cd = parse(r);
  ASSERT_TRUE(cd.ok());
  EXPECT_EQ(cd->comment, "archive comment");
  auto ix = Index::build(*std::move(cd));
  ASSERT_TRUE(ix.ok());
  const auto mode = [&](std::string_view n) { return ix->info(ix->find(n)).mode.to_string(); };
  EXPECT_EQ(mode("dir"), "drwxr-xr-x");
  EXPECT_EQ(mode("dir/stored.txt"), "-rw-r--r--");
  EXPECT_EQ(mode("dir/deflated.txt"), "-rw-------");
  EXPECT_EQ(mode("commented.txt"), "-r--r--r--");
  EXPECT_EQ(mode("dos.txt"), "-r--r--r--");  // MS-DOS read-only
  EXPECT_EQ(mode("dosdir"), "drwxrwxrwx");   // MS-DOS directory
  // Without an extended timestamp, the MS-DOS time, read as UTC.
  EXPECT_EQ(ix->info(ix->find("empty.txt")).mod_time, utc(2020y / 1 / 2, 3h + 4min + 6s));
  const Entry* deflated = ix->entry(ix->find("dir/deflated.txt"));
  EXPECT_EQ(deflated->method, vfs::zip::kMethodDeflate);
  EXPECT_EQ(deflated->uncompressed_size, 1100u);
  EXPECT_EQ(ix->info(ix->find("dir/deflated.txt")).size, 1100);
  EXPECT_EQ(entry_data(r, *ix->entry(ix->find("dir/stored.txt"))), "stored data");
}

TEST_F(ZipFixture, UnixModes) {
  const Index ix = index("py_modes");
  const auto mode = [&](std::string_view n) { return ix.info(ix.find(n)).mode.to_string(); };
  EXPECT_EQ(mode("link"), "Lrwxrwxrwx");
  EXPECT_EQ(mode("target"), "drwx------");
  EXPECT_EQ(mode("target/file"), "-rwxr-xr-x");
  EXPECT_EQ(mode("setuid"), "urwxr-xr-x");
  EXPECT_EQ(mode("fifo"), "prw-r--r--");
  EXPECT_EQ(mode("nomode"), "-rw-rw-rw-");   // no st_mode: the MS-DOS bits
  EXPECT_EQ(mode("dirbits"), "drwxr-xr-x");  // a directory by its mode alone
  EXPECT_TRUE(ix.is_dir(ix.find("dirbits")));
}

TEST_F(ZipFixture, LegacyNamesAreCp437) {
  const Index ix = index("py_cp437");
  EXPECT_NE(ix.find("caf\u00e9.txt"), Index::kNone);
  EXPECT_EQ(child_names(ix, "\u00a35"), (std::vector<std::string>{"\u2502box\u2588"}));
  EXPECT_NE(ix.find("utf8-unflagged-\u00fc"), Index::kNone);  // valid UTF-8: kept
  EXPECT_NE(ix.find("na\u00efve-flagged.txt"), Index::kNone);
  // Every high byte decodes as Python's cp437 codec decodes it.
  const std::vector<PyRecord> py = manifest("py_cp437");
  ASSERT_EQ(py.size(), 5u);
  EXPECT_NE(ix.find(py[3].py_name), Index::kNone) << py[3].py_name;
  EXPECT_EQ(ix.stats().synthesized_dirs, 1u);
}

// The hostile names: each cleaned, dropped or merged by the rules of
// index.h, and none outside the tree.
TEST_F(ZipFixture, HostileNames) {
  MemReaderAt& r = open("py_hostile");
  auto cd = parse(r);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  auto built = Index::build(*std::move(cd));
  ASSERT_TRUE(built.ok());
  const Index& ix = *built;
  EXPECT_EQ(node_names(ix),
            (std::vector<std::string>{
                "C:",           "a",    "abs", "b2",         "c",        "dd",         "dup",
                "etc",          "evil", "fd",  "lnk",        "sd",       "x",          "C:/win",
                "C:/win/x.txt", "a/b",  "c/d", "etc/passwd", "fd/child", "lnk/passwd", "x/y"}));
  for (const std::string& n : node_names(ix)) EXPECT_TRUE(vfs::valid_path(n)) << n;
  EXPECT_EQ(ix.stats().invalid_names, 5u);  // ".", "..", "", "/", "nul\0name"
  EXPECT_EQ(ix.stats().duplicates, 2u);     // the second "dup" and "dd/"
  // Files "fd", "sd", "x" (from "./x", beside "x/./y") and the symlink "lnk".
  EXPECT_EQ(ix.stats().file_dir_conflicts, 4u);
  // The first "dup" wins.
  const Index::Id dup = ix.find("dup");
  EXPECT_TRUE(ix.had_duplicates(dup));
  EXPECT_EQ(entry_data(r, *ix.entry(dup)), "first");
  // Directories beat files, whatever the order; the symlink is gone.
  for (const char* n : {"fd", "sd", "lnk", "x"}) {
    EXPECT_TRUE(ix.is_dir(ix.find(n))) << n;
    EXPECT_TRUE(ix.had_duplicates(ix.find(n))) << n;
  }
  EXPECT_EQ(ix.entry(ix.find("lnk")), nullptr);
  EXPECT_EQ(entry_data(r, *ix.entry(ix.find("etc/passwd"))), "zip slip");
  EXPECT_EQ(entry_data(r, *ix.entry(ix.find("evil"))), "climbs");
}

TEST_F(ZipFixture, PrefixBeforeTheArchive) {
  for (const char* name : {"py_prefixed", "py_prefixed_adjusted"}) {
    MemReaderAt& r = open(name);
    auto cd = parse(r);
    ASSERT_TRUE(cd.ok()) << cd.error().message();
    const std::size_t stub = r.data().find("PK\3\4");
    EXPECT_EQ(cd->base_offset, std::string_view(name).ends_with("adjusted") ? 0 : stub) << name;
    EXPECT_EQ(cd->entries[0].local_header_offset, stub) << name;
    EXPECT_EQ(entry_data(r, cd->entries[0]), "after the stub") << name;
  }
}

TEST_F(ZipFixture, EmptyArchive) {
  auto cd = parse(open("py_empty"));
  ASSERT_TRUE(cd.ok());
  EXPECT_EQ(cd->comment, "nothing inside");
  auto ix = Index::build(*std::move(cd));
  ASSERT_TRUE(ix.ok());
  EXPECT_EQ(ix->size(), 1u);
  EXPECT_TRUE(ix->children(Index::kRoot).empty());
  EXPECT_EQ(ix->info(Index::kRoot).mode.to_string(), "dr-xr-xr-x");
}

// ---------------------------------------------------------------------------
// Names

TEST(ZipNames, CleanLikeGoToValidName) {
  // Go's toValidName gives the same, but keeps "." and ".." (which no
  // open can name) where we give "" (dropped).
  const std::pair<std::string, std::string> cases[] = {
      {"a", "a"},
      {"a/", "a"},
      {"a/b/", "a/b"},
      {"../evil", "evil"},
      {"/abs", "abs"},
      {"a\\b", "a/b"},
      {"a\\b\\", "a/b"},
      {"a/../../b", "b"},
      {"./x", "x"},
      {"c//d", "c/d"},
      {"x/./y", "x/y"},
      {"../../etc/passwd", "etc/passwd"},
      {"C:\\win\\x.txt", "C:/win/x.txt"},
      {"//a//b//", "a/b"},
      {"\\..\\..\\x", "x"},
      {"a/b/../c", "a/c"},
      {"/../x", "x"},
      {"a/./", "a"},
      {"...", "..."},
      {"a/.../b", "a/.../b"},
      {".a/b.", ".a/b."},
      {".", ""},
      {"..", ""},
      {"", ""},
      {"/", ""},
      {"a/..", ""},
      {"a/../..", ""},
      {"../a/..", ""},
      {"./", ""},
      {"../", ""},
  };
  std::string scratch;
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(vfs::zip::clean_name(in, scratch), want) << '"' << in << '"';
  }
}

TEST(ZipNames, CleanSharesTheBytesOfCleanNames) {
  std::string scratch;
  const std::string name = "a/b/";
  const std::string_view clean = vfs::zip::clean_name(name, scratch);
  EXPECT_EQ(clean.data(), name.data());
  EXPECT_EQ(clean, "a/b");
}

TEST(ZipNames, Utf8OrCp437) {
  const auto decode = [](std::string_view raw, bool flag) {
    std::string out;
    vfs::zip::append_utf8_name(raw, flag, out);
    return out;
  };
  EXPECT_EQ(decode("plain", false), "plain");
  EXPECT_EQ(decode("caf\x82", false), "caf\u00e9");
  EXPECT_EQ(decode("\x9e\xff\xb3", false), "\u20a7\u00a0\u2502");
  EXPECT_EQ(decode("\xc3\xbc", false), "\u00fc");             // valid UTF-8: as is
  EXPECT_EQ(decode("bad\xff", true), "bad\xff");              // flagged: as is, and invalid
  EXPECT_FALSE(vfs::zip::is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(vfs::zip::is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(vfs::zip::is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(vfs::zip::is_valid_utf8("\xe2\x98"));          // truncated
  EXPECT_TRUE(vfs::zip::is_valid_utf8("\xf0\x9f\x98\x80"));
}

// The reference vectors of SipHash-2-4 (key 00..0f, message 00..n-1), and
// SipHash-1-3 as Python computes it for str with PYTHONHASHSEED=0 (a zero
// key).
TEST(ZipNames, SipHash) {
  const std::uint64_t k0 = 0x0706050403020100, k1 = 0x0f0e0d0c0b0a0908;
  EXPECT_EQ((vfs::zip::siphash<2, 4>("", k0, k1)), 0x726fdb47dd0e0e31u);
  EXPECT_EQ((vfs::zip::siphash<2, 4>(std::string_view("\0", 1), k0, k1)), 0x74f839c593dc67fdu);
  std::string fifteen;
  for (char c = 0; c < 15; ++c) fifteen += c;
  EXPECT_EQ((vfs::zip::siphash<2, 4>(fifteen, k0, k1)), 0xa129ca6149be45e5u);
  EXPECT_EQ((vfs::zip::siphash<1, 3>("a", 0, 0)), 4644417185603328019u);
  EXPECT_EQ((vfs::zip::siphash<1, 3>("abcdefg", 0, 0)), 7904145750247929094u);
  EXPECT_EQ((vfs::zip::siphash<1, 3>("abcdefgh", 0, 0)), 4574395652268504554u);
  EXPECT_EQ((vfs::zip::siphash<1, 3>("module05/pkg123/sub3", 0, 0)), 2835880838882726939u);
  EXPECT_EQ((vfs::zip::siphash<1, 3>(std::string(100, 'x'), 0, 0)), 1359644457043326220u);
  const vfs::zip::NameHash hash;
  EXPECT_EQ(hash("a/b"), hash("a/b"));
  EXPECT_NE(hash("a/b"), hash("a/c"));
}

// ---------------------------------------------------------------------------
// Attributes

TEST(ZipAttributes, DosTime) {
  using vfs::zip::dos_time;
  EXPECT_EQ(dos_time((2020 - 1980) << 9 | 1 << 5 | 2, 3 << 11 | 4 << 5 | 3),
            utc(2020y / 1 / 2, 3h + 4min + 6s));
  // Out-of-range fields roll over as Go's time.Date does: day 0 of month 0
  // of 1980 is 1979-11-30.
  EXPECT_EQ(dos_time(0, 0), utc(1979y / 11 / 30));
  EXPECT_EQ(dos_time(0xFFFF, 0xFFFF),  // 2107, month 15, day 31, 31:63:62
            utc(2108y / 3 / 31, 31h + 63min + 62s));
}

TEST(ZipAttributes, NtfsTime) {
  EXPECT_EQ(vfs::zip::ntfs_time(116'444'736'000'000'000ULL + 15), Time(nanoseconds(1500)));
  EXPECT_FALSE(vfs::zip::ntfs_time(~0ULL).has_value());  // beyond 2262
  EXPECT_FALSE(vfs::zip::ntfs_time(0).has_value());      // 1601
}

TEST(ZipAttributes, Modes) {
  using vfs::zip::entry_mode;
  const auto str = [](vfs::FileMode m) { return m.to_string(); };
  EXPECT_EQ(str(entry_mode(3, 0100644u << 16, false)), "-rw-r--r--");
  EXPECT_EQ(str(entry_mode(3, 0120777u << 16, false)), "Lrwxrwxrwx");
  EXPECT_EQ(str(entry_mode(3, 0120777u << 16, true)), "drwxrwxrwx");   // a name with '/' is a dir
  EXPECT_EQ(str(entry_mode(19, 040755u << 16, false)), "drwxr-xr-x");  // macOS
  EXPECT_EQ(str(entry_mode(3, 060600u << 16, false)), "Drw-------");
  EXPECT_EQ(str(entry_mode(3, 020600u << 16, false)), "Dcrw-------");
  EXPECT_EQ(str(entry_mode(3, 0140600u << 16, false)), "Srw-------");
  EXPECT_EQ(str(entry_mode(3, 0103755u << 16, false)), "gtrwxr-xr-x");
  EXPECT_EQ(str(entry_mode(0, 0x01, false)), "-r--r--r--");
  EXPECT_EQ(str(entry_mode(0, 0x10, false)), "drwxrwxrwx");
  EXPECT_EQ(str(entry_mode(11, 0x11, false)), "dr-xr-xr-x");
  EXPECT_EQ(str(entry_mode(3, 0x10, false)), "drwxrwxrwx");  // Unix, no st_mode
  EXPECT_EQ(str(entry_mode(7, 0, true)), "drwxrwxrwx");
}

// ---------------------------------------------------------------------------
// Hand-built archives

TEST(ZipParse, HandBuiltArchive) {
  MemReaderAt r(build_zip(kThree).bytes);
  auto cd = parse(r);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  ASSERT_EQ(cd->entries.size(), 3u);
  EXPECT_EQ(cd->name(cd->entries[1]), "d/b.txt");
  EXPECT_EQ(entry_data(r, cd->entries[1]), "bravo");
  EXPECT_TRUE(cd->entries[2].mode.is_dir());
  EXPECT_FALSE(cd->zip64);
}

TEST(ZipParse, TooSmallOrEmpty) {
  EXPECT_TRUE(fails_with(parse(""), zip_errc::not_zip));
  EXPECT_TRUE(fails_with(parse(std::string(21, '\0')), zip_errc::not_zip));
  EXPECT_TRUE(fails_with(parse(std::string(4096, 'x')), zip_errc::not_zip));
  auto empty = index_of(build_zip({}).bytes);  // the 22-byte empty archive
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 1u);
  MemReaderAt r("");
  auto negative = vfs::zip::read_central_directory(r, -1);
  ASSERT_FALSE(negative.ok());
  EXPECT_TRUE(negative.error().is(vfs::errc::invalid));
}

// No prefix of an archive parses, and none crashes (a comment included).
TEST(ZipParse, EveryTruncationFails) {
  for (const std::string& comment : {std::string(), std::string("a comment")}) {
    const std::string bytes = build_zip(kThree, {.comment = comment}).bytes;
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      auto cd = parse(bytes.substr(0, n));
      EXPECT_FALSE(cd.ok()) << n;
      if (!cd.ok()) {
        EXPECT_TRUE(cd.error().is(vfs::errc::invalid)) << n;
      }
    }
  }
}

// Any byte changed anywhere: a clean result or a clean error, and an index
// whose names are all valid.
TEST(ZipParse, EveryByteCorruptedIsHandled) {
  const std::string bytes = build_zip(kThree, {.comment = "c"}).bytes;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (const char x : {'\x01', '\x80', '\xff'}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ x);
      auto ix = index_of(bad);
      if (!ix.ok()) continue;
      for (Index::Id id = 1; id < ix->size(); ++id) EXPECT_TRUE(vfs::valid_path(ix->name(id)));
    }
  }
}

TEST(ZipParse, BadDirectorySignature) {
  Built b = build_zip(kThree);
  b.bytes[b.central[1]] = 'Q';
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::bad_directory));
}

TEST(ZipParse, CountsThatDisagree) {
  Built b = build_zip(kThree);
  set16(b.bytes, b.end + kEndCount, 4);
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::count_mismatch));
  set16(b.bytes, b.end + kEndCount, 2);
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::count_mismatch));
  // More than the directory's bytes could hold: refused before reading it.
  set16(b.bytes, b.end + kEndCount, 0xFFFE);
  MemReaderAt r(b.bytes);
  EXPECT_TRUE(fails_with(parse(r), zip_errc::count_mismatch));
  EXPECT_EQ(r.reads.load(), 1);
}

// A zip64 end record claiming 2^32 (or 2^64 - 1) entries.
TEST(ZipParse, HugeClaimedCounts) {
  for (const std::uint64_t count : {std::uint64_t{1} << 32, ~std::uint64_t{0}}) {
    Built b = build_zip(kThree, {.zip64 = true});
    const std::size_t record = b.end - 20 - 56;
    std::string c;
    put64(c, count);
    b.bytes.replace(record + 24, 8, c);
    b.bytes.replace(record + 32, 8, c);
    EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::count_mismatch)) << count;
  }
}

TEST(ZipParse, Zip64EndRecords) {
  MemReaderAt r(build_zip(kThree, {.zip64 = true}).bytes);
  auto cd = parse(r);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  EXPECT_TRUE(cd->zip64);
  EXPECT_EQ(cd->entries.size(), 3u);
  EXPECT_EQ(entry_data(r, cd->entries[0]), "alpha");
}

// Maxed 16-bit fields without a locator mean what they say (as in Go).
TEST(ZipParse, MaxedFieldsWithoutZip64) {
  Built b = build_zip(kThree);
  set16(b.bytes, b.end + kEndCount, 0xFFFF);
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::count_mismatch));
}

TEST(ZipParse, LimitsAreNamed) {
  const std::string bytes = build_zip(kThree).bytes;
  auto many = parse(bytes, {.max_entries = 2});
  EXPECT_TRUE(fails_with(many, zip_errc::too_many_entries));
  EXPECT_NE(many.error().message().find("max_entries"), std::string::npos);
  EXPECT_NE(many.error().message().find("test.zip"), std::string::npos);
  auto big = parse(bytes, {.max_directory_bytes = 100});
  EXPECT_TRUE(fails_with(big, zip_errc::directory_too_large));
  EXPECT_NE(big.error().message().find("max_directory_bytes"), std::string::npos);
  auto name = parse(bytes, {.max_name_length = 6});
  EXPECT_TRUE(fails_with(name, zip_errc::name_too_long));
  EXPECT_NE(name.error().message().find("max_name_length"), std::string::npos);
  EXPECT_TRUE(parse(bytes, {.max_entries = 3, .max_directory_bytes = 200, .max_name_length = 7}));
}

// A legacy count (modulo 2^16) lets more records through than it claims:
// the limit still holds while parsing.
TEST(ZipParse, EntryLimitHoldsWhileParsing) {
  std::vector<RawEntry> entries(5, RawEntry{"x", ""});
  for (std::size_t i = 0; i < entries.size(); ++i) entries[i].name = "f" + std::to_string(i);
  const std::string bytes = build_zip(entries, {.count_mask = 0x0003}).bytes;  // claims 1
  EXPECT_TRUE(fails_with(parse(bytes), zip_errc::count_mismatch));
  EXPECT_TRUE(fails_with(parse(bytes, {.max_entries = 4}), zip_errc::too_many_entries));
}

// Index nodes count against max_entries: records plus synthesized parents.
TEST(ZipParse, IndexLimit) {
  const std::string bytes = build_zip({{"a/b/c", ""}, {"d", ""}}).bytes;
  EXPECT_TRUE(fails_with(index_of(bytes, {.max_entries = 3}), zip_errc::too_many_entries));
  EXPECT_TRUE(index_of(bytes, {.max_entries = 4}).ok());
}

// 100,000 entries, with zip64 end records, and with a legacy writer's count
// truncated to 16 bits.
TEST(ZipParse, ManyEntries) {
  std::vector<RawEntry> entries;
  for (int i = 0; i < 100'000; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "d%02d/f%06d", i % 100, i);
    entries.push_back({name, ""});
  }
  for (const EndOptions& opt : {EndOptions{.zip64 = true}, EndOptions{}}) {
    auto ix = index_of(build_zip(entries, opt).bytes);
    ASSERT_TRUE(ix.ok()) << ix.error().message();
    EXPECT_EQ(ix->size(), 1u + 100'000 + 100);
    EXPECT_EQ(ix->stats().synthesized_dirs, 100u);
    EXPECT_EQ(ix->children(ix->find("d42")).size(), 1000u);
    EXPECT_NE(ix->find("d42/f099942"), Index::kNone);
    EXPECT_EQ(ix->directory().zip64, opt.zip64);
  }
}

TEST(ZipParse, OffsetsOutsideTheData) {
  Built b = build_zip(kThree);
  set32(b.bytes, b.central[2] + kCentralOffset, static_cast<std::uint32_t>(b.directory));
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::offset_out_of_range));
  b = build_zip(kThree);  // data running into the directory
  set32(b.bytes, b.central[1] + kCentralCsize, 1000);
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::offset_out_of_range));
  b = build_zip(kThree);  // the directory's offset past the end record
  set32(b.bytes, b.end + kEndOffset, 0x7FFFFFFF);
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::offset_out_of_range));
  b = build_zip(kThree);  // a directory larger than what precedes the end record
  set32(b.bytes, b.end + kEndSize, static_cast<std::uint32_t>(b.end + 1));
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::offset_out_of_range));
  b = build_zip(kThree);  // a directory that claims 4 bytes before its start
  set32(b.bytes, b.end + kEndSize, static_cast<std::uint32_t>(b.end - b.directory + 4));
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::offset_out_of_range));
  b = build_zip(kThree);  // one that ends 4 bytes early: the last header is cut
  set32(b.bytes, b.end + kEndSize, static_cast<std::uint32_t>(b.end - b.directory - 4));
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::bad_directory));
}

// Entries that share bytes: the "overlapping zip bomb" (many records, one
// kernel of data), and data that runs into the next entry.
TEST(ZipParse, OverlappingEntries) {
  Built b = build_zip(kThree);
  set32(b.bytes, b.central[1] + kCentralOffset, 0);  // b.txt at a.txt's header
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::overlapping_entries));
  b = build_zip(kThree);
  set32(b.bytes, b.central[0] + kCentralCsize, static_cast<std::uint32_t>(b.local[1]));
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::overlapping_entries));
  // Records out of offset order are fine; out of order and overlapping not.
  Built r = build_zip(kThree);
  set32(r.bytes, r.central[0] + kCentralOffset, static_cast<std::uint32_t>(r.local[2]));
  set32(r.bytes, r.central[2] + kCentralOffset, 0);
  set32(r.bytes, r.central[0] + kCentralCsize, 0);
  set32(r.bytes, r.central[0] + kCentralUsize, 0);
  set32(r.bytes, r.central[2] + kCentralCsize, 5);
  set32(r.bytes, r.central[2] + kCentralUsize, 5);
  MemReaderAt reader(r.bytes);
  auto cd = parse(reader);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  EXPECT_EQ(cd->entries[2].room_end, r.local[1]);
  EXPECT_EQ(cd->entries[0].room_end, r.directory);
  set32(r.bytes, r.central[1] + kCentralOffset, 10);  // inside the first entry
  EXPECT_TRUE(fails_with(parse(r.bytes), zip_errc::overlapping_entries));
}

TEST(ZipParse, Zip64ExtraFields) {
  // Uncompressed size and offset overflowed, compressed size not: the extra
  // holds those two, in the spec's order.
  std::string body;
  put64(body, 5);  // uncompressed size
  put64(body, 0);  // local header offset
  RawEntry e{"a", "alpha"};
  e.central_extra = extra(0x0001, body);
  Built b = build_zip({e});
  set32(b.bytes, b.central[0] + kCentralUsize, 0xFFFFFFFF);
  set32(b.bytes, b.central[0] + kCentralOffset, 0xFFFFFFFF);
  MemReaderAt r(b.bytes);
  auto cd = parse(r);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  EXPECT_EQ(cd->entries[0].uncompressed_size, 5u);
  EXPECT_EQ(entry_data(r, cd->entries[0]), "alpha");
  // The compressed size overflowed too, and the extra lacks it.
  set32(b.bytes, b.central[0] + kCentralCsize, 0xFFFFFFFF);
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::bad_directory));
  // No extra at all.
  b = build_zip({{"a", "alpha"}});
  set32(b.bytes, b.central[0] + kCentralCsize, 0xFFFFFFFF);
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::bad_directory));
  // A size beyond 2^63 - 1.
  std::string huge;
  put64(huge, ~std::uint64_t{0});
  e.central_extra = extra(0x0001, huge);
  b = build_zip({e});
  set32(b.bytes, b.central[0] + kCentralUsize, 0xFFFFFFFF);
  EXPECT_TRUE(fails_with(parse(b.bytes), zip_errc::bad_directory));
}

TEST(ZipParse, TimeExtraFields) {
  std::string ut = "\x01";
  put32(ut, 1'600'000'000);
  std::string unix_extra;
  put32(unix_extra, 1);  // atime
  put32(unix_extra, 1'500'000'000);
  std::string ntfs;
  put32(ntfs, 0);
  put16(ntfs, 1);
  put16(ntfs, 24);
  put64(ntfs, 116'444'736'000'000'000ULL + 1'400'000'000ULL * 10'000'000);
  put64(ntfs, 0);
  put64(ntfs, 0);
  std::vector<RawEntry> entries = {{"ut", ""}, {"ux", ""}, {"ntfs", ""}, {"both", ""}, {"bad", ""}};
  entries[0].central_extra = extra(0x5455, ut);
  entries[1].central_extra = extra(0x5855, unix_extra);
  entries[2].central_extra = extra(0x000a, ntfs);
  entries[3].central_extra = extra(0x000a, ntfs) + extra(0x5455, ut);  // the last wins
  entries[4].central_extra =
      extra(0x5455, std::string_view("\0", 1)) + "\x55\x54\xff";  // no mtime, torn tail
  auto cd = parse(build_zip(entries).bytes);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  EXPECT_EQ(cd->entries[0].modified, Time(seconds(1'600'000'000)));
  EXPECT_EQ(cd->entries[1].modified, Time(seconds(1'500'000'000)));
  EXPECT_EQ(cd->entries[2].modified, Time(seconds(1'400'000'000)));
  EXPECT_EQ(cd->entries[3].modified, Time(seconds(1'600'000'000)));
  EXPECT_EQ(cd->entries[4].modified, utc(2020y / 1 / 2, 3h + 4min + 6s));
}

TEST(ZipParse, EncryptedEntriesAreMarked) {
  std::vector<RawEntry> entries = {{"plain", "x"}, {"secret", "y"}, {"strong", "z"}};
  entries[1].flags = vfs::zip::kFlagEncrypted;
  entries[2].flags = vfs::zip::kFlagEncrypted | vfs::zip::kFlagStrongEncryption;
  auto cd = parse(build_zip(entries).bytes);
  ASSERT_TRUE(cd.ok());
  EXPECT_FALSE(cd->entries[0].encrypted());
  EXPECT_TRUE(cd->entries[1].encrypted());
  EXPECT_TRUE(cd->entries[2].encrypted());
}

// The end record's signature inside a comment: a fake that describes no
// directory is passed over; the last one that does wins.
TEST(ZipParse, EndRecordSignatureInTheComment) {
  std::string fake = "PK\5\6";
  put16(fake, 0);
  put16(fake, 0);
  put16(fake, 1);
  put16(fake, 1);
  put32(fake, 0x10000000);  // a directory larger than the archive
  put32(fake, 0);
  put16(fake, 0);
  auto cd = parse(build_zip(kThree, {.comment = "x" + fake}).bytes);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  EXPECT_EQ(cd->entries.size(), 3u);
  EXPECT_EQ(cd->comment, "x" + fake);
  // A fake describing a valid (empty) directory wins: it is the last valid one.
  std::string empty = "PK\5\6";
  put16(empty, 0);
  put16(empty, 0);
  put16(empty, 0);
  put16(empty, 0);
  put32(empty, 0);
  put32(empty, 0);
  put16(empty, 0);
  Built b = build_zip(kThree, {.comment = empty});
  cd = parse(b.bytes);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  EXPECT_EQ(cd->entries.size(), 0u);
}

TEST(ZipParse, LongestComment) {
  const std::string comment(0xFFFF, 'c');
  auto cd = parse(build_zip(kThree, {.comment = comment}).bytes);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  EXPECT_EQ(cd->comment, comment);
  // One byte more of trailing junk puts the record out of reach.
  EXPECT_TRUE(
      fails_with(parse(build_zip(kThree, {.comment = comment}).bytes + "j"), zip_errc::not_zip));
}

// Go's fallback: junk between the directory and the end record, with
// offsets from the start of the file.
TEST(ZipParse, JunkBeforeTheEndRecord) {
  Built b = build_zip(kThree);
  b.bytes.insert(b.end, "junk");
  MemReaderAt r(b.bytes);
  auto cd = parse(r);
  ASSERT_TRUE(cd.ok()) << cd.error().message();
  EXPECT_EQ(cd->base_offset, 0u);
  EXPECT_EQ(entry_data(r, cd->entries[1]), "bravo");
}

TEST(ZipLocalHeader, DataOffset) {
  std::vector<RawEntry> entries = kThree;
  entries[0].local_extra = extra(0x5455, "\x01\x02\x03\x04\x05");  // local only
  Built b = build_zip(entries);
  MemReaderAt r(b.bytes);
  auto cd = parse(r);
  ASSERT_TRUE(cd.ok());
  EXPECT_EQ(*vfs::zip::local_data_offset(r, cd->entries[0]), 30u + 5 + 9);
  EXPECT_EQ(entry_data(r, cd->entries[0]), "alpha");

  std::string bad = b.bytes;  // no signature
  bad[b.local[1]] = 'X';
  MemReaderAt rb(bad);
  EXPECT_TRUE(
      fails_with(vfs::zip::local_data_offset(rb, cd->entries[1]), zip_errc::bad_local_header));
  // A local extra length that pushes the data into the next entry.
  std::string pushed = b.bytes;
  set16(pushed, b.local[1] + 28, 40);
  MemReaderAt rp(pushed);
  EXPECT_TRUE(
      fails_with(vfs::zip::local_data_offset(rp, cd->entries[1]), zip_errc::overlapping_entries));
  // A header cut short by the end of the archive.
  MemReaderAt rt(b.bytes.substr(0, b.local[2] + 10));
  EXPECT_TRUE(fails_with(vfs::zip::local_data_offset(rt, cd->entries[2]), zip_errc::truncated));
}

// A read that fails is that failure, not a format error.
TEST(ZipParse, ReadErrorsPassThrough) {
  class Failing final : public vfs::ReaderAt {
   public:
    vfs::Result<std::size_t> read_at(std::span<char>, std::int64_t) override {
      return vfs::Error::from_errno("read", "disk", EIO);
    }
  } failing;
  auto cd = vfs::zip::read_central_directory(failing, 1000);
  ASSERT_FALSE(cd.ok());
  EXPECT_EQ(cd.error().code(), std::error_code(EIO, std::system_category()));
}

// ---------------------------------------------------------------------------
// The index

TEST(ZipIndex, SortedByDirectoryThenName) {
  auto ix =
      index_of(build_zip({{"b/z", ""}, {"B", ""}, {"a", ""}, {"b/a", ""}, {"b/c/d", ""}}).bytes);
  ASSERT_TRUE(ix.ok());
  EXPECT_EQ(node_names(*ix),
            (std::vector<std::string>{"B", "a", "b", "b/a", "b/c", "b/z", "b/c/d"}));
  EXPECT_EQ(child_names(*ix, "."), (std::vector<std::string>{"B", "a", "b"}));
  EXPECT_EQ(child_names(*ix, "b"), (std::vector<std::string>{"a", "c", "z"}));
  EXPECT_EQ(child_names(*ix, "b/c"), (std::vector<std::string>{"d"}));
  EXPECT_TRUE(ix->children(ix->find("b/z")).empty());
  for (Index::Id id = 0; id < ix->size(); ++id) EXPECT_EQ(ix->find(ix->name(id)), id);
  // A synthesized directory: Go's dr-xr-xr-x, no time, no record.
  const vfs::FileInfo c = ix->info(ix->find("b/c"));
  EXPECT_EQ(c.name, "c");
  EXPECT_EQ(c.mode.to_string(), "dr-xr-xr-x");
  EXPECT_EQ(c.mod_time, Time());
  EXPECT_EQ(ix->entry(ix->find("b/c")), nullptr);
  for (const char* bad : {"", "/", "b/", "/b", "b//a", "./b", "b/../a"}) {
    EXPECT_EQ(ix->find(bad), Index::kNone) << bad;
  }
}

// A directory record keeps its own metadata over the synthesized twin.
TEST(ZipIndex, DirectoryRecordAfterItsChildren) {
  RawEntry dir{"d/", ""};
  dir.external_attrs = 040700u << 16;
  auto ix = index_of(build_zip({{"d/f", "x"}, dir}).bytes);
  ASSERT_TRUE(ix.ok());
  EXPECT_EQ(ix->size(), 3u);
  EXPECT_EQ(ix->info(ix->find("d")).mode.to_string(), "drwx------");
  EXPECT_FALSE(ix->had_duplicates(ix->find("d")));
  EXPECT_EQ(ix->stats().synthesized_dirs, 0u);
}

TEST(ZipIndex, FlaggedNameThatIsNotUtf8IsDropped) {
  RawEntry bad{"bad\xff", "x"};
  bad.flags = vfs::zip::kFlagUtf8;
  auto ix = index_of(build_zip({bad, {"unflagged\xff", "y"}}).bytes);
  ASSERT_TRUE(ix.ok());
  EXPECT_EQ(node_names(*ix), (std::vector<std::string>{"unflagged\u00a0"}));
  EXPECT_EQ(ix->stats().invalid_names, 1u);
}

}  // namespace
