#include "embedded.h"

#include "vfs/embedded/demo.h"

namespace vfs::cli {

Result<Source> embedded_source() {
  // Borrowed: vfs::embedded::demo() lives as long as the program.
  Source src{FSRef(vfs::embedded::demo())};
  src.fs_display = std::string(kEmbedPrefix);
  return src;
}

}  // namespace vfs::cli
