// The gzip format's fixed parts (RFC 1952): magic, flags, sizes, and the
// little-endian loads and stores that read and write them (explicit byte
// loads; compilers turn them into single unaligned loads).
// Internal: not installed.
#pragma once

#include <cstdint>

namespace vfs::gzip {

inline constexpr std::uint8_t kMagic1 = 0x1f;
inline constexpr std::uint8_t kMagic2 = 0x8b;
inline constexpr std::uint8_t kMethodDeflate = 8;

// Member header flags (FLG).
inline constexpr std::uint8_t kFlagText = 1 << 0;
inline constexpr std::uint8_t kFlagHeaderCrc = 1 << 1;
inline constexpr std::uint8_t kFlagExtra = 1 << 2;
inline constexpr std::uint8_t kFlagName = 1 << 3;
inline constexpr std::uint8_t kFlagComment = 1 << 4;
inline constexpr std::uint8_t kFlagReserved = 0xe0;  // must be zero (gzip refuses them too)

inline constexpr std::uint32_t kFixedHeaderLen = 10;  // magic, CM, FLG, MTIME, XFL, OS
inline constexpr std::uint32_t kTrailerLen = 8;       // CRC-32, ISIZE

// Deflate's window: what a checkpoint keeps of the output before it.
inline constexpr std::uint32_t kWindowSize = 32 * 1024;

inline std::uint16_t le16(const unsigned char* p) {
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

inline std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(le16(p)) | static_cast<std::uint32_t>(le16(p + 2)) << 16;
}

inline std::uint64_t le64(const unsigned char* p) {
  return static_cast<std::uint64_t>(le32(p)) | static_cast<std::uint64_t>(le32(p + 4)) << 32;
}

inline void put_le32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

inline void put_le64(unsigned char* p, std::uint64_t v) {
  put_le32(p, static_cast<std::uint32_t>(v));
  put_le32(p + 4, static_cast<std::uint32_t>(v >> 32));
}

}  // namespace vfs::gzip
