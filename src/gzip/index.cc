#include "gzip/index.h"

#include <algorithm>
#include <memory>

#include "gzip/gzip_reader.h"

namespace vfs::gzip {

void IndexBuilder::add(std::uint64_t bit_offset, std::uint64_t out_offset, bool member_start,
                       std::span<const char> window) {
  if (abandoned_) return;
  index_.points_.push_back({.bit_offset = bit_offset,
                            .out_offset = out_offset,
                            .window_offset = index_.windows_.size(),
                            .window_size = static_cast<std::uint32_t>(window.size()),
                            .member_start = member_start});
  index_.windows_.append(window.data(), window.size());
}

void IndexBuilder::abandon() {
  abandoned_ = true;
  std::vector<GzipIndex::Point>().swap(index_.points_);
  std::string().swap(index_.windows_);
}

GzipIndex IndexBuilder::finish(std::uint64_t compressed_size, std::uint64_t uncompressed_size) && {
  index_.compressed_size_ = compressed_size;
  index_.uncompressed_size_ = uncompressed_size;
  return std::move(index_);
}

const GzipIndex::Point& GzipIndex::find(std::uint64_t out_offset) const {
  // The first point is at 0, so the one before upper_bound always exists.
  const auto after =
      std::upper_bound(points_.begin() + 1, points_.end(), out_offset,
                       [](std::uint64_t off, const Point& p) { return off < p.out_offset; });
  return *(after - 1);
}

Result<GzipIndex> GzipIndex::build(ReaderAt& compressed, std::int64_t size,
                                   const IndexOptions& index_options, const Options& options) {
  SectionReader source(compressed, 0, size);
  auto reader = GzipReader::open(source, options, &index_options);
  if (!reader) return std::move(reader).error();
  constexpr std::size_t kScratch = 1 << 20;
  const auto scratch = std::make_unique_for_overwrite<char[]>(kScratch);
  for (;;) {
    auto n = reader->read({scratch.get(), kScratch});
    if (!n) return std::move(n).error();
    if (*n == 0) break;
  }
  return reader->take_index();
}

}  // namespace vfs::gzip
