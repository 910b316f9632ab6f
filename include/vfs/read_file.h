// ReadFile: a whole file's contents.
#pragma once

#include <string>
#include <string_view>

#include "vfs/fs.h"

namespace vfs {

// An FS that returns a file's bytes in one call (Go's fs.ReadFileFS). The
// caller owns the returned string.
class ReadFileFS : public virtual FS {
 public:
  virtual Result<std::string> read_file(std::string_view name) = 0;
};

// The named file's contents: ReadFileFS::read_file if the FS has it, else
// open + read to end of file + close.
Result<std::string> read_file(FS& fs, std::string_view name);

// Reads `file` from its current offset to end of file; `size_hint` (e.g.
// from stat) sizes the first allocation. Shared by every backend's read_file.
Result<std::string> read_all(File& file, std::int64_t size_hint = 0);

}  // namespace vfs
