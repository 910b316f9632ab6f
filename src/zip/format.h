// The zip format's fixed parts: record signatures and sizes, and the
// little-endian loads that read them (explicit byte loads, no casts of
// packed structs; compilers turn them into single unaligned loads).
// Internal: not installed.
#pragma once

#include <cstdint>

namespace vfs::zip {

inline std::uint16_t le16(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint16_t>(b[0] | b[1] << 8);
}

inline std::uint32_t le32(const char* p) {
  return static_cast<std::uint32_t>(le16(p)) | static_cast<std::uint32_t>(le16(p + 2)) << 16;
}

inline std::uint64_t le64(const char* p) {
  return static_cast<std::uint64_t>(le32(p)) | static_cast<std::uint64_t>(le32(p + 4)) << 32;
}

// Record signatures ("PK" and two bytes), as read by le32.
inline constexpr std::uint32_t kLocalHeaderSig = 0x04034b50;
inline constexpr std::uint32_t kCentralHeaderSig = 0x02014b50;
inline constexpr std::uint32_t kEndSig = 0x06054b50;
inline constexpr std::uint32_t kEnd64Sig = 0x06064b50;
inline constexpr std::uint32_t kEnd64LocatorSig = 0x07064b50;

// Fixed sizes of the records (their variable parts follow).
inline constexpr std::uint32_t kLocalHeaderLen = 30;
inline constexpr std::uint32_t kCentralHeaderLen = 46;
inline constexpr std::uint32_t kEndLen = 22;
inline constexpr std::uint32_t kEnd64Len = 56;
inline constexpr std::uint32_t kEnd64LocatorLen = 20;
// The smallest data descriptor: CRC and two 32-bit sizes, no signature.
inline constexpr std::uint32_t kMinDataDescriptorLen = 12;

}  // namespace vfs::zip
