#include "zip/central_directory.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

#include "zip/attributes.h"
#include "zip/format.h"
#include "zip/names.h"
#include "zip/zip_error.h"

namespace vfs::zip {
namespace {

constexpr std::uint16_t kMax16 = 0xFFFF;
constexpr std::uint32_t kMax32 = 0xFFFFFFFF;
constexpr std::uint64_t kMaxSize = std::numeric_limits<std::int64_t>::max();

// Extra field tags.
constexpr std::uint16_t kExtraZip64 = 0x0001;
constexpr std::uint16_t kExtraNtfs = 0x000a;
constexpr std::uint16_t kExtraUnix = 0x000d;
constexpr std::uint16_t kExtraExtTime = 0x5455;
constexpr std::uint16_t kExtraInfoZipUnix = 0x5855;

// The archive being read, and the name its errors carry.
struct Source {
  ReaderAt& reader;
  std::uint64_t size;
  std::string_view name;

  Error error(zip_errc e) const { return zip_error(name, e); }

  // Reads all of buf at `offset`; less is a truncated archive.
  Status read(std::span<char> buf, std::uint64_t offset) const {
    if (offset > size || buf.size() > size - offset) return error(zip_errc::truncated);
    auto n = reader.read_at(buf, static_cast<std::int64_t>(offset));
    if (!n) return std::move(n).error();
    if (*n != buf.size()) return error(zip_errc::truncated);
    return {};
  }
};

// What the end records say about the directory.
struct End {
  std::uint64_t entries = 0;
  std::uint64_t size = 0;
  std::uint64_t offset = 0;         // as recorded: from the start of the archive proper
  std::uint64_t records_start = 0;  // where the end records start: the directory ends there
  std::string comment;
  bool zip64 = false;
};

// The zip64 end record's fields, if a locator right before the end record
// at `end_pos` points to one: they replace the end record's (whose fields
// may be maxed out, or not: Python writes the true values in both). The
// locator is read from `window` (the bytes before the end record that are
// in memory) when it is there.
Status read_end64(const Source& src, std::string_view window, std::uint64_t end_pos,
                  bool overflowed, End& end) {
  if (end_pos < kEnd64LocatorLen) return {};
  const std::uint64_t locator_pos = end_pos - kEnd64LocatorLen;
  char loc[kEnd64LocatorLen];
  if (window.size() >= kEnd64LocatorLen) {
    window.copy(loc, kEnd64LocatorLen, window.size() - kEnd64LocatorLen);
  } else if (auto st = src.read(loc, locator_pos); !st) {
    return st;
  }
  // No locator of a single-disk archive (the record on disk 0 of 1): the
  // fields mean what they say, as in Go (0xFFFF entries may be 65535).
  if (le32(loc) != kEnd64LocatorSig || le32(loc + 4) != 0 || le32(loc + 16) != 1) return {};
  // The locator's offset counts from the start of the archive proper; with
  // a prefix it misses, and the record is where the plain layout puts it:
  // right before the locator.
  const std::uint64_t candidates[] = {le64(loc + 8), locator_pos - kEnd64Len};
  for (const std::uint64_t at : candidates) {
    if (at > locator_pos || locator_pos - at < kEnd64Len) continue;
    char rec[kEnd64Len];
    if (auto st = src.read(rec, at); !st) return st;
    if (le32(rec) != kEnd64Sig) continue;
    end.entries = le64(rec + 32);
    end.size = le64(rec + 40);
    end.offset = le64(rec + 48);
    end.records_start = at;
    end.zip64 = true;
    return {};
  }
  // A locator without its record: fatal only if the record was needed.
  return overflowed ? src.error(zip_errc::not_zip) : Status();
}

// The end record found at `window[i]` (at `pos` in the archive; its comment
// fits in the window), if the directory it describes lies inside the
// archive.
Result<End> read_end(const Source& src, std::string_view window, std::size_t i, std::uint64_t pos) {
  const char* rec = window.data() + i;
  End end;
  end.entries = le16(rec + 10);
  end.size = le32(rec + 12);
  end.offset = le32(rec + 16);
  end.records_start = pos;
  const bool overflowed = le16(rec + 8) == kMax16 || end.entries == kMax16 || end.size == kMax32 ||
                          end.offset == kMax32;
  if (auto st = read_end64(src, window.substr(0, i), pos, overflowed, end); !st) {
    return std::move(st).error();
  }
  // The directory ends where the end records start; its recorded offset
  // may fall short of where it starts (a prefix), never beyond.
  if (end.size > end.records_start || end.offset > end.records_start - end.size) {
    return src.error(zip_errc::offset_out_of_range);
  }
  end.comment.assign(rec + kEndLen, le16(rec + 20));
  return end;
}

// Finds the last end record whose directory lies inside the archive, in the
// last 64 KiB + 22 bytes (where a record with the longest comment starts).
Result<End> find_end(const Source& src) {
  if (src.size < kEndLen) return src.error(zip_errc::not_zip);
  const std::uint64_t window = std::min<std::uint64_t>(src.size, kEndLen + kMax16);
  const std::uint64_t window_pos = src.size - window;
  const auto buf = std::make_unique_for_overwrite<char[]>(window);
  if (auto st = src.read({buf.get(), window}, window_pos); !st) return std::move(st).error();
  const std::string_view bytes(buf.get(), window);

  std::optional<Error> first_error;  // of the last record in the file, tried first
  for (std::size_t i = window - kEndLen + 1; i-- > 0;) {
    const char* rec = bytes.data() + i;
    if (le32(rec) != kEndSig || le16(rec + 20) > window - kEndLen - i) continue;
    auto end = read_end(src, bytes, i, window_pos + i);
    // A signature inside a comment may describe no directory: try earlier
    // ones. A failing read is no reason to.
    if (end || end.error().code().category() != zip_category()) return end;
    if (!first_error) first_error = std::move(end).error();
  }
  return first_error ? *std::move(first_error) : src.error(zip_errc::not_zip);
}

// Refuses what the end record claims before anything is allocated for it.
Status check_claims(const Source& src, const End& end, const Limits& limits) {
  if (end.size > std::min(limits.max_directory_bytes, kMaxDirectoryBytesCeiling)) {
    return src.error(zip_errc::directory_too_large);
  }
  if (end.entries > end.size / kCentralHeaderLen) return src.error(zip_errc::count_mismatch);
  if (end.entries > limits.max_entries) return src.error(zip_errc::too_many_entries);
  return {};
}

// The zip64 extra field holds the 64-bit value of each 32-bit field that
// overflowed, and only those, in the order of the spec: uncompressed size,
// compressed size, local header offset.
bool take_zip64(std::string_view& field, bool& needed, std::uint64_t& value) {
  if (!needed) return true;
  needed = false;
  if (field.size() < 8) return false;
  value = le64(field.data());
  field.remove_prefix(8);
  return true;
}

// The mtime of an NTFS extra field: attribute 1 of its list.
std::optional<Time> ntfs_mtime(std::string_view field) {
  if (field.size() < 4) return std::nullopt;
  field.remove_prefix(4);  // reserved
  while (field.size() >= 4) {
    const std::uint16_t tag = le16(field.data());
    const std::uint16_t len = le16(field.data() + 2);
    if (len > field.size() - 4) break;
    if (tag == 1 && len == 24) return ntfs_time(le64(field.data() + 4));
    field.remove_prefix(4 + len);
  }
  return std::nullopt;
}

// Applies an entry's extra fields: zip64 values and mtimes. False if a
// needed zip64 value is missing.
bool apply_extras(std::string_view extra, Entry& e) {
  bool need_usize = e.uncompressed_size == kMax32;
  bool need_csize = e.compressed_size == kMax32;
  bool need_offset = e.local_header_offset == kMax32;
  while (extra.size() >= 4) {
    const std::uint16_t tag = le16(extra.data());
    const std::uint16_t len = le16(extra.data() + 2);
    if (len > extra.size() - 4) break;  // a malformed tail is ignored, as in Go
    std::string_view field = extra.substr(4, len);
    extra.remove_prefix(4 + len);
    switch (tag) {
      case kExtraZip64:
        if (!take_zip64(field, need_usize, e.uncompressed_size) ||
            !take_zip64(field, need_csize, e.compressed_size) ||
            !take_zip64(field, need_offset, e.local_header_offset)) {
          return false;
        }
        break;
      case kExtraExtTime:  // flags, then the mtime if flag bit 0 says so
        if (field.size() >= 5 && (field[0] & 1)) e.modified = unix_time(le32(field.data() + 1));
        break;
      case kExtraUnix:
      case kExtraInfoZipUnix:  // atime, then mtime
        if (field.size() >= 8) e.modified = unix_time(le32(field.data() + 4));
        break;
      case kExtraNtfs:
        if (auto t = ntfs_mtime(field)) e.modified = *t;
        break;
    }
  }
  // An uncompressed size of 0xFFFFFFFF without zip64 is taken as it is
  // (Go does, for 42.zip); an overflowed offset or compressed size is not.
  return !need_csize && !need_offset;
}

// The directory's bytes, read through one buffer of at most kChunkSize
// bytes: a directory that fits is one read, a larger one a chunk at a time.
// (Reading a large directory whole would fault in pages for all of it, on
// top of the entries and names parsed from it: that was a third of the time
// to parse 100,000 entries.) A chunk holds the longest record, so a record
// is always whole in the buffer.
class DirectoryReader {
 public:
  static constexpr std::size_t kChunkSize = 1 << 20;
  static_assert(kChunkSize >= kCentralHeaderLen + 3 * 0xFFFF);

