// The checkpoint index (src/gzip/index.h), random access through it
// (indexed_reader.h) and its files (index_file.h): reads compared with the
// plain stream and with indexed_gzip (python3-indexed-gzip, through
// gzip_oracle.py), index files exchanged with indexed_gzip both ways, and
// damaged index files.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gzip/gzip_error.h"
#include "gzip/gzip_reader.h"
#include "gzip/index.h"
#include "gzip/index_file.h"
#include "gzip/indexed_reader.h"
#include "gzip_test_util.h"
#include "mem_reader_at.h"
#include "test_util.h"

namespace {

using vfs::gzip::gzip_errc;
using vfs::gzip::GzipIndex;
using vfs::gzip::IndexedGzipReader;
using vfs::gzip::IndexFormat;
using vfs::gzip::IndexOptions;
using vfs_test::fails_with;
using vfs_test::fixture_gz;
using vfs_test::fixture_out;
using vfs_test::MemReaderAt;

constexpr std::uint64_t kSpan = 64 * 1024;  // small, for many points in small files

std::shared_ptr<const GzipIndex> build(MemReaderAt& gz, std::uint64_t span = kSpan) {
  auto index = GzipIndex::build(gz, gz.size(), IndexOptions{.span = span});
  if (!index) ADD_FAILURE() << index.error().message();
  return std::make_shared<const GzipIndex>(std::move(index).value());
}

std::unique_ptr<IndexedGzipReader> open(MemReaderAt& gz, std::shared_ptr<const GzipIndex> index) {
  return IndexedGzipReader::open(gz, gz.size(), std::move(index)).value();
}

std::string read_at(vfs::ReaderAt& r, std::int64_t offset, std::size_t len) {
  std::string buf(len, '\0');
  auto n = r.read_at(buf, offset);
  if (!n) {
    ADD_FAILURE() << "read_at(" << offset << ", " << len << "): " << n.error().message();
    return "";
  }
  buf.resize(*n);
  return buf;
}

// Random (offset, length) pairs over `size` bytes, lengths from 1 byte to
// a few spans, some running past the end.
std::vector<std::pair<std::int64_t, std::size_t>> random_reads(std::size_t size, int count,
                                                               unsigned seed = 1) {
  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::int64_t, std::size_t>> out;
  const std::size_t lens[] = {1, 100, 4096, 70'000, 300'000};
  for (int i = 0; i < count; ++i) {
    out.emplace_back(static_cast<std::int64_t>(rng() % (size + 1)), lens[rng() % 5]);
  }
  return out;
}

class GzipIndexFixture : public testing::Test {
 protected:
  void SetUp() override {
    if (!vfs_test::have_fixture_tools()) GTEST_SKIP() << "needs python3, gzip and igzip";
  }
};

class GzipIndexFixtures : public GzipIndexFixture,
                          public testing::WithParamInterface<const char*> {};

// Random reads through the index give the stream's bytes, whatever made the
// file: members, stored and fixed blocks, zero padding.
TEST_P(GzipIndexFixtures, ReadAtMatchesTheStream) {
  MemReaderAt gz(fixture_gz(GetParam()));
  const std::string want = fixture_out(GetParam());
  auto index = build(gz);
  EXPECT_EQ(index->uncompressed_size(), want.size());
  EXPECT_EQ(index->compressed_size(), gz.data().size());
  auto r = open(gz, index);
  EXPECT_EQ(r->size(), static_cast<std::int64_t>(want.size()));
  for (const auto& [off, len] : random_reads(want.size(), 60)) {
    const std::string got = read_at(*r, off, len);
    ASSERT_TRUE(got == want.substr(static_cast<std::size_t>(off), len))
        << GetParam() << ": read_at(" << off << ", " << len << ")";
  }
}

// Every point is where it says: resuming there gives the stream's bytes.
TEST_P(GzipIndexFixtures, EveryPointResumes) {
  MemReaderAt gz(fixture_gz(GetParam()));
  const std::string want = fixture_out(GetParam());
  auto index = build(gz);
  for (const GzipIndex::Point& p : index->points()) {
    // One index per point: a fresh reader cannot take a shortcut.
    vfs::gzip::IndexBuilder one(kSpan);
    one.add(p.bit_offset, 0, p.member_start, index->window(p));
    auto single = std::make_shared<const GzipIndex>(
        std::move(one).finish(index->compressed_size(), want.size() - p.out_offset));
    auto r = open(gz, single);
    const std::string got = read_at(*r, 0, 5000);
    ASSERT_TRUE(got == want.substr(p.out_offset, 5000))
        << GetParam() << ": point at bit " << p.bit_offset << ", out " << p.out_offset;
  }
}

// Sequential read() to the end, in odd pieces, and seek.
TEST_P(GzipIndexFixtures, ReadAndSeek) {
  MemReaderAt gz(fixture_gz(GetParam()));
  const std::string want = fixture_out(GetParam());
  auto r = open(gz, build(gz));
  auto all = vfs_test::drain(*r, 40'009);
  ASSERT_TRUE(all) << all.error().message();
  EXPECT_TRUE(*all == want);
  const auto mid = static_cast<std::int64_t>(want.size() / 3);
  ASSERT_EQ(r->seek(mid, vfs::Whence::begin).value(), mid);
  std::string buf(1000, '\0');
  auto n = r->read(buf);
  ASSERT_TRUE(n);
  EXPECT_EQ(buf.substr(0, *n), want.substr(static_cast<std::size_t>(mid), 1000));
  EXPECT_EQ(r->seek(0, vfs::Whence::end).value(), r->size());
  EXPECT_EQ(r->read(buf).value(), 0u);
  EXPECT_FALSE(r->seek(-1, vfs::Whence::begin));
}

INSTANTIATE_TEST_SUITE_P(Gzip, GzipIndexFixtures,
                         testing::Values("text_gzip6", "text_igzip0", "text_igzip3", "zlib_stored",
                                         "zlib_fixed", "zlib_level1", "binary", "members",
                                         "many_members", "headers", "zero_padded", "big"));

// ---------------------------------------------------------------------------
// Where points are

TEST_F(GzipIndexFixture, PointsComeAboutEverySpan) {
  MemReaderAt gz(fixture_gz("big"));
  auto index = build(gz, 1 << 20);
  const auto& pts = index->points();
  ASSERT_GE(pts.size(), 7u);  // 8 MiB
  EXPECT_TRUE(pts[0].member_start);
  EXPECT_EQ(pts[0].out_offset, 0u);
  EXPECT_EQ(pts[0].bit_offset, 10u * 8);  // right after gzip -n's 10-byte header
  for (std::size_t i = 1; i < pts.size(); ++i) {
    const std::uint64_t gap = pts[i].out_offset - pts[i - 1].out_offset;
    EXPECT_GE(gap, 1u << 20);
    EXPECT_LE(gap, (1u << 20) + (256u << 10) + (256u << 10));  // one call, one block
    EXPECT_EQ(pts[i].window_size, 32u * 1024);
    EXPECT_FALSE(pts[i].member_start);
  }
}

// With a span of 1, a point at every block end and at every member start
// that is not at the same offset as the point before (an empty member's).
TEST_F(GzipIndexFixture, MemberStartsNeedNoWindow) {
  MemReaderAt gz(fixture_gz("many_members"));
  auto index = build(gz, 1);
  std::uint64_t starts = 0;
  for (const GzipIndex::Point& p : index->points()) {
    if (p.member_start) {
      ++starts;
      EXPECT_EQ(p.window_size, 0u);
    }
    EXPECT_LE(p.window_size, 32u * 1024);
  }
  vfs_test::BytesReader source(gz.data());
  auto stream = vfs::gzip::GzipReader::open(source).value();
  ASSERT_TRUE(vfs_test::drain(stream));
  EXPECT_LE(starts, stream.members());
  EXPECT_GE(starts, stream.members() * 2 / 3);  // a sixth of them are empty
}

// Recording while streaming makes build()'s index when read the same way
// (build reads 1 MiB at a time; the reads decide where within a span the
// inflater notices a point is due), and a good one whatever the reads.
TEST_F(GzipIndexFixture, RecordingWhileStreaming) {
  MemReaderAt gz(fixture_gz("members"));
  const std::string want = fixture_out("members");
  auto built = build(gz);
  for (const std::size_t read_size : {std::size_t{1} << 20, std::size_t{10'007}}) {
    vfs_test::BytesReader source(gz.data());
    const IndexOptions options{.span = kSpan};
    auto r = vfs::gzip::GzipReader::open(source, {}, &options).value();
    EXPECT_FALSE(r.take_index());  // not at the end yet
    ASSERT_TRUE(vfs_test::drain(r, read_size));
    auto recorded = r.take_index();
    ASSERT_TRUE(recorded) << recorded.error().message();
    if (read_size == std::size_t{1} << 20) {
      EXPECT_EQ(vfs::gzip::serialize_index(*recorded).value(),
                vfs::gzip::serialize_index(*built).value());
    }
    auto ir = open(gz, std::make_shared<const GzipIndex>(*std::move(recorded)));
    for (const auto& [off, len] : random_reads(want.size(), 30)) {
      ASSERT_TRUE(read_at(*ir, off, len) == want.substr(static_cast<std::size_t>(off), len));
    }
  }
}

// A read that starts at a member's start checks its CRC at its end.
TEST_F(GzipIndexFixture, ReadFromAMemberStartChecksItsCrc) {
  std::string bytes = fixture_gz("small_members");
  MemReaderAt good(bytes);
  auto index = build(good, 1);
  const std::string first = "\x1f\x8b";
  const std::size_t second = bytes.find(first, 1);
  ASSERT_NE(second, std::string::npos);
  bytes[second - 8] ^= 1;  // the first member's CRC
  MemReaderAt bad(bytes);
  auto r = open(bad, index);
  std::string buf(400, '\0');  // the member has 300 bytes: the read crosses its trailer
  EXPECT_TRUE(fails_with(r->read_at(buf, 0), gzip_errc::crc_mismatch));
  // A read that stops before the trailer cannot tell.
  EXPECT_EQ(r->read_at({buf.data(), 300}, 0).value(), 300u);
}

TEST_F(GzipIndexFixture, EdgesOfReadAt) {
  MemReaderAt gz(fixture_gz("text_gzip6"));
  auto r = open(gz, build(gz));
  const std::int64_t size = r->size();
  std::string buf(10, '\0');
  EXPECT_EQ(r->read_at(buf, size - 3).value(), 3u);
  EXPECT_EQ(r->read_at(buf, size).value(), 0u);
  EXPECT_EQ(r->read_at(buf, size + 100).value(), 0u);
  EXPECT_EQ(r->read_at({buf.data(), 0}, 5).value(), 0u);
  EXPECT_TRUE(r->read_at(buf, -1).error().is(vfs::errc::invalid));

  MemReaderAt empty(fixture_gz("empty"));
  auto e = open(empty, build(empty));
  EXPECT_EQ(e->size(), 0);
  EXPECT_EQ(e->read_at(buf, 0).value(), 0u);
}

TEST_F(GzipIndexFixture, IndexOfAnotherFileIsRefused) {
  MemReaderAt gz(fixture_gz("text_gzip6"));
  auto index = build(gz);
  MemReaderAt other(fixture_gz("text_gzip9"));
  EXPECT_TRUE(
      fails_with(IndexedGzipReader::open(other, other.size(), index), gzip_errc::index_mismatch));
  // One that claims more data than the file has fails when it runs out.
  vfs::gzip::IndexBuilder b(kSpan);
  b.add(index->points()[0].bit_offset, 0, true, {});
  auto longer = std::make_shared<const GzipIndex>(
      std::move(b).finish(index->compressed_size(), index->uncompressed_size() + 10));
  auto r = open(gz, longer);
  std::string buf(100, '\0');
  EXPECT_TRUE(fails_with(r->read_at(buf, r->size() - 50), gzip_errc::index_mismatch));
}

// ---------------------------------------------------------------------------
// Concurrency: read_at from many threads at once, each its own state.

TEST(ConcurrencyGzip, ReadAtFromManyThreads) {
  if (!vfs_test::have_fixture_tools()) GTEST_SKIP() << "needs python3, gzip and igzip";
  MemReaderAt gz(fixture_gz("members"));
  const std::string want = fixture_out("members");
  auto r = open(gz, build(gz));
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (unsigned t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (const auto& [off, len] : random_reads(want.size(), 40, t + 10)) {
        std::string buf(len, '\0');
        auto n = r->read_at(buf, off);
        if (!n || buf.substr(0, *n) != want.substr(static_cast<std::size_t>(off), len)) ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

// ---------------------------------------------------------------------------
// Index files

std::string bytes_of(const GzipIndex& index, IndexFormat format) {
  return vfs::gzip::serialize_index(index, format).value();
}

vfs::Result<GzipIndex> parse(const std::string& file) {
  return vfs::gzip::parse_index(file, "test.idx");
}

TEST_F(GzipIndexFixture, SaveLoadGivesTheSameIndex) {
  MemReaderAt gz(fixture_gz("members"));
  auto index = build(gz);
  const std::string file = bytes_of(*index, IndexFormat::vfs);
  auto loaded = parse(file);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(bytes_of(*loaded, IndexFormat::vfs), file);

  // Through a Writer and a ReaderAt, as a file would go.
  vfs::StringWriter w;
  ASSERT_TRUE(vfs::gzip::save_index(*index, w, IndexFormat::vfs));
  MemReaderAt f(w.data);
  auto from_file = vfs::gzip::load_index(f, f.size());
  ASSERT_TRUE(from_file);
  EXPECT_EQ(bytes_of(*from_file, IndexFormat::vfs), file);
  EXPECT_TRUE(fails_with(vfs::gzip::load_index(f, f.size(), "x", 100), gzip_errc::index_too_large));
}

TEST_F(GzipIndexFixture, GzidxRoundTripReadsTheSame) {
  MemReaderAt gz(fixture_gz("members"));
  const std::string want = fixture_out("members");
  auto index = build(gz);
  const std::string file = bytes_of(*index, IndexFormat::gzidx);
  auto loaded = parse(file);
  ASSERT_TRUE(loaded) << loaded.error().message();
  ASSERT_EQ(loaded->points().size(), index->points().size());
  EXPECT_EQ(bytes_of(*loaded, IndexFormat::gzidx), file);
  auto r = open(gz, std::make_shared<const GzipIndex>(*std::move(loaded)));
  for (const auto& [off, len] : random_reads(want.size(), 40)) {
    ASSERT_TRUE(read_at(*r, off, len) == want.substr(static_cast<std::size_t>(off), len));
  }
}

// Any damage to a vfs index file is an error: a flipped bit anywhere, any
// truncation.
TEST_F(GzipIndexFixture, DamagedIndexFilesAreRefused) {
  MemReaderAt gz(fixture_gz("small_members"));
  auto index = build(gz, 1);
  const std::string file = bytes_of(*index, IndexFormat::vfs);
  ASSERT_LT(file.size(), 20'000u);
  for (std::size_t i = 0; i < file.size(); ++i) {
    std::string bad = file;
    bad[i] ^= static_cast<char>(1 << (i % 8));
    ASSERT_TRUE(fails_with(parse(bad), gzip_errc::bad_index)) << "flipped byte " << i;
  }
  for (std::size_t len = 0; len < file.size(); ++len) {
    ASSERT_TRUE(fails_with(parse(file.substr(0, len)), gzip_errc::bad_index)) << "cut at " << len;
  }
  EXPECT_TRUE(fails_with(parse(file + "x"), gzip_errc::bad_index));
}

TEST_F(GzipIndexFixture, DamagedGzidxFilesAreRefused) {
  MemReaderAt gz(fixture_gz("text_gzip6"));
  const std::string file = bytes_of(*build(gz, 1 << 20), IndexFormat::gzidx);
  for (std::size_t len = 0; len < file.size(); len += len < 200 ? 1 : 4099) {
    ASSERT_TRUE(fails_with(parse(file.substr(0, len)), gzip_errc::bad_index)) << "cut at " << len;
  }
  EXPECT_TRUE(fails_with(parse(file + "x"), gzip_errc::bad_index));
  // Counts that the file cannot hold are refused before anything is
  // allocated for them.
  std::string huge = file;
  huge[31] = huge[32] = huge[33] = huge[34] = '\xff';  // 4 billion points
  EXPECT_TRUE(fails_with(parse(huge), gzip_errc::bad_index));
  std::string small_window = file;
  small_window[28] = 0x40;  // a window size of 16 KiB
  EXPECT_TRUE(fails_with(parse(small_window), gzip_errc::bad_index));
  std::string beyond_int64 = file;
  beyond_int64[22] = '\x80';  // an uncompressed size of 2^63 and more
  EXPECT_TRUE(fails_with(parse(beyond_int64), gzip_errc::bad_index));
  std::string later = file;
  later[5] = 2;  // a version we do not know
  EXPECT_TRUE(fails_with(parse(later), gzip_errc::bad_index));
  EXPECT_TRUE(fails_with(parse("GZIDY"), gzip_errc::bad_index));
}

// ---------------------------------------------------------------------------
// indexed_gzip as the oracle

class GzipOracle : public GzipIndexFixture {
 protected:
  void SetUp() override {
    GzipIndexFixture::SetUp();
    if (IsSkipped()) return;
    if (vfs_test::oracle_python().empty()) GTEST_SKIP() << "needs python3-indexed-gzip";
  }
  vfs_test::TempDir dir_;
};

std::string offsets_arg(const std::vector<std::pair<std::int64_t, std::size_t>>& reads) {
  std::string s;
  for (const auto& r : reads) s += " " + std::to_string(r.first);
  return s;
}

// Our read_at against indexed_gzip's seek + read at the same offsets.
TEST_F(GzipOracle, RandomReadsMatchIndexedGzip) {
  for (const char* name : {"big", "members"}) {
    const std::string path = vfs_test::fixture(name) + ".gz";
    MemReaderAt gz(fixture_gz(name));
    auto r = open(gz, build(gz));
    constexpr std::size_t kLen = 20'000;
    const auto reads = random_reads(static_cast<std::size_t>(r->size()), 50, 3);
    const std::string out = dir_ / "oracle.bin";
    vfs_test::oracle("read '" + path + "' '" + out + "' 1048576 " + std::to_string(kLen) +
                     offsets_arg(reads));
    std::string ours;
    for (const auto& [off, len] : reads) ours += read_at(*r, off, kLen);
    EXPECT_TRUE(ours == vfs_test::read_whole(out)) << name;
  }
}

TEST_F(GzipOracle, WeReadIndexedGzipsIndex) {
  const std::string path = vfs_test::fixture("big") + ".gz";
  const std::string idx = dir_ / "big.gzidx";
  vfs_test::oracle("export '" + path + "' '" + idx + "' 1048576");
  auto index = parse(vfs_test::read_whole(idx));
  ASSERT_TRUE(index) << index.error().message();
  EXPECT_GE(index->points().size(), 8u);
  MemReaderAt gz(fixture_gz("big"));
  const std::string want = fixture_out("big");
  auto r = open(gz, std::make_shared<const GzipIndex>(*std::move(index)));
  for (const auto& [off, len] : random_reads(want.size(), 50, 4)) {
    ASSERT_TRUE(read_at(*r, off, len) == want.substr(static_cast<std::size_t>(off), len))
        << "read_at(" << off << ", " << len << ")";
  }
}

TEST_F(GzipOracle, IndexedGzipReadsOurIndex) {
  for (const char* name : {"big", "many_members"}) {
    const std::string path = vfs_test::fixture(name) + ".gz";
    MemReaderAt gz(fixture_gz(name));
    const std::string want = fixture_out(name);
    const std::string idx = dir_ / "ours.gzidx";
    vfs_test::write_whole(idx, bytes_of(*build(gz, 100'000), IndexFormat::gzidx));
    constexpr std::size_t kLen = 5000;
    const auto reads = random_reads(want.size(), 50, 5);
    const std::string out = dir_ / "oracle.bin";
    vfs_test::oracle("import '" + path + "' '" + idx + "' '" + out + "' " + std::to_string(kLen) +
                     offsets_arg(reads));
    std::string expected;
    for (const auto& [off, len] : reads)
      expected += want.substr(static_cast<std::size_t>(off), kLen);
    EXPECT_TRUE(vfs_test::read_whole(out) == expected) << name;
  }
}

}  // namespace
