#include "vfs/archive_fs.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "archive/archive_error.h"
#include "archive/handle.h"
#include "archive/tar_reader.h"
#include "archive_source.h"
#include "gzip/gzip_reader.h"
#include "gzip/indexed_reader.h"
#include "index_tree.h"
#include "prefault.h"
#include "zip/index.h"
#include "zip/names.h"
#include "zip/zip_error.h"

namespace vfs {
namespace {

using archive::archive_errc;
using archive::Handle;
using zip::Index;
using Id = Index::Id;

// How an entry's bytes are served (see the header comment).
enum class Data : std::uint8_t {
  none,     // a directory, a device, an empty file
  window,   // Record::offset in the stream
  cached,   // Impl::cache_[Record::offset]
  stream,   // re-stream the archive to entry Record::ordinal
  symlink,  // the target, at Record::offset in Impl::targets_
};

// What an ArchiveFS knows of an entry beyond its zip::Entry (name, mode,
// mtime, size): one per header, in archive order, as the entries.
struct Record {
  std::uint64_t offset = 0;
  std::uint32_t ordinal = 0;  // the entry's place in the archive
  Data data = Data::none;
  std::int64_t uid = 0;
  std::int64_t gid = 0;
};

constexpr std::size_t kMaxNameLength = 4096;
constexpr std::size_t kChunk = 64 * 1024;

// The entry's name as UTF-8: the raw bytes when they are UTF-8 (pax, most
// tars), else libarchive's conversion (7z and Joliet names are UTF-16),
// else the bytes read as Latin-1 (an old tar's names have no charset).
std::string_view entry_name(archive_entry* e, std::string& scratch) {
  const char* raw = archive_entry_pathname(e);
  if (raw && zip::is_valid_utf8(raw)) return raw;
  const char* utf8 = archive_entry_pathname_utf8(e);
  if (utf8 && zip::is_valid_utf8(utf8)) return utf8;
  scratch.clear();
  for (const char* p = raw ? raw : ""; *p; ++p) {
    const auto b = static_cast<unsigned char>(*p);
    if (b < 0x80) {
      scratch += *p;
    } else {
      scratch += static_cast<char>(0xC0 | b >> 6);
      scratch += static_cast<char>(0x80 | (b & 0x3F));
    }
  }
  return scratch;
}

// Seconds and nanoseconds since the epoch, saturated at what a Time holds
// (about 292 years either way): a tar's 12 octal digits reach year 4147.
Time unix_time(std::int64_t sec, std::int64_t nsec) {
  constexpr std::int64_t kMax =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::max()).count() - 1;
  return Time{} + std::chrono::seconds(std::clamp(sec, -kMax, kMax)) +
         std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(nsec));
}

Time entry_mtime(archive_entry* e) {
  if (!archive_entry_mtime_is_set(e)) return Time{};
  return unix_time(archive_entry_mtime(e), archive_entry_mtime_nsec(e));
}

}  // namespace

class ArchiveFS::Impl {
 public:
  Impl(internal::ArchiveSource source, std::string name, const Options& options)
      : bytes_(std::move(source)), name_(std::move(name)), options_(options) {}

  // Reads the archive once and builds everything below.
  Status build();

  const Index& index() const { return index_; }
  const Options& options() const { return options_; }
  const std::string& name() const { return name_; }
  const std::string& format() const { return format_; }
  const Stats& stats() const { return stats_; }
  const Record* record(Id id) const {
    const zip::Entry* e = index_.entry(id);
    return e ? &records_[static_cast<std::size_t>(e - index_.directory().entries.data())] : nullptr;
  }
  std::uint64_t size(Id id) const {
    const zip::Entry* e = index_.entry(id);
    return e ? e->uncompressed_size : 0;
  }
  ReaderAt& stream() const { return *stream_; }
  std::int64_t stream_size() const { return stream_size_; }
  std::string_view cached(const Record& r) const { return cache_[r.offset]; }
  std::string_view target_of(Id id) const {
    return std::string_view(targets_).substr(record(id)->offset, size(id));
  }
  Result<std::string> link_target(Id id) const { return std::string(target_of(id)); }

