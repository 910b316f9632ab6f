// ReadFile: a whole file's contents.
#pragma once

#include <string>
#include <string_view>

#include "vfs/fs.h"
#include "vfs/reader.h"

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

// The same, failing with std::errc::file_too_large (EFBIG) rather than
// reading more than `max_size` bytes: for files whose size is not to be
// trusted (a FIFO, a device, an archive member whose header may lie). Always
// open + read_all, so the cap holds whatever the backend.
Result<std::string> read_file(FS& fs, std::string_view name, std::int64_t max_size);

}  // namespace vfs
