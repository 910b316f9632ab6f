#include "format.h"

#include <algorithm>
#include <cstdio>

namespace vfs::testing::internal {

std::string quote(std::string_view s, std::size_t max) {
  std::string out = "\"";
  for (const char c : s.substr(0, max)) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += c;
        } else {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
          out += hex;
        }
    }
  }
  out += '"';
  if (s.size() > max) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}

std::string diff(std::string_view got, std::string_view want) {
  if (got == want) return {};
  constexpr std::size_t kShort = 64;
  if (got.size() <= kShort && want.size() <= kShort) {
    return "got " + quote(got) + ", want " + quote(want);
  }
  const std::size_t common = std::min(got.size(), want.size());
  const std::size_t at = static_cast<std::size_t>(
      std::mismatch(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(common), want.begin())
          .first -
      got.begin());
  constexpr std::size_t kWindow = 16;
  const std::string sizes =
      got.size() == want.size()
          ? "both " + std::to_string(got.size()) + " bytes"
          : "got " + std::to_string(got.size()) + " bytes, want " + std::to_string(want.size());
  return sizes + ", first difference at offset " + std::to_string(at) + ": got " +
         quote(got.substr(at), kWindow) + ", want " + quote(want.substr(at), kWindow);
}

std::string errc_name(errc e) {
  switch (e) {
    case errc::invalid:
      return "errc::invalid";
    case errc::permission:
      return "errc::permission";
    case errc::exist:
      return "errc::exist";
    case errc::not_exist:
      return "errc::not_exist";
    case errc::closed:
      return "errc::closed";
    case errc::bad_pattern:
      return "errc::bad_pattern";
    case errc::escapes_root:
      return "errc::escapes_root";
    case errc::not_supported:
      return "errc::not_supported";
  }
  return "errc(" + std::to_string(static_cast<int>(e)) + ")";
}

std::string call(std::string_view op, std::string_view name) {
  return std::string(op) + "(" + quote(name) + ")";
}

std::string join_path(std::string_view dir, std::string_view name) {
  if (dir == ".") return std::string(name);
  return std::string(dir) + "/" + std::string(name);
}

std::string bytes_at(std::size_t n, std::int64_t offset) {
  return std::to_string(n) + " bytes at " + std::to_string(offset);
}

}  // namespace vfs::testing::internal
