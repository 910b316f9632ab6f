// copy_fs: a tree of any FS copied into a directory on disk (Go 1.23's
// os.CopyFS, with symlinks as Go 1.25 copies them).
//
//   auto zip = vfs::ZipFS::make("site.zip").value();
//   vfs::copy_fs(*zip, ".", "out/site").value();
//
// Nothing is ever written outside `dir`, whatever the source holds or `dir`
// already holds: every name is created relative to `dir` with parents
// resolved beneath it (openat2's RESOLVE_BENEATH, the same door DirFS
// uses), the last element never followed. So a hostile archive's names
// cannot climb out (they are valid_path names to begin with), and neither
// can a symlink: a source symlink is recreated only when its target,
// resolved from the link's own directory, stays inside `dir` (a relative
// target without too many ".."); any other is refused with
// errc::escapes_root, and symlinks already in `dir` are never followed out
// of it.
//
// Existing files are not overwritten (errc::exist) unless
// CopyOptions::overwrite; a directory that exists is entered. Files get the
// source's permission bits (rwx only: no setuid, setgid or sticky bit, and
// the umask applies); directories get the source's bits plus u+rwx, so the
// copy can be filled (and later removed) by its owner even from a source
// whose directories are read-only. Modification times are the source's.
// Devices, pipes and sockets are refused (errc::invalid).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "vfs/fs.h"

namespace vfs {

struct CopyOptions {
  // Replace existing files and symlinks (never a directory, and never by
  // writing through a symlink: it is removed and created anew).
  bool overwrite = false;
  // Called with each entry's error; the copy then goes on with the next
  // entry (a directory that failed is not entered). Null: the copy stops at
  // the first error and returns it.
  std::function<void(const Error&)> on_error;
  // Called after each entry is copied: its name in the source, and the
  // bytes written for it (0 for directories and symlinks).
  std::function<void(std::string_view name, std::int64_t bytes)> on_copied;
};

// Copies the tree `root` of `fs` into `dir`, creating `dir` (not its
// parents) if needed. Errors name the source entry; with on_error set,
// returns success once the walk completes.
Status copy_fs(FS& fs, std::string_view root, std::string_view dir,
               const CopyOptions& options = {});

}  // namespace vfs
