#include <cstdint>

#include "vfs/fs.h"

namespace vfs {
namespace {

// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF), as
// Go's utf8.ValidString.
bool valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const std::uint8_t c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int len;
    std::uint8_t lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (end - p < len || p[1] < lo || p[1] > hi) return false;
    for (int i = 2; i < len; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
    }
    p += len;
  }
  return true;
}

}  // namespace

// Go's fs.ValidPath, plus: no NUL bytes, which no system call can carry.
bool valid_path(std::string_view name) noexcept {
  if (name == ".") return true;
  if (name.find('\0') != std::string_view::npos || !valid_utf8(name)) return false;
  for (;;) {
    const std::size_t slash = name.find('/');
    const std::string_view elem = name.substr(0, slash);
    if (elem.empty() || elem == "." || elem == "..") return false;
    if (slash == std::string_view::npos) return true;
    name.remove_prefix(slash + 1);
  }
}

}  // namespace vfs
