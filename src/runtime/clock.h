// Monotonic nanoseconds, the runtime's one clock (Go's nanotime).
#pragma once

#include <time.h>

#include <cstdint>

namespace vfs::runtime::detail {

inline std::int64_t nanotime() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace vfs::runtime::detail