  DirectoryReader(const Source& src, std::uint64_t offset, std::uint64_t size)
      : src_(src),
        cap_(std::min<std::uint64_t>(size, kChunkSize)),
        buf_(std::make_unique_for_overwrite<char[]>(cap_)),
        next_(offset),
        limit_(offset + size) {}

  // Makes `n` bytes from the current position available, or what is left
  // of the directory if that is less.
  Status fill(std::size_t n) {
    if (end_ - pos_ >= n || next_ == limit_) return {};
    std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
    const std::size_t more = std::min<std::uint64_t>(cap_ - end_, limit_ - next_);
    if (auto st = src_.read({buf_.get() + end_, more}, next_); !st) return st;
    end_ += more;
    next_ += more;
    return {};
  }

  std::string_view available() const { return {buf_.get() + pos_, end_ - pos_}; }
  void consume(std::size_t n) { pos_ += n; }
  bool done() const { return pos_ == end_ && next_ == limit_; }

 private:
  const Source& src_;
  std::size_t cap_;
  std::unique_ptr<char[]> buf_;
  std::size_t pos_ = 0, end_ = 0;  // the unparsed bytes in buf_
  std::uint64_t next_, limit_;     // the next byte to read, and the directory's end
};

// Parses the directory's headers into a CentralDirectory: one linear pass,
// names appended to one string.
class HeaderParser {
 public:
  HeaderParser(const Source& src, const Limits& limits, CentralDirectory& cd)
      : src_(src), limits_(limits), cd_(cd) {}

