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

// nanotime() + `after`, saturated: a "forever" timeout (nanoseconds::max())
// must not wrap around into the past and fire at once.
inline std::int64_t deadline_after(std::int64_t after_ns) noexcept {
  std::int64_t when;
  if (__builtin_add_overflow(nanotime(), after_ns, &when)) {
    return after_ns > 0 ? INT64_MAX : INT64_MIN;
  }
  return when;
}

}  // namespace vfs::runtime::detail
