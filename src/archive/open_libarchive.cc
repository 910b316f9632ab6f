#include "archive/open_libarchive.h"

#include "archive/archive_error.h"

namespace vfs::archive {

// ArchiveFS is being built on its own branch; until it is wired in here,
// every format it will serve fails with a message that names the format.
Result<FSPtr> open_libarchive(FS&, std::string_view name, ArchiveFormat format) {
  return Error("open", std::string(name), not_built(format));
}

}  // namespace vfs::archive
