#include "zip/name_hash.h"

#include <random>

#include "zip/format.h"

namespace vfs::zip {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int b) { return x << b | x >> (64 - b); }

struct SipState {
  std::uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = rotl(v1, 13) ^ v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16) ^ v2;
    v0 += v3;
    v3 = rotl(v3, 21) ^ v0;
    v2 += v1;
    v1 = rotl(v1, 17) ^ v2;
    v2 = rotl(v2, 32);
  }

  template <int C>
  void compress(std::uint64_t m) {
    v3 ^= m;
    for (int i = 0; i < C; ++i) round();
    v0 ^= m;
  }
};

// The process's key: random, so that no archive can be made to collide.
struct Key {
  std::uint64_t k0, k1;
};

Key draw_key() {
  std::random_device rd;
  const auto word = [&] { return std::uint64_t{rd()} << 32 | rd(); };
  return {word(), word()};
}

}  // namespace

template <int C, int D>
std::uint64_t siphash(std::string_view s, std::uint64_t k0, std::uint64_t k1) {
  SipState st{0x736f6d6570736575ULL ^ k0, 0x646f72616e646f6dULL ^ k1, 0x6c7967656e657261ULL ^ k0,
              0x7465646279746573ULL ^ k1};
  const std::size_t whole = s.size() & ~std::size_t{7};
  for (std::size_t i = 0; i < whole; i += 8) st.compress<C>(le64(s.data() + i));
  // The last 0-7 bytes, and the length's low byte on top.
  std::uint64_t last = std::uint64_t{s.size() & 0xFF} << 56;
  for (std::size_t i = whole; i < s.size(); ++i) {
    last |= std::uint64_t{static_cast<unsigned char>(s[i])} << (8 * (i - whole));
  }
  st.compress<C>(last);
  st.v2 ^= 0xFF;
  for (int i = 0; i < D; ++i) st.round();
  return st.v0 ^ st.v1 ^ st.v2 ^ st.v3;
}

template std::uint64_t siphash<1, 3>(std::string_view, std::uint64_t, std::uint64_t);
template std::uint64_t siphash<2, 4>(std::string_view, std::uint64_t, std::uint64_t);

std::size_t NameHash::operator()(std::string_view s) const noexcept {
  static const Key key = draw_key();
  return siphash<1, 3>(s, key.k0, key.k1);
}

}  // namespace vfs::zip
