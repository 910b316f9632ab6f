// Why open_archive refused a file: no format recognised, or a format whose
// backend this build lacks. The first compares equal to errc::invalid, the
// second to errc::not_supported, and its message names the format:
//
//   "open data.bin: archive: no archive format recognised"
//   "open x.7z: archive: archive format 7z: not built yet"
//
// Internal: not installed.
#pragma once

#include <system_error>

#include "vfs/archive.h"

namespace vfs::archive {

const std::error_category& archive_category() noexcept;

// "no archive format recognised".
std::error_code unrecognized() noexcept;
// "archive format <format>: not built yet".
std::error_code not_built(ArchiveFormat format) noexcept;

}  // namespace vfs::archive