  Result<Id> lookup(std::string_view op, std::string_view name, bool follow) const {
    return internal::index_lookup(*this, has_symlinks_, op, name, follow);
  }
  // Why `id`'s entry cannot be read, if it cannot.
  Status check_readable(std::string_view op, Id id) const;
  // A libarchive reader positioned at `id`'s data (Data::stream).
  Result<std::unique_ptr<Handle>> restream(std::string_view op, Id id) const;
  Result<std::string> read_whole(std::string_view op, Id id) const;

 private:
  struct Scan;
  struct Header;

  // Adds one entry to the scan; `place(record, size)` says where a regular
  // file's bytes are.
  template <class Place>
  Status add(Scan& scan, const Header& h, std::uint32_t ordinal, Place&& place);
  // The pass of the tar reader (archive/tar_reader.h): false if it does not
  // take this archive, which libarchive must then read.
  Result<bool> scan_tar(Scan& scan, Reader& stream, Seeker* seeker, std::int64_t size);
  void reserve(Scan& scan, std::size_t entries);
  // The pass of libarchive, over any format it reads.
  Status scan_libarchive(Scan& scan, archive::Input input);

  internal::ArchiveSource bytes_;  // the archive's File, and how to read it
  std::string name_;
  Options options_;
  std::string format_;
  Stats stats_;
  Index index_;
  std::vector<Record> records_;
  std::string targets_;             // symlink targets, back to back
  std::vector<std::string> cache_;  // entries copied during the scan
  std::unique_ptr<gzip::IndexedGzipReader> gzip_;
  ReaderAt* stream_ = nullptr;  // what the format reads: the archive, or gzip_
  std::int64_t stream_size_ = 0;
  bool has_symlinks_ = false;
};

// The state of the one pass over the archive.
struct ArchiveFS::Impl::Scan {
  struct HardLink {
    std::uint32_t record;
    std::uint32_t target_offset;  // the raw target name, in `link_names`
    std::uint32_t target_size;
  };
  zip::CentralDirectory cd;
  std::vector<HardLink> hard_links;
  std::string link_names;
  std::uint64_t cached_bytes = 0;
  std::uint64_t index_bytes = 0;
  std::string scratch;
  internal::Prefaulter entries_ahead, names_ahead, records_ahead;
};

// One entry's header, from the tar reader or libarchive.
struct ArchiveFS::Impl::Header {
  std::string_view name;  // UTF-8 when it can be
  unsigned mode = 0;      // st_mode
  Time mtime;
  std::int64_t size = 0;  // as declared
  std::int64_t uid = 0;
  std::int64_t gid = 0;
  std::optional<std::string_view> hard, sym;  // link targets
};

namespace {

// Approximate bytes of index an entry costs beyond its name and target.
constexpr std::uint64_t kPerEntry = sizeof(zip::Entry) + sizeof(Record) + 48;

// libarchive's metadata read-ahead counts against the index's budget: it is
// what the index is built from.
archive::Limits handle_limits(const ArchiveOptions& o) { return {o.max_ratio, o.max_index_memory}; }

// Sniffed as the rest of the library sniffs it (three bytes, with the
// method): a tar whose first name starts with gzip's two magic bytes is a
// tar, as libarchive reads it.
bool is_gzip(ReaderAt& r) {
  char head[3];
  auto n = r.read_at(head, 0);
  return n && detect_archive_format(std::span<const char>(head, *n)) == ArchiveFormat::gzip;
}

// How many entries the archive may hold, to size the scan's vectors once:
// growing them by doubling touched (and faulted in) twice their final
// memory, a large part of a scan of small files. A tar entry with data
// takes at least 1 KiB of the stream; a gzip stream's size is its trailer's
// (the last member's, modulo 4 GiB: an estimate), and no gzip stream
// expands more than 1032 times. Reserved pages that stay untouched cost
// nothing.
std::size_t expected_entries(ReaderAt& r, std::int64_t size, bool gzip) {
  std::uint64_t stream = static_cast<std::uint64_t>(std::max<std::int64_t>(size, 0));
  if (gzip && size >= 4) {
    unsigned char isize[4];
    auto n = r.read_at(std::span<char>(reinterpret_cast<char*>(isize), 4), size - 4);
    if (!n || *n != 4) return 0;
    const std::uint64_t claimed =
        isize[0] | isize[1] << 8 | isize[2] << 16 | static_cast<std::uint64_t>(isize[3]) << 24;
    stream = std::min(claimed, stream * 1032);
  }
  return static_cast<std::size_t>(std::min<std::uint64_t>(stream / 1024, 1 << 20));
}

}  // namespace

