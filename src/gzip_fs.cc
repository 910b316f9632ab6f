#include "vfs/gzip_fs.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

#include "archive_source.h"
#include "gzip/gzip_error.h"
#include "gzip/gzip_reader.h"
#include "gzip/index.h"
#include "gzip/index_file.h"
#include "gzip/indexed_reader.h"
#include "path.h"
#include "vfs/runtime/mutex.h"

namespace vfs {
namespace {

using gzip::GzipIndex;
using gzip::GzipReader;
using gzip::IndexedGzipReader;

constexpr std::string_view kIndexSuffix = ".gzidx";

// One path element other than "." (valid_path accepts ".", the root's name).
bool valid_element(std::string_view s) {
  return s != "." && !s.empty() && s.find('/') == std::string_view::npos && valid_path(s);
}

// ISO 8859-1 bytes as UTF-8: every byte is the code point of its value.
std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// The member's name: the header's FNAME if it makes one path element, else
// the archive's base name with its gzip suffix replaced (gzip -d's rules,
// without the ones for MS-DOS names).
std::string member_name_for(std::string_view fname, std::string_view archive_name) {
  if (!fname.empty()) {
    // gzip writes the name's bytes as they are (UTF-8 on today's systems);
    // RFC 1952 says ISO 8859-1, which is what bytes that are no UTF-8 are.
    if (valid_element(fname)) return std::string(fname);
    const std::string decoded = latin1_to_utf8(fname);
    if (valid_element(decoded)) return decoded;
  }
  std::string base(path::base(archive_name));
  static constexpr std::pair<std::string_view, std::string_view> kSuffixes[] = {
      {".tgz", ".tar"}, {".taz", ".tar"}, {".svgz", ".svg"}, {".gz", ""}, {"-gz", ""}, {".z", ""},
  };
  for (const auto& [suffix, replacement] : kSuffixes) {
    if (base.size() > suffix.size() && base.ends_with(suffix)) {
      base.resize(base.size() - suffix.size());
      base += replacement;
      break;
    }
  }
  return valid_element(base) ? base : "data";
}

gzip::Options to_gzip_options(const GzipOptions& o, std::string name) {
  gzip::Options g;
  g.limits.max_output = o.max_output;
  g.limits.max_ratio = o.max_ratio;
  g.name = std::move(name);
  return g;
}

}  // namespace

class GzipFS::Impl {
 public:
  Impl(internal::ArchiveSource source, std::string name, const Options& options,
       gzip::Header header, Time archive_mtime)
      : source_(std::move(source)),
        name_(std::move(name)),
        options_(options),
        gzip_options_(to_gzip_options(options, name_)),
        header_(std::move(header)),
        member_(member_name_for(header_.name, name_)),
        mtime_(header_.mtime != 0 ? Clock::from_time_t(header_.mtime) : archive_mtime),
        trailer_size_(read_trailer_size()) {}

  ReaderAt& archive() const { return *source_.reader; }
  std::int64_t archive_size() const { return source_.size; }
  const std::string& name() const { return name_; }
  const Options& options() const { return options_; }
  const gzip::Options& gzip_options() const { return gzip_options_; }
  const gzip::Header& header() const { return header_; }
  const std::string& member() const { return member_; }

  FileInfo root_info() const { return FileInfo{".", 0, FileMode::dir | 0555, mtime_}; }
  FileInfo member_info() const {
    auto ix = indexed();
    return FileInfo{member_, ix ? ix->size() : trailer_size_, FileMode(0444), mtime_};
  }

  // The random-access reader, once an index is known; null before.
  std::shared_ptr<IndexedGzipReader> indexed() const {
    std::lock_guard lock(mu_);
    return indexed_;
  }

  // Makes `index` the one random access uses. Fails if it is for another file.
  Status install(GzipIndex index) {
    auto shared = std::make_shared<const GzipIndex>(std::move(index));
    auto reader = IndexedGzipReader::open(archive(), archive_size(), shared, gzip_options_);
    if (!reader) return std::move(reader).error();
    std::lock_guard lock(mu_);
    index_ = std::move(shared);
    indexed_ = std::shared_ptr<IndexedGzipReader>(std::move(*reader));
    return {};
  }

