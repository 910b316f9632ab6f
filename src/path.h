// Name arithmetic on valid_path names, shared by every backend and helper.
// Internal: not installed.
#pragma once

#include <string>
#include <string_view>

namespace vfs::path {

// The last element: "c" of "a/b/c"; the name itself if it has no slash.
inline std::string_view base(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

// Everything before the last element: "a/b" of "a/b/c", "." for a top-level name.
inline std::string_view dir(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? std::string_view(".") : name.substr(0, slash);
}

// Go's path.Join for a directory and one element: no "./" prefix below ".".
inline std::string join(std::string_view dir, std::string_view elem) {
  if (dir == ".") return std::string(elem);
  std::string out;
  out.reserve(dir.size() + 1 + elem.size());
  out.append(dir).append(1, '/').append(elem);
  return out;
}

}  // namespace vfs::path
