// Why an archive (or one of its entries) was refused by an ArchiveFS: the
// causes of the "archive" category. Each names what was wrong, or which
// ArchiveOptions field was exceeded, and each compares equal to
// vfs::errc::invalid, the condition a caller tests. libarchive's own
// messages are free text, which an error_code cannot carry: its failures
// map to not_archive, truncated or malformed.
// Internal: not installed.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "vfs/error.h"

namespace vfs::archive {

enum class archive_errc {
  not_archive = 1,     // no enabled format (nor open_archive) recognises the bytes
  truncated,           // the archive ends inside a header or an entry
  malformed,           // libarchive refused a header or an entry's data
  nested_compression,  // more than one compression layer (tar.gz.xz)
  too_many_entries,    // ArchiveOptions::max_entries exceeded
  index_too_large,     // ArchiveOptions::max_index_memory exceeded
  entry_too_large,     // ArchiveOptions::max_entry_size exceeded
  ratio_too_high,      // ArchiveOptions::max_ratio exceeded (a decompression bomb)
  size_mismatch,       // an entry's data is shorter or longer than its header says
  changed,             // re-streaming found another entry than the index pass did
};

const std::error_category& archive_category() noexcept;
std::error_code make_error_code(archive_errc e) noexcept;

inline Error archive_error(std::string_view op, std::string_view name, archive_errc e) {
  return Error(std::string(op), std::string(name), make_error_code(e));
}

}  // namespace vfs::archive

template <>
struct std::is_error_code_enum<vfs::archive::archive_errc> : std::true_type {};
