// The streaming gzip reader (src/gzip/gzip_reader.h): files made at test
// time by gzip, igzip, Python's gzip and zlib (gzip_fixtures.py), compared
// byte for byte with what `gzip -dc` makes of them; hand-made corruptions;
// the limits that bound a bomb.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "gzip/crc32.h"
#include "gzip/gzip_error.h"
#include "gzip/gzip_reader.h"
#include "gzip_test_util.h"

namespace {

using vfs::gzip::gzip_errc;
using vfs::gzip::GzipReader;
using vfs::gzip::Options;
using vfs_test::BytesReader;
using vfs_test::fails_with;
using vfs_test::fixture_gz;
using vfs_test::fixture_out;
using vfs_test::gunzip;

class GzipFixture : public testing::Test {
 protected:
  void SetUp() override {
    if (!vfs_test::have_fixture_tools()) GTEST_SKIP() << "needs python3, gzip and igzip";
  }
};

class GzipFixtures : public GzipFixture, public testing::WithParamInterface<const char*> {};

// Every fixture inflates to gzip -dc's bytes, read in large and odd-sized
// pieces.
TEST_P(GzipFixtures, SameBytesAsGzip) {
  const std::string gz = fixture_gz(GetParam());
  const std::string want = fixture_out(GetParam());
  for (const std::size_t read_size : {std::size_t{1} << 20, std::size_t{4093}}) {
    auto got = gunzip(gz, {}, read_size);
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_TRUE(*got == want) << GetParam() << ": " << got->size() << " bytes, want "
                              << want.size();
  }
}

// A source that gives a few bytes at a time cuts headers, deflate blocks
// and trailers at every kind of place.
TEST_P(GzipFixtures, SameBytesFromATrickle) {
  const std::string gz = fixture_gz(GetParam());
  if (gz.size() > 500'000) GTEST_SKIP() << "large: covered by SameBytesAsGzip";
  for (const std::size_t chunk : {1, 3, 1000}) {
    if (chunk < 1000 && gz.size() > 50'000) continue;
    auto got = gunzip(gz, {}, 777, chunk);
    ASSERT_TRUE(got) << "chunk " << chunk << ": " << got.error().message();
    EXPECT_TRUE(*got == fixture_out(GetParam())) << "chunk " << chunk;
  }
}

INSTANTIATE_TEST_SUITE_P(Gzip, GzipFixtures,
                         testing::Values("text_gzip1", "text_gzip6", "text_gzip9", "text_igzip0",
                                         "text_igzip3", "text_python", "zlib_stored", "zlib_fixed",
                                         "zlib_level1", "zlib_level9", "binary", "empty", "members",
                                         "many_members", "headers", "headers_only_crc",
                                         "zero_padded", "small", "small_members"));

// ---------------------------------------------------------------------------
// Headers and members

TEST_F(GzipFixture, HeaderFieldsAsWritten) {
  BytesReader source(fixture_gz("headers"));
  auto r = GzipReader::open(source);
  ASSERT_TRUE(r) << r.error().message();
  const vfs::gzip::Header& h = r->header();
  EXPECT_EQ(h.name, "na\xefve.txt");  // Latin-1 bytes, as written
  EXPECT_EQ(h.comment, "a comment");
  std::string extra = std::string("AB\x04\x00", 4) + "data";
  for (int i = 0; i < 256; ++i) extra += static_cast<char>(i);
  EXPECT_EQ(h.extra, extra);
  EXPECT_EQ(h.mtime, 1'700'000'000u);
  EXPECT_EQ(h.os, 3);
  EXPECT_TRUE(h.has_crc);
}

TEST_F(GzipFixture, CountsMembersAndTrailingZeros) {
  BytesReader members(fixture_gz("members"));
  auto r = GzipReader::open(members);
  ASSERT_TRUE(r);
  ASSERT_TRUE(vfs_test::drain(*r));
  EXPECT_EQ(r->members(), 5u);  // three of them empty
  EXPECT_EQ(r->trailing_zeros(), 0u);

  BytesReader padded(fixture_gz("zero_padded"));
  auto p = GzipReader::open(padded);
  ASSERT_TRUE(p);
  ASSERT_TRUE(vfs_test::drain(*p));
  EXPECT_EQ(p->members(), 1u);
  EXPECT_EQ(p->trailing_zeros(), 1000u);
}

// The smallest member: empty deflate data (a final fixed block with only
// its end code), no name.
std::string empty_member() {
  return std::string(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);
}

TEST(Gzip, EmptyMembersMakeNoBytes) {
  auto got = gunzip(empty_member() + empty_member());
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(*got, "");
}

// ---------------------------------------------------------------------------
// Refusals: each a clear error, never a crash or silent damage

TEST(Gzip, RefusesWhatIsNotGzip) {
  EXPECT_TRUE(fails_with(gunzip(""), gzip_errc::truncated));
  EXPECT_TRUE(fails_with(gunzip("x"), gzip_errc::not_gzip));
  EXPECT_TRUE(fails_with(gunzip("\x1f"), gzip_errc::truncated));
  EXPECT_TRUE(fails_with(gunzip("PK\x03\x04 a zip"), gzip_errc::not_gzip));
  EXPECT_TRUE(fails_with(gunzip("\x1f\x8c\x08\x00"), gzip_errc::not_gzip));
}

TEST(Gzip, RefusesBadHeaders) {
  std::string m = empty_member();
  m[2] = 7;  // a method other than deflate
  EXPECT_TRUE(fails_with(gunzip(m), gzip_errc::bad_header));
  for (const int bit : {5, 6, 7}) {
    m = empty_member();
    m[3] = static_cast<char>(1 << bit);  // a reserved flag
    EXPECT_TRUE(fails_with(gunzip(m), gzip_errc::bad_header)) << bit;
  }
  m = empty_member();
  m[3] = 2;  // FHCRC, and a wrong CRC where the deflate data was
  m.insert(10, "\x12\x34", 2);
  EXPECT_TRUE(fails_with(gunzip(m), gzip_errc::bad_header));
}

TEST_F(GzipFixture, HeaderCrcIsChecked) {
  std::string gz = fixture_gz("headers_only_crc");
  ASSERT_TRUE(gunzip(gz));
  gz[10] ^= 1;  // the header CRC's first byte
  EXPECT_TRUE(fails_with(gunzip(gz), gzip_errc::bad_header));
}

TEST_F(GzipFixture, CrcAndSizeMismatchesAreErrors) {
  const std::string good = fixture_gz("text_gzip6");
  for (std::size_t i = 0; i < 8; ++i) {
    std::string gz = good;
    gz[gz.size() - 8 + i] ^= 0x40;
    const gzip_errc want = i < 4 ? gzip_errc::crc_mismatch : gzip_errc::size_mismatch;
    EXPECT_TRUE(fails_with(gunzip(gz), want)) << "trailer byte " << i;
  }
}

// The data before the check is handed out; the error comes with the next
// read, and stays.
TEST_F(GzipFixture, CrcErrorComesAfterTheBytes) {
  std::string gz = fixture_gz("text_gzip6");
  gz[gz.size() - 8] ^= 1;
  BytesReader source(gz);
  auto r = GzipReader::open(source);
  ASSERT_TRUE(r);
  std::string out, buf(1 << 16, '\0');
  vfs::Result<std::size_t> n = std::size_t{0};
  while ((n = r->read(buf)) && *n > 0) out.append(buf.data(), *n);
  EXPECT_TRUE(fails_with(n, gzip_errc::crc_mismatch));
  EXPECT_EQ(out, fixture_out("text_gzip6"));
  EXPECT_TRUE(fails_with(r->read(buf), gzip_errc::crc_mismatch));
}

// Every proper prefix of a member is a truncated stream, whatever it cuts:
// the magic, the header's fields, a block (stored, fixed, dynamic), the
// trailer. Larger files are cut at every byte of their ends and sampled
// between.
TEST_F(GzipFixture, EveryTruncationIsAnError) {
  for (const char* name : {"small", "headers_only_crc", "zlib_stored", "headers"}) {
    const std::string gz = fixture_gz(name);
    for (std::size_t len = 0; len < gz.size();) {
      EXPECT_TRUE(fails_with(gunzip(gz.substr(0, len), {}, 4096), gzip_errc::truncated))
          << name << " cut at " << len << " of " << gz.size();
      len += len < 100 || len + 100 > gz.size() ? 1 : 1999;
    }
  }
}

// Members end where a prefix may too: a cut right after one is a shorter
// valid stream, any other cut is truncated.
TEST_F(GzipFixture, EveryTruncationOfMembers) {
  const std::string gz = fixture_gz("small_members");
  const std::string out = fixture_out("small_members");
  std::vector<std::size_t> ends;
  for (std::size_t len = 0; len < gz.size(); ++len) {
    auto got = gunzip(gz.substr(0, len), {}, 4096);
    if (got) {
      ends.push_back(len);
      EXPECT_EQ(*got, out.substr(0, got->size()));
    } else {
      EXPECT_TRUE(fails_with(got, gzip_errc::truncated)) << "cut at " << len;
    }
  }
  EXPECT_EQ(ends.size(), 2u);  // after the first member, after the second
}

TEST(Gzip, TrailingGarbageIsAnError) {
  const std::string m = empty_member();
  EXPECT_TRUE(fails_with(gunzip(m + "garbage"), gzip_errc::trailing_garbage));
  EXPECT_TRUE(fails_with(gunzip(m + "\x1f"), gzip_errc::truncated));
  EXPECT_TRUE(fails_with(gunzip(m + "\x1f\x8c"), gzip_errc::trailing_garbage));
  EXPECT_TRUE(fails_with(gunzip(m + std::string(5000, '\0') + "x"), gzip_errc::trailing_garbage));
  EXPECT_TRUE(fails_with(gunzip(m + std::string(5, '\0') + m), gzip_errc::trailing_garbage));
  EXPECT_TRUE(gunzip(m + std::string(300'000, '\0')));
}

TEST(Gzip, BadDeflateDataIsAnError) {
  std::string m = empty_member();
  m[10] = 0x07;  // BFINAL with block type 3, which does not exist
  EXPECT_TRUE(fails_with(gunzip(m), gzip_errc::bad_data));
  m[10] = 0x01;  // a stored block whose LEN and NLEN disagree
  EXPECT_TRUE(fails_with(gunzip(m), gzip_errc::bad_data));
}

TEST_F(GzipFixture, CorruptDataNeverPassesSilently) {
  const std::string good = fixture_gz("text_gzip6");
  const std::string want = fixture_out("text_gzip6");
  for (std::size_t at = 20; at < good.size() - 8; at += good.size() / 37) {
    std::string gz = good;
    gz[at] ^= 0x10;
    auto got = gunzip(gz);
    EXPECT_FALSE(got) << "a flipped bit at " << at << " went unnoticed";
    if (!got) {
      EXPECT_TRUE(got.error().is(vfs::errc::invalid)) << got.error().message();
    }
  }
}

// A member of 5 GiB: ISIZE is its size modulo 2^32, and nothing on the way
// may count in 32 bits. Made from one segment of 64 MiB of zeros that
// ends in a full flush (so it refers to nothing before it) repeated 80
// times, a final empty block and the trailer.
TEST_F(GzipFixture, MemberLargerThan4GiB) {
  const std::string segment =
      vfs_test::run(
          "python3 -c 'import sys,zlib; c = zlib.compressobj(9, zlib.DEFLATED, -15); "
          "sys.stdout.buffer.write(c.compress(bytes(64 << 20)) + c.flush(zlib.Z_FULL_FLUSH))'")
          .value_or("");
  ASSERT_FALSE(segment.empty());
  constexpr int kSegments = 80;
  const std::uint64_t size = std::uint64_t{kSegments} << 26;
  std::string gz = empty_member().substr(0, 10);
  for (int i = 0; i < kSegments; ++i) gz += segment;
  gz += std::string("\x03\x00", 2);  // a final, empty fixed block
  const std::string zeros(1 << 20, '\0');
  std::uint32_t crc = 0;
  for (std::uint64_t i = 0; i < size >> 20; ++i) crc = vfs::gzip::crc32(crc, zeros);
  for (const std::uint32_t v : {crc, static_cast<std::uint32_t>(size)}) {
    for (int b = 0; b < 4; ++b) gz += static_cast<char>(v >> (8 * b));
  }

  BytesReader source(gz);
  auto r = GzipReader::open(source);
  ASSERT_TRUE(r);
  std::string buf(zeros.size(), '\0');
  std::uint64_t total = 0;
  bool all_zero = true;
  for (;;) {
    auto n = r->read(buf);
    ASSERT_TRUE(n) << n.error().message();
    if (*n == 0) break;
    all_zero = all_zero && std::memcmp(buf.data(), zeros.data(), *n) == 0;
    total += *n;
  }
  EXPECT_EQ(total, size);
  EXPECT_TRUE(all_zero);
}

// ---------------------------------------------------------------------------
// Limits

TEST_F(GzipFixture, MaxOutputIsExact) {
  const std::string gz = fixture_gz("text_gzip6");
  const auto size = static_cast<std::int64_t>(fixture_out("text_gzip6").size());
  Options at_size;
  at_size.limits.max_output = size;
  EXPECT_TRUE(gunzip(gz, at_size));

  Options below;
  below.limits.max_output = size - 1;
  below.name = "f.gz";
  BytesReader source(gz);
  auto r = GzipReader::open(source, below);
  ASSERT_TRUE(r);
  std::string out, buf(100'000, '\0');
  vfs::Result<std::size_t> n = std::size_t{0};
  while ((n = r->read(buf)) && *n > 0) out.append(buf.data(), *n);
  ASSERT_TRUE(fails_with(n, gzip_errc::output_too_large));
  EXPECT_EQ(out.size(), static_cast<std::size_t>(size - 1));  // never a byte past the limit
  EXPECT_EQ(n.error().message(), "read f.gz: gzip: limit max_output exceeded");
}

// A bomb: 64 MiB of zeros in one member (about 64 KiB), repeated 200 times:
// 12.5 GiB from 13 MB. Each limit stops it early.
class GzipBomb : public GzipFixture {
 protected:
  void SetUp() override {
    GzipFixture::SetUp();
    if (IsSkipped()) return;
    const std::string one = vfs_test::run(
                                "python3 -c 'import gzip,sys; "
                                "sys.stdout.buffer.write(gzip.compress(bytes(64<<20), 9))'")
                                .value_or("");
    ASSERT_FALSE(one.empty());
    for (int i = 0; i < 200; ++i) bomb_ += one;
  }
  std::string bomb_;
};

TEST_F(GzipBomb, MaxOutputStopsIt) {
  Options o;
  o.limits.max_output = std::int64_t{100} << 20;
  EXPECT_TRUE(fails_with(gunzip(bomb_, o), gzip_errc::output_too_large));
}

TEST_F(GzipBomb, MaxRatioStopsIt) {
  Options o;
  o.limits.max_ratio = 100;
  EXPECT_TRUE(fails_with(gunzip(bomb_, o), gzip_errc::ratio_too_large));
}

TEST_F(GzipFixture, MaxRatioLetsOrdinaryDataThrough) {
  Options o;
  o.limits.max_ratio = 10;
  EXPECT_TRUE(gunzip(fixture_gz("text_gzip9"), o));
  // A small file of zeros is within the grace, whatever its ratio.
  EXPECT_TRUE(gunzip(*vfs_test::run("head -c 500000 /dev/zero | gzip -9"), o));
}

TEST(Gzip, MaxHeaderBytes) {
  std::string m = empty_member();
  m[3] = 8;  // FNAME
  m.insert(10, std::string(5000, 'n') + '\0');
  Options o;
  o.limits.max_header_bytes = 4096;
  EXPECT_TRUE(fails_with(gunzip(m, o), gzip_errc::header_too_large));
  o.limits.max_header_bytes = 6000;
  EXPECT_TRUE(gunzip(m, o));
}

}  // namespace