void ArchiveFS::Impl::reserve(Scan& scan, std::size_t entries) {
  entries =
      std::min<std::size_t>({entries, options_.max_entries, options_.max_index_memory / kPerEntry});
  scan.cd.entries.reserve(entries);
  scan.cd.names.reserve(entries * 32);
  records_.reserve(entries);
}

template <class Place>
Status ArchiveFS::Impl::add(Scan& scan, const Header& h, std::uint32_t ordinal, Place&& place) {
  if (ordinal >= options_.max_entries) {
    return archive::archive_error("open", name_, archive_errc::too_many_entries);
  }
  std::string_view name = h.name;
  if (name.size() > kMaxNameLength) name = {};  // the index drops it as invalid
  zip::Entry entry;
  entry.name_offset = static_cast<std::uint32_t>(scan.cd.names.size());
  entry.name_size = static_cast<std::uint32_t>(name.size());
  scan.cd.names.append(name);
  // ar members written by GNU ar in deterministic mode (Debian's
  // default) carry permission bits only: no type is a regular file.
  unsigned mode = h.mode;
  if ((mode & AE_IFMT) == 0) mode |= AE_IFREG;
  entry.mode = FileMode::from_posix(mode);
  entry.modified = h.mtime;
  entry.uncompressed_size = static_cast<std::uint64_t>(std::max<std::int64_t>(h.size, 0));

  Record rec;
  rec.ordinal = ordinal;
  rec.uid = h.uid;
  rec.gid = h.gid;
  // A hard link has no file type of its own; it is a file until it takes
  // its target's mode (finish()).
  if (h.hard) entry.mode = FileMode(entry.mode.perm().bits());
  if (entry.mode.is_symlink() || (h.sym && !h.hard)) {
    const std::string_view target = h.sym ? *h.sym : "";
    entry.mode = FileMode(FileMode::symlink | entry.mode.perm().bits());
    rec.data = Data::symlink;
    rec.offset = targets_.size();
    entry.uncompressed_size = target.size();
    targets_.append(target);
  } else if (!entry.mode.is_regular()) {
    entry.uncompressed_size = 0;  // directories, devices, FIFOs, sockets: no bytes
  } else {
    if (h.hard) {
      scan.hard_links.push_back({static_cast<std::uint32_t>(scan.cd.entries.size()),
                                 static_cast<std::uint32_t>(scan.link_names.size()),
                                 static_cast<std::uint32_t>(h.hard->size())});
      scan.link_names.append(*h.hard);
    }
    if (entry.uncompressed_size > 0) {
      if (auto st = place(rec, entry.uncompressed_size); !st) return st;
    }
  }
  scan.cd.entries.push_back(entry);
  records_.push_back(rec);
  scan.entries_ahead(scan.cd.entries);
  scan.names_ahead(scan.cd.names);
  scan.records_ahead(records_);
  scan.index_bytes += kPerEntry + name.size() +
                      (rec.data == Data::symlink ? entry.uncompressed_size : 0) +
                      (h.hard ? h.hard->size() : 0);
  if (scan.index_bytes > options_.max_index_memory) {
    return archive::archive_error("open", name_, archive_errc::index_too_large);
  }
  return {};
}

