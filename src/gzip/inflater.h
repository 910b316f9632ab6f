// The engine under GzipReader, GzipIndex::build and IndexedGzipReader: it
// inflates a gzip stream member after member into the caller's buffers,
// checks each member's CRC-32 and ISIZE, enforces the Limits, yields on a
// fiber, and can record checkpoints or start at one.
//
// Why ISA-L (igzip) inflates: it decodes about 2.8x as fast as zlib 1.2.13
// on this machine (445 against 161 MB/s on 200 MB of text, gzip -6), and
// matches the igzip tool, which is built on it. zlib is not linked by the
// library at all (bench/ measures against it).
//
// Checkpoints with stock ISA-L: isal_inflate has no "stop at a block end"
// (zlib's Z_BLOCK), but it stops after a block whose BFINAL bit is set, and
// it reads that bit from its state (inflate_state::bfinal) only when the
// block ends. So when a checkpoint is due, the inflater sets bfinal in the
// state of the block being decoded: isal_inflate returns exactly at its
// end, where the bit position is next_in * 8 - read_in_length. It then
// records the point, puts the real bit back, sets block_state to
// ISAL_BLOCK_NEW_HDR and hands ISA-L the window again with
// isal_inflate_set_dict (a stop at a "final" block skips ISA-L's own history
// save). Resuming at a point is the converse: the bits of the point's first
// byte that belong to the block go into read_in/read_in_length, the window
// into isal_inflate_set_dict. Index building so costs what a plain inflate
// costs (bench/gzip_run measures both).
// Internal: not installed.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "gzip/gzip_error.h"
#include "gzip/header.h"
#include "gzip/index.h"
#include "gzip/input.h"
#include "gzip/options.h"
#include "vfs/reader.h"

struct inflate_state;

namespace vfs::gzip {

class Inflater {
 public:
  // Inflates `source`, whose first byte is at `offset` in the file (offsets
  // in checkpoints count from the file's start). `source` is borrowed.
  Inflater(Reader& source, std::uint64_t offset, const Options& options,
           std::size_t input_capacity = Input::kDefaultCapacity);
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Starts at `point` instead of a member header; `source` must start at the
  // byte that holds the point's first bit (offset == point.bit_offset / 8).
  // Before the first read. Fails (gzip_errc::index_mismatch) if that byte is
  // missing.
  Status start_at(const GzipIndex::Point& point, std::span<const char> window);

  // Records a checkpoint into `builder` at each member start and about
  // every builder span bytes of output. Before the first read, from the
  // stream's start.
  void record(IndexBuilder& builder, std::uint64_t span);

  // Inflates into `out`, which it fills unless the stream ends: 0 at the
  // end. An error met after some bytes came out is returned by the next
  // call, and by every call after it.
  Result<std::size_t> read(std::span<char> out);

  // Reads the first member's header if no read has yet. Fails as read does.
  Status read_first_header();

  // The offset in the uncompressed stream of the next byte read returns.
  std::uint64_t out_offset() const { return out_; }
  // The file offset of the next compressed byte not yet consumed (at the
  // end: the compressed size).
  std::uint64_t in_offset() const { return in_.offset(); }
  // The header of the member being read (all empty when started at a
  // point inside a member).
  const Header& header() const { return header_; }
  // Members whose header was read; zero bytes accepted after the last one.
  std::uint64_t members() const { return members_; }
  std::uint64_t trailing_zeros() const { return trailing_zeros_; }
  bool done() const { return phase_ == Phase::done; }

 private:
  enum class Phase : std::uint8_t { header, body, trailer, done };

  Error error(gzip_errc e) const;
  Status begin_member();
  Status skip_zeros();
  Result<std::size_t> inflate_some(std::span<char> out);
  Result<std::size_t> call_isal(std::span<char> out);
  Status after_block_end();
  Status end_member();
  Status check_ratio() const;
  void maybe_yield(std::uint64_t bytes);
  void remember(std::span<const char> bytes);
  std::span<const char> window_now();
  void add_point(std::uint64_t bit_offset, bool member_start, std::span<const char> window);

  Options options_;
  Input in_;
  std::unique_ptr<inflate_state> st_;
  Phase phase_ = Phase::header;
  bool failed_ = false;
  Error error_;

  std::uint64_t out_ = 0;        // uncompressed offset of the next byte out
  std::uint64_t in_start_ = 0;   // file offset where inflating began (for max_ratio)
  std::uint64_t out_start_ = 0;  // out offset where it began
  std::uint64_t member_out_start_ = 0;
  std::uint32_t crc_ = 0;     // of the member's output so far
  bool verify_ = false;       // the member was read from its start: check CRC and ISIZE
  bool first_member_ = true;  // the next header is the stream's first
  Header header_;
  std::uint64_t members_ = 0;
  std::uint64_t trailing_zeros_ = 0;
  std::uint64_t since_yield_ = 0;

  // Recording checkpoints.
  IndexBuilder* builder_ = nullptr;
  std::uint64_t span_ = 0;
  std::uint64_t last_point_ = 0;    // out offset of the last point made
  bool armed_ = false;              // bfinal was forced: ISA-L stops at this block's end
  std::uint32_t real_bfinal_ = 0;   // the block's own BFINAL bit, while armed
  std::unique_ptr<char[]> ring_;    // the last 32 KiB of output
  std::uint64_t ring_filled_ = 0;   // bytes ever written to ring_
  std::unique_ptr<char[]> window_;  // ring_ unrolled, for a point and set_dict
};

}  // namespace vfs::gzip
