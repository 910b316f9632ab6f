// What the archive backends (ZipFS, ArchiveFS) share: how the File an
// archive was opened on becomes a ReaderAt, the offset rules of an entry's
// read and seek, and opening an archive at a path on disk.
// Internal: not installed.
#pragma once

#include <algorithm>
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

// An archive's bytes: the File's own read_at, or (a stream: a decompressed
// member, say) a copy in memory of at most `max_buffered` bytes.
struct ArchiveBytes {
  ReaderAt* reader = nullptr;
  std::int64_t size = 0;
  std::unique_ptr<BufferReaderAt> buffer;  // when the File had no read_at
};

inline Result<ArchiveBytes> archive_bytes(File& archive, const std::string& name,
                                          std::uint64_t max_buffered) {
  ArchiveBytes out;
  out.reader = dynamic_cast<ReaderAt*>(&archive);
  if (auto info = archive.stat()) {
    if (info->is_dir()) return Error::from_errno("open", name, EISDIR);
    out.size = info->size;
  }
  if (!out.reader) {
    auto bytes = read_all(archive, out.size, static_cast<std::int64_t>(max_buffered));
    if (!bytes) return Error("open", name, bytes.error().code());
    out.buffer = std::make_unique<BufferReaderAt>(std::move(*bytes));
    out.reader = out.buffer.get();
    out.size = out.buffer->size();
  }
  return out;
}

// The file at `path` on disk, opened through a DirFS of its directory.
inline Result<FilePtr> open_on_disk(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string dir =
      slash == std::string_view::npos ? "." : std::string(path.substr(0, slash + 1));
  const std::string base(slash == std::string_view::npos ? path : path.substr(slash + 1));
  auto disk = DirFS::make(dir);
  if (!disk) return std::move(disk).error();
  auto file = (*disk)->open(base);
  if (!file) return Error("open", std::string(path), file.error().code());
  return file;
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
