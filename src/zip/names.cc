#include "zip/names.h"

#include <cstdint>

#include "vfs/fs.h"

namespace vfs::zip {
namespace {

// Code points of CP437's upper half, 0x80..0xFF (its lower half is ASCII).
constexpr char16_t kCp437High[128] = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,  // 0x80
    0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,  // 0x88
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,  // 0x90
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,  // 0x98
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,  // 0xA0
    0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,  // 0xA8
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,  // 0xB0
    0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,  // 0xB8
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,  // 0xC0
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,  // 0xC8
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,  // 0xD0
    0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,  // 0xD8
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4,  // 0xE0
    0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,  // 0xE8
    0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,  // 0xF0
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,  // 0xF8
};

bool is_ascii(std::string_view s) noexcept {
  unsigned char any = 0;
  for (const char c : s) any |= static_cast<unsigned char>(c);  // vectorizes
  return any < 0x80;
}

void append_cp437(std::string_view raw, std::string& out) {
  for (const char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
      continue;
    }
    const char16_t cp = kCp437High[b - 0x80];
    if (cp < 0x800) {
      out += static_cast<char>(0xC0 | cp >> 6);
    } else {
      out += static_cast<char>(0xE0 | cp >> 12);
      out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    }
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

bool is_valid_utf8(std::string_view s) noexcept {
  if (is_ascii(s)) return true;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The sequence's length, the lead's payload, and the smallest code point
    // that needs that length (anything below is an overlong form).
    std::size_t len;
    char32_t cp, min;
    if ((lead & 0xE0) == 0xC0) {
      len = 2, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      len = 3, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      len = 4, cp = lead & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont & 0xC0) != 0x80) return false;
      cp = cp << 6 | (cont & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

void append_utf8_name(std::string_view raw, bool utf8_flag, std::string& out) {
  if (utf8_flag || is_valid_utf8(raw)) {
    out.append(raw);
  } else {
    append_cp437(raw, out);
  }
}

std::string_view clean_name(std::string_view name, std::string& scratch) {
  // Already clean: a valid FS name (no empty, "." or ".." element), with no
  // backslash. (A NUL or invalid UTF-8 takes the long way to the same bytes.)
  std::string_view trimmed = name;
  if (trimmed.ends_with('/')) trimmed.remove_suffix(1);
  if (trimmed != "." && trimmed.find('\\') == std::string_view::npos && valid_path(trimmed)) {
    return trimmed;
  }

  scratch.clear();
  while (!name.empty()) {
    const std::size_t sep = name.find_first_of("/\\");
    const std::string_view elem = name.substr(0, sep);
    name.remove_prefix(sep == std::string_view::npos ? name.size() : sep + 1);
    if (elem.empty() || elem == ".") continue;
    if (elem == "..") {
      // Drop the last element; at the root there is none, and ".." stays there.
      const std::size_t last = scratch.rfind('/');
      scratch.resize(last == std::string::npos ? 0 : last);
      continue;
    }
    if (!scratch.empty()) scratch += '/';
    scratch.append(elem);
  }
  return scratch;
}

}  // namespace vfs::zip
