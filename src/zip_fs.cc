#include "vfs/zip_fs.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <optional>

#include "archive_source.h"
#include "index_tree.h"
#include "path.h"
#include "resolve.h"
#include "vfs/runtime/scheduler.h"
#include "zip/index.h"
#include "zip/local_header.h"
#include "zip/zip_error.h"

namespace vfs {
namespace {

using internal::BufferReaderAt;
using internal::Position;

using zip::Index;
using zip::zip_errc;
using Id = Index::Id;
using internal::BufferReaderAt;

Error entry_error(std::string_view op, std::string_view name, zip_errc e) {
  return Error(std::string(op), std::string(name), zip::make_error_code(e));
}

std::uint32_t crc32_of(std::uint32_t crc, const char* data, std::size_t n) {
  return libdeflate_crc32(crc, data, n);
}

// libdeflate decompressors, reused: allocating one costs more than
// inflating a small entry.
class DecompressorPool {
 public:
  struct Release {
    void operator()(libdeflate_decompressor* d) const { pool().put(d); }
  };
  using Ptr = std::unique_ptr<libdeflate_decompressor, Release>;

  static DecompressorPool& pool() {
    static DecompressorPool p;
    return p;
  }
  ~DecompressorPool() {
    for (libdeflate_decompressor* d : free_) libdeflate_free_decompressor(d);
  }
  Ptr get() {
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        libdeflate_decompressor* d = free_.back();
        free_.pop_back();
        return Ptr(d);
      }
    }
    return Ptr(libdeflate_alloc_decompressor());
  }

 private:
  void put(libdeflate_decompressor* d) {
    std::lock_guard lock(mu_);
    if (free_.size() < kKept) {
      free_.push_back(d);
      return;
    }
    libdeflate_free_decompressor(d);
  }
  static constexpr std::size_t kKept = 16;
  std::mutex mu_;
  std::vector<libdeflate_decompressor*> free_;
};

// Reads exactly buf.size() bytes at `offset`, or fails (truncated archive).
Status read_exactly(ReaderAt& r, std::span<char> buf, std::uint64_t offset, std::string_view name) {
  auto n = r.read_at(buf, static_cast<std::int64_t>(offset));
  if (!n) return Error("read", std::string(name), n.error().code());
  if (*n != buf.size()) return entry_error("read", name, zip_errc::truncated);
  return {};
}

}  // namespace

class ZipFS::Impl {
 public:
  Impl(FilePtr file, ReaderAt& archive, std::unique_ptr<BufferReaderAt> buffer, std::string name,
       const Options& options, Index index)
      : file_(std::move(file)),
        archive_(archive),
        buffer_(std::move(buffer)),
        name_(std::move(name)),
        options_(options),
        index_(std::move(index)) {
    has_symlinks_ = internal::has_symlinks(index_);
  }

  ReaderAt& archive() const { return archive_; }
  const Index& index() const { return index_; }
  const Options& options() const { return options_; }
  const std::string& name() const { return name_; }

  // The node `name` resolves to (links followed, the last only if `follow`).
  Result<Id> lookup(std::string_view op, std::string_view name, bool follow) const {
    return internal::index_lookup(*this, has_symlinks_, op, name, follow);
  }
  // A symlink's target: its entry's content.
  Result<std::string> link_target(Id id) const { return read_whole("readlink", id); }

  // Why `id`'s entry cannot be read, if it cannot.
  Status check_readable(std::string_view op, Id id) const;
  // Where `id`'s data starts in the archive.
  Result<std::uint64_t> data_offset(Id id) const {
    return zip::local_data_offset(archive_, *index_.entry(id), name_);
  }
  // `id`'s whole content, checked against its size and CRC.
  Result<std::string> read_whole(std::string_view op, Id id) const;

 private:
  FilePtr file_;
  ReaderAt& archive_;
  std::unique_ptr<BufferReaderAt> buffer_;
  std::string name_;
  Options options_;
  Index index_;
  bool has_symlinks_ = false;
};

Status ZipFS::Impl::check_readable(std::string_view op, Id id) const {
  const zip::Entry& e = *index_.entry(id);
  const std::string_view name = index_.name(id);
  if (e.encrypted()) return entry_error(op, name, zip_errc::encrypted);
  if (e.method != zip::kMethodStore && e.method != zip::kMethodDeflate) {
    return entry_error(op, name, zip_errc::unsupported_method);
  }
  if (e.uncompressed_size > options_.max_entry_size) {
    return entry_error(op, name, zip_errc::entry_too_large);
  }
  if (e.method == zip::kMethodStore && e.compressed_size != e.uncompressed_size) {
    return entry_error(op, name, zip_errc::size_mismatch);
  }
  if (e.method == zip::kMethodDeflate && e.uncompressed_size > 0 &&
      e.uncompressed_size / std::max<std::uint64_t>(e.compressed_size, 1) >= options_.max_ratio) {
    return entry_error(op, name, zip_errc::ratio_too_high);
  }
  return {};
}

