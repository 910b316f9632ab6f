// WalkDir: visit every file of a tree in lexical order (Go's fs.WalkDir).
#pragma once

#include <functional>
#include <string_view>

#include "vfs/fs.h"

namespace vfs {

// What the callback wants next.
enum class WalkAction {
  proceed,   // go on
  skip_dir,  // on a directory: do not enter it; on a file: skip the rest of its directory
  skip_all,  // stop the walk; walk_dir returns success
};

// Called once per file or directory, parents before children, entries of a
// directory in lexical order. `path` is `root` joined with the entry's name
// (valid only during the call). Exactly as Go's WalkDirFunc:
//  - err == nullptr: `entry` describes `path`.
//  - stat of root failed: entry == nullptr, *err is the failure; the walk ends.
//  - reading directory `path` failed: a second call for that directory with
//    *err set, after the first; returning proceed continues with its siblings.
// Returning an Error stops the walk, and walk_dir returns it.
using WalkDirFunc = std::function<Result<WalkAction>(std::string_view path, const DirEntry* entry,
                                                     const Error* err)>;

// The directories being walked are held on the heap, not the call stack, so
// a walk on a fiber (whose stack is small and fixed) handles any depth; only
// the callback's own frames use the fiber's stack.
Status walk_dir(FS& fs, std::string_view root, const WalkDirFunc& fn);

}  // namespace vfs
