#include "vfs/parallel_walk.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "path.h"
#include "vfs/read_dir.h"
#include "vfs/runtime/channel.h"
#include "vfs/runtime/mutex.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/wait_group.h"
#include "walker.h"

namespace vfs {
namespace {

// One directory to read ahead. `entries` is written by a reader before
// `ready` drops to zero, and read by the walk after it waits on `ready`.
struct DirJob {
  explicit DirJob(std::string p) : path(std::move(p)) { ready.add(1); }
  std::string path;
  Result<std::vector<DirEntry>> entries = std::vector<DirEntry>{};
  runtime::WaitGroup ready;
  std::atomic<bool> cancelled{false};  // the walk skipped it: no read, no children
};

using JobPtr = std::shared_ptr<DirJob>;

// Lists directories for the walk from jobs that reader fibers run ahead of
// it. A reader that has read a directory queues its subdirectories itself:
// the crawl spreads over the Ps through the readers waking each other, not
// through the walk, which wakes them from one P only and mostly waits.
// `pending_` (every job queued or read but not yet taken by the walk) is
// capped at max_ahead; a directory left out is read by the walk when it gets
// there, and its subdirectories are queued then.
class ReadAheadLister final : public internal::DirLister {
 public:
  ReadAheadLister(FS& fs, const ParallelWalkOptions& options)
      : fs_(fs), max_ahead_(options.max_ahead), jobs_(options.max_ahead) {
    const int readers = std::max(options.readers, 1);
    readers_done_.add(readers);
    for (int i = 0; i < readers; ++i) {
      runtime::go([this] {
        read_jobs();
        readers_done_.done();
      });
    }
  }

  // Jobs still queued are dropped unread; the readers are gone before the FS
  // and this lister can be.
  ~ReadAheadLister() override {
    stop_.store(true, std::memory_order_relaxed);
    jobs_.close();
    readers_done_.wait();
  }

  Result<std::vector<DirEntry>> list(const std::string& path) override {
    JobPtr job = take(path);
    if (!job) return read_dir(fs_, path);  // not read ahead: read it now
    job->ready.wait();
    return std::move(job->entries);
  }

  void listed(const std::string& path, const std::vector<DirEntry>& entries) override {
    queue_children(path, entries);
  }

  // Subdirectories the walk left unvisited (skip_dir, skip_all, an error):
  // their jobs, and everything queued below them, are cancelled.
  void visited(const std::string& path, const std::vector<DirEntry>& entries) override {
    std::lock_guard lock(mu_);     // cancel() and queue_children() agree under it
    if (pending_.empty()) return;  // the usual case: nothing left to cancel, no names to build
    for (const DirEntry& e : entries) {
      if (!e.is_dir()) continue;
      const std::string child = path::join(path, e.name());
      const std::string below = child + "/";
      cancel(pending_.find(child));
      for (auto it = pending_.lower_bound(below);
           it != pending_.end() && it->first.starts_with(below);) {
        it = cancel(it);
      }
    }
  }

 private:
  JobPtr take(const std::string& path) {
    std::lock_guard lock(mu_);
    auto it = pending_.find(path);
    if (it == pending_.end()) return nullptr;
    JobPtr job = std::move(it->second);
    pending_.erase(it);
    return job;
  }

  // Queues the subdirectories of `dir` not queued yet, while there is room.
  // Called by a reader once it has read `dir` (its job is `from`), and by the
  // walk when it lists a directory nobody read ahead. A job cancelled while
  // it was read queues nothing: the walk will not go below it.
  void queue_children(const std::string& dir, const std::vector<DirEntry>& entries,
                      const DirJob* from = nullptr) {
    std::vector<JobPtr> fresh;
    {
      std::lock_guard lock(mu_);
      if (from && from->cancelled.load(std::memory_order_relaxed)) return;
      for (const DirEntry& e : entries) {
        if (!e.is_dir()) continue;
        if (pending_.size() >= max_ahead_) break;
        std::string path = path::join(dir, e.name());
        if (pending_.contains(path)) continue;
        auto job = std::make_shared<DirJob>(std::move(path));
        pending_.emplace(job->path, job);
        fresh.push_back(std::move(job));
      }
    }
    // The channel holds at most max_ahead jobs and pending_ counts them all,
    // so send() never waits.
    for (JobPtr& job : fresh) jobs_.send(std::move(job));
  }

  std::map<std::string, JobPtr>::iterator cancel(std::map<std::string, JobPtr>::iterator it) {
    if (it == pending_.end()) return it;
    it->second->cancelled.store(true, std::memory_order_relaxed);
    return pending_.erase(it);
  }

  void read_jobs() {
    while (auto job = jobs_.recv()) {
      DirJob& j = **job;
      if (!stop_.load(std::memory_order_relaxed) && !j.cancelled.load(std::memory_order_relaxed)) {
        j.entries = read_dir(fs_, j.path);
        if (j.entries) queue_children(j.path, *j.entries, &j);
      }
      j.ready.done();
    }
  }

  FS& fs_;
  const std::size_t max_ahead_;
  runtime::Channel<JobPtr> jobs_;
  runtime::WaitGroup readers_done_;
  std::atomic<bool> stop_{false};
  runtime::Mutex mu_;                      // guards pending_
  std::map<std::string, JobPtr> pending_;  // ordered: visited() cancels by prefix
};

}  // namespace

Status walk_dir_parallel(FS& fs, std::string_view root, const WalkDirFunc& fn,
                         const ParallelWalkOptions& options) {
  if (runtime::procs() == 0) return walk_dir(fs, root, fn);
  ReadAheadLister lister(fs, options);
  return internal::walk(fs, root, fn, lister);
}

}  // namespace vfs