  Status parse(DirectoryReader& dir) {
    while (!dir.done()) {
      if (auto st = dir.fill(kCentralHeaderLen); !st) return st;
      std::string_view h = dir.available();
      if (h.size() < kCentralHeaderLen || le32(h.data()) != kCentralHeaderSig) {
        return src_.error(zip_errc::bad_directory);
      }
      const std::size_t len = kCentralHeaderLen + std::size_t{le16(h.data() + 28)} +
                              le16(h.data() + 30) + le16(h.data() + 32);
      if (auto st = dir.fill(len); !st) return st;
      h = dir.available();
      if (h.size() < len) return src_.error(zip_errc::bad_directory);
      if (auto st = parse_header(h.data()); !st) return st;
      dir.consume(len);
    }
    return {};
  }

 private:
  // Parses the header at h, whose variable parts are in memory too.
  Status parse_header(const char* h) {
    const std::uint16_t name_len = le16(h + 28);
    const std::uint16_t extra_len = le16(h + 30);
    if (name_len > limits_.max_name_length) return src_.error(zip_errc::name_too_long);
    if (cd_.entries.size() >= limits_.max_entries) return src_.error(zip_errc::too_many_entries);

    Entry& e = cd_.entries.emplace_back();
    e.flags = le16(h + 8);
    e.method = le16(h + 10);
    e.modified = dos_time(le16(h + 14), le16(h + 12));
    e.crc32 = le32(h + 16);
    e.compressed_size = le32(h + 20);
    e.uncompressed_size = le32(h + 24);
    e.local_header_offset = le32(h + 42);
    const std::string_view name(h + kCentralHeaderLen, name_len);
    // Sizes stay below 2^63, so that they are file offsets and FileInfo sizes.
    if (!apply_extras({h + kCentralHeaderLen + name_len, extra_len}, e) ||
        e.uncompressed_size > kMaxSize || e.compressed_size > kMaxSize) {
      return src_.error(zip_errc::bad_directory);
    }
    e.mode =
        entry_mode(static_cast<std::uint8_t>(le16(h + 4) >> 8), le32(h + 38), name.ends_with('/'));
    e.name_offset = static_cast<std::uint32_t>(cd_.names.size());
    append_utf8_name(name, (e.flags & kFlagUtf8) != 0, cd_.names);
    e.name_size = static_cast<std::uint32_t>(cd_.names.size() - e.name_offset);
    return {};
  }