Result<bool> ArchiveFS::Impl::scan_tar(Scan& scan, Reader& stream, Seeker* seeker,
                                       std::int64_t size) {
  archive::TarReader tar(stream, seeker, size);
  for (std::uint32_t ordinal = 0;; ++ordinal) {
    const archive::TarEntry* t = tar.next();
    if (!t) break;
    if (ordinal == 0) format_ = tar.format_name();
    Header h;
    h.name = t->name;
    h.mode = t->mode;
    h.mtime = unix_time(t->mtime, t->mtime_nsec);
    h.size = t->size;
    h.uid = t->uid;
    h.gid = t->gid;
    if (t->hard_link) h.hard = t->link;
    if ((t->mode & AE_IFMT) == AE_IFLNK) h.sym = t->link;
    auto st = add(scan, h, ordinal, [&](Record& rec, std::uint64_t) -> Status {
      rec.data = Data::window;
      rec.offset = static_cast<std::uint64_t>(t->data_offset);
      ++stats_.by_offset;
      return {};
    });
    if (!st) return std::move(st).error();
  }
  return !tar.unsupported();
}

Status ArchiveFS::Impl::scan_libarchive(Scan& scan, archive::Input input) {
  auto opened = Handle::open(input, handle_limits(options_), name_);
  if (!opened) return std::move(opened).error();
  Handle& a = **opened;
  const bool gz = input.stream != nullptr;
  std::string chunk;
  for (std::uint32_t ordinal = 0;; ++ordinal) {
    auto next = a.next();
    if (!next) return std::move(next).error();
    archive_entry* e = *next;
    if (!e) break;
    if (ordinal == 0) {
      // Before any data is skipped: a second compression layer is how a
      // small file becomes a huge skip (a bzip2 of a bzip2 of zeros).
      if (a.compression_layers() + (gz ? 1 : 0) > 1) {
        return archive::archive_error("open", name_, archive_errc::nested_compression);
      }
      format_ = a.format_name();
    }
    Header h;
    h.name = entry_name(e, scan.scratch);
    h.mode = archive_entry_mode(e);
    h.mtime = entry_mtime(e);
    h.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
    h.uid = archive_entry_uid(e);
    h.gid = archive_entry_gid(e);
    if (const char* hard = archive_entry_hardlink(e)) h.hard = hard;
    if (const char* sym = archive_entry_symlink(e)) h.sym = sym;
    auto place = [&](Record& rec, std::uint64_t size) -> Status {
      if (a.contiguous_data() && a.compression_layers() == 0 &&
          archive_entry_sparse_count(e) == 0) {
        rec.data = Data::window;
        rec.offset = static_cast<std::uint64_t>(a.format_offset());
        ++stats_.by_offset;
      } else if (size <= options_.max_cached_entry &&
                 scan.cached_bytes + size <= options_.max_cached_bytes) {
        chunk.resize(size);
        std::size_t got = 0;
        for (;;) {
          auto n = a.read_data(std::span<char>(chunk).subspan(std::min(got, chunk.size())), h.name);
          if (!n) return Error("open", name_, n.error().code());
          if (*n == 0) break;
          got += *n;
          if (got > chunk.size()) break;
        }
        if (got != chunk.size()) {
          return archive::archive_error("open", name_, archive_errc::size_mismatch);
        }
        rec.data = Data::cached;
        rec.offset = cache_.size();
        cache_.push_back(chunk);
        scan.cached_bytes += chunk.size();
        ++stats_.cached;
      } else {
        rec.data = Data::stream;
        ++stats_.streamed;
      }
      return {};
    };
    if (auto st = add(scan, h, ordinal, place); !st) return st;
  }
  return {};
}

