#include "vfs/walk.h"

#include <string>
#include <vector>

#include "vfs/read_dir.h"
#include "vfs/stat.h"
#include "walker.h"

namespace vfs {
namespace internal {
namespace {

// Go's walkDir, with the directories being walked on an explicit stack
// rather than the call stack: walks run on fibers, whose stacks are small and
// fixed (64 KiB by default), and a tree may be thousands of levels deep.
// `path_` is one buffer for the whole walk: a child's name is appended to
// its directory's path, so visiting an entry allocates nothing.
class Walker {
 public:
  Walker(DirLister& lister, const WalkDirFunc& fn, std::string_view root)
      : lister_(lister), fn_(fn), path_(root) {}

  Result<WalkAction> walk(const DirEntry& root) {
    Result<WalkAction> r = visit(root);
    while (r && *r != WalkAction::skip_all && !stack_.empty()) {
      Dir& dir = stack_.back();
      // skip_dir from a file: the rest of its directory is skipped.
      if (*r == WalkAction::skip_dir || dir.next == dir.entries.size()) {
        leave();
        r = WalkAction::proceed;
        continue;
      }
      const DirEntry& child = dir.entries[dir.next++];
      set_path(dir, child.name());
      r = visit(child);  // may push: `dir` is invalid from here
    }
    while (!stack_.empty()) leave();  // an error or skip_all ends the walk
    return r;
  }

 private:
  // A directory being walked: its entries, the next to visit, and where its
  // own path ends in path_.
  struct Dir {
    std::vector<DirEntry> entries;
    std::size_t next = 0;
    std::size_t path_len = 0;
    bool at_dot = false;  // Go's path.Join: children of "." have no "./" prefix
  };

  // Calls fn for the entry at path_; a directory it proceeds into is read
  // and pushed, to be walked next.
  Result<WalkAction> visit(const DirEntry& entry) {
    auto action = fn_(path_, &entry, nullptr);
    if (!action || *action != WalkAction::proceed || !entry.is_dir()) {
      return skipped_dir(std::move(action), entry);
    }
    auto entries = lister_.list(path_);
    if (!entries) {
      // Second call for the same directory, to report why it can't be read.
      action = fn_(path_, &entry, &entries.error());
      if (!action || *action != WalkAction::proceed) return skipped_dir(std::move(action), entry);
      return WalkAction::proceed;
    }
    lister_.listed(path_, *entries);
    stack_.push_back({std::move(*entries), 0, path_.size(), path_ == "."});
    return WalkAction::proceed;
  }

  void set_path(const Dir& dir, std::string_view name) {
    if (dir.at_dot) {
      path_.assign(name);
    } else {
      path_.resize(dir.path_len);
      path_ += '/';
      path_ += name;
    }
  }

  void leave() {
    lister_.done(std::move(stack_.back().entries));
    stack_.pop_back();
  }

  // skip_dir returned for a directory means "done with it": its parent goes on.
  static Result<WalkAction> skipped_dir(Result<WalkAction> action, const DirEntry& entry) {
    if (action && *action == WalkAction::skip_dir && entry.is_dir()) return WalkAction::proceed;
    return action;
  }

  DirLister& lister_;
  const WalkDirFunc& fn_;
  std::string path_;
  std::vector<Dir> stack_;
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
    DirEntry entry(std::move(*info));
    r = Walker(lister, fn, root).walk(entry);
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
