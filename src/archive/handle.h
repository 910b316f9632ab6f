// One libarchive reader over vfs bytes: the adapter between libarchive's
// read callbacks and a vfs ReaderAt (random access: libarchive's skips and
// seeks cost nothing) or Reader (a stream: skipping reads). libarchive types
// stay in this file pair and src/archive_fs.cc: nothing public sees them.
//
// What a hostile input costs is bounded: the decoder refuses a ratio above
// `max_ratio` (a bomb produces at most one 64 KiB block beyond what was
// checked), and on a fiber the callbacks yield every few MiB so that
// decompression shares its P.
//
// The callbacks also bound libarchive's read-ahead. A format reader fetches a
// header's variable part (a cpio name, a pax record, a 7z or ISO 9660
// directory) into one buffer of the size the header claims before it parses
// it: a hostile size makes that buffer as large as the rest of the input
// (libarchive 3.6's cpio reader checks no name size: a 4 GiB name of a
// newc header is a 4 GiB reservation). The reservation is address space
// only; the callbacks stop the copy into it once the format holds more
// than `max_read_ahead` bytes it has not consumed. That count is exact
// because libarchive only ever reads the format's own bytes: no libarchive
// filter is enabled. A compressed input (xz, bzip2, zstd: src/archive/
// decoder.h; gzip: src/gzip, by ArchiveFS) is decoded here first.
//
// Internal: not installed. One Handle is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "archive/decoder.h"
#include "vfs/reader.h"
#include "vfs/result.h"

struct archive;
struct archive_entry;

namespace vfs::archive {

// Where libarchive's bytes come from: `at` (with its size) or `stream`.
struct Input {
  ReaderAt* at = nullptr;
  std::int64_t size = 0;
  Reader* stream = nullptr;
};

struct Limits {
  std::uint64_t max_ratio = 0;       // 0: none
  std::uint64_t max_read_ahead = 0;  // 0: none
};

class Handle {
 public:
  // Opens a reader with the enabled formats over `input` (borrowed), first
  // decoding it if `input.at` starts with xz, bzip2 or zstd, and reads
  // until libarchive has recognised a format: fails with
  // archive_errc::not_archive if none does. `name` names the archive in
  // errors.
  static Result<std::unique_ptr<Handle>> open(Input input, const Limits& limits, std::string name);
  ~Handle();
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  // The next entry's header, or null at the end of the archive. The entry
  // belongs to the handle and is valid until the next call.
  Result<archive_entry*> next();
  // Reads the current entry's data; 0 at its end. Errors name `entry`.
  Result<std::size_t> read_data(std::span<char> buf, std::string_view entry);

  // Where the current entry's data starts in the bytes the format reads
  // (after every compression layer): right after next(), the offset of its
  // first byte.
  std::int64_t format_offset() const;
  // Compression layers removed before the format (0: the format reads the
  // input directly).
  int compression_layers() const;
  // True for formats whose entries' data is stored contiguously and
  // uncompressed right after their header (tar, cpio, ar).
  bool contiguous_data() const;
  // libarchive's name of the format, with its compression layers.
  std::string format_name() const;

 private:
  explicit Handle(Input input, const Limits& limits, std::string name);
  Error fail(std::string_view op, std::string_view path);

  static long read_cb(struct archive*, void* self, const void** buf);
  static std::int64_t skip_cb(struct archive*, void* self, std::int64_t request);
  static std::int64_t seek_cb(struct archive*, void* self, std::int64_t offset, int whence);
  Status decode_if_compressed();
  void account(std::uint64_t in);
  std::int64_t drop_buffered();

  struct archive* a_ = nullptr;
  Input input_;
  ArchiveFormat compression_ = ArchiveFormat::unknown;  // decoded by decoder_ (has_decoder)
  std::unique_ptr<SectionReader> compressed_;           // of input.at, for decoder_
  std::unique_ptr<Reader> decoder_;
  Limits limits_;
  std::string name_;
  std::int64_t pos_ = 0;       // of `at`
  std::int64_t streamed_ = 0;  // bytes of `stream` handed to libarchive
  std::uint64_t since_yield_ = 0;
  std::vector<char> buf_;
  std::size_t have_ = 0;        // bytes in buf_
  std::size_t next_ = 0;        // the first not handed to libarchive yet
  std::optional<Error> error_;  // why a callback failed
};

}  // namespace vfs::archive
