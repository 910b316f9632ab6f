#include "vfs/dir_fs.h"

#include <dirent.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include "path.h"
#include "sys/sys.h"
#include "vfs/fd_file.h"
#include "vfs/runtime/detail/lock.h"

namespace vfs {
namespace {

// Saturates outside what Time holds (nanoseconds since 1970: 1678 to 2262),
// as ext4 stores times to 2446 and `touch -d` sets them.
Time to_time(const struct ::timespec& ts) {
  static_assert(std::is_same_v<Clock::period, std::nano>);
  Clock::rep ns;
  if (__builtin_mul_overflow(ts.tv_sec, Clock::rep{1'000'000'000}, &ns) ||
      __builtin_add_overflow(ns, ts.tv_nsec, &ns)) {
    return ts.tv_sec < 0 ? Time::min() : Time::max();
  }
  return Time(Clock::duration(ns));
}

FileInfo to_info(std::string_view name, const struct ::stat& st) {
  return FileInfo{std::string(path::base(name)), static_cast<std::int64_t>(st.st_size),
                  FileMode::from_posix(st.st_mode), to_time(st.st_mtim)};
}

// An escape is reported as ours, so it reads as what it is.
Error sys_error(std::string_view op, std::string_view name, int err) {
  if (err == EXDEV) return Error(std::string(op), std::string(name), errc::escapes_root);
  return Error::from_errno(std::string(op), std::string(name), err);
}

// The FileInfo of `name`, open as `fd`, which this closes.
Result<FileInfo> stat_and_close(std::string_view op, std::string_view name, int fd) {
  struct ::stat st {};
  auto r = sys::fstat(fd, &st);
  sys::close(fd);
  if (!r.ok()) return sys_error(op, name, r.err);
  return to_info(name, st);
}

sys::Resolve resolve(Confinement confinement) {
  return confinement == Confinement::in_root ? sys::Resolve::in_root : sys::Resolve::beneath;
}

FileMode dtype_to_mode(unsigned char d_type) {
  switch (d_type) {
    case DT_REG:
      return 0;
    case DT_DIR:
      return FileMode::dir;
    case DT_LNK:
      return FileMode::symlink;
    case DT_FIFO:
      return FileMode::named_pipe;
    case DT_SOCK:
      return FileMode::socket;
    case DT_BLK:
      return FileMode::device;
    case DT_CHR:
      return FileMode::device | FileMode::char_device;
    default:
      return FileMode::irregular;
  }
}

constexpr std::size_t kDirBufSize = 32 * 1024;

// getdents64 buffers, reused (Go's os package pools them too: dirBufPool).
// A 32 KiB malloc and free per directory made glibc grow and trim a thread's
// heap (an mprotect every few directories) and contend for its arena locks
// once several threads read directories at the same time. Each thread keeps
// one buffer of its own in front of the shared pool: the pool's lock, taken
// twice per directory by every thread, was the most contended cache line of
// a parallel walk.
class DirBufPool {
 public:
  std::unique_ptr<char[]> get() {
    if (std::unique_ptr<char[]> buf = take_own()) return buf;
    {
      std::lock_guard lock(lock_);
      if (!free_.empty()) {
        std::unique_ptr<char[]> buf = std::move(free_.back());
        free_.pop_back();
        return buf;
      }
    }
    // for_overwrite: getdents64 fills it; zeroing 32 KiB per directory showed in profiles.
    return std::make_unique_for_overwrite<char[]>(kDirBufSize);
  }

  void put(std::unique_ptr<char[]> buf) {
    buf = keep_own(std::move(buf));
    if (!buf) return;
    std::lock_guard lock(lock_);
    if (free_.size() < kKept) free_.push_back(std::move(buf));
  }

 private:
  // The calling thread's own buffer. Not inlined: a fiber may move to
  // another thread between two calls, and the address of a thread_local
  // must not be carried across that move.
  [[gnu::noinline]] static std::unique_ptr<char[]> take_own() noexcept { return std::move(own_); }
  // Keeps `buf` as the calling thread's own if it has none; else gives it back.
  [[gnu::noinline]] static std::unique_ptr<char[]> keep_own(std::unique_ptr<char[]> buf) noexcept {
    if (!own_) own_ = std::move(buf);
    return buf;
  }

  static constexpr std::size_t kKept = 16;  // 512 KiB at most, besides one per thread
  static thread_local std::unique_ptr<char[]> own_;
  runtime::detail::Lock lock_;  // held for a push or a pop
  std::vector<std::unique_ptr<char[]>> free_;
};

thread_local std::unique_ptr<char[]> DirBufPool::own_;

DirBufPool dir_bufs;

// How many records the getdents64 output in [pos, end) holds.
std::size_t count_dirents(const char* buf, std::size_t pos, std::size_t end) {
  std::size_t n = 0;
  for (; pos < end; pos += reinterpret_cast<const struct dirent64*>(buf + pos)->d_reclen) ++n;
  return n;
}

}  // namespace

// The lazy FileInfo of entries read from one directory: an lstat beneath the
// root, like Go's os.DirEntry.Info.
class DirInfoSource final : public DirEntry::InfoSource {
 public:
  DirInfoSource(std::shared_ptr<const DirFS> fs, std::string dir)
      : fs_(std::move(fs)), dir_(std::move(dir)) {}

  Result<FileInfo> info(std::string_view name) const override {
    return fs_->lstat_entry(dir_, name);
  }

 private:
  std::shared_ptr<const DirFS> fs_;
  std::string dir_;
};

// An open file or directory of a DirFS. A file that open() returns owns its
// FS (`owner`), which the lazy entries of its read_dir need; the file that
// read_dir_into uses for the length of the call only borrows it. Each owner
// is an atomic operation on the FS's one reference count, and that cache
// line bounced between cores when threads listed directories at once.
class DirFile final : public ReadDirFile, public FdFile, public ReaderAt, public Seeker {
 public:
  int fd() const noexcept override { return is_closed() ? -1 : fd_; }

  DirFile(const DirFS& fs, std::shared_ptr<const DirFS> owner, std::string name, int fd)
      : fs_(fs), owner_(std::move(owner)), name_(std::move(name)), fd_(fd) {}
  ~DirFile() override {
    if (!(uses_.load(std::memory_order_relaxed) & kClosed)) close_fd();
    if (buf_) dir_bufs.put(std::move(buf_));
  }

  Result<FileInfo> stat() override {
    if (is_closed()) return closed("stat");
    struct ::stat st {};
    if (auto r = sys::fstat(fd_, &st); !r.ok()) return sys_error("stat", name_, r.err);
    return to_info(name_, st);
  }

  Result<std::size_t> read(std::span<char> buf) override {
    if (is_closed()) return closed("read");
    const sys::Ret r = read_some(buf);
    if (!r.ok()) return sys_error("read", name_, r.err);
    return static_cast<std::size_t>(r.value);
  }

  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    if (offset < 0) return Error("read", name_, errc::invalid);
    if (uses_.fetch_add(kUse, std::memory_order_acquire) & kClosed) {
      end_use();
      return closed("read");
    }
    auto n = pread_all(buf, offset);
    end_use();
    return n;
  }

  Result<std::size_t> pread_all(std::span<char> buf, std::int64_t offset) {
    std::size_t done = 0;
    while (done < buf.size()) {
      auto r = sys::pread(fd_, buf.data() + done, buf.size() - done,
                          static_cast<off_t>(offset + static_cast<std::int64_t>(done)));
      if (!r.ok()) return sys_error("read", name_, r.err);
      if (r.value == 0) break;
      done += static_cast<std::size_t>(r.value);
    }
    return done;
  }

  Result<std::int64_t> seek(std::int64_t offset, Whence whence) override {
    if (is_closed()) return closed("seek");
    const int w = whence == Whence::begin     ? SEEK_SET
                  : whence == Whence::current ? SEEK_CUR
                                              : SEEK_END;
    auto r = sys::lseek(fd_, static_cast<off_t>(offset), w);
    if (!r.ok()) return sys_error("seek", name_, r.err);
    // A directory's listing starts over from where the kernel now stands, as
    // Go's does: what the buffer read ahead is stale (a no-op for a file).
    pos_ = end_ = 0;
    eof_ = false;
    return static_cast<std::int64_t>(r.value);
  }

  Result<std::vector<DirEntry>> read_dir(int n) override {
    std::vector<DirEntry> out;
    if (auto st = sys::as_one_call([&] { return append_entries(n, out); }); !st) {
      return std::move(st).error();
    }
    return out;
  }

  // Appends up to n entries (all if n <= 0) to `out`.
  Status append_entries(int n, std::vector<DirEntry>& out) {
    if (is_closed()) return closed("readdir");
    const std::size_t start = out.size();
    while (n <= 0 || out.size() - start < static_cast<std::size_t>(n)) {
      if (pos_ == end_) {
        if (eof_) break;
        if (auto st = fill(); !st) return st;
        // One allocation for what this buffer holds ("." and ".." included).
        const std::size_t more = count_dirents(buf_.get(), pos_, end_);
        out.reserve(out.size() + (n > 0 ? std::min(more, static_cast<std::size_t>(n)) : more));
        continue;
      }
      const auto* d = reinterpret_cast<const struct dirent64*>(buf_.get() + pos_);
      pos_ += d->d_reclen;
      const std::string_view name(d->d_name);
      if (name == "." || name == "..") continue;
      auto type = entry_type(d->d_type, d->d_name);
      if (!type) return std::move(type).error();
      out.emplace_back(std::string(name), *type, source());
    }
    return {};
  }

  // With read_at calls in flight on other threads, the last of them closes
  // the descriptor (and close(2)'s own error, rare, goes unreported).
  Status close() override {
    const std::uint64_t before = uses_.fetch_or(kClosed, std::memory_order_acq_rel);
    if (before & kClosed) return closed("close");
    if (!claim_release()) return {};
    if (const sys::Ret r = close_fd(); !r.ok()) return sys_error("close", name_, r.err);
    return {};
  }

 private:
  // uses_: kClosed once the file is closed, kReleased once its descriptor
  // is; the rest counts read_at calls in flight. The descriptor is released
  // once closed and unused, by exactly one caller, so no call ever reaches a
  // number the kernel has handed to another file.
  static constexpr std::uint64_t kClosed = 1;
  static constexpr std::uint64_t kReleased = 2;
  static constexpr std::uint64_t kUse = 4;

  bool is_closed() const noexcept { return uses_.load(std::memory_order_acquire) & kClosed; }

  // True for the one caller that is to release the descriptor: closed, no
  // call in flight, not yet released.
  bool claim_release() noexcept {
    std::uint64_t expected = kClosed;
    return uses_.compare_exchange_strong(expected, kClosed | kReleased, std::memory_order_acq_rel);
  }

  void end_use() {
    if (uses_.fetch_sub(kUse, std::memory_order_acq_rel) == (kUse | kClosed) && claim_release()) {
      close_fd();
    }
  }

  Error closed(std::string_view op) const { return Error(std::string(op), name_, errc::closed); }

  // Files are opened O_NONBLOCK, so that opening a FIFO does not wait for a
  // writer. Only a file that can keep a reader waiting (a FIFO, a socket, a
  // tty) then says EAGAIN, and from then on it reads through the runtime's
  // poller, which waits for data. Regular files never get there.
  sys::Ret read_some(std::span<char> buf) {
    if (!polled_) {
      const sys::Ret r = sys::read(fd_, buf.data(), buf.size());
      if (r.err != EAGAIN) return r;
      polled_ = true;
    }
    return sys::poll_read(fd_, buf.data(), buf.size());
  }

  sys::Ret close_fd() { return polled_ ? sys::poll_close(fd_) : sys::close(fd_); }

  // Refills the getdents64 buffer; sets eof_ when the directory is exhausted.
  Status fill() {
    if (!buf_) buf_ = dir_bufs.get();
    auto r = sys::getdents64(fd_, buf_.get(), kDirBufSize);
    if (!r.ok()) return sys_error("readdir", name_, r.err);
    pos_ = 0;
    end_ = static_cast<std::size_t>(r.value);
    eof_ = end_ == 0;
    return {};
  }

  // Type bits from d_type; filesystems that leave it DT_UNKNOWN cost an lstat.
  Result<FileMode> entry_type(unsigned char d_type, const char* name) const {
    if (d_type != DT_UNKNOWN) return dtype_to_mode(d_type);
    struct ::stat st {};
    if (auto r = sys::fstatat(fd_, name, &st, AT_SYMLINK_NOFOLLOW); !r.ok()) {
      return sys_error("readdir", name_, r.err);
    }
    return FileMode::from_posix(st.st_mode).type();
  }

  const std::shared_ptr<const DirInfoSource>& source() {
    if (!source_) {
      source_ =
          std::make_shared<const DirInfoSource>(owner_ ? owner_ : fs_.shared_from_this(), name_);
    }
    return source_;
  }

  const DirFS& fs_;
  std::shared_ptr<const DirFS> owner_;  // null while borrowed
  std::string name_;
  int fd_;
  std::atomic<std::uint64_t> uses_{0};
  bool polled_ = false;  // read through the poller (see read_some)
  std::unique_ptr<char[]> buf_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::shared_ptr<const DirInfoSource> source_;
};

Result<std::shared_ptr<DirFS>> DirFS::make(std::string_view dir, Confinement confinement) {
  const std::string path(dir.empty() ? "." : dir);
  if (path.find('\0') != std::string::npos) return Error("open", path, errc::invalid);
  auto r = sys::open(path.c_str(), O_PATH | O_DIRECTORY);
  if (!r.ok()) return Error::from_errno("open", path, r.err);
  return std::shared_ptr<DirFS>(new DirFS(static_cast<int>(r.value), path, confinement));
}

DirFS::~DirFS() { sys::close(root_fd_); }

Result<int> DirFS::open_fd(std::string_view op, std::string_view name, int flags) const {
  if (!valid_path(name)) return Error(std::string(op), std::string(name), errc::invalid);
  auto r = sys::open_beneath(root_fd_, name, flags, resolve(confinement_));
  if (!r.ok()) return sys_error(op, name, r.err);
  return static_cast<int>(r.value);
}

Result<FileInfo> DirFS::stat_opened(std::string_view op, std::string_view name, int flags) const {
  return sys::as_one_call([&]() -> Result<FileInfo> {
    auto fd = open_fd(op, name, flags);
    if (!fd) return std::move(fd).error();
    return stat_and_close(op, name, *fd);
  });
}

Result<FileInfo> DirFS::lstat_entry(std::string_view dir, std::string_view name) const {
  const std::string path = path::join(dir, name);
  return sys::as_one_call([&]() -> Result<FileInfo> {
    auto r = sys::open_beneath(root_fd_, path, O_PATH | O_NOFOLLOW, resolve(confinement_));
    if (!r.ok()) return sys_error("lstat", path, r.err);
    return stat_and_close("lstat", path, static_cast<int>(r.value));
  });
}

Result<FilePtr> DirFS::open(std::string_view name) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it has no effect
  // on regular files); a read still waits for data (DirFile::read_some).
  auto fd = open_fd("open", name, O_RDONLY | O_NONBLOCK);
  if (!fd) return std::move(fd).error();
  return FilePtr(std::make_unique<DirFile>(*this, shared_from_this(), std::string(name), *fd));
}

Result<FileInfo> DirFS::stat(std::string_view name) { return stat_opened("stat", name, O_PATH); }

Result<std::string> DirFS::read_link(std::string_view name) {
  return sys::as_one_call([&]() -> Result<std::string> {
    auto fd = open_fd("readlink", name, O_PATH | O_NOFOLLOW);
    if (!fd) return std::move(fd).error();
    std::string target;
    const sys::Ret r = sys::read_link(*fd, target);
    sys::close(*fd);
    if (!r.ok()) return sys_error("readlink", name, r.err);
    return target;
  });
}

Result<FileInfo> DirFS::lstat(std::string_view name) {
  return stat_opened("lstat", name, O_PATH | O_NOFOLLOW);
}

Result<std::vector<DirEntry>> DirFS::read_dir(std::string_view name) {
  std::vector<DirEntry> entries;
  if (auto st = read_dir_into(name, entries); !st) return std::move(st).error();
  return entries;
}

Status DirFS::read_dir_into(std::string_view name, std::vector<DirEntry>& entries) {
  entries.clear();
  // Open, getdents64 to the end and close: one door call, timed as one. A
  // parallel walk of a cold tree then keeps many directory reads in flight,
  // and a fiber that hands off does so once per directory, not per step.
  auto st = sys::as_one_call([&]() -> Status {
    auto fd = open_fd("readdir", name, O_RDONLY | O_DIRECTORY);
    if (!fd) return std::move(fd).error();
    DirFile dir(*this, nullptr, std::string(name), *fd);
    return dir.append_entries(-1, entries);
  });
  if (!st) {
    entries.clear();
    return st;
  }
  sort_entries(entries);
  return {};
}

Result<FSPtr> DirFS::sub(std::string_view dir) {
  if (!valid_path(dir)) return Error("sub", std::string(dir), errc::invalid);
  if (dir == ".") return FSPtr(shared_from_this());
  auto fd = open_fd("sub", dir, O_PATH | O_DIRECTORY);
  if (!fd) return std::move(fd).error();
  return FSPtr(
      std::shared_ptr<DirFS>(new DirFS(*fd, root_ + "/" + std::string(dir), confinement_)));
}

}  // namespace vfs
