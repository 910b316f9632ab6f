// Streaming decoders for the compressions an ArchiveFS removes itself
// before libarchive reads the format: xz (liblzma), bzip2 (libbz2) and zstd
// (libzstd). gzip has its own reader (src/gzip), which also indexes.
//
// Why not libarchive's filters: behind a filter, the bytes the format reads
// ahead into its buffers are invisible to our read callback (it sees
// compressed input only), so a header claiming a huge name could make
// libarchive fill gigabytes from a small bomb. With the decoder here,
// libarchive reads plain bytes and the callback bounds its read-ahead
// exactly (src/archive/handle.h). The decoders also bound their own memory
// (xz's dictionary, zstd's window) and the decompression ratio.
//
// Internal: not installed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vfs/archive.h"
#include "vfs/reader.h"
#include "vfs/result.h"

namespace vfs::archive {

// True for the formats open_decoder takes (detect_archive_format tells
// which a stream is).
constexpr bool has_decoder(ArchiveFormat f) noexcept {
  return f == ArchiveFormat::xz || f == ArchiveFormat::bzip2 || f == ArchiveFormat::zstd;
}

struct DecoderLimits {
  // Output bytes per input byte, checked once more than 1 MiB came out
  // (0: none): beyond it, archive_errc::ratio_too_high.
  std::uint64_t max_ratio = 0;
  // The decoder's own memory: xz's memlimit, zstd's largest window.
  std::uint64_t max_memory = std::uint64_t{256} << 20;
};

// The decompressed bytes of `raw` (borrowed; read from its start), which
// must hold one or more concatenated streams of `format` (has_decoder: else
// archive_errc::not_archive). Errors name `name`
// (the archive): archive_errc::truncated if the input ends inside a stream,
// malformed for corrupt data, ratio_too_high for a bomb.
Result<std::unique_ptr<Reader>> open_decoder(ArchiveFormat format, Reader& raw,
                                             const DecoderLimits& limits, std::string name);

}  // namespace vfs::archive
