// A gzip member's header (RFC 1952 section 2.3): what it says about the
// member, read from an Input positioned at its magic.
// Internal: not installed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gzip/input.h"
#include "gzip/options.h"
#include "vfs/result.h"

namespace vfs::gzip {

struct Header {
  std::string name;     // FNAME: the original file name, bytes as written (ISO 8859-1 by the RFC)
  std::string comment;  // FCOMMENT
  std::string extra;    // FEXTRA: the raw subfields
  std::uint32_t mtime = 0;  // seconds since the epoch; 0: none recorded
  std::uint8_t xfl = 0;     // extra flags (2: best compression, 4: fastest)
  std::uint8_t os = 255;    // 255: unknown
  bool text = false;        // FTEXT: probably text
  bool has_crc = false;     // FHCRC: a header CRC was present (and matched)
};

// Reads the header at `in` (its magic is there: the caller looked) and
// consumes it. Fails with gzip_errc::bad_header (method other than deflate,
// a reserved flag, a header CRC mismatch), header_too_large (beyond
// limits.max_header_bytes) or truncated. `name` names the stream in errors.
Result<Header> read_header(Input& in, const Limits& limits, std::string_view name);

}  // namespace vfs::gzip
