// Stat: a file's FileInfo by name.
#pragma once

#include <string_view>

#include "vfs/fs.h"

namespace vfs {

// An FS that can stat a name without opening it (Go's fs.StatFS).
class StatFS : public virtual FS {
 public:
  virtual Result<FileInfo> stat(std::string_view name) = 0;
};

// FileInfo of the named file: StatFS::stat if the FS has it, else open + File::stat.
Result<FileInfo> stat(FS& fs, std::string_view name);

}  // namespace vfs
