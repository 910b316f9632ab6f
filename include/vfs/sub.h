// Sub: the FS rooted at a subdirectory of another.
#pragma once

#include <string_view>

#include "vfs/fs.h"

namespace vfs {

// An FS that makes its own sub-FS (Go's fs.SubFS).
class SubFS : public virtual FS {
 public:
  virtual Result<FSPtr> sub(std::string_view dir) = 0;
};

// The FS rooted at `dir` of `fs`: SubFS::sub if `fs` has it, else a view that
// prefixes every name with `dir` and keeps `fs` alive. Errors from the view
// name paths relative to the view. An invalid `dir` gives errc::invalid;
// "." returns `fs` itself.
Result<FSPtr> sub(FSPtr fs, std::string_view dir);

}  // namespace vfs
