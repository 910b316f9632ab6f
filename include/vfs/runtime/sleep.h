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

template <class Rep, class Period>
void sleep_for(std::chrono::duration<Rep, Period> d) {
  if (d <= d.zero()) return;
  sleep_until(std::chrono::steady_clock::now() +
              std::chrono::ceil<std::chrono::steady_clock::duration>(d));
}

}  // namespace vfs::runtime
