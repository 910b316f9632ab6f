#include "gzip/gzip_reader.h"

#include "gzip/inflater.h"

namespace vfs::gzip {

Result<GzipReader> GzipReader::open(Reader& source, Options options, const IndexOptions* record) {
  auto inflater = std::make_unique<Inflater>(source, 0, options);
  std::unique_ptr<IndexBuilder> builder;
  if (record != nullptr) {
    builder = std::make_unique<IndexBuilder>(record->span);
    inflater->record(*builder, record->span);
  }
  if (auto st = inflater->read_first_header(); !st) return std::move(st).error();
  return GzipReader(std::move(inflater), std::move(builder));
}

GzipReader::GzipReader(std::unique_ptr<Inflater> inflater, std::unique_ptr<IndexBuilder> builder)
    : inflater_(std::move(inflater)), builder_(std::move(builder)) {}

GzipReader::GzipReader(GzipReader&&) noexcept = default;
GzipReader& GzipReader::operator=(GzipReader&&) noexcept = default;
GzipReader::~GzipReader() = default;

Result<std::size_t> GzipReader::read(std::span<char> buf) { return inflater_->read(buf); }

const Header& GzipReader::header() const { return inflater_->header(); }
std::uint64_t GzipReader::members() const { return inflater_->members(); }
std::uint64_t GzipReader::trailing_zeros() const { return inflater_->trailing_zeros(); }

Result<GzipIndex> GzipReader::take_index() {
  if (builder_ == nullptr || !inflater_->done()) return Error("index", "", errc::invalid);
  GzipIndex index = std::move(*builder_).finish(inflater_->in_offset(), inflater_->out_offset());
  builder_.reset();
  return index;
}

}  // namespace vfs::gzip
