// Decoding and scanning an archive is CPU work on a cooperative scheduler:
// on a fiber, the readers of src/archive yield after every few MiB of input
// plus output, so that they do not hold their P from other fibers.
//
// Internal: not installed.
#pragma once

#include <cstdint>

#include "vfs/runtime/scheduler.h"

namespace vfs::archive {

// Bytes between two yields: a few ms of work.
inline constexpr std::uint64_t kYieldEvery = std::uint64_t{4} << 20;

// Counts `n` more bytes in `since`, and yields once it reaches kYieldEvery.
inline void maybe_yield(std::uint64_t& since, std::uint64_t n) {
  since += n;
  if (since >= kYieldEvery && runtime::on_fiber()) {
    since = 0;
    runtime::yield();
  }
}

}  // namespace vfs::archive