Result<std::string> ZipFS::Impl::read_whole(std::string_view op, Id id) const {
  if (auto st = check_readable(op, id); !st) return std::move(st).error();
  const zip::Entry& e = *index_.entry(id);
  const std::string_view name = index_.name(id);
  auto offset = data_offset(id);
  if (!offset) return std::move(offset).error();
  std::string out(e.uncompressed_size, '\0');
  if (e.method == zip::kMethodStore) {
    if (auto st = read_exactly(archive_, out, *offset, name); !st) return std::move(st).error();
  } else {
    std::string in(e.compressed_size, '\0');
    if (auto st = read_exactly(archive_, in, *offset, name); !st) return std::move(st).error();
    auto d = DecompressorPool::pool().get();
    if (!d)
      return Error(std::string(op), std::string(name),
                   std::make_error_code(std::errc::not_enough_memory));
    std::size_t got = 0;
    const libdeflate_result r =
        libdeflate_deflate_decompress(d.get(), in.data(), in.size(), out.data(), out.size(), &got);
    if (r == LIBDEFLATE_BAD_DATA) return entry_error(op, name, zip_errc::bad_deflate_data);
    if (r != LIBDEFLATE_SUCCESS || got != out.size()) {
      return entry_error(op, name, zip_errc::size_mismatch);
    }
  }
  if (crc32_of(0, out.data(), out.size()) != e.crc32) {
    return entry_error(op, name, zip_errc::crc_mismatch);
  }
  return out;
}

namespace {

using Impl = ZipFS::Impl;

using ZipFileBase = internal::IndexFile<ZipFS, Impl>;
using ZipDirFile = internal::IndexDirFile<ZipFS, Impl>;

// A deflated entry small enough to hold: inflated whole at its first read
// (CRC and size checked then), served from memory after.
class ZipBufferFile final : public ZipFileBase, public ReaderAt, public Seeker {
 public:
  using ZipFileBase::ZipFileBase;
  Result<FileInfo> stat() override { return ZipFileBase::stat(); }
  Status close() override { return ZipFileBase::close(); }

  Result<std::size_t> read(std::span<char> buf) override {
    auto n = read_at(buf, pos_.pos);
    if (n) pos_.pos += static_cast<std::int64_t>(*n);
    return n;
  }

  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    if (closed()) return closed_error("read");
    if (offset < 0) return Error("read", std::string(name()), errc::invalid);
    auto data = contents();
    if (!data) return std::move(data).error();
    const std::string& bytes = **data;
    if (static_cast<std::uint64_t>(offset) >= bytes.size() || buf.empty()) return std::size_t{0};
    const std::size_t n = std::min(buf.size(), bytes.size() - static_cast<std::size_t>(offset));
    std::memcpy(buf.data(), bytes.data() + offset, n);
    return n;
  }

  Result<std::int64_t> seek(std::int64_t offset, Whence whence) override {
    if (closed()) return closed_error("seek");
    return pos_.seek(offset, whence, static_cast<std::int64_t>(entry().uncompressed_size), name());
  }

 private:
  // Inflates once, whichever thread asks first.
  Result<const std::string*> contents() {
    std::lock_guard lock(mu_);
    if (!data_) {
      auto whole = impl_.read_whole("read", id_);
      if (!whole) return std::move(whole).error();
      data_ = std::move(*whole);
    }
    return &*data_;
  }

  std::mutex mu_;
  std::optional<std::string> data_;
  Position pos_;
};

// A stored entry: read straight from the archive. The CRC-32 is computed
// as the entry is read in order from its start, and checked at its end.
class ZipStoredFile final : public ZipFileBase, public ReaderAt, public Seeker {
 public:
  ZipStoredFile(std::shared_ptr<const ZipFS> owner, const Impl& impl, Id id,
                std::uint64_t data_offset)
      : ZipFileBase(std::move(owner), impl, id),
        section_(impl.archive(), static_cast<std::int64_t>(data_offset),
                 static_cast<std::int64_t>(entry().uncompressed_size)) {}
  Result<FileInfo> stat() override { return ZipFileBase::stat(); }
  Status close() override { return ZipFileBase::close(); }