Status ArchiveFS::Impl::build() {
  // gzip is inflated here, with ISA-L, recording checkpoints as it goes, so
  // that the one pass also yields random access into the stream; the tar
  // reader or libarchive sees the tar (or cpio, ar) inside. xz, bzip2 and
  // zstd are decoded by the Handle (src/archive/decoder.h): libarchive
  // never decompresses.
  gzip::Options gz_options;
  gz_options.name = name_;
  gz_options.limits.max_ratio =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(options_.max_ratio, UINT32_MAX));
  const gzip::IndexOptions record{std::max<std::uint64_t>(options_.gzip_span, 1 << 16)};
  SectionReader raw(*bytes_.reader, 0, bytes_.size);
  std::optional<SectionReader> gz_raw;
  std::optional<gzip::GzipReader> gz;
  auto open_gzip = [&]() -> Status {
    gz.reset();
    gz_raw.emplace(*bytes_.reader, 0, bytes_.size);
    auto r = gzip::GzipReader::open(*gz_raw, gz_options, &record);
    if (!r) return Error("open", name_, r.error().code());
    gz.emplace(std::move(*r));
    return {};
  };
  if (is_gzip(*bytes_.reader)) {
    if (auto st = open_gzip(); !st) return st;
  }

  const std::size_t expected = expected_entries(*bytes_.reader, bytes_.size, gz.has_value());
  Scan scan;
  reserve(scan, expected);
  auto fast = gz ? scan_tar(scan, *gz, nullptr, -1) : scan_tar(scan, raw, &raw, bytes_.size);
  if (!fast) return std::move(fast).error();
  if (!*fast) {
    // Not a tar the tar reader takes: libarchive reads it from the start.
    scan = Scan{};
    records_.clear();
    targets_.clear();
    stats_ = Stats{};
    reserve(scan, expected);
    if (gz) {
      if (auto st = open_gzip(); !st) return st;
    }
    auto st = scan_libarchive(scan, gz ? archive::Input{nullptr, 0, &*gz}
                                       : archive::Input{bytes_.reader, bytes_.size, nullptr});
    if (!st) return st;
  }
  if (gz) format_ += " + gzip";
  stats_.entries = scan.cd.entries.size();

  if (gz) {
    // The tar ends before the gzip stream does (its zero blocks, a
    // record's padding): read to the end, which checks the last CRC and
    // completes the checkpoint index.
    std::string rest(kChunk, '\0');
    for (;;) {
      auto n = gz->read(rest);
      if (!n) return Error("open", name_, n.error().code());
      if (*n == 0) break;
    }
    auto gindex = gz->take_index();
    if (!gindex) return Error("open", name_, gindex.error().code());
    auto shared = std::make_shared<const gzip::GzipIndex>(std::move(*gindex));
    stats_.gzip_points = shared->points().size();
    stream_size_ = static_cast<std::int64_t>(shared->uncompressed_size());
    auto reader = gzip::IndexedGzipReader::open(*bytes_.reader, bytes_.size, shared, gz_options);
    if (!reader) return Error("open", name_, reader.error().code());
    gzip_ = std::move(*reader);
    stream_ = gzip_.get();
  } else {
    stream_ = bytes_.reader;
    stream_size_ = bytes_.size;
  }
  for (std::size_t i = 0; i < records_.size(); ++i) {
    if (records_[i].data == Data::window &&
        records_[i].offset + scan.cd.entries[i].uncompressed_size >
            static_cast<std::uint64_t>(stream_size_)) {
      return archive::archive_error("open", name_, archive_errc::truncated);
    }
  }

  // Hard links: a link reads as the latest earlier entry of its target's
  // name; cpio's newc instead puts the data on the last link, so a target
  // without bytes takes the link's.
  if (!scan.hard_links.empty()) {
    std::unordered_map<std::string, std::uint32_t> latest;
    std::string s1, s2;
    std::size_t h = 0;
    for (std::uint32_t i = 0; i < records_.size(); ++i) {
      for (; h < scan.hard_links.size() && scan.hard_links[h].record == i; ++h) {
        const Scan::HardLink& link = scan.hard_links[h];
        const std::string target(zip::clean_name(
            std::string_view(scan.link_names).substr(link.target_offset, link.target_size), s1));
        const auto it = latest.find(target);
        zip::Entry& le = scan.cd.entries[i];
        if (it == latest.end()) {
          if (records_[i].data == Data::none) {
            // Nothing to read: dropped from the tree (an empty name is
            // one the index drops), counted apart.
            le.name_size = 0;
            ++stats_.broken_links;
          }
          continue;
        }
        zip::Entry& te = scan.cd.entries[it->second];
        Record& tr = records_[it->second];
        if (le.uncompressed_size > 0 && te.uncompressed_size == 0 && tr.data == Data::none) {
          tr.data = records_[i].data, tr.offset = records_[i].offset;
          tr.ordinal = records_[i].ordinal;
          te.uncompressed_size = le.uncompressed_size;
        } else if (le.uncompressed_size == 0) {
          records_[i].data = tr.data, records_[i].offset = tr.offset;
          records_[i].ordinal = tr.ordinal;
          le.uncompressed_size = te.uncompressed_size;
          le.mode = te.mode;
        }
      }
      const zip::Entry& e = scan.cd.entries[i];
      if (!e.mode.is_dir()) latest[std::string(zip::clean_name(scan.cd.name(e), s2))] = i;
    }
  }

  const zip::Limits limits{options_.max_entries, zip::Limits{}.max_directory_bytes,
                           zip::Limits{}.max_name_length};
  auto index = Index::build(std::move(scan.cd), limits, name_);
  if (!index) {
    if (index.error().code() == zip::zip_errc::too_many_entries) {
      return archive::archive_error("open", name_, archive_errc::too_many_entries);
    }
    return std::move(index).error();
  }
  index_ = std::move(*index);
  const Index::Stats& s = index_.stats();
  stats_.invalid_names = s.invalid_names - stats_.broken_links;
  stats_.duplicates = s.duplicates;
  stats_.file_dir_conflicts = s.file_dir_conflicts;
  stats_.synthesized_dirs = s.synthesized_dirs;
  has_symlinks_ = internal::has_symlinks(index_);
  return {};
}

