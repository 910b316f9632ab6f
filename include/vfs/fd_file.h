// FdFile: a File backed by an operating-system file descriptor (DirFS's
// files), for code that hands the descriptor to the kernel itself -
// sendfile(2), splice(2), mmap(2) - instead of copying through read().
// Found with dynamic_cast, as every extension is; files without one (MapFS,
// archives) are read as usual.
#pragma once

#include "vfs/fs.h"

namespace vfs {

class FdFile : public virtual File {
 public:
  // The descriptor, still owned by the file: valid until close() (or the
  // file's destruction), and not to be closed by the caller. Positioned
  // I/O only (pread, sendfile with an offset): the file's own read offset
  // belongs to read() and seek(). -1 once closed.
  virtual int fd() const noexcept = 0;
};

}  // namespace vfs
