// sleep_for / sleep_until: park the calling fiber until a time has passed.
//
// On a fiber the thread keeps running other fibers; on a plain thread these
// are std::this_thread::sleep_for/until. Timing is best effort: a fiber wakes
// no earlier than asked, and later if every P is busy running fibers that do
// not switch (scheduling is cooperative).
#pragma once

#include <chrono>

namespace vfs::runtime {

void sleep_until(std::chrono::steady_clock::time_point deadline);

namespace detail {

// now() + d, saturated at time_point::max(): a "forever" duration such as
// seconds::max() must not overflow into the past and return at once.
template <class Rep, class Period>
std::chrono::steady_clock::time_point deadline_after(std::chrono::duration<Rep, Period> d) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point now = Clock::now();
  using Nanos = std::chrono::duration<double, std::nano>;
  if (Nanos(d) >= Nanos(Clock::time_point::max() - now)) return Clock::time_point::max();
  return now + std::chrono::ceil<Clock::duration>(d);
}

}  // namespace detail

template <class Rep, class Period>
void sleep_for(std::chrono::duration<Rep, Period> d) {
  if (d <= d.zero()) return;
  sleep_until(detail::deadline_after(d));
}

}  // namespace vfs::runtime
