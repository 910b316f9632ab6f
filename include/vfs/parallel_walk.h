// walk_dir_parallel: walk_dir with the directory reads done ahead of the walk
// by fibers of the runtime, for trees where reading directories dominates.
//
// Order guarantee: the same as walk_dir, exactly. The callback is called
// from one fiber at a time, in walk_dir's order (parents before children,
// lexical order within a directory), with the same arguments, the same
// second call for an unreadable directory, and the same meaning of
// skip_dir / skip_all / errors. Only the reading of directories is parallel:
// up to `readers` fibers crawl the tree ahead of the walk, so that a
// directory is usually listed by the time the walk reaches it. A reader
// lists a part of the tree in walk order, `batch` directories at a time,
// hands what it leaves back to the queue (readers take the part the walk
// needs next), and splits off the rest of a directory for a new reader when
// nothing is queued and that reader would have a P (fewer readers than Ps,
// or a P idle: so readers waiting for the disk let more start). The walk
// takes each batch whole, reads a part nobody has claimed itself, and reads
// other parts while it waits. A directory the callback skips, or a subtree
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
  // Fibers reading directories, at most. Reads that wait for the disk
  // overlap, so more readers than Ps pay off on a cold cache (bench/, P=2:
  // 0.52x the sequential walk's time cold, 0.60x warm).
  int readers = 16;
  // Directories read ahead and not yet visited: readers start no new batch
  // past it (so at most max_ahead + readers * batch are held; a listing of n
  // entries holds about 100 n bytes). The walk reads what nobody has claimed
  // itself when it gets there.
  std::size_t max_ahead = 4096;
  // Directories a reader lists before it hands the rest of its part back.
  // Bigger batches coordinate less; smaller ones spread small trees wider.
  // At most max_ahead / 4, so that a few batches fit in the window.
  std::size_t batch = 32;
};

Status walk_dir_parallel(FS& fs, std::string_view root, const WalkDirFunc& fn,
                         const ParallelWalkOptions& options = {});

}  // namespace vfs
