// ReadDir: a directory's entries, sorted by name.
#pragma once

#include <string_view>
#include <vector>

#include "vfs/fs.h"

namespace vfs {

// An FS that lists a directory without the open/read_dir/close round trip
// (Go's fs.ReadDirFS). Must return the entries sorted by name.
class ReadDirFS : public virtual FS {
 public:
  virtual Result<std::vector<DirEntry>> read_dir(std::string_view name) = 0;

  // read_dir into `entries`, replacing what it held and keeping its
  // capacity, for callers that list many directories (walk_dir_parallel's
  // readers). The default moves read_dir's result in; a backend that builds
  // the list itself (DirFS) fills `entries` directly. Empty on error.
  virtual Status read_dir_into(std::string_view name, std::vector<DirEntry>& entries);
};

// The entries of the named directory sorted by name: ReadDirFS::read_dir if
// the FS has it, else open + ReadDirFile::read_dir(-1) + sort. A file that is
// not a ReadDirFile gives errc::not_supported; a regular file, ENOTDIR.
Result<std::vector<DirEntry>> read_dir(FS& fs, std::string_view name);

// read_dir into `entries`, replacing what it held and reusing its capacity:
// ReadDirFS::read_dir_into if the FS has it. Listing many directories into
// one vector (or a few, handed round) saves an allocation and a free per
// directory, and a free on another thread than the allocation (with glibc,
// arena lock traffic and heap trims). Empty on error.
Status read_dir_into(FS& fs, std::string_view name, std::vector<DirEntry>& entries);

// Sorts entries by name, as read_dir returns them.
void sort_entries(std::vector<DirEntry>& entries);

}  // namespace vfs
