// The syscall door's internal half: resolving names beneath a root. The
// door itself - blocking() and the wrappers every backend uses - is public,
// in vfs/sys.h. Internal: not installed.
#pragma once

#include <string_view>

#include "vfs/sys.h"

namespace vfs::sys {

// Opens `path` (relative, already valid_path-checked, or ".") below `root`
// without ever resolving outside it: openat2(RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS) where the kernel has it, else a walk one component
// at a time that resolves symlinks itself. An escape fails with EXDEV. The
// EAGAIN that openat2 gives when a rename races its ".." never reaches the
// caller: it retries, then walks. A magic link (/proc/<pid>/fd/N) is
// followed by its text in both ways, as any symlink.
// O_NOFOLLOW in `flags` applies to the last component only.
Ret open_beneath(int root, std::string_view path, int flags) noexcept;

// For tests: make open_beneath use the component walk even where openat2 exists.
void force_open_beneath_fallback(bool on) noexcept;

}  // namespace vfs::sys