Status ArchiveFS::Impl::check_readable(std::string_view op, Id id) const {
  if (size(id) > options_.max_entry_size) {
    return archive::archive_error(op, index_.name(id), archive_errc::entry_too_large);
  }
  return {};
}

Result<std::unique_ptr<Handle>> ArchiveFS::Impl::restream(std::string_view op, Id id) const {
  const Record& r = *record(id);
  const std::string_view name = index_.name(id);
  auto h =
      Handle::open(archive::Input{stream_, stream_size_, nullptr}, handle_limits(options_), name_);
  if (!h) return Error(std::string(op), std::string(name), h.error().code());
  for (std::uint32_t i = 0;; ++i) {
    auto e = (*h)->next();
    if (!e) return Error(std::string(op), std::string(name), e.error().code());
    if (!*e) return archive::archive_error(op, name, archive_errc::changed);
    if (i < r.ordinal) continue;
    if (archive_entry_size(*e) != static_cast<std::int64_t>(size(id))) {
      return archive::archive_error(op, name, archive_errc::changed);
    }
    return std::move(*h);
  }
}

Result<std::string> ArchiveFS::Impl::read_whole(std::string_view op, Id id) const {
  if (auto st = check_readable(op, id); !st) return std::move(st).error();
  const Record* r = record(id);
  const std::string_view name = index_.name(id);
  const std::uint64_t n = size(id);
  if (!r) return std::string();
  switch (r->data) {
    case Data::none:
      return std::string();
    case Data::symlink:
      return std::string(target_of(id));
    case Data::cached:
      return std::string(cached(*r));
    case Data::window: {
      std::string out(n, '\0');
      auto got = stream_->read_at(out, static_cast<std::int64_t>(r->offset));
      if (!got) return Error(std::string(op), std::string(name), got.error().code());
      if (*got != n) return archive::archive_error(op, name, archive_errc::truncated);
      return out;
    }
    case Data::stream: {
      auto h = restream(op, id);
      if (!h) return std::move(h).error();
      std::string out(n, '\0');
      std::size_t got = 0;
      for (;;) {
        auto k = (*h)->read_data(std::span<char>(out).subspan(got), name);
        if (!k) return std::move(k).error();
        if (*k == 0) break;
        got += *k;
        if (got == out.size()) break;
      }
      if (got != n) return archive::archive_error(op, name, archive_errc::size_mismatch);
      return out;
    }
  }
  return std::string();
}

