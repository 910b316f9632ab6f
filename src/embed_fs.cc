#include "vfs/embed_fs.h"

#include "embed/order.h"
#include "path.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

namespace vfs {
namespace {

namespace order = internal::embed;

FileInfo info_of(const EmbedEntry& e) {
  return FileInfo{
      std::string(path::base(e.name)), static_cast<std::int64_t>(e.data.size()), FileMode(e.mode),
      Time(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(e.mod_time_ns)))};
}

Error closed_error(std::string_view op, std::string_view name) {
  return Error(std::string(op), std::string(name), errc::closed);
}

// A regular file: a read offset over bytes in the program's read-only data.
class EmbedFile final : public ContentsFile, public AssetInfoFile, public ReaderAt, public Seeker {
 public:
  explicit EmbedFile(const EmbedEntry& entry) noexcept : entry_(entry) {}

  Result<FileInfo> stat() override {
    if (closed()) return closed_error("stat", entry_.name);
    return info_of(entry_);
  }

  Result<std::size_t> read(std::span<char> buf) override {
    if (closed()) return closed_error("read", entry_.name);
    const std::size_t n = copy_at(buf, offset_);
    offset_ += static_cast<std::int64_t>(n);
    return n;
  }

  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    if (closed()) return closed_error("read", entry_.name);
    if (offset < 0) return Error("read", std::string(entry_.name), errc::invalid);
    return copy_at(buf, offset);
  }

  Result<std::int64_t> seek(std::int64_t offset, Whence whence) override {
    if (closed()) return closed_error("seek", entry_.name);
    const std::int64_t size = static_cast<std::int64_t>(entry_.data.size());
    const std::int64_t base = whence == Whence::begin     ? 0
                              : whence == Whence::current ? offset_
                                                          : size;
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0) {
      return Error("seek", std::string(entry_.name), errc::invalid);
    }
    offset_ = base + offset;
    return offset_;
  }

  Status close() override {
    if (closed_.exchange(true, std::memory_order_relaxed))
      return closed_error("close", entry_.name);
    return {};
  }

  // The bytes are the program's: valid after close too.
  std::string_view contents() const noexcept override { return entry_.data; }
  AssetInfo asset_info() const noexcept override { return entry_.info; }

 private:
  bool closed() const noexcept { return closed_.load(std::memory_order_relaxed); }

  std::size_t copy_at(std::span<char> buf, std::int64_t offset) const noexcept {
    const std::string_view data = entry_.data;
    // memcpy to or from null is undefined even for zero bytes.
    if (buf.empty() || offset >= static_cast<std::int64_t>(data.size())) return 0;
    const std::size_t n = std::min(buf.size(), data.size() - static_cast<std::size_t>(offset));
    std::memcpy(buf.data(), data.data() + offset, n);
    return n;
  }

  const EmbedEntry& entry_;  // in the generated index: lives as long as the program
  std::int64_t offset_ = 0;
  // Atomic: close() may run while read_at() calls are in flight (reader.h).
  std::atomic<bool> closed_{false};
};

// A directory: its entries, handed out by read_dir(n).
class EmbedDir final : public ReadDirFile {
 public:
  EmbedDir(EmbedEntry self, std::span<const EmbedEntry> children) noexcept
      : self_(self), children_(children) {}

  Result<FileInfo> stat() override {
    if (closed_) return closed_error("stat", self_.name);
    return info_of(self_);
  }

  Result<std::size_t> read(std::span<char>) override {
    if (closed_) return closed_error("read", self_.name);
    return Error::from_errno("read", std::string(self_.name), EISDIR);
  }

  Result<std::vector<DirEntry>> read_dir(int n) override {
    if (closed_) return closed_error("readdir", self_.name);
    const std::size_t left = children_.size() - next_;
    const std::size_t count = n <= 0 ? left : std::min(left, static_cast<std::size_t>(n));
    std::vector<DirEntry> out;
    out.reserve(count);
    for (const EmbedEntry& e : children_.subspan(next_, count)) out.emplace_back(info_of(e));
    next_ += count;
    return out;
  }

