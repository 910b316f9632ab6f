// GzipReader: the uncompressed bytes of a gzip stream, as a vfs::Reader over
// any vfs::Reader (a File, a zip entry, a socket): Go's gzip.Reader in
// multistream mode.
//
// Every member is read in turn (a file made by `cat a.gz b.gz` reads as
// their concatenation); each member's CRC-32 and ISIZE are checked at its
// end, and a mismatch is an error (gzip_errc::crc_mismatch, size_mismatch),
// never silence. Like any streaming decoder it hands out a member's bytes
// before its trailer can confirm them: a caller who must not act on
// unverified bytes reads to the end first. After the last member, a run of
// zero bytes to the end of the stream is accepted (gzip accepts it with a
// warning: tar pads archives with zeros; trailing_zeros() counts them);
// anything else is gzip_errc::trailing_garbage. A stream that ends inside a
// member, or an empty one, is gzip_errc::truncated.
//
// Not safe for concurrent use (a Reader is read by one thread at a time).
// Internal: not installed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "gzip/header.h"
#include "gzip/index.h"
#include "gzip/options.h"
#include "vfs/reader.h"

namespace vfs::gzip {

class Inflater;

class GzipReader final : public Reader {
 public:
  // Reads the first member's header from `source` (borrowed; it must outlive
  // the reader): fails with gzip_errc::not_gzip if there is none. With
  // `record`, the reader also builds a checkpoint index of the stream as it
  // reads (see take_index).
  static Result<GzipReader> open(Reader& source, Options options = {},
                                 const IndexOptions* record = nullptr);
  GzipReader(GzipReader&&) noexcept;
  GzipReader& operator=(GzipReader&&) noexcept;
  ~GzipReader() override;

  Result<std::size_t> read(std::span<char> buf) override;

  // The header of the member being read: the first one's after open().
  const Header& header() const;
  std::uint64_t members() const;
  std::uint64_t trailing_zeros() const;

  // Once read() has returned 0, the index recorded since open(); the
  // compressed size it records is the bytes the source gave. Fails
  // (errc::invalid) before the end or without `record`, and with
  // gzip_errc::index_too_large if recording stopped at record->max_bytes
  // (OnLimit::stop; with OnLimit::fail, read() failed so). Once.
  Result<GzipIndex> take_index();

 private:
  GzipReader(std::unique_ptr<Inflater> inflater, std::unique_ptr<IndexBuilder> builder);

  std::unique_ptr<Inflater> inflater_;
  std::unique_ptr<IndexBuilder> builder_;  // while recording
  IndexOptions record_;
  std::string name_;
};

}  // namespace vfs::gzip
