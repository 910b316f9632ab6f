#include "vfs/parallel_walk.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "path.h"
#include "vfs/read_dir.h"
#include "vfs/runtime/detail/lock.h"
#include "vfs/runtime/mutex.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/wait_group.h"
#include "walker.h"

namespace vfs {
namespace {

struct Range;
using RangePtr = std::shared_ptr<Range>;

// One step of a range, in walk order: a directory's listing, or a hole: the
// rest of the subdirectories of `hole->dir`, handed to a range of its own.
struct Step {
  explicit Step(std::string listing) : path(std::move(listing)) {}
  explicit Step(RangePtr rest) : hole(std::move(rest)) {}
  std::string path;
  Result<std::vector<DirEntry>> entries = std::vector<DirEntry>{};
  RangePtr hole;
};

// A part of the tree: the subdirectories `names` of `dir` and everything
// below them. Whoever claims it (a reader, or the walk if it gets there
// first) lists up to `batch` directories of it, in walk order, into `steps`;
// what it leaves becomes holes, queued as ranges for other readers. The walk
// then takes a whole batch at once: one wait per batch, not per directory.
struct Range {
  Range(std::string d, std::vector<std::string> n) : dir(std::move(d)), names(std::move(n)) {
    done.add(1);
  }
  const std::string dir;
  const std::vector<std::string> names;
  std::deque<Step> steps;  // written by the claimer; read by the walk after `done`
  std::size_t listed = 0;  // steps that are listings
  runtime::WaitGroup done;
  // Under the lister's mutex. `cancelled` is also read without it, to stop early.
  bool claimed = false;
  bool finished = false;
  std::atomic<bool> cancelled{false};  // the walk skipped it: its listings are not wanted
};

// The names of the subdirectories among `entries`.
std::vector<std::string> subdirs(const std::vector<DirEntry>& entries) {
  std::vector<std::string> names;
  for (const DirEntry& e : entries) {
    if (e.is_dir()) names.push_back(e.name());
  }
  return names;
}

// Whether `path` is strictly below directory `dir` (Go's path names: the
// children of "." have no "./" prefix).
bool below(std::string_view path, std::string_view dir) {
  if (dir == ".") return path != ".";
  return path.size() > dir.size() && path[dir.size()] == '/' && path.starts_with(dir);
}

// The first directory of `r` with every '/' as '\0': byte order of these
// keys is walk order (a directory's subtree comes before its next sibling).
std::string walk_order_key(const Range& r) {
  std::string key = path::join(r.dir, r.names.front());
  std::replace(key.begin(), key.end(), '/', '\0');
  return key;
}

// Lists directories for the walk from ranges that reader fibers read ahead
// of it. The walk follows the ranges with a stack of cursors: a range's
// steps are in walk order, and a hole leads to the range that continues it.
class ReadAheadLister final : public internal::DirLister {
 public:
  ReadAheadLister(FS& fs, const ParallelWalkOptions& options)
      : fs_(fs),
        max_readers_(std::max(options.readers, 1)),
        max_ahead_(options.max_ahead),
        procs_(runtime::procs()),
        batch_(
            std::clamp<std::size_t>(options.batch, 1, std::max<std::size_t>(max_ahead_ / 4, 1))) {}

  // Queued ranges are dropped, readers stop at their next directory; they
  // are gone before the FS and this lister can be.
  ~ReadAheadLister() override {
    {
      std::lock_guard lock(mu_);
      stop_.store(true, std::memory_order_relaxed);
      queue_.clear();
    }
    readers_done_.wait();
  }

  Result<std::vector<DirEntry>> list(const std::string& path) override {
    read_here_ = false;
    if (Step* step = advance_to(path)) return std::move(step->entries);
    read_here_ = true;  // not read ahead (the walk's root): read it now
    return read_dir(fs_, path);
  }

  // Listings are freed by whichever thread the walk runs on, and glibc
  // frees a chunk into the arena of the thread that allocated it: with
  // readers on every thread, each listing freed made an arena lock
  // contended and its heap trim and grow again (an mprotect every few
  // directories). Their vectors go round instead: the walk keeps them for
  // its own reads and hands the rest to the pool, readers take a few at a
  // time (one lock per kVectorBatch directories, not two per directory).
  void done(std::vector<DirEntry>&& entries) override {
    entries.clear();
    own_vectors_.push_back(std::move(entries));
    if (own_vectors_.size() >= 2 * kVectorBatch) give_back(own_vectors_, kVectorBatch);
  }

