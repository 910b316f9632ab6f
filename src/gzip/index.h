// A checkpoint index of a gzip file (zlib's zran.c idea): points where a
// deflate block starts, each with the 32 KiB of output before it, so that
// inflating can resume there instead of at the start of the file. With a
// point about every `span` bytes of output, reading any byte costs at most
// one span of inflating.
//
// A point at a member's first block needs no window (a member never refers
// back past its start), and reading on from it checks that member's CRC-32
// and ISIZE; reading from any other point checks the deflate data only, up
// to the next member. Multi-member files get a point at a member start
// whenever one is due.
//
// Build one with GzipIndex::build (a full pass, at about the cost of a
// plain inflate: see inflater.h for how ISA-L is made to stop at block
// ends), or while streaming, with GzipReader::open(source, options,
// &index_options) and take_index(); save and load it with index_file.h.
// Immutable once built: safe to share between threads.
// Internal: not installed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gzip/options.h"
#include "vfs/reader.h"

namespace vfs::gzip {

struct IndexOptions {
  // Uncompressed bytes between points, about: a point is made at the first
  // block end after each span (so at most one block more).
  std::uint64_t span = std::uint64_t{1} << 20;
  // Memory the index may take (its points and their 32 KiB windows: 3% of
  // the output at the default span, so a bomb's index would be large).
  std::uint64_t max_bytes = UINT64_MAX;
  // Past max_bytes: fail the read (build), or stop recording and go on
  // reading (a reader that records on the side); take_index then fails.
  enum class OnLimit { fail, stop } on_limit = OnLimit::fail;
};

class GzipIndex {
 public:
  struct Point {
    std::uint64_t bit_offset = 0;     // where the block starts, in bits from the file's start
    std::uint64_t out_offset = 0;     // its offset in the uncompressed stream
    std::uint64_t window_offset = 0;  // its window, in the index's window bytes
    std::uint32_t window_size = 0;    // <= 32 KiB: the output before it, since its member began
    bool member_start = false;        // the first block of a member (no window)
  };

  // Inflates all of the `size`-byte gzip file `compressed` (every CRC and
  // ISIZE checked) and returns its index. Fails as GzipReader does.
  static Result<GzipIndex> build(ReaderAt& compressed, std::int64_t size,
                                 const IndexOptions& index_options = {},
                                 const Options& options = {});

  // In order of out_offset, then bit_offset; the first is at out_offset 0.
  const std::vector<Point>& points() const { return points_; }
  std::span<const char> window(const Point& p) const {
    return {windows_.data() + p.window_offset, p.window_size};
  }
  std::uint64_t compressed_size() const { return compressed_size_; }
  std::uint64_t uncompressed_size() const { return uncompressed_size_; }
  std::uint64_t span() const { return span_; }

  // The point to resume at to read `out_offset`: the last at or before it.
  const Point& find(std::uint64_t out_offset) const;

 private:
  friend class IndexBuilder;

  std::vector<Point> points_;
  std::string windows_;  // every point's window, back to back
  std::uint64_t compressed_size_ = 0;
  std::uint64_t uncompressed_size_ = 0;
  std::uint64_t span_ = 0;
};

// Collects the points of an index as an inflater (or a loader) finds them.
class IndexBuilder {
 public:
  explicit IndexBuilder(std::uint64_t span) { index_.span_ = span; }

  void add(std::uint64_t bit_offset, std::uint64_t out_offset, bool member_start,
           std::span<const char> window);
  bool empty() const { return index_.points_.empty(); }
  const GzipIndex::Point& last() const { return index_.points_.back(); }
  // The window bytes so far: a loader bounds them before it copies more.
  std::uint64_t window_bytes() const { return index_.windows_.size(); }
  // The memory the index holds so far.
  std::uint64_t bytes() const {
    return index_.points_.size() * sizeof(GzipIndex::Point) + index_.windows_.size();
  }
  // Drops what was collected; add() keeps nothing from now on.
  void abandon();
  bool abandoned() const { return abandoned_; }

  GzipIndex finish(std::uint64_t compressed_size, std::uint64_t uncompressed_size) &&;

 private:
  GzipIndex index_;
  bool abandoned_ = false;
};

}  // namespace vfs::gzip
