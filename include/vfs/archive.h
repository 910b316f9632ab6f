// Archives by their bytes: which format a file is (detect_archive_format),
// and the FS that serves it (open_archive).
//
//   auto tree = vfs::open_archive(disk, "downloads/site.zip").value();  // a ZipFS
//   vfs::walk_dir(*tree, ".", ...);
//
// The format is told from the first bytes, never from the name (a name can
// lie, and an archive inside an archive has whatever name it was given):
//
//   zip       "PK\3\4" (a local header) or "PK\5\6" (the end record of an
//             empty archive) at 0; open_archive also finds a zip after a
//             prefix (a self-extracting stub) by its end record in the last
//             64 KiB + 22 bytes, when nothing else was recognised
//   gzip      1f 8b 08                 xz     fd "7zXZ" 00
//   bzip2     "BZh" then '1'..'9'      zstd   28 b5 2f fd (a frame; skippable
//                                              frames first are not recognised)
//   sevenzip  "7z" bc af 27 1c         ar     "!<arch>\n"
//   cpio      "070707" (odc), "070701" (newc), "070702" (newc with CRC), or
//             the binary magic 070707 octal in either byte order
//   tar       "ustar" at 257 (POSIX and GNU), or an old (v7) header: a name,
//             and a checksum at 148 that matches the header's bytes. An
//             archive of zero blocks only (an empty tar) is not recognised.
//   iso9660   "CD001" at 32769 (the first volume descriptor)
//
// open_archive serves zip with ZipFS and gzip with GzipFS; the other
// formats go to ArchiveFS (libarchive), and so does a gzip whose content
// starts as a tar or cpio archive does (a .tar.gz: its entries, not one
// .tar). Errors: a file no format fits fails with "no archive format
// recognised" (compares equal to errc::invalid), a directory with EISDIR;
// an xz, bzip2 or zstd stream that holds no tar, cpio or 7z is no archive
// ArchiveFS reads (raw streams are not enabled), and fails the same way.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "vfs/archive_fs.h"
#include "vfs/fs.h"
#include "vfs/gzip_fs.h"
#include "vfs/zip_fs.h"

namespace vfs {

enum class ArchiveFormat {
  unknown,
  zip,
  gzip,
  xz,
  bzip2,
  zstd,
  tar,
  sevenzip,
  iso9660,
  cpio,
  ar,
};

// "zip", "gzip", ..., "7z", "iso9660", "unknown".
std::string_view to_string(ArchiveFormat format) noexcept;

// The bytes detect_archive_format needs to see every format (iso9660's
// magic ends at 32774); fewer are fine for all the others (tar needs 512).
inline constexpr std::size_t kArchiveSniffBytes = 32774;

// The format whose magic the file starting with `head` has (see above).
ArchiveFormat detect_archive_format(std::span<const char> head) noexcept;

// The format open_archive picks for the file `name` of `fs`: its magic, or
// zip for a zip after a prefix; unknown if it is no archive. EISDIR for a
// directory.
Result<ArchiveFormat> archive_format(FS& fs, std::string_view name);

// The archive `name` of `fs` (any backend: an archive inside an archive
// opens too) as a file system, picked by its bytes. The archive is read
// through the File `fs` opens; for gzip, a saved index next to it is used
// (see gzip_fs.h).
Result<FSPtr> open_archive(FS& fs, std::string_view name);

// The limits each backend gets (see zip_fs.h, gzip_fs.h, archive_fs.h).
struct OpenArchiveOptions {
  ZipOptions zip;
  GzipOptions gzip;
  ArchiveOptions archive;  // ArchiveFS's: tar, 7z, iso9660, cpio, ar
};
Result<FSPtr> open_archive(FS& fs, std::string_view name, const OpenArchiveOptions& options);

}  // namespace vfs
