// Name arithmetic on valid_path names, shared by every backend and helper.
// Internal: not installed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Where `target`, the text of a link in directory `dir`, leads: its ".."
// applied lexically, as a name of the FS ("." for the root). nullopt if it
// is absolute, climbs above the root, or climbs with ".." out of a name that
// `is_link(name)` says is a link: that ".." starts from wherever the link
// points (dir/up -> ".." makes dir/up/.. the root's parent), which the text
// does not show.
template <class IsLink>
std::optional<std::string> lexical_target(std::string_view dir, std::string_view target,
                                          IsLink is_link) {
  if (target.empty() || target.front() == '/') return std::nullopt;
  std::vector<std::string_view> elems;
  std::string joined;
  const auto joined_elems = [&] {
    joined.clear();
    for (const std::string_view e : elems) {
      if (!joined.empty()) joined += '/';
      joined += e;
    }
    return joined.empty() ? std::string(".") : joined;
  };
  const auto push = [&](std::string_view p) {
    while (!p.empty()) {
      const std::size_t slash = p.find('/');
      const std::string_view elem = p.substr(0, slash);
      if (elem == "..") {
        if (elems.empty() || is_link(joined_elems())) return false;
        elems.pop_back();
      } else if (!elem.empty() && elem != ".") {
        elems.push_back(elem);
      }
      if (slash == std::string_view::npos) break;
      p.remove_prefix(slash + 1);
    }
    return true;
  };
  if ((dir != "." && !push(dir)) || !push(target)) return std::nullopt;
  return joined_elems();
}

}  // namespace vfs::path