  // A directory the walk read itself: its subdirectories become a range.
  void listed(const std::string& path, const std::vector<DirEntry>& entries) override {
    if (!read_here_) return;  // they are already in the range it came from
    std::vector<std::string> names = subdirs(entries);
    if (names.empty()) return;
    cursors_.push_back({queue(std::make_shared<Range>(path, std::move(names)))});
  }

 private:
  struct Cursor {
    RangePtr range;
    std::size_t next = 0;          // the next step to look at
    std::size_t listings_end = 0;  // just past the range's last listing, once ready
    bool ready = false;            // the range is finished: its steps can be read
    bool released = false;         // its listings no longer count as ahead
  };

  // Moves the cursors forward to the listing of `path`. Listings passed over
  // are of directories the walk skipped; holes passed over are cancelled.
  // nullptr if no range has it.
  Step* advance_to(const std::string& path) {
    while (!cursors_.empty()) {
      Cursor& top = cursors_.back();
      if (!top.ready) {
        await(*top.range);
        top.ready = true;
        top.listings_end = listings_end(*top.range);
      }
      bool descended = false;
      while (!descended && top.next < top.range->steps.size()) {
        Step& step = top.range->steps[top.next++];
        if (!step.hole) {
          if (step.path != path) continue;
          release_if_passed(top);
          return &step;
        }
        if (below(path, step.hole->dir)) {
          release_if_passed(top);
          RangePtr hole = step.hole;
          cursors_.push_back({std::move(hole)});  // `top` is invalid from here
          descended = true;
        } else {
          cancel(*step.hole);
        }
      }
      if (!descended) {
        release_if_passed(top);
        cursors_.pop_back();
      }
    }
    return nullptr;
  }

  static std::size_t listings_end(const Range& r) {
    std::size_t end = r.steps.size();
    while (end > 0 && r.steps[end - 1].hole) --end;
    return end;
  }

  // Once the walk has taken the last listing of a range, its listings stop
  // counting against max_ahead, though the holes after them (the rest of
  // the subtree, often large) are still to come: else every range the walk
  // is descending through would hold its batch until that subtree is done,
  // and readers would stop after max_ahead / batch levels of it.
  void release_if_passed(Cursor& c) {
    if (c.released || c.next < c.listings_end) return;
    c.released = true;
    release(*c.range);
  }

  // Waits for range `r`, which the walk has reached. If no reader has
  // claimed it yet, the walk reads it itself rather than wait for one; while
  // a reader is still on it, the walk reads the next queued range instead of
  // leaving its P idle.
  void await(Range& r) {
    for (;;) {
      RangePtr other;
      {
        std::lock_guard lock(mu_);
        if (r.finished) return;
        if (!r.claimed) {
          claim_locked(r);
        } else {
          other = claim_queued_locked();
          if (!other) break;
        }
      }
      if (!other) {
        crawl(r, own_vectors_);
        finish(r);
        return;
      }
      crawl(*other, own_vectors_);
      finish(*other);
    }
    r.done.wait();
  }

  using Vectors = std::vector<std::vector<DirEntry>>;

  // One claimer's listing of one range.
  struct Crawl {
    Range& range;
    std::size_t budget;  // directories it may still list
    Vectors& vectors;    // to list into
  };

  // Lists `r` in walk order, at most batch_ directories, into `vectors`
  // (refilled from the pool); the rest becomes holes.
  void crawl(Range& r, Vectors& vectors) {
    Crawl c{r, batch_, vectors};
    crawl(c, r.dir, r.names, 0);
  }

  // The crawl recurses on the fiber's small stack: below kMaxCrawlDepth
  // levels, what is left becomes a hole, however big the batch.
  static constexpr int kMaxCrawlDepth = 64;

