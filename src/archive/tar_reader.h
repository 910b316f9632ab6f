// The tar headers ArchiveFS meets almost always, read without libarchive:
// POSIX ustar, GNU tar (long names 'L' and 'K'), and pax ('x' records, and
// 'g' records that only comment). libarchive spends most of a tar pass on
// per-header work an index does not need (every name converted to a wide
// string to look for a trailing '/', archive_entry copies); this reader
// parses a header in place.
//
// It is a fast path, not a second implementation of tar: whatever it does
// not handle exactly as libarchive 3.6 does — an old (pre-POSIX) or sparse
// header, a base-256 number, a bad checksum, a non-UTF-8 name, a pax key it
// does not know, a truncation, an I/O error — it reports as
// `unsupported()`, and the caller reads the archive again with libarchive,
// which then gives its own answer (entries or error). So an archive reads
// the same either way; tests/tar_reader_test.cc and fuzz_tar compare the
// two entry by entry.
//
// Internal: not installed. One TarReader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vfs/reader.h"
#include "vfs/result.h"

namespace vfs::archive {

// One entry, as libarchive would report it.
struct TarEntry {
  std::string_view name;  // raw, valid UTF-8, not empty
  std::string_view link;  // the target of a symlink or hard link
  bool hard_link = false;
  unsigned mode = 0;             // st_mode: permission and type bits
  std::int64_t size = 0;         // bytes of data (0 unless a regular file)
  std::int64_t data_offset = 0;  // of the first data byte, in the tar stream
  std::int64_t uid = 0;
  std::int64_t gid = 0;
  std::int64_t mtime = 0;  // seconds since the epoch
  std::uint32_t mtime_nsec = 0;
};

class TarReader {
 public:
  // Reads `stream` (borrowed) from its current position, the tar's first
  // byte. `seeker` (optional, the same object as `stream`) lets data be
  // skipped without being read; `size` is then the stream's size.
  TarReader(Reader& stream, Seeker* seeker = nullptr, std::int64_t size = -1);

  // The next entry, or null at the end of the archive or when the reader
  // cannot go on (then unsupported() is true). The entry is valid until
  // the next call.
  const TarEntry* next();
  bool unsupported() const { return unsupported_; }
  // libarchive's name for the format of the first entry ("GNU tar format",
  // "POSIX ustar format", "POSIX pax interchange format").
  const std::string& format_name() const { return first_format_; }

 private:
  struct Pax;
  const TarEntry* fail();
  // At least `n` (<= the buffer) bytes at pos_, unless the stream ends.
  std::size_t fill(std::size_t n);
  bool skip(std::int64_t n);
  bool read_body(std::int64_t size, std::string& out);
  bool parse_entry(const char* h, const Pax& pax);

  Reader& stream_;
  Seeker* seeker_;
  std::int64_t size_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  std::int64_t offset_ = 0;  // of buf_[pos_] in the stream
  bool unsupported_ = false;
  bool done_ = false;
  bool pax_format_ = false;  // as libarchive: sticky once a pax header is seen
  std::string first_format_;
  std::string name_, link_, long_name_, long_link_, body_;
  TarEntry entry_;
  std::uint64_t since_yield_ = 0;
};

}  // namespace vfs::archive
