// The central directory of a zip archive: where it is (the end of central
// directory record, and its zip64 twin when a field overflows), and what it
// says about each entry, checked against the archive's bytes so that the
// index and the ZipFS built on it can trust every size and offset.
//
// Internal: not installed. Reads through a ReaderAt, so an archive on disk,
// in memory or inside another archive parses the same way.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vfs/file_info.h"
#include "vfs/fs.h"
#include "zip/limits.h"

namespace vfs::zip {

// General purpose flag bits.
inline constexpr std::uint16_t kFlagEncrypted = 1 << 0;
inline constexpr std::uint16_t kFlagDataDescriptor = 1 << 3;
inline constexpr std::uint16_t kFlagStrongEncryption = 1 << 6;
inline constexpr std::uint16_t kFlagUtf8 = 1 << 11;

// Compression methods a reader is expected to support.
inline constexpr std::uint16_t kMethodStore = 0;
inline constexpr std::uint16_t kMethodDeflate = 8;

// One central directory record, its 32-bit fields already replaced by their
// zip64 values.
struct Entry {
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  // Where the entry's local file header starts, from the start of the file
  // (a prefix before the archive proper, such as a self-extractor's stub,
  // included); and where the bytes it may use end: at the next entry's local
  // header, or at the central directory. The parser checked that the
  // smallest local header, the compressed data and (with kFlagDataDescriptor)
  // the smallest descriptor fit in between; local_data_offset checks the
  // real header.
  std::uint64_t local_header_offset = 0;
  std::uint64_t room_end = 0;
  // The mtime of the last extended-timestamp (0x5455), Unix (0x5855,
  // 0x000d) or NTFS (0x000a) extra field that has one, else the MS-DOS time.
  Time modified;
  std::uint32_t name_offset = 0;  // the decoded name, in CentralDirectory::names
  std::uint32_t name_size = 0;
  std::uint32_t crc32 = 0;
  FileMode mode;  // see entry_mode (attributes.h)
  std::uint16_t method = 0;
  std::uint16_t flags = 0;

  // An encrypted entry cannot be read: a ZipFS reports it as unsupported.
  bool encrypted() const { return (flags & (kFlagEncrypted | kFlagStrongEncryption)) != 0; }
  bool has_data_descriptor() const { return (flags & kFlagDataDescriptor) != 0; }
};

struct CentralDirectory {
  std::vector<Entry> entries;  // in the directory's order
  // Every entry's name, decoded to UTF-8 (see append_utf8_name), back to
  // back: one allocation for all of them.
  std::string names;
  std::string comment;                 // the archive's comment, raw bytes
  std::uint64_t directory_offset = 0;  // from the start of the file
  std::uint64_t directory_size = 0;
  std::uint64_t base_offset = 0;  // bytes before the archive proper
  bool zip64 = false;             // the sizes came from a zip64 end record

  std::string_view name(const Entry& e) const {
    return std::string_view(names).substr(e.name_offset, e.name_size);
  }
};

// Reads the central directory of the `size`-byte archive `archive`.
// `archive_name` only names it in errors. The end record is searched for in
// the last 64 KiB + 22 bytes (the most a comment allows); when several
// signatures are there (a comment can hold one), the last whose directory
// lies inside the archive wins. The directory is read with one read_at.
//
// Refuses, with a zip_errc error (zip_error.h): no end record, a directory
// or end record outside the archive, a malformed header, an entry count the
// directory's bytes disagree with (a count above 0xFFFF without zip64 is
// only compared modulo 2^16, as writers truncated it), an entry whose local
// header and data run into another entry or into the directory (overlapping
// entries: the "overlapping zip bomb"), and anything beyond `limits`. Never
// allocates more than the directory's real bytes justify: a claimed count
// is believed only if the claimed bytes can hold it (46 bytes a header).
Result<CentralDirectory> read_central_directory(ReaderAt& archive, std::int64_t size,
                                                const Limits& limits = {},
                                                std::string_view archive_name = {});

}  // namespace vfs::zip
