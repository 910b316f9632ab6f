// walk_dir_parallel: walk_dir whose directory reads run ahead, concurrently,
// on fibers of the vfs runtime.
//
// Order guarantee: exactly walk_dir's. `fn` is called with the same
// arguments, in the same order (parents before children, entries of a
// directory in lexical order, the same second call for an unreadable
// directory), and the result is the same; `fn` runs on the calling fiber or
// thread, one call at a time, so it needs no locking. What runs in parallel
// is only read_dir: as soon as a directory's listing is known, its
// subdirectories are queued for reading on up to `concurrency` fibers, the
// one the walk is waiting for first.
//
// Costs: a directory read ahead and then skipped by `fn` (skip_dir,
// skip_all, an error) was read for nothing; listings read ahead are held
// until visited, so memory is up to the listings of the whole tree in the
// worst case. `fs` must allow concurrent read_dir calls (DirFS and MapFS do).
//
// Works from a fiber (uses the running runtime), from a plain thread while
// a runtime runs (spawns fibers there and blocks the thread while waiting),
// and with no runtime (runs one for the walk's duration).
#pragma once

#include <string_view>

#include "vfs/walk.h"

namespace vfs {

struct ParallelWalkOptions {
  int concurrency = 16;  // directory reads in flight at once (>= 1)
};

Status walk_dir_parallel(FS& fs, std::string_view root, const WalkDirFunc& fn,
                         ParallelWalkOptions options = {});

}  // namespace vfs
