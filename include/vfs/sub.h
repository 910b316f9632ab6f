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

// The FS rooted at `dir` of `fs`: SubFS::sub if `fs` has it, else a view
// (a ForwardingFS) that prefixes every name with `dir`. The view shares `fs`
// when given an FSPtr and borrows it when given an FS& (see FSRef): a MapFS
// on the stack needs no copy. Errors from the view name paths relative to
// it. Symlinks stay symlinks (read_link, lstat), and are followed by `fs`
// itself: a link may lead out of `dir`, though never out of `fs` (DirFS's
// own sub is a new root instead, which they cannot leave). An invalid `dir`
// gives errc::invalid; "." gives `fs` itself, or a view of it when borrowed.
Result<FSPtr> sub(FSRef fs, std::string_view dir);

}  // namespace vfs