namespace {

using Impl = ArchiveFS::Impl;

using EntryFile = internal::IndexFile<ArchiveFS, Impl>;
using DirFile = internal::IndexDirFile<ArchiveFS, Impl>;

// An entry whose bytes are reachable by read_at: a window of the stream
// (the archive, or its uncompressed gzip stream), or bytes in memory.
class RandomAccessFile final : public EntryFile, public ReaderAt, public Seeker {
 public:
  RandomAccessFile(std::shared_ptr<const ArchiveFS> owner, const Impl& impl, Id id,
                   ReaderAt& source, std::int64_t offset)
      : EntryFile(std::move(owner), impl, id),
        section_(source, offset, static_cast<std::int64_t>(impl.size(id))) {}
  Result<FileInfo> stat() override { return EntryFile::stat(); }
  Status close() override { return EntryFile::close(); }

  Result<std::size_t> read(std::span<char> buf) override {
    auto n = read_at(buf, pos_.pos);
    if (n) pos_.pos += static_cast<std::int64_t>(*n);
    return n;
  }
  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    if (closed()) return closed_error("read");
    auto n = section_.read_at(buf, offset);
    if (!n) return Error("read", std::string(name()), n.error().code());
    if (*n < buf.size() && offset + static_cast<std::int64_t>(*n) < section_.size()) {
      return archive::archive_error("read", name(), archive_errc::truncated);
    }
    return n;
  }
  Result<std::int64_t> seek(std::int64_t offset, Whence whence) override {
    if (closed()) return closed_error("seek");
    return pos_.seek(offset, whence, section_.size(), name());
  }

 private:
  SectionReader section_;
  internal::Position pos_;
};

// Memory as a ReaderAt (a cached entry, a symlink's target).
class ViewReaderAt final : public ReaderAt {
 public:
  explicit ViewReaderAt(std::string_view data) : data_(data) {}
  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    if (offset < 0) return Error("read", "", errc::invalid);
    if (static_cast<std::uint64_t>(offset) >= data_.size() || buf.empty()) return std::size_t{0};
    const std::size_t n = std::min(buf.size(), data_.size() - static_cast<std::size_t>(offset));
    std::memcpy(buf.data(), data_.data() + offset, n);
    return n;
  }

 private:
  std::string_view data_;
};

// A cached entry: a window of its bytes in memory.
class MemoryFile final : public EntryFile, public ReaderAt, public Seeker {
 public:
  MemoryFile(std::shared_ptr<const ArchiveFS> owner, const Impl& impl, Id id, std::string_view data)
      : EntryFile(std::move(owner), impl, id), view_(data), section_(view_, 0, std::ssize(data)) {}
  Result<FileInfo> stat() override { return EntryFile::stat(); }
  Status close() override { return EntryFile::close(); }
  Result<std::size_t> read(std::span<char> buf) override {
    if (closed()) return closed_error("read");
    return section_.read(buf);
  }
  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    if (closed()) return closed_error("read");
    return section_.read_at(buf, offset);
  }
  Result<std::int64_t> seek(std::int64_t offset, Whence whence) override {
    if (closed()) return closed_error("seek");
    return section_.seek(offset, whence);
  }

 private:
  ViewReaderAt view_;
  SectionReader section_;
};

// An entry read by streaming the archive again (its libarchive reader is
// made at the first read, so an open that is only stat'ed costs nothing).
class StreamFile final : public EntryFile {
 public:
  using EntryFile::EntryFile;
  Result<std::size_t> read(std::span<char> buf) override {
    if (closed()) return closed_error("read");
    if (!handle_) {
      auto h = impl_.restream("read", id_);
      if (!h) return std::move(h).error();
      handle_ = std::move(*h);
    }
    auto n = handle_->read_data(buf, name());
    if (!n) return std::move(n).error();
    got_ += *n;
    if (got_ > impl_.size(id_) || (*n == 0 && !buf.empty() && got_ != impl_.size(id_))) {
      return archive::archive_error("read", name(), archive_errc::size_mismatch);
    }
    return n;
  }

