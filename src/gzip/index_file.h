// Saving and loading a GzipIndex, in two formats told apart by their magic.
//
// vfs's own ("VFSGZIX1"), little-endian throughout:
//
//   offset  size    field
//   0       8       magic "VFSGZIX1"
//   8       4       version: 1
//   12      4       flags: 0
//   16      8       compressed size: of the gzip file the index is for
//   24      8       uncompressed size
//   32      8       span: the bytes between points it was built with
//   40      8       point count N (>= 1)
//   48      24*N    points, in order: bit offset (8: where the block starts,
//                   in bits from the file's start), uncompressed offset (8),
//                   window size (4: <= 32768), flags (4: bit 0, a member's
//                   first block; other bits zero)
//   ...     sum     every point's window (the output just before it), back
//                   to back
//   end-4   4       CRC-32 (gzip's) of every byte before it
//
// The CRC makes a damaged index an error rather than wrong bytes: nothing
// else could tell a corrupt window from a good one. Windows are kept whole
// (32 KiB a point, 3% of the data at the default 1 MiB span); compressing
// them is left for later.
//
// indexed_gzip's ("GZIDX", versions 0 and 1; we write 1), so either tool
// reads the other's index: fields in the writer's byte order, which is
// little-endian on every platform it ships for:
//
//   0   5  "GZIDX"          5   1  version         6   1  flags: 0
//   7   8  compressed size  15  8  uncompressed size
//   23  4  spacing          27  4  window size (>= 32768)   31  4  point count
//   35  points: compressed offset (8), uncompressed offset (8), bits (1),
//       and from version 1 a data flag (1; version 0: all points but the
//       first have data)
//   ... then window size bytes for each point with data, in order.
//
// A point's block starts `bits` bits before its compressed offset (the high
// bits of the byte before it); a point without data starts a member's
// deflate data (after its header). Only complete indexes load (an index
// indexed_gzip exported before build_full_index says uncompressed size 0).
//
// Loading never trusts a count: every count is checked against the bytes
// the file has before anything is allocated for it, so a truncated or
// hostile file costs at most its own size in memory, and fails with
// gzip_errc::bad_index (or index_too_large past max_bytes).
// Internal: not installed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "gzip/index.h"
#include "vfs/reader.h"

namespace vfs::gzip {

enum class IndexFormat { vfs, gzidx };

// The file of `index` in `format`. GZIDX holds at most 2^32 - 1 points: more
// fail (errc::invalid).
Result<std::string> serialize_index(const GzipIndex& index, IndexFormat format = IndexFormat::vfs);
Status save_index(const GzipIndex& index, Writer& out, IndexFormat format = IndexFormat::vfs);

// Parses an index file of either format. `name` names it in errors.
Result<GzipIndex> parse_index(std::span<const char> file, std::string_view name = {});

inline constexpr std::uint64_t kDefaultMaxIndexBytes = std::uint64_t{1} << 30;

// Reads the `size`-byte index file `file` and parses it.
Result<GzipIndex> load_index(ReaderAt& file, std::int64_t size, std::string_view name = {},
                             std::uint64_t max_bytes = kDefaultMaxIndexBytes);

}  // namespace vfs::gzip
