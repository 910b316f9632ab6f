// What the backends built on a zip::Index (ZipFS, ArchiveFS) share: name
// lookup with symlinks, stat, read_dir, read_file and read_link, the
// open-file base and the directory file. A backend's Impl provides:
//
//   const zip::Index& index() const;
//   Result<std::string> link_target(zip::Index::Id) const;  // a symlink's target
//
// Internal: not installed.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "path.h"
#include "resolve.h"
#include "vfs/fs.h"
#include "zip/index.h"

namespace vfs::internal {

// The index as internal::resolve walks it.
template <class Impl>
class IndexTree {
 public:
  using Node = zip::Index::Id;
  explicit IndexTree(const Impl& impl) : impl_(impl) {}
  Node root() const { return zip::Index::kRoot; }
  bool is_root(Node n) const { return n == zip::Index::kRoot; }
  Node parent(Node n) const { return impl_.index().find(path::dir(impl_.index().name(n))); }
  std::optional<Node> child(Node dir, std::string_view elem) const {
    const Node id = impl_.index().child(dir, elem);
    if (id == zip::Index::kNone) return std::nullopt;
    return id;
  }
  bool is_dir(Node n) const { return impl_.index().is_dir(n); }
  bool is_symlink(Node n) const { return impl_.index().info(n).mode.is_symlink(); }
  Result<std::string> link_target(Node n) const { return impl_.link_target(n); }

 private:
  const Impl& impl_;
};

// True if any node of `index` is a symlink (lookups without may skip the walk).
inline bool has_symlinks(const zip::Index& index) {
  for (zip::Index::Id id = 0; id < index.size(); ++id) {
    if (index.info(id).mode.is_symlink()) return true;
  }
  return false;
}

// The node `name` resolves to (links followed, the last only if `follow`).
// A name in the index has real directories above it (a directory wins over
// a file, a link included, of the same name): only a missing name, or a
// link to follow, takes the walk.
template <class Impl>
Result<zip::Index::Id> index_lookup(const Impl& impl, bool symlinks, std::string_view op,
                                    std::string_view name, bool follow) {
  if (!valid_path(name)) return Error(std::string(op), std::string(name), errc::invalid);
  const zip::Index& index = impl.index();
  const zip::Index::Id id = index.find(name);
  if (id != zip::Index::kNone && !(follow && index.info(id).mode.is_symlink())) return id;
  if (id == zip::Index::kNone && !symlinks) {
    return Error(std::string(op), std::string(name), errc::not_exist);
  }
  return resolve(IndexTree<Impl>(impl), op, name, follow);
}

// The FS calls every index-backed backend answers the same way. Impl also
// provides lookup(op, name, follow) (index_lookup) and read_whole(op, id).
template <class Impl>
Result<FileInfo> index_stat(const Impl& impl, std::string_view op, std::string_view name,
                            bool follow) {
  auto id = impl.lookup(op, name, follow);
  if (!id) return std::move(id).error();
  return impl.index().info(*id);
}

template <class Impl>
Result<std::vector<DirEntry>> index_read_dir(const Impl& impl, std::string_view name) {
  auto id = impl.lookup("readdir", name, /*follow=*/true);
  if (!id) return std::move(id).error();
  const zip::Index& index = impl.index();
  if (!index.is_dir(*id)) return Error::from_errno("readdir", std::string(name), ENOTDIR);
  std::vector<DirEntry> out;
  const zip::Index::IdRange children = index.children(*id);
  out.reserve(children.size());
  for (const zip::Index::Id child : children) out.emplace_back(index.info(child));
  return out;
}

template <class Impl>
Result<std::string> index_read_file(const Impl& impl, std::string_view name) {
  auto id = impl.lookup("read", name, /*follow=*/true);
  if (!id) return std::move(id).error();
  if (impl.index().is_dir(*id)) return Error::from_errno("read", std::string(name), EISDIR);
  return impl.read_whole("read", *id);
}

template <class Impl>
Result<std::string> index_read_link(const Impl& impl, std::string_view name) {
  auto id = impl.lookup("readlink", name, /*follow=*/false);
  if (!id) return std::move(id).error();
  if (!impl.index().info(*id).mode.is_symlink()) {
    return Error("readlink", std::string(name), errc::invalid);
  }
  return impl.link_target(*id);
}

// What every open entry shares: its node, its FS (kept alive), close.
template <class Owner, class Impl>
class IndexFile : public virtual File {
 public:
  IndexFile(std::shared_ptr<const Owner> owner, const Impl& impl, zip::Index::Id id)
      : owner_(std::move(owner)), impl_(impl), id_(id) {}

  Result<FileInfo> stat() override {
    if (closed()) return closed_error("stat");
    return impl_.index().info(id_);
  }
  Status close() override {
    if (closed_.exchange(true, std::memory_order_relaxed)) return closed_error("close");
    return {};
  }

 protected:
  bool closed() const { return closed_.load(std::memory_order_relaxed); }
  Error closed_error(std::string_view op) const {
    return Error(std::string(op), std::string(name()), errc::closed);
  }
  std::string_view name() const { return impl_.index().name(id_); }
  const zip::Entry& entry() const { return *impl_.index().entry(id_); }

  std::shared_ptr<const Owner> owner_;
  const Impl& impl_;
  const zip::Index::Id id_;

 private:
  std::atomic<bool> closed_{false};
};

// A directory: its entries, from the index, handed out by read_dir(n).
template <class Owner, class Impl>
class IndexDirFile final : public IndexFile<Owner, Impl>, public ReadDirFile {
  using Base = IndexFile<Owner, Impl>;

 public:
  using Base::Base;
  Result<FileInfo> stat() override { return Base::stat(); }
  Status close() override { return Base::close(); }

  Result<std::size_t> read(std::span<char>) override {
    if (this->closed()) return this->closed_error("read");
    return Error::from_errno("read", std::string(this->name()), EISDIR);
  }

  Result<std::vector<DirEntry>> read_dir(int n) override {
    if (this->closed()) return this->closed_error("readdir");
    const zip::Index& index = this->impl_.index();
    const zip::Index::IdRange children = index.children(this->id_);
    const std::size_t left = children.size() - next_;
    const std::size_t count = n <= 0 ? left : std::min(left, static_cast<std::size_t>(n));
    std::vector<DirEntry> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      out.emplace_back(index.info(*children.begin() + static_cast<zip::Index::Id>(next_ + i)));
    }
    next_ += count;
    return out;
  }

 private:
  std::size_t next_ = 0;
};

}  // namespace vfs::internal