  std::shared_ptr<const GzipIndex> index() const {
    std::lock_guard lock(mu_);
    return index_;
  }

  // The index, built now (once, whoever asks first) if there is none.
  Result<std::shared_ptr<IndexedGzipReader>> ensure_index() {
    if (auto ix = indexed()) return ix;
    // One build at a time: callers who ask during it wait for its result
    // instead of inflating the file once more each.
    std::lock_guard build(build_mu_);
    if (auto ix = indexed()) return ix;
    if (build_error_) return *build_error_;
    gzip::IndexOptions index_options{options_.index_span, options_.max_index_bytes};
    auto index = GzipIndex::build(archive(), archive_size(), index_options, gzip_options_);
    if (!index) {
      // Bad data or a limit stays so: the next random access is refused at
      // once instead of inflating the file again. An I/O error may pass.
      if (index.error().code().category() == gzip::gzip_category()) build_error_ = index.error();
      return std::move(index).error();
    }
    if (auto st = install(std::move(*index)); !st) return std::move(st).error();
    return indexed();
  }

  Status load(File& file, std::string_view index_name) {
    std::int64_t size = 0;
    if (auto info = file.stat()) size = info->size;
    ReaderAt* reader = dynamic_cast<ReaderAt*>(&file);
    std::optional<internal::BufferReaderAt> buffer;
    if (!reader) {
      auto bytes = read_all(file, size, static_cast<std::int64_t>(options_.max_index_bytes) + 1);
      if (!bytes) return Error("open", std::string(index_name), bytes.error().code());
      size = static_cast<std::int64_t>(bytes->size());
      reader = &buffer.emplace(std::move(*bytes));
    }
    auto index = gzip::load_index(*reader, size, index_name, options_.max_index_bytes);
    if (!index) return std::move(index).error();
    if (index->compressed_size() != static_cast<std::uint64_t>(archive_size())) {
      // Another file's index (or this file's before it changed).
      return Error("open", std::string(index_name),
                   gzip::make_error_code(gzip::gzip_errc::index_mismatch));
    }
    return install(std::move(*index));
  }

 private:
  // The last 4 bytes: the last member's ISIZE (see gzip_fs.h for when that
  // is the size), or 0 if they cannot be read. A claim the limits make
  // impossible is cut to them: readers size buffers from stat (read_all
  // allocates up to 64 MiB on its word), and 30 hostile bytes may say 4 GiB.
  std::int64_t read_trailer_size() const {
    unsigned char b[4];
    if (archive_size() < 4) return 0;
    auto n = archive().read_at(std::span<char>(reinterpret_cast<char*>(b), 4), archive_size() - 4);
    if (!n || *n != 4) return 0;
    const std::int64_t isize = std::int64_t{b[0]} | std::int64_t{b[1]} << 8 |
                               std::int64_t{b[2]} << 16 | std::int64_t{b[3]} << 24;
    std::int64_t bound = options_.max_output;
    if (options_.max_ratio != 0) {
      bound = std::min(bound, std::max(archive_size() * std::int64_t{options_.max_ratio},
                                       static_cast<std::int64_t>(gzip::kRatioGrace)));
    }
    return std::min(isize, bound);
  }

  internal::ArchiveSource source_;
  std::string name_;
  Options options_;
  gzip::Options gzip_options_;
  gzip::Header header_;
  std::string member_;
  Time mtime_;
  std::int64_t trailer_size_;

