// The one door from open_archive to the libarchive backend (ArchiveFS):
// every format ZipFS and GzipFS do not serve goes through it.
// Internal: not installed.
#pragma once

#include <string_view>

#include "vfs/archive.h"

namespace vfs::archive {

// The archive `name` of `fs`, whose bytes say it is `format`: tar, 7z,
// iso9660, cpio, ar, a compressed stream (xz, bzip2, zstd), or gzip, whose
// content then starts as a tar or cpio archive (open_archive falls back to
// GzipFS when this says errc::not_supported).
Result<FSPtr> open_libarchive(FS& fs, std::string_view name, ArchiveFormat format);

}  // namespace vfs::archive
