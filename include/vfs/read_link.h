// ReadLink and Lstat: symbolic links as themselves (Go 1.25's fs.ReadLinkFS,
// fs.ReadLink, fs.Lstat).
//
// An FS that has symlinks follows them in open, stat and read_dir's
// targets, as a disk does; read_link and lstat are how a caller sees a link
// rather than what it points to. walk_dir reports links as links (the type
// bits of DirEntry) and never follows them.
#pragma once

#include <string>
#include <string_view>

#include "vfs/fs.h"

namespace vfs {

// An FS with symbolic links.
class ReadLinkFS : public virtual FS {
 public:
  // The target of the named symlink, as stored (not resolved). A name that
  // is not a symlink fails with errc::invalid (EINVAL, as readlink(2)).
  virtual Result<std::string> read_link(std::string_view name) = 0;
  // The FileInfo of the named file; of the link itself if it is a symlink.
  virtual Result<FileInfo> lstat(std::string_view name) = 0;
};

// ReadLinkFS::read_link if the FS has it. An FS without it has no symlinks
// it could read, so: errc::invalid, as Go's fs.ReadLink - for a name that
// exists; a missing one fails as stat does (errc::not_exist), as
// readlink(2) would.
Result<std::string> read_link(FS& fs, std::string_view name);

// ReadLinkFS::lstat if the FS has it, else vfs::stat: an FS without
// ReadLinkFS shows no links, so there is nothing not to follow (Go's fs.Lstat).
Result<FileInfo> lstat(FS& fs, std::string_view name);

}  // namespace vfs
