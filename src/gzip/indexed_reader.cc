#include "gzip/indexed_reader.h"

#include <algorithm>

#include "gzip/gzip_error.h"
#include "gzip/inflater.h"

namespace vfs::gzip {
namespace {

// Idle states kept for later calls: enough for a few readers taking turns,
// at about 250 KiB each (ISA-L's state, the input buffer, the scratch).
constexpr std::size_t kMaxIdle = 4;
// Compressed bytes per refill: a span (1 MiB of text) is about 400 KiB.
constexpr std::size_t kInputCapacity = 64 * 1024;
// Where output before the asked offset goes.
constexpr std::size_t kScratch = 64 * 1024;

}  // namespace

// An inflater resumed at a point, and wherever it has read to since.
struct IndexedGzipReader::Cursor {
  Cursor(ReaderAt& compressed, std::uint64_t compressed_size, const GzipIndex::Point& point,
         const Options& options)
      : source(compressed, static_cast<std::int64_t>(point.bit_offset / 8),
               static_cast<std::int64_t>(compressed_size - point.bit_offset / 8)),
        inflater(source, point.bit_offset / 8, options, kInputCapacity) {}

  SectionReader source;
  Inflater inflater;
  std::unique_ptr<char[]> scratch;
};

Result<std::unique_ptr<IndexedGzipReader>> IndexedGzipReader::open(
    ReaderAt& compressed, std::int64_t compressed_size, std::shared_ptr<const GzipIndex> index,
    Options options) {
  if (index == nullptr) return Error("open", options.name, errc::invalid);
  if (compressed_size < 0 ||
      index->compressed_size() != static_cast<std::uint64_t>(compressed_size)) {
    return gzip_error(options.name, gzip_errc::index_mismatch);
  }
  return std::unique_ptr<IndexedGzipReader>(
      new IndexedGzipReader(compressed, std::move(index), std::move(options)));
}

IndexedGzipReader::IndexedGzipReader(ReaderAt& compressed, std::shared_ptr<const GzipIndex> index,
                                     Options options)
    : compressed_(compressed), index_(std::move(index)), options_(std::move(options)) {}

IndexedGzipReader::~IndexedGzipReader() = default;

std::int64_t IndexedGzipReader::size() const noexcept {
  return static_cast<std::int64_t>(index_->uncompressed_size());
}

Result<std::size_t> IndexedGzipReader::read_at(std::span<char> buf, std::int64_t offset) {
  if (offset < 0) return Error("read", options_.name, errc::invalid);
  const auto off = static_cast<std::uint64_t>(offset);
  const std::uint64_t size = index_->uncompressed_size();
  if (off >= size || buf.empty()) return std::size_t{0};
  if (buf.size() > size - off) buf = buf.first(static_cast<std::size_t>(size - off));

  auto c = cursor_for(off);
  if (!c) return std::move(c).error();
  if (auto st = skip_to(**c, off); !st) return std::move(st).error();
  std::size_t done = 0;
  while (done < buf.size()) {
    auto n = (*c)->inflater.read(buf.subspan(done));
    if (!n) return std::move(n).error();
    if (*n == 0) return gzip_error(options_.name, gzip_errc::index_mismatch);
    done += *n;
  }
  park(*std::move(c));
  return done;
}

// An idle cursor that gets to `offset` with no more inflating than a fresh
// one from the point before it, or a fresh one.
Result<std::unique_ptr<IndexedGzipReader::Cursor>> IndexedGzipReader::cursor_for(
    std::uint64_t offset) {
  const GzipIndex::Point& point = index_->find(offset);
  {
    std::lock_guard lock(mu_);
    auto best = idle_.end();
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      const std::uint64_t at = (*it)->inflater.out_offset();
      if (at <= offset && at >= point.out_offset &&
          (best == idle_.end() || at > (*best)->inflater.out_offset())) {
        best = it;
      }
    }
    if (best != idle_.end()) {
      std::unique_ptr<Cursor> c = std::move(*best);
      idle_.erase(best);
      return c;
    }
  }
  auto c = std::make_unique<Cursor>(compressed_, index_->compressed_size(), point, options_);
  if (auto st = c->inflater.start_at(point, index_->window(point)); !st) {
    return std::move(st).error();
  }
  return c;
}

Status IndexedGzipReader::skip_to(Cursor& c, std::uint64_t offset) const {
  while (c.inflater.out_offset() < offset) {
    if (c.scratch == nullptr) c.scratch = std::make_unique_for_overwrite<char[]>(kScratch);
    const auto want = static_cast<std::size_t>(
        std::min<std::uint64_t>(kScratch, offset - c.inflater.out_offset()));
    auto n = c.inflater.read({c.scratch.get(), want});
    if (!n) return std::move(n).error();
    if (*n == 0) return gzip_error(options_.name, gzip_errc::index_mismatch);
  }
  return {};
}

void IndexedGzipReader::park(std::unique_ptr<Cursor> c) {
  std::lock_guard lock(mu_);
  if (idle_.size() == kMaxIdle) idle_.erase(idle_.begin());  // the oldest
  idle_.push_back(std::move(c));
}

Result<std::size_t> IndexedGzipReader::read(std::span<char> buf) {
  auto n = read_at(buf, pos_);
  if (n) pos_ += static_cast<std::int64_t>(*n);
  return n;
}

Result<std::int64_t> IndexedGzipReader::seek(std::int64_t offset, Whence whence) {
  const std::int64_t from = whence == Whence::begin ? 0 : whence == Whence::current ? pos_ : size();
  std::int64_t to;
  if (__builtin_add_overflow(from, offset, &to) || to < 0) {
    return Error("seek", options_.name, errc::invalid);
  }
  return pos_ = to;
}

}  // namespace vfs::gzip