 private:
  std::unique_ptr<Handle> handle_;
  std::uint64_t got_ = 0;
};

}  // namespace

ArchiveFS::ArchiveFS(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ArchiveFS::~ArchiveFS() = default;

Result<std::shared_ptr<ArchiveFS>> ArchiveFS::make(FilePtr archive, std::string name) {
  return make(std::move(archive), std::move(name), Options{});
}

Result<std::shared_ptr<ArchiveFS>> ArchiveFS::make(FilePtr archive, std::string name,
                                                   const Options& options) {
  auto source = internal::archive_source(std::move(archive), name, options.max_buffered_archive);
  if (!source) return std::move(source).error();
  auto impl = std::make_unique<Impl>(std::move(*source), std::move(name), options);
  if (auto st = impl->build(); !st) return std::move(st).error();
  return std::shared_ptr<ArchiveFS>(new ArchiveFS(std::move(impl)));
}

Result<std::shared_ptr<ArchiveFS>> ArchiveFS::make(FS& fs, std::string_view name,
                                                   const Options& options) {
  auto file = fs.open(name);
  if (!file) return std::move(file).error();
  return make(std::move(*file), std::string(name), options);
}

Result<std::shared_ptr<ArchiveFS>> ArchiveFS::make(std::string_view path, const Options& options) {
  auto disk = internal::open_on_disk(path);
  if (!disk) return std::move(disk).error();
  return make(std::move(disk->file), std::string(path), options);
}

Result<FilePtr> ArchiveFS::open(std::string_view name) {
  auto id = impl_->lookup("open", name, /*follow=*/true);
  if (!id) return std::move(id).error();
  auto self = shared_from_this();
  if (impl_->index().is_dir(*id)) return FilePtr(std::make_unique<DirFile>(self, *impl_, *id));
  if (auto st = impl_->check_readable("open", *id); !st) return std::move(st).error();
  const Record& r = *impl_->record(*id);
  switch (r.data) {
    case Data::window:
      return FilePtr(std::make_unique<RandomAccessFile>(self, *impl_, *id, impl_->stream(),
                                                        static_cast<std::int64_t>(r.offset)));
    case Data::cached:
      return FilePtr(std::make_unique<MemoryFile>(self, *impl_, *id, impl_->cached(r)));
    case Data::stream:
      return FilePtr(std::make_unique<StreamFile>(self, *impl_, *id));
    default:
      return FilePtr(std::make_unique<MemoryFile>(self, *impl_, *id, std::string_view()));
  }
}

Result<FileInfo> ArchiveFS::stat(std::string_view name) {
  return internal::index_stat(*impl_, "stat", name, /*follow=*/true);
}

Result<FileInfo> ArchiveFS::lstat(std::string_view name) {
  return internal::index_stat(*impl_, "lstat", name, /*follow=*/false);
}

Result<std::vector<DirEntry>> ArchiveFS::read_dir(std::string_view name) {
  return internal::index_read_dir(*impl_, name);
}

Result<std::string> ArchiveFS::read_file(std::string_view name) {
  return internal::index_read_file(*impl_, name);
}

Result<std::string> ArchiveFS::read_link(std::string_view name) {
  return internal::index_read_link(*impl_, name);
}

Result<ArchiveFS::Owner> ArchiveFS::owner(std::string_view name) const {
  auto id = impl_->lookup("owner", name, /*follow=*/false);
  if (!id) return std::move(id).error();
  const Record* r = impl_->record(*id);
  if (!r) return Owner{};
  return Owner{r->uid, r->gid};
}

ArchiveFS::Stats ArchiveFS::stats() const { return impl_->stats(); }

const std::string& ArchiveFS::format() const { return impl_->format(); }

}  // namespace vfs
