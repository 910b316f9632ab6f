// Go's path.Match and fs.Glob.
#include "vfs/glob.h"

#include "path.h"
#include "vfs/read_dir.h"
#include "vfs/stat.h"

namespace vfs {
namespace {

Error bad_pattern() { return Error("", "", errc::bad_pattern); }

// Decodes one UTF-8 rune from the front of s; an invalid byte decodes as
// U+FFFD with length 1 (Go's utf8.DecodeRuneInString).
char32_t decode_rune(std::string_view s, std::size_t& len) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  len = 1;
  if (s.empty()) return 0xFFFD;
  const unsigned c = b(0);
  if (c < 0x80) return c;
  int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || s.size() < static_cast<std::size_t>(n) || c > 0xF4 || c < 0xC2) return 0xFFFD;
  char32_t r = c & (0x7F >> n);
  for (int i = 1; i < n; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0xFFFD;
    r = (r << 6) | (b(i) & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (r < kMin[n] || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return 0xFFFD;
  len = static_cast<std::size_t>(n);
  return r;
}

// Splits off the next chunk: leading stars, then up to the next unbracketed '*'.
std::string_view scan_chunk(std::string_view& pattern, bool& star) {
  star = false;
  while (!pattern.empty() && pattern[0] == '*') {
    pattern.remove_prefix(1);
    star = true;
  }
  bool in_range = false;
  std::size_t i = 0;
  for (; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size()) ++i;
    } else if (c == '[') {
      in_range = true;
    } else if (c == ']') {
      in_range = false;
    } else if (c == '*' && !in_range) {
      break;
    }
  }
  std::string_view chunk = pattern.substr(0, i);
  pattern.remove_prefix(i);
  return chunk;
}

// One character of a class, with escapes.
Result<char32_t> get_esc(std::string_view& chunk) {
  if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']') return bad_pattern();
  if (chunk[0] == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty()) return bad_pattern();
  }
  std::size_t n;
  const char32_t r = decode_rune(chunk, n);
  const bool invalid = r == 0xFFFD && n == 1 && static_cast<unsigned char>(chunk[0]) >= 0x80;
  chunk.remove_prefix(n);
  if (invalid || chunk.empty()) return bad_pattern();
  return r;
}

// Matches chunk against the front of s. Sets `rest` and returns true on a
// match. Keeps scanning the chunk after a mismatch so a malformed pattern is
// always reported.
Result<bool> match_chunk(std::string_view chunk, std::string_view s, std::string_view& rest) {
  bool failed = false;
  while (!chunk.empty()) {
    if (!failed && s.empty()) failed = true;
    switch (chunk[0]) {
      case '[': {
        char32_t r = 0;
        if (!failed) {
          std::size_t n;
          r = decode_rune(s, n);
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        bool negated = false;
        if (!chunk.empty() && chunk[0] == '^') {
          negated = true;
          chunk.remove_prefix(1);
        }
        bool matched = false;
        for (int nrange = 0;; ++nrange) {
          if (!chunk.empty() && chunk[0] == ']' && nrange > 0) {
            chunk.remove_prefix(1);
            break;
          }
          auto lo = get_esc(chunk);
          if (!lo) return std::move(lo).error();
          char32_t hi = *lo;
          if (chunk[0] == '-') {
            chunk.remove_prefix(1);
            auto h = get_esc(chunk);
            if (!h) return std::move(h).error();
            hi = *h;
          }
          if (*lo <= r && r <= hi) matched = true;
        }
        if (matched == negated) failed = true;
        break;
      }
      case '?':
        if (!failed) {
          if (s[0] == '/') failed = true;
          std::size_t n;
          decode_rune(s, n);
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        break;
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) return bad_pattern();
        [[fallthrough]];
      default:
        if (!failed) {
          if (chunk[0] != s[0]) failed = true;
          s.remove_prefix(1);
        }
        chunk.remove_prefix(1);
        break;
    }
  }
  if (failed) return false;
  rest = s;
  return true;
}

constexpr std::string_view kMetaChars = "*?[\\";

// Appends to `matches` the entries of `dir` matching `pattern` (Go's glob).
// An unreadable directory contributes nothing.
Status glob_dir(FS& fs, const std::string& dir, std::string_view pattern,
                std::vector<std::string>& matches) {
  auto entries = read_dir(fs, dir);
  if (!entries) return {};
  for (const DirEntry& e : *entries) {
    auto m = match(pattern, e.name());
    if (!m) return std::move(m).error();
    if (*m) matches.push_back(path::join(dir, e.name()));
  }
  return {};
}

// Which '/' of a well-formed pattern it can be cut at, leaving a well-formed
// pattern: not one inside a class or escaped (cut there, a[/]b leaves a[ and
// a\/b leaves a\). In a well-formed pattern a class ends at its first
// unescaped ']', as scan_chunk reads it.
std::vector<bool> clean_cuts(std::string_view pattern) {
  std::vector<bool> clean(pattern.size(), false);
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    switch (pattern[i]) {
      case '\\':
        ++i;  // the escaped byte
        break;
      case '[':
        in_class = true;
        break;
      case ']':
        in_class = false;
        break;
      case '/':
        clean[i] = !in_class;
        break;
    }
  }
  return clean;
}