  void crawl(Crawl& c, const std::string& dir, const std::vector<std::string>& names, int depth) {
    Range& r = c.range;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (stop_.load(std::memory_order_relaxed) || r.cancelled.load(std::memory_order_relaxed)) {
        return;  // nobody will read this range: queue nothing more
      }
      if (c.budget == 0 || depth == kMaxCrawlDepth) {
        add_hole(r, dir, names, i);
        return;
      }
      // Another reader could start now and nothing is queued for it: the rest
      // of this directory goes to it, while this reader goes down names[i].
      RangePtr split;
      if (i + 1 < names.size() && hungry()) split = queue(make_range(dir, names, i + 1));
      Step& step = r.steps.emplace_back(path::join(dir, names[i]));
      step.entries = read_into(step.path, c.vectors);
      ++r.listed;
      --c.budget;
      if (step.entries) {
        const std::vector<std::string> children = subdirs(*step.entries);
        if (!children.empty()) crawl(c, step.path, children, depth + 1);
      }
      if (split) {
        r.steps.emplace_back(std::move(split));
        return;
      }
    }
  }

  // The listing of `path`, read into one of `vectors` (refilled from the
  // pool when empty) if there is one.
  Result<std::vector<DirEntry>> read_into(const std::string& path, Vectors& vectors) {
    if (vectors.empty()) take_from_pool(vectors);
    std::vector<DirEntry> entries;
    if (!vectors.empty()) {
      entries = std::move(vectors.back());
      vectors.pop_back();
    }
    if (auto st = read_dir_into(fs_, path, entries); !st) {
      vectors.push_back(std::move(entries));
      return std::move(st).error();
    }
    return entries;
  }

  void take_from_pool(Vectors& vectors) {
    std::lock_guard lock(pool_lock_);
    while (!pool_.empty() && vectors.size() < kVectorBatch) {
      pooled_entries_ -= pool_.back().capacity();
      vectors.push_back(std::move(pool_.back()));
      pool_.pop_back();
    }
  }

  // Moves `vectors` to the pool but for `keep` of them; those that would
  // take it over kPoolEntries are freed.
  void give_back(Vectors& vectors, std::size_t keep) {
    std::lock_guard lock(pool_lock_);
    for (; vectors.size() > keep; vectors.pop_back()) {
      if (pooled_entries_ + vectors.back().capacity() > kPoolEntries) continue;
      pooled_entries_ += vectors.back().capacity();
      pool_.push_back(std::move(vectors.back()));
    }
  }

  static RangePtr make_range(const std::string& dir, const std::vector<std::string>& names,
                             std::size_t from) {
    return std::make_shared<Range>(
        dir,
        std::vector<std::string>(names.begin() + static_cast<std::ptrdiff_t>(from), names.end()));
  }

  void add_hole(Range& r, const std::string& dir, const std::vector<std::string>& names,
                std::size_t from) {
    r.steps.emplace_back(queue(make_range(dir, names, from)));
  }

  // No range waits for a reader, and another would have a P to run on.
  bool hungry() const noexcept {
    return queued_.load(std::memory_order_relaxed) == 0 && reader_would_run();
  }

  // Below max_readers, a new reader is worth starting while there are fewer
  // readers than Ps, or a P is idle: when the cache is warm, more would only
  // take turns on the same Ps (and split the tree finer for nothing); when
  // readers wait for the disk, their Ps go idle and more of them start.
  bool reader_would_run() const noexcept {
    const int active = active_.load(std::memory_order_relaxed);
    return active < max_readers_ && (active < procs_ || runtime::idle_procs() > 0);
  }

  RangePtr queue(RangePtr r) {
    bool spawn = false;
    {
      std::lock_guard lock(mu_);
      if (stop_.load(std::memory_order_relaxed)) return r;  // never read; never awaited
      queue_.emplace(walk_order_key(*r), r);
      queued_.fetch_add(1, std::memory_order_relaxed);
      spawn = start_reader_locked();
    }
    if (spawn) spawn_reader();
    return r;
  }

  // Whether another reader should start now; if so it is counted. Under mu_.
  bool start_reader_locked() {
    if (stop_.load(std::memory_order_relaxed) || queued_.load(std::memory_order_relaxed) == 0 ||
        !reader_would_run() || ahead_ >= max_ahead_) {
      return false;
    }
    active_.fetch_add(1, std::memory_order_relaxed);
    readers_done_.add(1);
    return true;
  }

  void spawn_reader() {
    runtime::go([this] {
      Vectors vectors;
      while (RangePtr r = claim_next()) {
        crawl(*r, vectors);
        finish(*r);
        // The walk may be waiting for this range, readied on this P: let it
        // run now rather than after the whole crawl.
        runtime::yield();
      }
      give_back(vectors, 0);
      readers_done_.done();
    });
  }

