#include "vfs/read_link.h"

#include "vfs/stat.h"

namespace vfs {

Result<std::string> read_link(FS& fs, std::string_view name) {
  if (auto* lfs = dynamic_cast<ReadLinkFS*>(&fs)) return lfs->read_link(name);
  // No links here: an existing name is no link (EINVAL, as readlink(2));
  // a missing one is missing, so callers (and sub's error paths) can tell.
  if (auto info = stat(fs, name); !info)
    return Error("readlink", std::string(name), info.error().code());
  return Error("readlink", std::string(name), errc::invalid);
}

Result<FileInfo> lstat(FS& fs, std::string_view name) {
  if (auto* lfs = dynamic_cast<ReadLinkFS*>(&fs)) return lfs->lstat(name);
  return stat(fs, name);
}

}  // namespace vfs