// Go's fs.Glob. Its globWithLimit recurses on the directory part of the
// pattern (path.Split, less the trailing slash) for as long as that has meta
// characters, and checks each level with Match(level, "") on the way down,
// so a pattern that is well-formed as a whole fails if a level is not: where
// the split cuts through a class or an escape, even if no directory is read.
// Here the levels are a loop, down then up, so a hostile pattern cannot
// exhaust the stack; and a level is checked by where it is cut (clean_cuts),
// the rest of it being the well-formed pattern's, which keeps the check
// linear where Go's is quadratic.
Result<std::vector<std::string>> glob_fallback(FS& fs, std::string_view pattern) {
  constexpr int kPathSeparatorsLimit = 10000;  // Go's bound on the recursion
  const auto bad = [&] { return Error("glob", std::string(pattern), errc::bad_pattern); };
  if (!match(pattern, "")) return bad();
  const std::size_t first_meta = pattern.find_first_of(kMetaChars);
  if (first_meta == std::string_view::npos) {
    std::vector<std::string> matches;
    if (stat(fs, pattern)) matches.emplace_back(pattern);
    return matches;
  }
  const std::vector<bool> clean = clean_cuts(pattern);
  std::vector<std::string_view> files;  // each level's last element, outermost first
  std::string_view level = pattern;
  std::string dir;
  for (int depth = 0;; ++depth) {
    const std::size_t slash = level.rfind('/');
    if (slash == std::string_view::npos) {
      files.push_back(level);
      dir = ".";
      break;
    }
    files.push_back(level.substr(slash + 1));
    if (slash <= first_meta) {  // no meta left above: read as a directory
      dir = level.substr(0, slash);
      break;
    }
    if (depth + 1 > kPathSeparatorsLimit || !clean[slash]) return bad();
    level = level.substr(0, slash);
  }
  std::vector<std::string> matches;
  if (auto st = glob_dir(fs, dir, files.back(), matches); !st) return std::move(st).error();
  files.pop_back();
  for (; !files.empty(); files.pop_back()) {
    std::vector<std::string> dirs;
    dirs.swap(matches);
    for (const std::string& d : dirs) {
      if (auto st = glob_dir(fs, d, files.back(), matches); !st) return std::move(st).error();
    }
  }
  return matches;
}

}  // namespace

Result<bool> match(std::string_view pattern, std::string_view name) {
  while (!pattern.empty()) {
    bool star;
    const std::string_view chunk = scan_chunk(pattern, star);
    if (star && chunk.empty()) {
      // A trailing '*' matches the rest of the name unless it holds a '/'.
      return name.find('/') == std::string_view::npos;
    }
    std::string_view rest;
    auto ok = match_chunk(chunk, name, rest);
    if (!ok) return ok;
    // The chunk must match the whole name if it is the last one.
    if (*ok && (rest.empty() || !pattern.empty())) {
      name = rest;
      continue;
    }
    bool advanced = false;
    if (star) {
      // Look for a match skipping i+1 bytes; a star never crosses a '/'.
      for (std::size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
        auto m = match_chunk(chunk, name.substr(i + 1), rest);
        if (!m) return m;
        if (*m) {
          if (pattern.empty() && !rest.empty()) continue;
          name = rest;
          advanced = true;
          break;
        }
      }
    }
    if (advanced) continue;
    // No match: still check the rest of the pattern for syntax errors.
    while (!pattern.empty()) {
      const std::string_view c = scan_chunk(pattern, star);
      std::string_view unused;
      if (auto m = match_chunk(c, "", unused); !m) return m;
    }
    return false;
  }
  return name.empty();
}

Result<std::vector<std::string>> glob(FS& fs, std::string_view pattern) {
  if (auto* gfs = dynamic_cast<GlobFS*>(&fs)) return gfs->glob(pattern);
  return glob_fallback(fs, pattern);
}

}  // namespace vfs