  Status close() override {
    if (closed_) return closed_error("close", self_.name);
    closed_ = true;
    return {};
  }

 private:
  EmbedEntry self_;  // a copy: the root's entry is made up, not in the index
  std::span<const EmbedEntry> children_;
  std::size_t next_ = 0;
  bool closed_ = false;
};

}  // namespace

EmbedEntry EmbedFS::root() const noexcept {
  return EmbedEntry{".", {}, root_mod_time_ns_, FileMode::dir | 0555, {}};
}

const EmbedEntry* EmbedFS::find(std::string_view name) const noexcept {
  const auto key = order::split(name);
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), key,
      [](const EmbedEntry& e, const auto& k) { return order::before(order::split(e.name), k); });
  return it != entries_.end() && it->name == name ? &*it : nullptr;
}

std::span<const EmbedEntry> EmbedFS::children(std::string_view name) const noexcept {
  auto [first, last] =
      std::equal_range(entries_.begin(), entries_.end(), name, [](const auto& a, const auto& b) {
        if constexpr (std::is_same_v<std::decay_t<decltype(a)>, EmbedEntry>) {
          return order::split(a.name).first < b;
        } else {
          return a < order::split(b.name).first;
        }
      });
  return {first, last};
}

Result<EmbedEntry> EmbedFS::lookup(std::string_view op, std::string_view name) const {
  if (!valid_path(name)) return Error(std::string(op), std::string(name), errc::invalid);
  if (name == ".") return root();
  if (const EmbedEntry* e = find(name)) return *e;
  return Error(std::string(op), std::string(name), errc::not_exist);
}

Result<FilePtr> EmbedFS::open(std::string_view name) {
  if (!valid_path(name)) return Error("open", std::string(name), errc::invalid);
  if (name != ".") {
    const EmbedEntry* e = find(name);
    if (!e) return Error("open", std::string(name), errc::not_exist);
    if (!FileMode(e->mode).is_dir()) return FilePtr(std::make_unique<EmbedFile>(*e));
    return FilePtr(std::make_unique<EmbedDir>(*e, children(name)));
  }
  return FilePtr(std::make_unique<EmbedDir>(root(), children(".")));
}

Result<FileInfo> EmbedFS::stat(std::string_view name) {
  auto e = lookup("stat", name);
  if (!e) return std::move(e).error();
  return info_of(*e);
}

Result<std::vector<DirEntry>> EmbedFS::read_dir(std::string_view name) {
  auto e = lookup("readdir", name);
  if (!e) return std::move(e).error();
  if (!FileMode(e->mode).is_dir()) return Error::from_errno("readdir", std::string(name), ENOTDIR);
  std::vector<DirEntry> out;
  const auto list = children(name);
  out.reserve(list.size());
  for (const EmbedEntry& c : list) out.emplace_back(info_of(c));
  return out;
}

Result<std::string> EmbedFS::read_link(std::string_view name) {
  auto e = lookup("readlink", name);
  if (!e) return std::move(e).error();
  return Error("readlink", std::string(name), errc::invalid);
}

Result<FileInfo> EmbedFS::lstat(std::string_view name) {
  auto e = lookup("lstat", name);
  if (!e) return std::move(e).error();
  return info_of(*e);
}

Result<std::string_view> EmbedFS::contents(std::string_view name) {
  auto e = lookup("read", name);
  if (!e) return std::move(e).error();
  if (FileMode(e->mode).is_dir()) return Error::from_errno("read", std::string(name), EISDIR);
  return e->data;
}

Result<std::string> EmbedFS::read_file(std::string_view name) {
  // The one allocation: the result.
  return contents(name).transform([](std::string_view data) { return std::string(data); });
}

Result<AssetInfo> EmbedFS::asset_info(std::string_view name) {
  auto e = lookup("assetinfo", name);
  if (!e) return std::move(e).error();
  if (FileMode(e->mode).is_dir()) return Error::from_errno("assetinfo", std::string(name), EISDIR);
  return e->info;
}

}  // namespace vfs
