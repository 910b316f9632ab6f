// The tool's own demo assets, compiled into it: the source of a command
// given no path, so `vfs tree` and `vfs serve` work on a fresh build.
#pragma once

#include "source.h"

namespace vfs::cli {

Result<Source> embedded_source();

}  // namespace vfs::cli
