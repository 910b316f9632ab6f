// SHA-256 (FIPS 180-4), for vfs_embed's content hashes: computed at build
// time, so portable code is fast enough (~200 MB/s) and no crypto library is
// needed by a consumer's build.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace vfs::internal {

class Sha256 {
 public:
  Sha256() noexcept;
  void update(std::string_view data) noexcept;
  std::array<std::uint8_t, 32> finish() noexcept;

  // The digest of `data` as 64 lowercase hex digits.
  static std::string hex(std::string_view data);

 private:
  void block(const unsigned char* p) noexcept;

  std::array<std::uint32_t, 8> h_;
  std::array<unsigned char, 64> buf_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes
};

}  // namespace vfs::internal