  mutable std::mutex mu_;  // guards index_ and indexed_
  std::shared_ptr<const GzipIndex> index_;
  std::shared_ptr<IndexedGzipReader> indexed_;
  // One index build at a time. A runtime Mutex: the build yields on a fiber
  // (gzip::Options::yield_every), and a fiber that waited for a std::mutex
  // would hold its thread, so with one P the builder could never resume.
  runtime::Mutex build_mu_;
  std::optional<Error> build_error_;  // under build_mu_: why the build failed, for good
};

namespace {

using Impl = GzipFS::Impl;

// The root: one entry.
class GzipDirFile final : public ReadDirFile {
 public:
  GzipDirFile(std::shared_ptr<const GzipFS> owner, const Impl& impl)
      : owner_(std::move(owner)), impl_(impl) {}
  Result<FileInfo> stat() override {
    if (closed_) return Error("stat", ".", errc::closed);
    return impl_.root_info();
  }
  Status close() override {
    if (std::exchange(closed_, true)) return Error("close", ".", errc::closed);
    return {};
  }
  Result<std::size_t> read(std::span<char>) override {
    if (closed_) return Error("read", ".", errc::closed);
    return Error::from_errno("read", ".", EISDIR);
  }
  Result<std::vector<DirEntry>> read_dir(int) override {
    if (closed_) return Error("readdir", ".", errc::closed);
    std::vector<DirEntry> out;
    if (!listed_) out.emplace_back(impl_.member_info());
    listed_ = true;
    return out;
  }

 private:
  std::shared_ptr<const GzipFS> owner_;
  const Impl& impl_;
  bool closed_ = false;
  bool listed_ = false;
};

// The decompressed file. read() streams from the start with a GzipReader
// (every CRC checked, the index recorded on the way); random access goes
// through the FS's index.
class GzipMemberFile final : public File, public ReaderAt, public Seeker {
 public:
  GzipMemberFile(std::shared_ptr<const GzipFS> owner, Impl& impl)
      : owner_(std::move(owner)), impl_(impl) {}

  Result<FileInfo> stat() override {
    if (closed()) return closed_error("stat");
    return impl_.member_info();
  }
  Status close() override {
    if (closed_.exchange(true, std::memory_order_relaxed)) return closed_error("close");
    return {};
  }

  Result<std::size_t> read(std::span<char> buf) override {
    std::lock_guard lock(mu_);
    if (closed()) return closed_error("read");
    if (buf.empty()) return std::size_t{0};
    Result<std::size_t> n = std::size_t{0};
    if (stream_ ? stream_->pos == pos_ : pos_ == 0) {
      n = stream_read(buf);  // in order from the start: checked as it goes
    } else {
      n = random_read(buf, pos_);
    }
    if (n) pos_ += static_cast<std::int64_t>(*n);
    return n;
  }

  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    if (closed()) return closed_error("read");
    if (offset < 0) return Error("read", impl_.member(), errc::invalid);
    if (auto ix = impl_.indexed()) return ix->read_at(buf, offset);
    std::lock_guard lock(mu_);
    return random_read(buf, offset);
  }

  Result<std::int64_t> seek(std::int64_t offset, Whence whence) override {
    std::lock_guard lock(mu_);
    if (closed()) return closed_error("seek");
    std::int64_t from = pos_;
    if (whence == Whence::begin) from = 0;
    if (whence == Whence::end) {
      auto size = exact_size();
      if (!size) return std::move(size).error();
      from = *size;
    }
    std::int64_t to;
    if (__builtin_add_overflow(from, offset, &to) || to < 0) {
      return Error("seek", impl_.member(), errc::invalid);
    }
    return pos_ = to;
  }

 private:
  // A GzipReader from the start of the file, and how far it has read.
  struct Stream {
    explicit Stream(Impl& impl) : source(impl.archive(), 0, impl.archive_size()) {}
    SectionReader source;
    std::optional<GzipReader> reader;
    std::int64_t pos = 0;
    bool recording = false;
  };

  bool closed() const { return closed_.load(std::memory_order_relaxed); }
  Error closed_error(std::string_view op) const {
    return Error(std::string(op), impl_.member(), errc::closed);
  }

  Status restart_stream() {
    auto s = std::make_unique<Stream>(impl_);
    // Past max_index_bytes the stream goes on without its index.
    const gzip::IndexOptions record{impl_.options().index_span, impl_.options().max_index_bytes,
                                    gzip::IndexOptions::OnLimit::stop};
    s->recording = impl_.options().record_while_streaming && !impl_.indexed();
    auto r = GzipReader::open(s->source, impl_.gzip_options(), s->recording ? &record : nullptr);
    if (!r) return std::move(r).error();
    s->reader.emplace(std::move(*r));
    stream_ = std::move(s);
    return {};
  }

