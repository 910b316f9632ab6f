// walk_dir_parallel: walk_dir with the directory reads done ahead of the walk
// by fibers of the runtime, for trees where reading directories dominates.
//
// Order guarantee: the same as walk_dir, exactly. The callback is called
// from one fiber at a time, in walk_dir's order (parents before children,
// lexical order within a directory), with the same arguments, the same
// second call for an unreadable directory, and the same meaning of
// skip_dir / skip_all / errors. Only the reading of directories is parallel:
// `readers` fibers crawl the tree ahead of the walk (each directory a reader
// lists queues its subdirectories), so that a directory is usually listed by
// the time the walk reaches it. A directory the callback skips, or a subtree
// below it, may already have been read: wasted reads, never visits.
//
// Called on a fiber of a running runtime (or any thread while one runs), the
// readers are fibers of that runtime; with no runtime running, it is
// walk_dir. The FS must allow concurrent read_dir calls (every vfs backend
// does).
#pragma once

#include <cstddef>

#include "vfs/walk.h"

namespace vfs {

struct ParallelWalkOptions {
  // Fibers reading directories. Reads that wait for the disk overlap, so
  // more readers than Ps pay off on a cold cache (bench/: 1.6-1.9x faster
  // than walk_dir with 16 readers and P=2); on a warm cache the work is CPU
  // in the kernel and the crawl's coordination costs more than two cores win.
  int readers = 16;
  // Directories queued or read ahead and not yet visited, at most: bounds
  // the memory held by listings the walk has not reached (a listing of n
  // entries holds about 100 n bytes). Past it, the walk reads a directory
  // itself when it gets there.
  std::size_t max_ahead = 4096;
};

Status walk_dir_parallel(FS& fs, std::string_view root, const WalkDirFunc& fn,
                         const ParallelWalkOptions& options = {});

}  // namespace vfs
