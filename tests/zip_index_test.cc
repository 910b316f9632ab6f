// The zip central directory parser and index (src/zip/): name decoding and
// cleaning, and what an entry's metadata fields mean.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>

#include "vfs/file_info.h"
#include "zip/attributes.h"
#include "zip/names.h"

namespace {

using vfs::Time;
using namespace std::chrono;

Time utc(year_month_day day, seconds time_of_day = seconds(0)) {
  return Time(sys_days(day).time_since_epoch() + time_of_day);
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

}  // namespace