  // The next bytes of the stream; at its end, the index it recorded
  // becomes the FS's.
  Result<std::size_t> stream_read(std::span<char> buf) {
    if (!stream_) {
      if (auto st = restart_stream(); !st) return std::move(st).error();
    }
    auto n = stream_->reader->read(buf);
    if (!n) {
      stream_.reset();  // a failed stream cannot go on; a later read starts over
      return n;
    }
    stream_->pos += static_cast<std::int64_t>(*n);
    if (*n == 0 && stream_->recording) {
      stream_->recording = false;
      if (auto index = stream_->reader->take_index(); index && !impl_.indexed()) {
        (void)impl_.install(std::move(*index));  // only a mismatch fails: then no index
      }
    }
    return n;
  }

  // buf.size() bytes at `offset` (fewer at the end): through the index,
  // built now if the options allow, or else by streaming to `offset`.
  Result<std::size_t> random_read(std::span<char> buf, std::int64_t offset) {
    if (impl_.options().build_index != GzipOptions::BuildIndex::never || impl_.indexed()) {
      auto ix = impl_.ensure_index();
      if (!ix) return std::move(ix).error();
      return (*ix)->read_at(buf, offset);
    }
    if (!stream_ || stream_->pos > offset) {
      if (auto st = restart_stream(); !st) return std::move(st).error();
    }
    std::string scratch;
    while (stream_->pos < offset) {  // skip what comes before
      scratch.resize(
          static_cast<std::size_t>(std::min<std::int64_t>(offset - stream_->pos, 1 << 16)));
      auto n = stream_read(scratch);
      if (!n) return n;
      if (*n == 0) return std::size_t{0};  // offset is past the end
    }
    std::size_t done = 0;
    while (done < buf.size()) {
      auto n = stream_read(buf.subspan(done));
      if (!n) return n;
      if (*n == 0) break;
      done += *n;
    }
    return done;
  }

  // The uncompressed size, for seek from the end: the index's, or counted.
  Result<std::int64_t> exact_size() {
    if (auto ix = impl_.indexed()) return ix->size();
    if (impl_.options().build_index != GzipOptions::BuildIndex::never) {
      auto ix = impl_.ensure_index();
      if (!ix) return std::move(ix).error();
      return (*ix)->size();
    }
    std::string scratch(1 << 16, '\0');
    for (;;) {
      auto n = random_read(scratch, stream_ ? stream_->pos : 0);
      if (!n) return std::move(n).error();
      if (*n == 0) return stream_->pos;
    }
  }

  std::shared_ptr<const GzipFS> owner_;
  Impl& impl_;
  runtime::Mutex mu_;  // read, seek, random access without an index (held across yields)
  std::int64_t pos_ = 0;
  std::unique_ptr<Stream> stream_;
  std::atomic<bool> closed_{false};
};

// Opens `index_name` of `fs`, if it is there, and loads it into `impl`.
Status load_saved_index(Impl& impl, FS& fs, const std::string& index_name) {
  auto file = fs.open(index_name);
  if (!file) return file.error().is(errc::not_exist) ? Status{} : Status(std::move(file).error());
  return impl.load(**file, index_name);
}

}  // namespace

