// The order of EmbedFS's index, shared by the generator (which sorts by it)
// and EmbedFS (which binary-searches by it): Go's embed order - by directory,
// then by base name - so that the entries of one directory are contiguous.
#pragma once

#include <string_view>
#include <utility>

namespace vfs::internal::embed {

// "a/b/c" -> {"a/b", "c"}; "c" -> {".", "c"}.
inline std::pair<std::string_view, std::string_view> split(std::string_view name) noexcept {
  const std::size_t slash = name.rfind('/');
  if (slash == std::string_view::npos) return {".", name};
  return {name.substr(0, slash), name.substr(slash + 1)};
}

// True if (dir, elem) sorts before `name`'s.
inline bool before(std::pair<std::string_view, std::string_view> a,
                   std::pair<std::string_view, std::string_view> b) noexcept {
  return a < b;
}

inline bool name_before(std::string_view a, std::string_view b) noexcept {
  return before(split(a), split(b));
}

}  // namespace vfs::internal::embed
