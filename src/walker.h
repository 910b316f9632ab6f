// The walk of walk_dir, shared by its sequential and parallel forms: they
// differ only in where a directory's entries come from. Internal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vfs/walk.h"

namespace vfs::internal {

class DirLister {
 public:
  virtual ~DirLister() = default;
  // The entries of directory `path`, sorted by name.
  virtual Result<std::vector<DirEntry>> list(const std::string& path) = 0;
  // Called with a directory's entries before the walk visits them, so a
  // lister may start reading the subdirectories ahead of the walk.
  virtual void listed(const std::string& /*path*/, const std::vector<DirEntry>& /*entries*/) {}
  // The walk is done with a directory's entries: a lister may reuse the
  // vector's memory.
  virtual void done(std::vector<DirEntry>&& /*entries*/) {}
};

// Go's WalkDir over `lister`: the callback sees exactly what walk_dir
// documents, in the same order.
Status walk(FS& fs, std::string_view root, const WalkDirFunc& fn, DirLister& lister);

}  // namespace vfs::internal