GzipFS::GzipFS(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GzipFS::~GzipFS() = default;

namespace {

// Opens the archive, reads its first header; the saved index, when `fs`
// is given, is `index_name` there.
Result<std::unique_ptr<GzipFS::Impl>> make_impl(FilePtr archive, std::string name,
                                                const GzipOptions& options, FS* fs,
                                                const std::string& index_name) {
  Time archive_mtime{};
  if (auto info = archive->stat()) archive_mtime = info->mod_time;
  auto src = internal::archive_source(std::move(archive), name, options.max_buffered_archive);
  if (!src) return std::move(src).error();
  std::optional<gzip::Header> header;
  {
    SectionReader head(*src->reader, 0, src->size);
    auto r = GzipReader::open(head, to_gzip_options(options, name));
    if (!r) return Error("open", name, r.error().code());
    header = r->header();
  }
  auto impl =
      std::make_unique<Impl>(std::move(*src), std::move(name), options, *header, archive_mtime);
  if (fs && options.load_saved_index) {
    if (auto st = load_saved_index(*impl, *fs, index_name); !st) return std::move(st).error();
  }
  if (options.build_index == GzipOptions::BuildIndex::on_open) {
    if (auto ix = impl->ensure_index(); !ix) return std::move(ix).error();
  }
  return impl;
}

}  // namespace

Result<std::shared_ptr<GzipFS>> GzipFS::make(FilePtr archive, std::string name,
                                             const Options& options) {
  auto impl = make_impl(std::move(archive), std::move(name), options, nullptr, "");
  if (!impl) return std::move(impl).error();
  return std::shared_ptr<GzipFS>(new GzipFS(std::move(*impl)));
}

Result<std::shared_ptr<GzipFS>> GzipFS::make(FS& fs, std::string_view name,
                                             const Options& options) {
  auto file = fs.open(name);
  if (!file) return std::move(file).error();
  auto impl = make_impl(std::move(*file), std::string(name), options, &fs,
                        std::string(name) + std::string(kIndexSuffix));
  if (!impl) return std::move(impl).error();
  return std::shared_ptr<GzipFS>(new GzipFS(std::move(*impl)));
}

Result<std::shared_ptr<GzipFS>> GzipFS::make(std::string_view path, const Options& options) {
  auto disk = internal::open_on_disk(path);
  if (!disk) return std::move(disk).error();
  auto impl = make_impl(std::move(disk->file), std::string(path), options, disk->dir.get(),
                        disk->base + std::string(kIndexSuffix));
  if (!impl) return std::move(impl).error();
  return std::shared_ptr<GzipFS>(new GzipFS(std::move(*impl)));
}

Result<FilePtr> GzipFS::open(std::string_view name) {
  if (name == ".") return FilePtr(std::make_unique<GzipDirFile>(shared_from_this(), *impl_));
  if (name == impl_->member()) {
    return FilePtr(std::make_unique<GzipMemberFile>(shared_from_this(), *impl_));
  }
  return Error("open", std::string(name), valid_path(name) ? errc::not_exist : errc::invalid);
}

Result<FileInfo> GzipFS::stat(std::string_view name) {
  if (name == ".") return impl_->root_info();
  if (name == impl_->member()) return impl_->member_info();
  return Error("stat", std::string(name), valid_path(name) ? errc::not_exist : errc::invalid);
}

Result<std::vector<DirEntry>> GzipFS::read_dir(std::string_view name) {
  if (name == ".") {
    std::vector<DirEntry> out;
    out.emplace_back(impl_->member_info());
    return out;
  }
  if (name == impl_->member()) return Error::from_errno("readdir", std::string(name), ENOTDIR);
  return Error("readdir", std::string(name), valid_path(name) ? errc::not_exist : errc::invalid);
}

const std::string& GzipFS::member_name() const { return impl_->member(); }
const std::string& GzipFS::header_name() const { return impl_->header().name; }
const std::string& GzipFS::header_comment() const { return impl_->header().comment; }

bool GzipFS::has_index() const { return impl_->indexed() != nullptr; }

Status GzipFS::build_index() {
  auto ix = impl_->ensure_index();
  if (!ix) return std::move(ix).error();
  return {};
}

Status GzipFS::load_index(File& index_file) { return impl_->load(index_file, impl_->name()); }

Status GzipFS::save_index(Writer& out, GzipIndexFormat format) {
  if (auto ix = impl_->ensure_index(); !ix) return std::move(ix).error();
  return gzip::save_index(
      *impl_->index(), out,
      format == GzipIndexFormat::gzidx ? gzip::IndexFormat::gzidx : gzip::IndexFormat::vfs);
}

}  // namespace vfs
