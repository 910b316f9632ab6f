// The syscall door's internal half: resolving names beneath a root. The
// door itself - blocking() and the wrappers every backend uses - is public,
// in vfs/sys.h. Internal: not installed.
#pragma once

#include <string>
#include <string_view>

#include "vfs/sys.h"

namespace vfs::sys {

// How open_beneath confines a name to its root.
enum class Resolve {
  // A symlink or ".." that would leave the root fails with EXDEV, and so
  // does every absolute symlink (openat2's RESOLVE_BENEATH).
  beneath,
  // The root is "/" for the name, as after chroot: an absolute symlink
  // starts over at the root, ".." at the root stays there (openat2's
  // RESOLVE_IN_ROOT). Nothing escapes, so nothing fails with EXDEV.
  in_root,
};

// Opens `path` (relative, already valid_path-checked, or ".") below `root`
// without ever resolving outside it: openat2(RESOLVE_BENEATH or
// RESOLVE_IN_ROOT, with RESOLVE_NO_MAGICLINKS) where the kernel has it, else
// a walk one component at a time that resolves symlinks itself, by the same
// rules. An escape (Resolve::beneath only) fails with EXDEV. The EAGAIN that
// openat2 gives when a rename races its ".." never reaches the caller: it
// retries, then walks. A magic link (/proc/<pid>/fd/N) is followed by its
// text in both ways, as any symlink.
// O_NOFOLLOW in `flags` applies to the last component only.
Ret open_beneath(int root, std::string_view path, int flags,
                 Resolve how = Resolve::beneath) noexcept;

// The target of the symlink open as `fd` (O_PATH | O_NOFOLLOW), whole: the
// buffer grows until it fits, as st_size cannot size it (sysfs and procfs
// report 0 for their links). A descriptor that is no symlink fails with
// EINVAL, as readlink(2) (readlinkat with an empty path says ENOENT).
Ret read_link(int fd, std::string& target);

// For tests: make open_beneath use the component walk even where openat2 exists.
void force_open_beneath_fallback(bool on) noexcept;

}  // namespace vfs::sys
