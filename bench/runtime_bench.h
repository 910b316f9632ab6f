// The runtime rows of vfs_bench (runtime_bench.cc).
#pragma once

#include "common.h"

namespace vfs_bench {

void register_runtime(const Config& cfg);

}  // namespace vfs_bench
