#include "vfs/walk_parallel.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vfs/read_dir.h"
#include "vfs/runtime/mutex.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/wait_group.h"
#include "vfs/stat.h"

namespace vfs {
namespace {

// One directory's listing, read ahead by a fiber.
struct Listing {
  std::string path;
  std::optional<Result<std::vector<DirEntry>>> entries;
  // children[i]: the listing of entry i if it is a directory.
  std::vector<std::unique_ptr<Listing>> children;
  runtime::WaitGroup ready;  // done once entries and children are set
  bool started = false;      // guarded by Prefetcher::mu_
};

// Go's path.Join for a child of `dir`.
std::string child_path(const std::string& dir, std::string_view name) {
  if (dir == ".") return std::string(name);
  std::string p = dir;
  p += '/';
  p += name;
  return p;
}

// Reads queued directories on up to `limit` fibers at once.
class Prefetcher {
 public:
  Prefetcher(FS& fs, int limit) : fs_(fs), limit_(std::max(1, limit)) {}

  void add(Listing* l) {
    l->ready.add(1);
    std::lock_guard lock(mu_);
    pending_.push_back(l);
    pump_locked();
  }

  // Blocks until l is read; moves it to the front of the queue first.
  void wait(Listing* l) {
    {
      std::lock_guard lock(mu_);
      if (!l->started) {
        auto it = std::find(pending_.begin(), pending_.end(), l);
        if (it != pending_.end()) {
          pending_.erase(it);
          pending_.push_front(l);
        }
        pump_locked();
      }
    }
    l->ready.wait();
  }

  // Stops starting reads and waits for those in flight.
  void finish() {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
      pending_.clear();
    }
    inflight_.wait();
  }

 private:
  void pump_locked() {
    while (!cancelled_ && running_ < limit_ && !pending_.empty()) {
      Listing* l = pending_.front();
      pending_.pop_front();
      l->started = true;
      ++running_;
      inflight_.add(1);
      runtime::go([this, l] { read(l); });
    }
  }

  void read(Listing* l) {
    l->entries = read_dir(fs_, l->path);
    std::vector<Listing*> subdirs;
    if (l->entries->ok()) {
      const auto& entries = **l->entries;
      l->children.resize(entries.size());
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (!entries[i].is_dir()) continue;
        l->children[i] = std::make_unique<Listing>();
        l->children[i]->path = child_path(l->path, entries[i].name());
        subdirs.push_back(l->children[i].get());
      }
    }
    for (Listing* c : subdirs) add(c);
    {
      std::lock_guard lock(mu_);
      --running_;
      pump_locked();
    }
    l->ready.done();
    inflight_.done();
  }

  FS& fs_;
  const int limit_;
  runtime::Mutex mu_;
  std::deque<Listing*> pending_;
  int running_ = 0;
  bool cancelled_ = false;
  runtime::WaitGroup inflight_;
};

// walk.cc's Walker, with read_dir replaced by waiting for a listing that
// was (most likely) read ahead.
class ParallelWalker {
 public:
  ParallelWalker(const WalkDirFunc& fn, Prefetcher& prefetch) : fn_(fn), prefetch_(prefetch) {}

  Result<WalkAction> walk(const std::string& path, const DirEntry& entry, Listing* listing) {
    auto action = fn_(path, &entry, nullptr);
    if (!action || *action != WalkAction::proceed || !entry.is_dir()) {
      return skipped_dir(std::move(action), entry);
    }
    prefetch_.wait(listing);
    const auto& entries = *listing->entries;
    if (!entries) {
      action = fn_(path, &entry, &entries.error());
      if (!action || *action != WalkAction::proceed) return skipped_dir(std::move(action), entry);
      return WalkAction::proceed;
    }
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const DirEntry& child = (*entries)[i];
      auto r = walk(child_path(path, child.name()), child, listing->children[i].get());
      if (!r) return r;
      if (*r == WalkAction::skip_dir) break;
      if (*r == WalkAction::skip_all) return r;
    }
    return WalkAction::proceed;
  }

 private:
  static Result<WalkAction> skipped_dir(Result<WalkAction> action, const DirEntry& entry) {
    if (action && *action == WalkAction::skip_dir && entry.is_dir()) return WalkAction::proceed;
    return action;
  }

  const WalkDirFunc& fn_;
  Prefetcher& prefetch_;
};

Status walk_with_runtime(FS& fs, std::string_view root, const WalkDirFunc& fn,
                         const ParallelWalkOptions& options) {
  auto info = stat(fs, root);
  Result<WalkAction> r = WalkAction::proceed;
  if (!info) {
    r = fn(root, nullptr, &info.error());
  } else {
    DirEntry entry(std::move(*info));
    Prefetcher prefetch(fs, options.concurrency);
    Listing top;
    top.path = std::string(root);
    if (entry.is_dir()) prefetch.add(&top);
    r = ParallelWalker(fn, prefetch).walk(top.path, entry, &top);
    prefetch.finish();
  }
  if (!r) return std::move(r).error();
  return {};
}

}  // namespace

Status walk_dir_parallel(FS& fs, std::string_view root, const WalkDirFunc& fn,
                         ParallelWalkOptions options) {
  if (runtime::on_fiber() || runtime::procs() > 0) {
    return walk_with_runtime(fs, root, fn, options);
  }
  Status out;
  runtime::run([&] { out = walk_with_runtime(fs, root, fn, options); });
  return out;
}

}  // namespace vfs
