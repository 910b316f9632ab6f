// Why a gzip stream or a checkpoint index was refused: the causes of gzip's
// own category. Each names what was wrong (or which limit was exceeded), and
// each compares equal to vfs::errc::invalid, the one condition a caller
// tests:
//
//   if (err.is(vfs::errc::invalid)) ...                   // any bad stream or index
//   if (err.code() == gzip::gzip_errc::crc_mismatch) ...
//
// Internal: not installed.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "vfs/error.h"

namespace vfs::gzip {

enum class gzip_errc {
  not_gzip = 1,      // the stream does not start with a gzip member (magic 1f 8b)
  bad_header,        // a member header is malformed: method, reserved flags, header CRC
  bad_data,          // the deflate data is invalid
  crc_mismatch,      // a member's CRC-32 disagrees with its data
  size_mismatch,     // a member's ISIZE disagrees with its data
  truncated,         // the stream ends inside a member
  trailing_garbage,  // bytes after a member that start no member (a run of zeros is accepted)
  header_too_large,  // Limits::max_header_bytes exceeded
  output_too_large,  // Limits::max_output exceeded
  ratio_too_large,   // Limits::max_ratio exceeded
  bad_index,         // an index file is malformed, truncated or fails its CRC
  index_mismatch,    // an index describes another stream (sizes differ, data ends early)
  index_too_large,   // an index (file, or built) beyond its max_bytes (GzipFS: max_index_bytes)
};

const std::error_category& gzip_category() noexcept;
std::error_code make_error_code(gzip_errc e) noexcept;

// The Error a stream's reader returns: "read <name>: gzip: <cause>".
inline Error gzip_error(std::string_view name, gzip_errc e) {
  return Error("read", std::string(name), make_error_code(e));
}

}  // namespace vfs::gzip

template <>
struct std::is_error_code_enum<vfs::gzip::gzip_errc> : std::true_type {};
