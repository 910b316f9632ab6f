// What every archive backend does first: find a ReaderAt over the archive's
// File (or hold a stream's bytes in memory, within a bound), and open an
// archive given by a disk path.
// Internal: not installed.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "vfs/dir_fs.h"
#include "vfs/fs.h"
#include "vfs/reader.h"

namespace vfs::internal {

// An archive held in memory, for a File that has no read_at.
class BufferReaderAt final : public ReaderAt {
 public:
  explicit BufferReaderAt(std::string data) : data_(std::move(data)) {}
  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    if (offset < 0) return Error("read", "", errc::invalid);
    if (static_cast<std::uint64_t>(offset) >= data_.size()) return std::size_t{0};
    const std::size_t n = std::min(buf.size(), data_.size() - static_cast<std::size_t>(offset));
    std::memcpy(buf.data(), data_.data() + offset, n);
    return n;
  }
  std::int64_t size() const { return static_cast<std::int64_t>(data_.size()); }

 private:
  std::string data_;
};

// An archive's File and how to read it at any offset.
struct ArchiveSource {
  FilePtr file;
  ReaderAt* reader = nullptr;              // the File itself, or buffer
  std::unique_ptr<BufferReaderAt> buffer;  // a stream's bytes
  std::int64_t size = 0;
};

// `file` as an ArchiveSource: its own read_at when it has one, else its
// bytes read into memory (more than `max_buffered` fail, naming `name`).
inline Result<ArchiveSource> archive_source(FilePtr file, std::string_view name,
                                            std::uint64_t max_buffered) {
  ArchiveSource s;
  s.reader = dynamic_cast<ReaderAt*>(file.get());
  if (auto info = file->stat()) {
    if (info->is_dir()) return Error::from_errno("open", std::string(name), EISDIR);
    s.size = info->size;
  }
  if (!s.reader) {
    auto bytes = read_all(*file, s.size, static_cast<std::int64_t>(max_buffered));
    if (!bytes) return Error("open", std::string(name), bytes.error().code());
    s.buffer = std::make_unique<BufferReaderAt>(std::move(*bytes));
    s.reader = s.buffer.get();
    s.size = s.buffer->size();
  }
  s.file = std::move(file);
  return s;
}

// An archive given by its path on disk: opened through a DirFS of its
// directory (whose syscalls go through the runtime's door, as every
// backend's do), which also holds what lies next to it (a saved index).
struct DiskFile {
  std::shared_ptr<DirFS> dir;
  std::string base;  // the file's name in `dir`
  FilePtr file;
};
inline Result<DiskFile> open_on_disk(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  DiskFile f;
  f.base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  auto dir = DirFS::make(slash == std::string_view::npos ? "." : path.substr(0, slash + 1));
  if (!dir) return std::move(dir).error();
  f.dir = std::move(*dir);
  auto file = f.dir->open(f.base);
  if (!file) return Error("open", std::string(path), file.error().code());
  f.file = std::move(*file);
  return f;
}

// A position over `size` bytes reachable by read_at, with Seeker's rules.
class Position {
 public:
  Result<std::int64_t> seek(std::int64_t offset, Whence whence, std::int64_t size,
                            std::string_view name) {
    const std::int64_t from = whence == Whence::begin ? 0 : whence == Whence::current ? pos : size;
    std::int64_t to;
    if (__builtin_add_overflow(from, offset, &to) || to < 0) {
      return Error("seek", std::string(name), errc::invalid);
    }
    return pos = to;
  }
  std::int64_t pos = 0;
};

}  // namespace vfs::internal
