#include "http/text.h"

#include <time.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <vector>

namespace vfs::http::detail {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

struct Type {
  std::string_view ext;
  std::string_view type;
};

// Go's builtinTypesLower (mime/type.go) plus common web formats.
constexpr Type kTypes[] = {
    {".avif", "image/avif"},
    {".css", "text/css; charset=utf-8"},
    {".csv", "text/csv; charset=utf-8"},
    {".gif", "image/gif"},
    {".gz", "application/gzip"},
    {".htm", "text/html; charset=utf-8"},
    {".html", "text/html; charset=utf-8"},
    {".ico", "image/vnd.microsoft.icon"},
    {".jpeg", "image/jpeg"},
    {".jpg", "image/jpeg"},
    {".js", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".md", "text/markdown; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".mp3", "audio/mpeg"},
    {".mp4", "video/mp4"},
    {".otf", "font/otf"},
    {".pdf", "application/pdf"},
    {".png", "image/png"},
    {".svg", "image/svg+xml"},
    {".tar", "application/x-tar"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
    {".webm", "video/webm"},
    {".webp", "image/webp"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".xml", "text/xml; charset=utf-8"},
    {".zip", "application/zip"},
};

constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A cursor over a date's text; each step fails (false) on a mismatch.
struct Scan {
  std::string_view s;
  bool lit(std::string_view x) noexcept {
    if (!s.starts_with(x)) return false;
    s.remove_prefix(x.size());
    return true;
  }
  bool num(int digits, int& out, bool space_pad = false) noexcept {
    if (s.size() < static_cast<std::size_t>(digits)) return false;
    out = 0;
    for (int i = 0; i < digits; ++i) {
      const char c = s[static_cast<std::size_t>(i)];
      if (space_pad && i == 0 && c == ' ') continue;
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    s.remove_prefix(static_cast<std::size_t>(digits));
    return true;
  }
  bool month(int& out) noexcept {
    for (int i = 0; i < 12; ++i) {
      if (lit(kMonths[static_cast<std::size_t>(i)])) {
        out = i;
        return true;
      }
    }
    return false;
  }
  bool day_name(bool long_form) noexcept {
    static constexpr std::array<const char*, 7> kLong = {
        "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    for (std::size_t i = 0; i < 7; ++i) {
      if (lit(long_form ? kLong[i] : kDays[i])) return true;
    }
    return false;
  }
  bool clock(tm& t) noexcept {
    return num(2, t.tm_hour) && lit(":") && num(2, t.tm_min) && lit(":") && num(2, t.tm_sec);
  }
};

// The date's seconds since the epoch; nullopt for a time that does not
// exist (31 Feb, 23:59:60), which Go's time.Parse rejects too. timegm would
// roll such a date on into the next month or minute.
std::optional<std::int64_t> to_seconds(tm& t) noexcept {
  if (t.tm_mday < 1 || t.tm_mday > 31 || t.tm_hour > 23 || t.tm_min > 59 || t.tm_sec > 59) {
    return std::nullopt;
  }
  const int mday = t.tm_mday;
  const std::int64_t seconds = ::timegm(&t);
  if (t.tm_mday != mday) return std::nullopt;  // normalized into the next month
  return seconds;
}

}  // namespace

std::string_view media_type_by_extension(std::string_view name) noexcept {
  const auto slash = name.rfind('/');
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  const std::string_view ext = name.substr(dot);
  for (const Type& t : kTypes) {
    if (iequals(t.ext, ext)) return t.type;
  }
  return {};
}

std::string format_http_date(std::int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  tm g{};
  ::gmtime_r(&t, &g);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                kDays[static_cast<std::size_t>(g.tm_wday) % 7], g.tm_mday,
                kMonths[static_cast<std::size_t>(g.tm_mon) % 12], g.tm_year + 1900, g.tm_hour,
                g.tm_min, g.tm_sec);
  return buf;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) noexcept {
  {  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    Scan c{text};
    tm t{};
    int year = 0;
    if (c.day_name(false) && c.lit(", ") && c.num(2, t.tm_mday) && c.lit(" ") &&
        c.month(t.tm_mon) && c.lit(" ") && c.num(4, year) && c.lit(" ") && c.clock(t) &&
        c.lit(" GMT") && c.s.empty()) {
      t.tm_year = year - 1900;
      return to_seconds(t);
    }
  }
  {  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    Scan c{text};
    tm t{};
    int year = 0;
    if (c.day_name(true) && c.lit(", ") && c.num(2, t.tm_mday) && c.lit("-") && c.month(t.tm_mon) &&
        c.lit("-") && c.num(2, year) && c.lit(" ") && c.clock(t) && c.lit(" GMT") && c.s.empty()) {
      t.tm_year = year < 70 ? year + 100 : year;  // RFC 9110: 50 years ahead at most
      return to_seconds(t);
    }
  }
  {  // asctime: Sun Nov  6 08:49:37 1994
    Scan c{text};
    tm t{};
    int year = 0;
    if (c.day_name(false) && c.lit(" ") && c.month(t.tm_mon) && c.lit(" ") &&
        c.num(2, t.tm_mday, /*space_pad=*/true) && c.lit(" ") && c.clock(t) && c.lit(" ") &&
        c.num(4, year) && c.s.empty()) {
      t.tm_year = year - 1900;
      return to_seconds(t);
    }
  }
  return std::nullopt;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string escape_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;  // needs two hex digits after '%'
    const int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string clean_path(std::string_view rooted) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i <= rooted.size()) {
    std::size_t j = rooted.find('/', i);
    if (j == std::string_view::npos) j = rooted.size();
    const std::string_view elem = rooted.substr(i, j - i);
    if (elem == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!elem.empty() && elem != ".") {
      parts.push_back(elem);
    }
    i = j + 1;
  }
  std::string out = "/";
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  return out;
}

}  // namespace vfs::http::detail
