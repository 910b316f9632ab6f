// The core of the model, after Go's io/fs: an FS opens named files, a File
// can be stat'ed, read and closed. Everything else is an extension interface
// that a backend implements when it can do the job faster than the generic
// fallback, and that a helper (vfs::stat, vfs::read_dir, ...) looks for with
// dynamic_cast, as Go looks for it with a type assertion.
//
// Names are Go's: slash-separated, unrooted, no "." or ".." or empty
// elements, "." alone for the root. Every backend rejects other names with
// errc::invalid, so a name can never climb out of an FS.
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "vfs/file_info.h"
#include "vfs/reader.h"
#include "vfs/result.h"

namespace vfs {

// Go's fs.ValidPath.
bool valid_path(std::string_view name) noexcept;

// An open file (Go's fs.File): a Reader that can be stat'ed and closed. A
// backend's File may also be a ReaderAt, a Seeker or a ReadDirFile
// (dynamic_cast), as Go's files may implement io.ReaderAt and io.Seeker.
class File : public Reader {
 public:
  File() = default;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  virtual Result<FileInfo> stat() = 0;
  // Reads up to buf.size() bytes. Returns 0 only at end of file (or for an
  // empty buf). A directory fails with EISDIR.
  Result<std::size_t> read(std::span<char> buf) override = 0;
  // Releases the file. A second close, or any call after close, fails with
  // errc::closed. The destructor closes a file that is still open.
  virtual Status close() = 0;
};

using FilePtr = std::unique_ptr<File>;

// A file system (Go's fs.FS).
//
// Ownership: an FS belongs to whoever made it - a value (a MapFS on the
// stack), a unique_ptr, or a shared_ptr (FSPtr). Helpers borrow it for the
// call (FS&). Views and wrappers (sub, ForwardingFS) hold it through an
// FSRef, which shares an FSPtr or borrows an FS&; a borrowed FS destroyed
// while a view still holds it ends the program with a message naming the
// mistake (as a joinable std::thread does), never a silent dangle.
class FS {
 public:
  virtual ~FS();

  // Opens the named file. A name that fails valid_path gives errc::invalid.
  virtual Result<FilePtr> open(std::string_view name) = 0;

 protected:
  // Whether a backend is a value (MapFS) or a handle (DirFS) is its own
  // choice; the interface only keeps callers from slicing it. A copy is
  // borrowed by nobody.
  FS() = default;
  FS(const FS&) noexcept {}
  FS& operator=(const FS&) noexcept { return *this; }

 private:
  friend class FSRef;
  mutable std::atomic<int> borrowers_{0};  // FSRefs that borrow this FS
};

using FSPtr = std::shared_ptr<FS>;

// A view's or wrapper's hold on an FS: shared (from an FSPtr, or any
// shared_ptr to an FS, which it keeps alive) or borrowed (from an FS&, which
// must outlive it - checked: see FS).
class FSRef {
 public:
  template <class T>
  requires std::derived_from<T, FS> FSRef(std::shared_ptr<T> shared)
  noexcept  // NOLINT: implicit by design
      : fs_(shared.get()), owner_(std::move(shared)) {}
  FSRef(FS& borrowed) noexcept : fs_(&borrowed) {  // NOLINT: implicit by design
    fs_->borrowers_.fetch_add(1, std::memory_order_relaxed);
  }
  FSRef(const FSRef& other) noexcept : fs_(other.fs_), owner_(other.owner_) {
    if (!owner_) fs_->borrowers_.fetch_add(1, std::memory_order_relaxed);
  }
  FSRef& operator=(FSRef other) noexcept {
    std::swap(fs_, other.fs_);
    std::swap(owner_, other.owner_);
    return *this;
  }
  ~FSRef() {
    if (fs_ && !owner_) fs_->borrowers_.fetch_sub(1, std::memory_order_release);
  }

  FS& operator*() const noexcept { return *fs_; }
  FS* operator->() const noexcept { return fs_; }
  FS* get() const noexcept { return fs_; }
  // The shared owner; null when borrowed.
  const FSPtr& shared() const noexcept { return owner_; }

 private:
  FS* fs_;
  FSPtr owner_;
};

// A directory file (Go's fs.ReadDirFile).
class ReadDirFile : public virtual File {
 public:
  // n > 0: returns at most n entries, in directory order; an empty vector
  //        means the end of the directory.
  // n <= 0: returns all remaining entries (empty at the end), in one vector.
  virtual Result<std::vector<DirEntry>> read_dir(int n) = 0;
};

}  // namespace vfs
