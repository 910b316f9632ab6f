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
};

// The entries of the named directory sorted by name: ReadDirFS::read_dir if
// the FS has it, else open + ReadDirFile::read_dir(-1) + sort. A file that is
// not a ReadDirFile gives errc::not_supported; a regular file, ENOTDIR.
Result<std::vector<DirEntry>> read_dir(FS& fs, std::string_view name);

// Sorts entries by name, as read_dir returns them.
void sort_entries(std::vector<DirEntry>& entries);

}  // namespace vfs
