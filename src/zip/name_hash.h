// A keyed hash for names an archive chooses, for the index's tables:
// SipHash-1-3 (what Python's and Rust's hash tables use) under a key drawn
// once per process. std::hash is libstdc++'s unkeyed MurmurHash, a family
// with known seed-independent collisions (Aumasson and Bernstein's "hash
// flooding" attacks): an archive could choose directory names that all
// collide and turn every lookup into a scan of them all, quadratic time
// from a few megabytes of names.
// Internal: not installed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vfs::zip {

// SipHash-c-d of `s` under the key (k0, k1), as in the reference
// implementation (the key and message read little-endian).
template <int C, int D>
std::uint64_t siphash(std::string_view s, std::uint64_t k0, std::uint64_t k1);

// The hasher of unordered containers keyed by names.
struct NameHash {
  std::size_t operator()(std::string_view s) const noexcept;
};

}  // namespace vfs::zip
