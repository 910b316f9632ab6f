// Name resolution with symlinks for backends whose tree they hold
// themselves (MapFS, archives): one walk of a name, element by element,
// following symlinks as a disk does. DirFS leaves this to the kernel.
//
// The rules, the same for every backend: a relative target is read from the
// link's directory; an absolute target, or ".." above the root, would leave
// the FS: errc::escapes_root; more than 40 links: ELOOP; a non-directory
// followed by more elements (or by a trailing "/" in a target): ENOTDIR;
// anything missing: errc::not_exist.
//
// Internal: not installed.
#pragma once

#include <cerrno>
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vfs/error.h"
#include "vfs/result.h"

namespace vfs::internal {

// What the resolver needs of a tree. Node is a cheap handle (an id, a pointer).
template <class T>
concept LinkTree = requires(const T& tree, typename T::Node node, std::string_view elem) {
  { tree.root() } -> std::same_as<typename T::Node>;
  { tree.is_root(node) } -> std::convertible_to<bool>;
  { tree.parent(node) } -> std::same_as<typename T::Node>;
  { tree.child(node, elem) } -> std::same_as<std::optional<typename T::Node>>;
  { tree.is_dir(node) } -> std::convertible_to<bool>;
  { tree.is_symlink(node) } -> std::convertible_to<bool>;
  { tree.link_target(node) } -> std::same_as<Result<std::string>>;
};

// Queues the elements of `path` on a stack (the next one at the back).
// "." stays, and a trailing slash counts as one: after a name, both ask for
// a directory.
inline void push_path_elements(std::vector<std::string>& pending, std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    if (slash != 0) parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
    if (path.empty()) parts.push_back(".");
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) pending.emplace_back(*it);
}

// The node `name` (a valid_path name) resolves to in `tree`; the last
// element's link is followed only if `follow`. Errors carry `op` and `name`.
template <LinkTree T>
Result<typename T::Node> resolve(const T& tree, std::string_view op, std::string_view name,
                                 bool follow) {
  constexpr int kMaxLinks = 40;  // Linux's own limit
  const auto fail = [&](errc e) { return Error(std::string(op), std::string(name), e); };
  const auto fail_errno = [&](int e) {
    return Error::from_errno(std::string(op), std::string(name), e);
  };
  std::vector<std::string> pending;
  push_path_elements(pending, name);
  typename T::Node dir = tree.root();
  int links = 0;
  while (!pending.empty()) {
    const std::string elem = std::move(pending.back());
    pending.pop_back();
    if (elem == ".") continue;  // `dir` is a directory: nothing to check
    if (elem == "..") {
      if (tree.is_root(dir)) return fail(errc::escapes_root);
      dir = tree.parent(dir);
      continue;
    }
    const std::optional<typename T::Node> child = tree.child(dir, elem);
    if (!child) return fail(errc::not_exist);
    const bool last = pending.empty();
    if (tree.is_symlink(*child) && (follow || !last)) {
      if (++links > kMaxLinks) return fail_errno(ELOOP);
      Result<std::string> target = tree.link_target(*child);
      if (!target) return Error(std::string(op), std::string(name), target.error().code());
      if (target->empty()) return fail(errc::not_exist);
      if (target->front() == '/') return fail(errc::escapes_root);
      push_path_elements(pending, *target);
      continue;
    }
    if (last) return *child;
    if (!tree.is_dir(*child)) return fail_errno(ENOTDIR);
    dir = *child;
  }
  return dir;  // ended on a directory, by "." or ".."
}

}  // namespace vfs::internal
