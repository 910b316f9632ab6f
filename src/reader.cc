#include "vfs/reader.h"

#include <algorithm>
#include <memory>
#include <system_error>

namespace vfs {

SectionReader::SectionReader(ReaderAt& source, std::int64_t offset, std::int64_t size) noexcept
    : source_(source), base_(offset), size_(std::max<std::int64_t>(size, 0)) {}

Result<std::size_t> SectionReader::read_at(std::span<char> buf, std::int64_t offset) {
  if (offset < 0) return Error("read", "", errc::invalid);
  if (offset >= size_) return std::size_t{0};
  const auto room = static_cast<std::uint64_t>(size_ - offset);
  if (buf.size() > room) buf = buf.first(static_cast<std::size_t>(room));
  return source_.read_at(buf, base_ + offset);
}

Result<std::size_t> SectionReader::read(std::span<char> buf) {
  auto n = read_at(buf, pos_);
  if (n) pos_ += static_cast<std::int64_t>(*n);
  return n;
}

Result<std::int64_t> SectionReader::seek(std::int64_t offset, Whence whence) {
  const std::int64_t from = whence == Whence::begin ? 0 : whence == Whence::current ? pos_ : size_;
  std::int64_t to;
  if (__builtin_add_overflow(from, offset, &to) || to < 0) {
    return Error("seek", "", errc::invalid);
  }
  return pos_ = to;
}

Result<std::size_t> LimitReader::read(std::span<char> buf) {
  if (left_ <= 0) return std::size_t{0};
  if (static_cast<std::uint64_t>(buf.size()) > static_cast<std::uint64_t>(left_)) {
    buf = buf.first(static_cast<std::size_t>(left_));
  }
  auto n = source_.read(buf);
  if (n) left_ -= static_cast<std::int64_t>(*n);
  return n;
}

Result<std::int64_t> copy(Writer& dst, Reader& src) {
  constexpr std::size_t kChunk = 64 * 1024;
  const auto buf = std::make_unique_for_overwrite<char[]>(kChunk);
  std::int64_t total = 0;
  for (;;) {
    auto n = src.read(std::span<char>(buf.get(), kChunk));
    if (!n) return std::move(n).error();
    if (*n == 0) return total;
    if (auto st = dst.write(std::span<const char>(buf.get(), *n)); !st) {
      return std::move(st).error();
    }
    total += static_cast<std::int64_t>(*n);
  }
}

Result<std::string> read_all(Reader& src, std::int64_t size_hint, std::int64_t max_size) {
  // One extra byte lets a file whose size is exact reach its end without
  // growing. The hint is capped: a size is only a claim (an archive header
  // may lie), and memory should follow the bytes actually read.
  constexpr std::int64_t kMaxHint = std::int64_t{64} << 20;
  const std::int64_t hint = std::min({size_hint, kMaxHint, max_size});
  const auto limit = static_cast<std::uint64_t>(std::max<std::int64_t>(max_size, 0));
  std::size_t cap = hint > 0 ? static_cast<std::size_t>(hint) + 1 : 512;
  std::string out;
  std::size_t len = 0;
  for (;;) {
    if (out.size() == len) {
      // Room for one byte past the limit: reading it proves the limit exceeded.
      const std::size_t want = std::max(cap, len * 2);
      out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(want, limit + 1)));
    }
    auto n = src.read(std::span<char>(out.data() + len, out.size() - len));
    if (!n) return std::move(n).error();
    if (*n == 0) break;
    len += *n;
    if (len > limit) {
      return Error("read", "", std::make_error_code(std::errc::file_too_large));
    }
  }
  out.resize(len);
  return out;
}

}  // namespace vfs