  Result<std::size_t> read(std::span<char> buf) override {
    if (closed()) return closed_error("read");
    auto n = section_.read_at(buf, pos_.pos);
    if (!n) return Error("read", std::string(name()), n.error().code());
    if (pos_.pos == checked_) {
      crc_ = crc32_of(crc_, buf.data(), *n);
      checked_ += static_cast<std::int64_t>(*n);
    }
    pos_.pos += static_cast<std::int64_t>(*n);
    if (*n == 0 && !buf.empty() && checked_ == pos_.pos) {
      // The end, read in order from the start: the whole entry was seen.
      if (pos_.pos != section_.size()) return entry_error("read", name(), zip_errc::truncated);
      if (crc_ != entry().crc32) return entry_error("read", name(), zip_errc::crc_mismatch);
    }
    return n;
  }

  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    if (closed()) return closed_error("read");
    auto n = section_.read_at(buf, offset);
    if (!n) return Error("read", std::string(name()), n.error().code());
    return n;
  }

  Result<std::int64_t> seek(std::int64_t offset, Whence whence) override {
    if (closed()) return closed_error("seek");
    auto to = pos_.seek(offset, whence, section_.size(), name());
    if (to && *to == 0) crc_ = 0, checked_ = 0;  // back to the start: check again
    return to;
  }

 private:
  SectionReader section_;
  Position pos_;
  std::uint32_t crc_ = 0;
  std::int64_t checked_ = 0;  // bytes from the start the CRC covers
};

// A deflated entry too large to hold: inflated as it is read (zlib), its
// size and CRC-32 checked at the end. On a fiber it yields every few MiB,
// so a long inflate does not keep its P from the others.
class ZipStreamFile final : public ZipFileBase {
 public:
  ZipStreamFile(std::shared_ptr<const ZipFS> owner, const Impl& impl, Id id,
                std::uint64_t data_offset)
      : ZipFileBase(std::move(owner), impl, id), in_offset_(data_offset) {
    ok_ = inflateInit2(&z_, -MAX_WBITS) == Z_OK;  // raw deflate
  }
  ~ZipStreamFile() override { inflateEnd(&z_); }

  Result<std::size_t> read(std::span<char> buf) override {
    if (closed()) return closed_error("read");
    if (!ok_)
      return Error("read", std::string(name()), std::make_error_code(std::errc::not_enough_memory));
    if (done_ || buf.empty()) return std::size_t{0};
    z_.next_out = reinterpret_cast<Bytef*>(buf.data());
    z_.avail_out = static_cast<uInt>(std::min<std::size_t>(buf.size(), 1u << 30));
    while (z_.avail_out == static_cast<uInt>(std::min<std::size_t>(buf.size(), 1u << 30))) {
      if (z_.avail_in == 0) {
        if (auto st = refill(); !st) return std::move(st).error();
      }
      const int r = inflate(&z_, Z_NO_FLUSH);
      if (r == Z_STREAM_END) {
        done_ = true;
        break;
      }
      if (r != Z_OK && r != Z_BUF_ERROR) {
        return entry_error("read", name(), zip_errc::bad_deflate_data);
      }
      if (r == Z_BUF_ERROR && z_.avail_in == 0 && in_left() == 0) {
        return entry_error("read", name(), zip_errc::truncated);
      }
    }
    const std::size_t n = std::min<std::size_t>(buf.size(), 1u << 30) - z_.avail_out;
    out_ += n;
    crc_ = crc32_of(crc_, buf.data(), n);
    if (out_ > entry().uncompressed_size)
      return entry_error("read", name(), zip_errc::size_mismatch);
    if (done_) {
      if (out_ != entry().uncompressed_size) {
        return entry_error("read", name(), zip_errc::size_mismatch);
      }
      if (crc_ != entry().crc32) return entry_error("read", name(), zip_errc::crc_mismatch);
    }
    maybe_yield(n);
    return n;
  }

 private:
  std::uint64_t in_left() const { return entry().compressed_size - in_read_; }

