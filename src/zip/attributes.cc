#include "zip/attributes.h"

#include <limits>

namespace vfs::zip {
namespace {

// Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar, for any
// month 1..12 and any day (days past the month's end roll over).
std::int64_t days_from_civil(std::int64_t y, unsigned m, std::int64_t d) {
  // Howard Hinnant's algorithm: years start in March, so leap days come last.
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468 + (d - 1);
}

// Unix-permission bits of a st_mode, in the zip format's (POSIX) encoding.
constexpr std::uint32_t kIfMt = 0170000;
constexpr std::uint32_t kIfSock = 0140000;
constexpr std::uint32_t kIfLnk = 0120000;
constexpr std::uint32_t kIfBlk = 0060000;
constexpr std::uint32_t kIfDir = 0040000;
constexpr std::uint32_t kIfChr = 0020000;
constexpr std::uint32_t kIfIfo = 0010000;
constexpr std::uint32_t kIsUid = 04000;
constexpr std::uint32_t kIsGid = 02000;
constexpr std::uint32_t kIsVtx = 01000;

constexpr std::uint32_t kDosReadOnly = 0x01;
constexpr std::uint32_t kDosDirectory = 0x10;

// Go's unixModeToFileMode: no type bits (or unknown ones) is a regular file.
FileMode unix_mode(std::uint32_t m) {
  FileMode::Bits bits = m & FileMode::perm_mask;
  switch (m & kIfMt) {
    case kIfSock:
      bits |= FileMode::socket;
      break;
    case kIfLnk:
      bits |= FileMode::symlink;
      break;
    case kIfBlk:
      bits |= FileMode::device;
      break;
    case kIfDir:
      bits |= FileMode::dir;
      break;
    case kIfChr:
      bits |= FileMode::device | FileMode::char_device;
      break;
    case kIfIfo:
      bits |= FileMode::named_pipe;
      break;
  }
  if (m & kIsUid) bits |= FileMode::setuid;
  if (m & kIsGid) bits |= FileMode::setgid;
  if (m & kIsVtx) bits |= FileMode::sticky;
  return bits;
}

FileMode dos_mode(std::uint32_t attrs) {
  FileMode::Bits bits = attrs & kDosDirectory ? FileMode::dir | 0777 : 0666;
  if (attrs & kDosReadOnly) bits &= ~FileMode::Bits{0222};
  return bits;
}

}  // namespace

Time dos_time(std::uint16_t date, std::uint16_t time) {
  // Month 0 is December of the year before, as time.Date normalizes it.
  const int month0 = (date >> 5 & 0xF) - 1;
  const std::int64_t year = 1980 + (date >> 9) + (month0 < 0 ? -1 : month0 / 12);
  const auto month = static_cast<unsigned>((month0 + 12) % 12 + 1);
  const std::int64_t days = days_from_civil(year, month, date & 0x1F);
  const std::int64_t secs = (time >> 11) * 3600 + (time >> 5 & 0x3F) * 60 + (time & 0x1F) * 2;
  return Time(std::chrono::seconds(days * 86400 + secs));
}

Time unix_time(std::uint32_t seconds) { return Time(std::chrono::seconds(seconds)); }

std::optional<Time> ntfs_time(std::uint64_t ticks) {
  constexpr std::int64_t kTicksPerSecond = 10'000'000;
  constexpr std::int64_t kEpochDelta = 11'644'473'600;  // seconds from 1601 to 1970
  const std::int64_t secs = static_cast<std::int64_t>(ticks / kTicksPerSecond) - kEpochDelta;
  // Time counts nanoseconds in 64 bits: ±292 years around 1970.
  constexpr std::int64_t kMaxSecs = std::numeric_limits<std::int64_t>::max() / 1'000'000'000 - 1;
  if (secs < -kMaxSecs || secs > kMaxSecs) return std::nullopt;
  const auto nanos = static_cast<std::int64_t>(ticks % kTicksPerSecond) * 100;
  return Time(std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(secs) +
                                                          std::chrono::nanoseconds(nanos)));
}

FileMode entry_mode(std::uint8_t host, std::uint32_t external_attrs, bool dir_name) {
  const std::uint32_t unix_bits = external_attrs >> 16;
  FileMode mode = (host == kHostUnix || host == kHostMacOsX) && unix_bits != 0
                      ? unix_mode(unix_bits)
                      : dos_mode(external_attrs | (dir_name ? kDosDirectory : 0));
  if (dir_name || mode.is_dir()) mode = (mode.bits() & ~FileMode::type_mask) | FileMode::dir;
  return mode;
}

}  // namespace vfs::zip
