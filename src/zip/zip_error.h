// Why an archive was refused: the causes of zip's own category. Each names
// what was wrong (or which Limits field was exceeded), and each compares
// equal to vfs::errc::invalid, the condition a caller tests:
//
//   if (err.is(vfs::errc::invalid)) ...             // any malformed archive
//   if (err.code() == zip::zip_errc::overlapping_entries) ...
//
// Internal: not installed.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "vfs/error.h"

namespace vfs::zip {

enum class zip_errc {
  not_zip = 1,          // no end of central directory record
  truncated,            // a record runs past the end of the archive
  bad_directory,        // a central directory header is malformed
  count_mismatch,       // the entry count disagrees with the central directory
  offset_out_of_range,  // an offset points outside the archive or into the directory
  overlapping_entries,  // two entries share bytes (an "overlapping zip bomb")
  bad_local_header,     // an entry's local file header is missing or malformed
  too_many_entries,     // Limits::max_entries exceeded
  directory_too_large,  // Limits::max_directory_bytes exceeded
  name_too_long,        // Limits::max_name_length exceeded
  // Reading an entry (ZipFS):
  unsupported_method,  // neither stored nor deflated
  encrypted,           // encrypted entries are not supported
  crc_mismatch,        // the data read does not match the entry's CRC-32
  size_mismatch,       // the data is longer or shorter than the entry says
  bad_deflate_data,    // the deflate stream is corrupt
  entry_too_large,     // ZipFS::Options::max_entry_size exceeded
  ratio_too_high,      // ZipFS::Options::max_ratio exceeded: a declared size deflate cannot reach
};

const std::error_category& zip_category() noexcept;
std::error_code make_error_code(zip_errc e) noexcept;

// The Error an archive's parser returns: "open <archive>: zip: <cause>".
inline Error zip_error(std::string_view archive, zip_errc e) {
  return Error("open", std::string(archive), make_error_code(e));
}

}  // namespace vfs::zip

template <>
struct std::is_error_code_enum<vfs::zip::zip_errc> : std::true_type {};
