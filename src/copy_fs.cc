#include "vfs/copy_fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "path.h"
#include "sys/sys.h"
#include "vfs/read_link.h"
#include "vfs/walk.h"

namespace vfs {
namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd_ >= 0) sys::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

timespec to_timespec(Time t) {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  if (ts.tv_nsec < 0) {
    ts.tv_nsec += 1'000'000'000;
    --ts.tv_sec;
  }
  return ts;
}

class Copier {
 public:
  Copier(FS& fs, int dest, const CopyOptions& options) : fs_(fs), dest_(dest), options_(options) {}

  // Copies the entry `name` of the source to `rel` below the destination.
  Status copy(std::string_view name, std::string_view rel, const DirEntry& entry) {
    auto info = entry.info();
    if (!info) return info.error();
    auto parent = open_parent(name, rel);
    if (!parent) return parent.error();
    const std::string base(path::base(rel));
    const FileMode mode = info->mode;
    if (mode.is_dir()) return make_dir(name, rel, parent->get(), base, *info);
    if (mode.is_symlink()) return make_symlink(name, rel, parent->get(), base, *info);
    if (mode.is_regular()) return make_file(name, parent->get(), base, *info);
    return Error("copy", std::string(name), errc::invalid);
  }

  // Directory times, set last: creating their entries changed them.
  void finish() {
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
      if (auto parent = open_parent(it->first, it->first)) {
        set_times(parent->get(), std::string(path::base(it->first)), it->second, 0);
      }
    }
  }

 private:
  Result<Fd> open_parent(std::string_view name, std::string_view rel) {
    const sys::Ret r = sys::open_beneath(dest_, path::dir(rel), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (!r.ok()) return Error::from_errno("open", std::string(name), r.err);
    return Fd(static_cast<int>(r.value));
  }

  static void set_times(int parent, const std::string& base, Time t, int flags) {
    const timespec ts[2] = {to_timespec(t), to_timespec(t)};
    sys::blocking([&] { return static_cast<long>(::utimensat(parent, base.c_str(), ts, flags)); });
  }

  // What is at `base` already: 0 if nothing.
  static mode_t existing(int parent, const std::string& base) {
    struct ::stat st {};
    return sys::fstatat(parent, base.c_str(), &st, AT_SYMLINK_NOFOLLOW).ok() ? st.st_mode : 0;
  }

  // Makes room for a new file or symlink at `base`, if overwriting.
  Status clear(std::string_view name, int parent, const std::string& base) {
    const mode_t there = existing(parent, base);
    if (there == 0) return {};
    if (!options_.overwrite || S_ISDIR(there)) return Error("copy", std::string(name), errc::exist);
    const sys::Ret r =
        sys::blocking([&] { return static_cast<long>(::unlinkat(parent, base.c_str(), 0)); });
    if (!r.ok()) return Error::from_errno("copy", std::string(name), r.err);
    return {};
  }

  Status make_dir(std::string_view name, std::string_view rel, int parent, const std::string& base,
                  const FileInfo& info) {
    if (rel != ".") {  // the destination exists
      const mode_t perm = (info.mode.perm().bits() | 0700) & 0777;
      const sys::Ret r =
          sys::blocking([&] { return static_cast<long>(::mkdirat(parent, base.c_str(), perm)); });
      if (!r.ok() && !(r.err == EEXIST && S_ISDIR(existing(parent, base)))) {
        if (r.err == EEXIST) return Error("mkdir", std::string(name), errc::exist);
        return Error::from_errno("mkdir", std::string(name), r.err);
      }
    }
    // The destination itself keeps its time: it is the caller's directory.
    if (rel != ".") dirs_.emplace_back(std::string(rel), info.mod_time);
    return {};
  }

  Status make_symlink(std::string_view name, std::string_view rel, int parent,
                      const std::string& base, const FileInfo& info) {
    auto target = read_link(fs_, name);
    if (!target) return target.error();
    // rel is name with the copy's root taken off the front.
    const std::string_view root_prefix = name.substr(0, name.size() - rel.size());
    const auto is_link = [&](const std::string& p) {
      auto info = lstat(fs_, std::string(root_prefix) + p);
      return info && info->mode.is_symlink();
    };
    // Every link is checked this way, so one followed downwards stays inside.
    if (!path::lexical_target(path::dir(rel), *target, is_link)) {
      return Error("symlink", std::string(name), errc::escapes_root);
    }
    if (auto s = clear(name, parent, base); !s) return s;
    const sys::Ret r = sys::blocking(
        [&] { return static_cast<long>(::symlinkat(target->c_str(), parent, base.c_str())); });
    if (!r.ok()) return Error::from_errno("symlink", std::string(name), r.err);
    set_times(parent, base, info.mod_time, AT_SYMLINK_NOFOLLOW);
    if (options_.on_copied) options_.on_copied(name, 0);
    return {};
  }

  Status make_file(std::string_view name, int parent, const std::string& base,
                   const FileInfo& info) {
    auto src = fs_.open(name);
    if (!src) return src.error();
    if (auto s = clear(name, parent, base); !s) return s;
    const mode_t perm = info.mode.perm().bits() & 0777;
    const sys::Ret r = sys::blocking([&] {
      return static_cast<long>(::openat(
          parent, base.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm));
    });
    if (!r.ok()) {
      if (r.err == EEXIST) return Error("copy", std::string(name), errc::exist);
      return Error::from_errno("open", std::string(name), r.err);
    }
    Fd out(static_cast<int>(r.value));
    buf_.resize(256 * 1024);
    std::int64_t total = 0;
    for (;;) {
      auto n = (*src)->read(buf_);
      if (!n) return n.error();
      if (*n == 0) break;
      for (std::size_t done = 0; done < *n;) {
        const sys::Ret w = sys::blocking(
            [&] { return static_cast<long>(::write(out.get(), buf_.data() + done, *n - done)); });
        if (!w.ok()) return Error::from_errno("write", std::string(name), w.err);
        done += static_cast<std::size_t>(w.value);
      }
      total += static_cast<std::int64_t>(*n);
    }
    const timespec ts[2] = {to_timespec(info.mod_time), to_timespec(info.mod_time)};
    sys::blocking([&] { return static_cast<long>(::futimens(out.get(), ts)); });
    if (options_.on_copied) options_.on_copied(name, total);
    return {};
  }

  FS& fs_;
  int dest_;
  const CopyOptions& options_;
  std::vector<char> buf_;
  std::vector<std::pair<std::string, Time>> dirs_;
};

