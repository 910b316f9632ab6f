#include "gzip/gzip_reader.h"

#include "gzip/inflater.h"

namespace vfs::gzip {

Result<GzipReader> GzipReader::open(Reader& source, Options options, const IndexOptions* record) {
  std::string name = options.name;
  auto inflater = std::make_unique<Inflater>(source, 0, std::move(options));
  std::unique_ptr<IndexBuilder> builder;
  if (record != nullptr) {
    builder = std::make_unique<IndexBuilder>(record->span);
    inflater->record(*builder, record->span);
  }
  if (auto st = inflater->read_first_header(); !st) return std::move(st).error();
  GzipReader r(std::move(inflater), std::move(builder));
  if (record != nullptr) r.record_ = *record;
  r.name_ = std::move(name);
  return r;
}

GzipReader::GzipReader(std::unique_ptr<Inflater> inflater, std::unique_ptr<IndexBuilder> builder)
    : inflater_(std::move(inflater)), builder_(std::move(builder)) {}

GzipReader::GzipReader(GzipReader&&) noexcept = default;
GzipReader& GzipReader::operator=(GzipReader&&) noexcept = default;
GzipReader::~GzipReader() = default;

Result<std::size_t> GzipReader::read(std::span<char> buf) {
  auto n = inflater_->read(buf);
  // Checked after each read: the index outgrows its bound by at most the
  // points one read makes (a few: a read is at most a few MiB of output).
  if (n && builder_ != nullptr && !builder_->abandoned() && builder_->bytes() > record_.max_bytes) {
    if (record_.on_limit == IndexOptions::OnLimit::fail) {
      return gzip_error(name_, gzip_errc::index_too_large);
    }
    builder_->abandon();
  }
  return n;
}

const Header& GzipReader::header() const { return inflater_->header(); }
std::uint64_t GzipReader::members() const { return inflater_->members(); }
std::uint64_t GzipReader::trailing_zeros() const { return inflater_->trailing_zeros(); }

Result<GzipIndex> GzipReader::take_index() {
  if (builder_ == nullptr || !inflater_->done()) return Error("index", "", errc::invalid);
  if (builder_->abandoned()) return gzip_error(name_, gzip_errc::index_too_large);
  GzipIndex index = std::move(*builder_).finish(inflater_->in_offset(), inflater_->out_offset());
  builder_.reset();
  return index;
}

}  // namespace vfs::gzip
