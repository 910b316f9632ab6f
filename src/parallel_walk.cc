#include "vfs/parallel_walk.h"

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>

#include "path.h"
#include "vfs/read_dir.h"
#include "vfs/runtime/channel.h"
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
};

using JobPtr = std::shared_ptr<DirJob>;

// Lists directories for the walk from jobs that reader fibers started when
// the parent was listed. Only the walk's fiber touches `pending_`.
class ReadAheadLister final : public internal::DirLister {
 public:
  ReadAheadLister(FS& fs, const ParallelWalkOptions& options)
      : fs_(fs), max_ahead_(options.max_ahead), jobs_(options.max_ahead) {
    const int readers = options.readers > 0 ? options.readers : 2 * runtime::procs();
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
    auto it = pending_.find(path);
    if (it == pending_.end()) return read_dir(fs_, path);  // not read ahead: read it now
    JobPtr job = std::move(it->second);
    pending_.erase(it);
    job->ready.wait();
    return std::move(job->entries);
  }

  void listed(const std::string& path, const std::vector<DirEntry>& entries) override {
    for (const DirEntry& e : entries) {
      // pending_ bounds the channel too, so send() never blocks the walk.
      if (!e.is_dir() || pending_.size() >= max_ahead_) continue;
      auto job = std::make_shared<DirJob>(path::join(path, e.name()));
      pending_.emplace(job->path, job);
      jobs_.send(std::move(job));
    }
  }

  // Subdirectories the walk skipped keep no slot of max_ahead.
  void visited(const std::string& path, const std::vector<DirEntry>& entries) override {
    for (const DirEntry& e : entries) {
      if (e.is_dir()) pending_.erase(path::join(path, e.name()));
    }
  }

 private:
  void read_jobs() {
    while (auto job = jobs_.recv()) {
      if (!stop_.load(std::memory_order_relaxed)) (*job)->entries = read_dir(fs_, (*job)->path);
      (*job)->ready.done();
    }
  }

  FS& fs_;
  const std::size_t max_ahead_;
  runtime::Channel<JobPtr> jobs_;
  runtime::WaitGroup readers_done_;
  std::atomic<bool> stop_{false};
  std::unordered_map<std::string, JobPtr> pending_;
};

}  // namespace

Status walk_dir_parallel(FS& fs, std::string_view root, const WalkDirFunc& fn,
                         const ParallelWalkOptions& options) {
  if (runtime::procs() == 0) return walk_dir(fs, root, fn);
  ReadAheadLister lister(fs, options);
  return internal::walk(fs, root, fn, lister);
}

}  // namespace vfs
