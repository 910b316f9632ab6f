#include "vfs/walk.h"

#include <string>

#include "vfs/read_dir.h"
#include "vfs/stat.h"
#include "walker.h"

namespace vfs {
namespace internal {
namespace {

// Go's walkDir. `path` is one buffer for the whole walk: each level appends
// "/name" and cuts it off again, so visiting an entry allocates nothing.
class Walker {
 public:
  Walker(DirLister& lister, const WalkDirFunc& fn) : lister_(lister), fn_(fn) {}

  Result<WalkAction> walk(std::string& path, const DirEntry& entry) {
    auto action = fn_(path, &entry, nullptr);
    if (!action || *action != WalkAction::proceed || !entry.is_dir()) {
      return skipped_dir(std::move(action), entry);
    }
    auto entries = lister_.list(path);
    if (!entries) {
      // Second call for the same directory, to report why it can't be read.
      action = fn_(path, &entry, &entries.error());
      if (!action || *action != WalkAction::proceed) return skipped_dir(std::move(action), entry);
      return WalkAction::proceed;
    }
    lister_.listed(path, *entries);
    auto r = walk_children(path, *entries);
    lister_.done(std::move(*entries));
    return r;
  }

 private:
  Result<WalkAction> walk_children(std::string& path, const std::vector<DirEntry>& entries) {
    // Go's path.Join: children of "." are named without a "./" prefix.
    const bool at_dot = path == ".";
    const std::size_t len = path.size();
    for (const DirEntry& child : entries) {
      if (at_dot) {
        path = child.name();
      } else {
        path += '/';
        path += child.name();
      }
      auto r = walk(path, child);
      if (at_dot) {
        path.assign(1, '.');  // not = ".": GCC 12 -Wrestrict false positive (PR 105329)
      } else {
        path.resize(len);
      }
      if (!r) return r;
      if (*r == WalkAction::skip_dir) break;  // a file asked to skip the rest of this directory
      if (*r == WalkAction::skip_all) return r;
    }
    return WalkAction::proceed;
  }

  // skip_dir returned for a directory means "done with it": its parent goes on.
  static Result<WalkAction> skipped_dir(Result<WalkAction> action, const DirEntry& entry) {
    if (action && *action == WalkAction::skip_dir && entry.is_dir()) return WalkAction::proceed;
    return action;
  }

  DirLister& lister_;
  const WalkDirFunc& fn_;
};

// walk_dir's lister: each directory read when the walk reaches it.
class SequentialLister final : public DirLister {
 public:
  explicit SequentialLister(FS& fs) : fs_(fs) {}
  Result<std::vector<DirEntry>> list(const std::string& path) override {
    return read_dir(fs_, path);
  }

 private:
  FS& fs_;
};

}  // namespace

Status walk(FS& fs, std::string_view root, const WalkDirFunc& fn, DirLister& lister) {
  auto info = stat(fs, root);
  Result<WalkAction> r = WalkAction::proceed;
  if (!info) {
    r = fn(root, nullptr, &info.error());
  } else {
    std::string path(root);
    DirEntry entry(std::move(*info));
    r = Walker(lister, fn).walk(path, entry);
  }
  if (!r) return std::move(r).error();
  return {};
}

}  // namespace internal

Status walk_dir(FS& fs, std::string_view root, const WalkDirFunc& fn) {
  internal::SequentialLister lister(fs);
  return internal::walk(fs, root, fn, lister);
}

}  // namespace vfs