// Where `name` goes below the destination: the root is the destination
// itself, unless it is a file, which goes in it.
std::string_view relative(std::string_view root, std::string_view name, const DirEntry& entry) {
  if (name == root) return entry.is_dir() ? std::string_view(".") : path::base(name);
  return root == "." ? name : name.substr(root.size() + 1);
}

}  // namespace

Status copy_fs(FS& fs, std::string_view root, std::string_view dir, const CopyOptions& options) {
  const std::string dest_path(dir);
  const sys::Ret made =
      sys::blocking([&] { return static_cast<long>(::mkdir(dest_path.c_str(), 0777)); });
  if (!made.ok() && made.err != EEXIST) return Error::from_errno("mkdir", dest_path, made.err);
  const sys::Ret opened = sys::open(dest_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (!opened.ok()) return Error::from_errno("open", dest_path, opened.err);
  const Fd dest(static_cast<int>(opened.value));
  Copier copier(fs, dest.get(), options);
  Status walked = walk_dir(
      fs, root,
      [&](std::string_view name, const DirEntry* entry, const Error* err) -> Result<WalkAction> {
        Status s = err ? Status(*err) : copier.copy(name, relative(root, name, *entry), *entry);
        if (s) return WalkAction::proceed;
        if (!options.on_error) return s.error();
        options.on_error(s.error());
        return entry && entry->is_dir() && !err ? WalkAction::skip_dir : WalkAction::proceed;
      });
  copier.finish();
  return walked;
}

}  // namespace vfs
