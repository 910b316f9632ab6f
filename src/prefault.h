// Memory that is about to be written, mapped ahead in runs. A first write
// to a fresh page faults, one 4 KiB page at a time, and on a virtual
// machine each fault costs several microseconds: building a tar's index
// spent a quarter of its time there. MADV_POPULATE_WRITE (Linux 5.14) maps
// a run of pages in one call; on an older kernel it fails and the pages
// fault as before.
//
// Internal: not installed.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace vfs::internal {

// Maps the whole pages inside [begin, begin + bytes) for writing.
inline void populate(const void* begin, std::size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  constexpr std::uintptr_t kPage = 4096;
  const auto first = (reinterpret_cast<std::uintptr_t>(begin) + kPage - 1) & ~(kPage - 1);
  const auto last = (reinterpret_cast<std::uintptr_t>(begin) + bytes) & ~(kPage - 1);
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
#else
  (void)begin, (void)bytes;
#endif
}

// For a vector (or string) that grows into capacity it reserved: call
// after each append; maps the next 256 KiB of the capacity before the
// appends reach it, so at most that much is mapped and never written.
class Prefaulter {
 public:
  template <class Container>
  void operator()(const Container& c) {
    using T = typename Container::value_type;
    const auto* data = reinterpret_cast<const char*>(c.data());
    if (data != base_) base_ = data, mapped_ = 0;  // reallocated: start over
    const std::size_t used = c.size() * sizeof(T), capacity = c.capacity() * sizeof(T);
    if (used + kAhead / 2 < mapped_ || mapped_ >= capacity) return;
    const std::size_t n = std::min(kAhead, capacity - mapped_);
    populate(data + mapped_, n);
    mapped_ += n;
  }

 private:
  static constexpr std::size_t kAhead = 256 * 1024;
  const char* base_ = nullptr;
  std::size_t mapped_ = 0;
};

}  // namespace vfs::internal
