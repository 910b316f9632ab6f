// Streams (Go's io): Reader, ReaderAt, Seeker, Writer, and the small pieces
// built on them. A File is a Reader that can also be stat'ed and closed;
// a gzip decoder, an HTTP body or an archive member is just a Reader.
//
// Concurrency: read() and seek() move one offset and are for one thread at
// a time. read_at() moves nothing: any number of threads may call it at
// once on one ReaderAt (pread). A backend's File::close() may run while
// read_at() calls are in flight: they finish or fail with errc::closed, and
// the descriptor is released by whichever finishes last, so no call ever
// reaches a descriptor number the kernel has given to another file.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "vfs/result.h"

namespace vfs {

// Go's io.Reader.
class Reader {
 public:
  virtual ~Reader() = default;
  // Reads up to buf.size() bytes. Returns 0 only at the end of the stream
  // (or for an empty buf).
  virtual Result<std::size_t> read(std::span<char> buf) = 0;
};

// Go's io.Writer.
class Writer {
 public:
  virtual ~Writer() = default;
  // Writes all of buf, or fails.
  virtual Status write(std::span<const char> buf) = 0;
};

// Go's io.ReaderAt. Safe to call concurrently with itself.
class ReaderAt {
 public:
  virtual ~ReaderAt() = default;
  // Reads buf.size() bytes at `offset`; returns fewer only at the end.
  virtual Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) = 0;
};

enum class Whence { begin, current, end };

// Go's io.Seeker.
class Seeker {
 public:
  virtual ~Seeker() = default;
  // Returns the new offset. A negative resulting offset fails with errc::invalid.
  virtual Result<std::int64_t> seek(std::int64_t offset, Whence whence) = 0;
};

// A window [offset, offset + size) of a ReaderAt (Go's io.SectionReader):
// what a zip entry or a tar member is. It borrows `source`, which must
// outlive it. read_at is as concurrent as the source's.
class SectionReader final : public Reader, public ReaderAt, public Seeker {
 public:
  SectionReader(ReaderAt& source, std::int64_t offset, std::int64_t size) noexcept;

  Result<std::size_t> read(std::span<char> buf) override;
  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override;
  Result<std::int64_t> seek(std::int64_t offset, Whence whence) override;
  std::int64_t size() const noexcept { return size_; }

 private:
  ReaderAt& source_;
  std::int64_t base_;
  std::int64_t size_;
  std::int64_t pos_ = 0;
};

// At most `limit` bytes of `source`, then the end (Go's io.LimitReader).
// Borrows `source`.
class LimitReader final : public Reader {
 public:
  LimitReader(Reader& source, std::int64_t limit) noexcept : source_(source), left_(limit) {}
  Result<std::size_t> read(std::span<char> buf) override;
  std::int64_t left() const noexcept { return left_; }

 private:
  Reader& source_;
  std::int64_t left_;
};

// Writes into a std::string it holds.
class StringWriter final : public Writer {
 public:
  Status write(std::span<const char> buf) override {
    data.append(buf.data(), buf.size());
    return {};
  }
  std::string data;
};

// Copies `src` to its end into `dst`; returns the bytes copied (Go's io.Copy).
Result<std::int64_t> copy(Writer& dst, Reader& src);

inline constexpr std::int64_t kNoSizeLimit = std::numeric_limits<std::int64_t>::max();

// Reads `src` to its end. `size_hint` (e.g. from stat) sizes the first
// allocation; more than `max_size` bytes fail with std::errc::file_too_large
// (EFBIG) instead of growing without bound - a FIFO or /dev/zero never ends.
Result<std::string> read_all(Reader& src, std::int64_t size_hint = 0,
                             std::int64_t max_size = kNoSizeLimit);

}  // namespace vfs