  const Source& src_;
  const Limits& limits_;
  CentralDirectory& cd_;
};

// The least an entry occupies from its local header on: a header with no
// name or extra field, its compressed data, and the smallest descriptor.
std::uint64_t min_extent(const Entry& e) {
  return kLocalHeaderLen + e.compressed_size +
         (e.has_data_descriptor() ? kMinDataDescriptorLen : 0);
}

// Records that `e` may use the bytes up to `room_end`, if it fits there.
Status fit(const Source& src, Entry& e, std::uint64_t room_end) {
  e.room_end = room_end;
  if (min_extent(e) > room_end - e.local_header_offset) {
    return src.error(zip_errc::overlapping_entries);
  }
  return {};
}

// Checks that every entry fits between its local header and the next
// entry's (in offset order), or the directory, and records that room. One
// pass when the entries are in offset order, as writers write them; a sort
// of pointers to them otherwise. Offsets are still relative to the archive
// proper, whose data ends at `data_end` (the directory's recorded offset).
Status check_layout(const Source& src, std::uint64_t data_end, std::vector<Entry>& entries) {
  for (const Entry& e : entries) {
    // compressed_size first: min_extent cannot overflow once it is bounded.
    if (e.local_header_offset >= data_end || e.compressed_size > data_end ||
        min_extent(e) > data_end - e.local_header_offset) {
      return src.error(zip_errc::offset_out_of_range);
    }
  }
  const auto by_offset = [](const Entry& a, const Entry& b) {
    return a.local_header_offset < b.local_header_offset;
  };
  const std::size_t n = entries.size();
  if (std::is_sorted(entries.begin(), entries.end(), by_offset)) {
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t next = k + 1 < n ? entries[k + 1].local_header_offset : data_end;
      if (auto st = fit(src, entries[k], next); !st) return st;
    }
    return {};
  }
  std::vector<Entry*> order(n);
  for (std::size_t k = 0; k < n; ++k) order[k] = &entries[k];
  std::sort(order.begin(), order.end(), [&](Entry* a, Entry* b) { return by_offset(*a, *b); });
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t next = k + 1 < n ? order[k + 1]->local_header_offset : data_end;
    if (auto st = fit(src, *order[k], next); !st) return st;
  }
  return {};
}

// A reader of the directory's bytes, and where they are in `cd`.
Result<DirectoryReader> open_directory(const Source& src, const End& end, CentralDirectory& cd) {
  const std::uint64_t start = end.records_start - end.size;
  cd.base_offset = start - end.offset;
  cd.directory_offset = start;
  cd.directory_size = end.size;
  DirectoryReader dir(src, start, end.size);
  if (auto st = dir.fill(4); !st) return std::move(st).error();
  // Go's fallback: some writers leave bytes between the directory and the
  // end record, and count offsets from the start of the file.
  if (cd.base_offset != 0 && end.size >= 4 && le32(dir.available().data()) != kCentralHeaderSig) {
    cd.base_offset = 0;
    cd.directory_offset = end.offset;
    return DirectoryReader(src, end.offset, end.size);
  }
  return dir;
}

}  // namespace

Result<CentralDirectory> read_central_directory(ReaderAt& archive, std::int64_t size,
                                                const Limits& limits,
                                                std::string_view archive_name) {
  if (size < 0) return Error("open", std::string(archive_name), errc::invalid);
  const Source src{archive, static_cast<std::uint64_t>(size), archive_name};
  auto end = find_end(src);
  if (!end) return std::move(end).error();
  if (auto st = check_claims(src, *end, limits); !st) return std::move(st).error();

  CentralDirectory cd;
  cd.comment = std::move(end->comment);
  cd.zip64 = end->zip64;
  auto dir = open_directory(src, *end, cd);
  if (!dir) return std::move(dir).error();
  // Both bounded by the directory's bytes (check_claims): names and extra
  // fields take what the fixed parts leave.
  cd.entries.reserve(end->entries);
  cd.names.reserve(end->size - end->entries * kCentralHeaderLen);
  if (auto st = HeaderParser(src, limits, cd).parse(*dir); !st) {
    return std::move(st).error();
  }
  const std::uint64_t n = cd.entries.size();
  if (end->zip64 ? n != end->entries : (n & kMax16) != end->entries) {
    return src.error(zip_errc::count_mismatch);
  }
  if (auto st = check_layout(src, end->offset, cd.entries); !st) return std::move(st).error();
  for (Entry& e : cd.entries) {
    e.local_header_offset += cd.base_offset;
    e.room_end += cd.base_offset;
  }
  return cd;
}

}  // namespace vfs::zip