  // The next range for a reader, or nullptr when it should stop: nothing
  // queued, the walk is over, or max_ahead listings wait for the walk.
  RangePtr claim_next() {
    std::lock_guard lock(mu_);
    if (RangePtr r = claim_queued_locked()) return r;
    active_.fetch_sub(1, std::memory_order_relaxed);
    return nullptr;
  }

  // The first queued range in walk order, claimed; nullptr if none, or the
  // walk is over, or max_ahead listings wait for the walk. Under mu_.
  RangePtr claim_queued_locked() {
    while (!queue_.empty() && !stop_.load(std::memory_order_relaxed) && ahead_ < max_ahead_) {
      RangePtr r = std::move(queue_.begin()->second);
      queue_.erase(queue_.begin());
      if (r->claimed) continue;  // the walk got there first, or skipped it
      claim_locked(*r);
      return r;
    }
    return nullptr;
  }

  // Marks an unclaimed range claimed: queued_ counts the unclaimed. Under mu_.
  void claim_locked(Range& r) {
    r.claimed = true;
    queued_.fetch_sub(1, std::memory_order_relaxed);
  }

  void finish(Range& r) {
    bool cancelled = false;
    {
      std::lock_guard lock(mu_);
      r.finished = true;
      cancelled = r.cancelled.load(std::memory_order_relaxed);
      if (!cancelled) ahead_ += r.listed;
    }
    if (cancelled) cancel_holes(r);
    r.done.done();
  }

  // The walk skipped range `r`: nobody reads it, and its holes are cancelled
  // by whichever of this and finish() comes second.
  void cancel(Range& r) {
    bool holes = false;
    {
      std::lock_guard lock(mu_);
      if (r.cancelled.load(std::memory_order_relaxed)) return;
      r.cancelled.store(true, std::memory_order_relaxed);
      if (!r.claimed) {
        claim_locked(r);  // left in queue_; claim_next() passes over it
      } else if (r.finished) {
        ahead_ -= r.listed;
        holes = true;
      }
    }
    if (holes) cancel_holes(r);
  }

  void cancel_holes(Range& r) {
    for (Step& step : r.steps) {
      if (step.hole) cancel(*step.hole);
    }
  }

  // The walk has taken every listing of range `r`: they no longer count as ahead.
  void release(Range& r) {
    bool spawn = false;
    {
      std::lock_guard lock(mu_);
      ahead_ -= r.listed;
      spawn = start_reader_locked();
    }
    if (spawn) spawn_reader();
  }

  FS& fs_;
  const int max_readers_;
  const std::size_t max_ahead_;
  const int procs_;
  const std::size_t batch_;
  // The walk's own state (one fiber at a time).
  std::vector<Cursor> cursors_;
  Vectors own_vectors_;  // emptied listings, for the walk's own reads
  bool read_here_ = false;
  // Shared with the readers.
  runtime::Mutex mu_;
  // Under mu_, first in walk order: readers take the part the walk needs next.
  // May hold ranges claimed since.
  std::map<std::string, RangePtr> queue_;
  std::size_t ahead_ = 0;       // under mu_: listings finished, not yet released by the walk
  std::atomic<int> queued_{0};  // written under mu_: unclaimed ranges in queue_
  std::atomic<int> active_{0};  // written under mu_: readers running
  std::atomic<bool> stop_{false};
  runtime::WaitGroup readers_done_;
  // Emptied vectors of listings the walk is done with (done()), holding
  // room for kPoolEntries entries at most (about 20 MB): enough that the walk
  // rarely frees one while readers are ahead. They move kVectorBatch at a time.
  static constexpr std::size_t kPoolEntries = 256 * 1024;
  static constexpr std::size_t kVectorBatch = 16;
  runtime::detail::Lock pool_lock_;
  Vectors pool_;
  std::size_t pooled_entries_ = 0;  // the capacities in pool_, summed
};

}  // namespace

Status walk_dir_parallel(FS& fs, std::string_view root, const WalkDirFunc& fn,
                         const ParallelWalkOptions& options) {
  if (runtime::procs() == 0) return walk_dir(fs, root, fn);
  ReadAheadLister lister(fs, options);
  return internal::walk(fs, root, fn, lister);
}

}  // namespace vfs
