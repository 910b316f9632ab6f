// What an entry's metadata fields mean: its MS-DOS date and time, the Unix
// and NTFS times of its extra fields, and its host's file attributes, in the
// model's types (Time, FileMode).
// Internal: not installed.
#pragma once

#include <cstdint>
#include <optional>

#include "vfs/file_info.h"
#include "vfs/file_mode.h"

namespace vfs::zip {

// An MS-DOS date and time, taken as UTC as Go does (the format records no
// zone). Out-of-range fields (month 0, second 62) roll over as in Go's
// time.Date, so every value gives a time.
Time dos_time(std::uint16_t date, std::uint16_t time);

// Seconds since the Unix epoch, as the extended-timestamp (0x5455) and Unix
// (0x5855, 0x000d) extra fields store them: unsigned, as Info-ZIP and Go read
// them, which reaches 2106.
Time unix_time(std::uint32_t seconds);

// An NTFS time (100 ns ticks since 1601), or nothing if it falls outside
// what Time can hold (about 1678 to 2262).
std::optional<Time> ntfs_time(std::uint64_t ticks);

// "Version made by" hosts: Unix ones keep a st_mode, the others MS-DOS bits.
inline constexpr std::uint8_t kHostMsDos = 0;
inline constexpr std::uint8_t kHostUnix = 3;
inline constexpr std::uint8_t kHostMacOsX = 19;

// The mode of an entry from its host (the high byte of "version made by")
// and external attributes. Unix hosts keep a st_mode in the high 16 bits;
// when those are zero (some writers leave them so), and for every other
// host, the MS-DOS attributes in the low byte decide: 0x10 a directory
// (0777), else a file (0666), 0x01 read-only. (Go gives 0 for hosts it does
// not know; a usable mode serves better.) `dir_name` (the name ends in '/')
// makes it a directory whatever the attributes say, and a directory has no
// other type bit, so that a "symlink directory" cannot be both.
FileMode entry_mode(std::uint8_t host, std::uint32_t external_attrs, bool dir_name);

}  // namespace vfs::zip