  Status refill() {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(in_.size(), in_left()));
    if (want == 0) return {};
    if (auto st = read_exactly(impl_.archive(), std::span<char>(in_.data(), want),
                               in_offset_ + in_read_, name());
        !st) {
      return st;
    }
    in_read_ += want;
    z_.next_in = reinterpret_cast<Bytef*>(in_.data());
    z_.avail_in = static_cast<uInt>(want);
    return {};
  }

  void maybe_yield(std::size_t n) {
    constexpr std::uint64_t kYieldEvery = 4 << 20;
    since_yield_ += n;
    if (since_yield_ >= kYieldEvery && runtime::on_fiber()) {
      since_yield_ = 0;
      runtime::yield();
    }
  }

  z_stream z_{};
  bool ok_ = false;
  bool done_ = false;
  std::vector<char> in_ = std::vector<char>(256 * 1024);
  std::uint64_t in_offset_;
  std::uint64_t in_read_ = 0;
  std::uint64_t out_ = 0;
  std::uint64_t since_yield_ = 0;
  std::uint32_t crc_ = 0;
};

}  // namespace

ZipFS::ZipFS(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ZipFS::~ZipFS() = default;

Result<std::shared_ptr<ZipFS>> ZipFS::make(FilePtr archive, std::string name) {
  return make(std::move(archive), std::move(name), Options{});
}

Result<std::shared_ptr<ZipFS>> ZipFS::make(FilePtr archive, std::string name,
                                           const Options& options) {
  // A stream (a decompressed member, say) is held in memory, within bounds.
  auto src = internal::archive_source(std::move(archive), name, options.max_buffered_archive);
  if (!src) return std::move(src).error();
  const zip::Limits limits{options.max_entries, options.max_directory_bytes,
                           zip::Limits{}.max_name_length};
  auto cd = zip::read_central_directory(*src->reader, src->size, limits, name);
  if (!cd) return std::move(cd).error();
  auto index = Index::build(std::move(*cd), limits, name);
  if (!index) return std::move(index).error();
  auto impl = std::make_unique<Impl>(std::move(src->file), *src->reader, std::move(src->buffer),
                                     std::move(name), options, std::move(*index));
  return std::shared_ptr<ZipFS>(new ZipFS(std::move(impl)));
}

Result<std::shared_ptr<ZipFS>> ZipFS::make(FS& fs, std::string_view name, const Options& options) {
  auto file = fs.open(name);
  if (!file) return std::move(file).error();
  return make(std::move(*file), std::string(name), options);
}

Result<std::shared_ptr<ZipFS>> ZipFS::make(std::string_view path, const Options& options) {
  auto disk = internal::open_on_disk(path);
  if (!disk) return std::move(disk).error();
  return make(std::move(disk->file), std::string(path), options);
}

Result<FilePtr> ZipFS::open(std::string_view name) {
  auto id = impl_->lookup("open", name, /*follow=*/true);
  if (!id) return std::move(id).error();
  const Index& index = impl_->index();
  if (index.is_dir(*id))
    return FilePtr(std::make_unique<ZipDirFile>(shared_from_this(), *impl_, *id));
  if (auto st = impl_->check_readable("open", *id); !st) return std::move(st).error();
  const zip::Entry& e = *index.entry(*id);
  if (e.method == zip::kMethodDeflate && e.uncompressed_size <= impl_->options().max_in_memory) {
    return FilePtr(std::make_unique<ZipBufferFile>(shared_from_this(), *impl_, *id));
  }
  auto offset = impl_->data_offset(*id);
  if (!offset) return std::move(offset).error();
  if (e.method == zip::kMethodStore) {
    return FilePtr(std::make_unique<ZipStoredFile>(shared_from_this(), *impl_, *id, *offset));
  }
  return FilePtr(std::make_unique<ZipStreamFile>(shared_from_this(), *impl_, *id, *offset));
}

Result<FileInfo> ZipFS::stat(std::string_view name) {
  return internal::index_stat(*impl_, "stat", name, /*follow=*/true);
}

Result<FileInfo> ZipFS::lstat(std::string_view name) {
  return internal::index_stat(*impl_, "lstat", name, /*follow=*/false);
}

Result<std::vector<DirEntry>> ZipFS::read_dir(std::string_view name) {
  return internal::index_read_dir(*impl_, name);
}

Result<std::string> ZipFS::read_file(std::string_view name) {
  return internal::index_read_file(*impl_, name);
}

Result<std::string> ZipFS::read_link(std::string_view name) {
  return internal::index_read_link(*impl_, name);
}

ZipFS::Stats ZipFS::stats() const {
  const Index::Stats& s = impl_->index().stats();
  return Stats{impl_->index().directory().entries.size(), s.invalid_names, s.duplicates,
               s.file_dir_conflicts, s.synthesized_dirs};
}

const std::string& ZipFS::comment() const { return impl_->index().directory().comment; }

}  // namespace vfs
