#include "archive/tar_reader.h"

#include <algorithm>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "archive/decoder.h"
#include "archive/yield.h"
#include "vfs/archive.h"
#include "zip/names.h"

namespace vfs::archive {
namespace {

constexpr std::size_t kBlock = 512;
constexpr std::size_t kBuffer = 64 * 1024;
// The largest long name or pax body read here; larger ones go to libarchive
// (which takes up to 1 MiB).
constexpr std::int64_t kMaxBody = 64 * 1024;
// Special headers ('L', 'K', 'x', 'g') before one entry.
constexpr int kMaxSpecials = 8;
// The st_mode type of type flags '2'..'6'.
constexpr unsigned kDataless[] = {0120000, 0020000, 0060000, 0040000, 0010000};

// The header fields (POSIX ustar; GNU tar shares all but the prefix).
constexpr std::size_t kName = 0, kMode = 100, kUid = 108, kGid = 116, kSize = 124, kMtime = 136,
                      kChksum = 148, kType = 156, kLink = 157, kMagic = 257, kDevMajor = 329,
                      kDevMinor = 337, kPrefix = 345;
// GNU only: the old sparse map, its continuation flag and the real size.
constexpr std::size_t kGnuSparse = 386, kGnuExtended = 482, kGnuRealSize = 483;

std::string_view field(const char* h, std::size_t at, std::size_t size) {
  return std::string_view(h + at, strnlen(h + at, size));
}

// An octal field: blanks, digits, then blanks or NULs. libarchive's
// tar_atol reads more (base-256, a sign, a tab, trailing garbage): those
// fields are nullopt here, and the archive goes to libarchive.
std::optional<std::int64_t> octal(const char* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n && p[i] == ' ') ++i;
  std::int64_t v = 0;  // at most 12 digits: no overflow
  for (; i < n && p[i] >= '0' && p[i] <= '7'; ++i) v = v * 8 + (p[i] - '0');
  for (; i < n; ++i) {
    if (p[i] != ' ' && p[i] != '\0') return std::nullopt;
  }
  return v;
}

// A decimal pax value, as libarchive's tar_atol10 (no sign here).
std::optional<std::int64_t> decimal(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  std::int64_t v = 0;
  int digits = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (++digits > 18) return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  if (i < s.size() && digits == 0 && s[i] == '-') return std::nullopt;
  return v;
}

// The sum of a header's bytes, the checksum field counted as blanks, as
// POSIX says (unsigned bytes).
std::int64_t unsigned_sum(const char* h) {
  std::int64_t sum = 0;
#ifdef __SSE2__
  // psadbw adds 8 bytes at a time: 32 of them for a header.
  const __m128i zero = _mm_setzero_si128();
  __m128i acc = zero;
  for (std::size_t i = 0; i < kBlock; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i));
    acc = _mm_add_epi64(acc, _mm_sad_epu8(bytes, zero));
  }
  sum = _mm_cvtsi128_si64(acc) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc));
#else
  for (std::size_t i = 0; i < kBlock; ++i) sum += static_cast<unsigned char>(h[i]);
#endif
  for (std::size_t i = kChksum; i < kChksum + 8; ++i) sum -= static_cast<unsigned char>(h[i]);
  return sum + 8 * ' ';
}

// The same with signed bytes, as some old tars wrote it.
std::int64_t signed_sum(const char* h) {
  std::int64_t sum = 8 * ' ';
  for (std::size_t i = 0; i < kBlock; ++i) {
    if (i == kChksum) i += 8;
    sum += static_cast<signed char>(h[i]);
  }
  return sum;
}

// As libarchive: the checksum field holds an octal number that is either
// sum.
bool checksum_ok(const char* h) {
  for (std::size_t i = kChksum; i < kChksum + 8; ++i) {
    const char c = h[i];
    if (c != ' ' && c != '\0' && (c < '0' || c > '7')) return false;
  }
  const auto sum = octal(h + kChksum, 8);
  return sum && (*sum == unsigned_sum(h) || *sum == signed_sum(h));
}

// libarchive's bidder checks the numbers of the first header, devices'
// too: a first header it refuses is no tar to libarchive (whatever else
// bids), so it is none here either.
bool first_header_ok(const char* h) {
  // The ArchiveFS Handle decodes an input that starts like xz, bzip2 or
  // zstd; and a tar header without ustar's exact version bids below ar's
  // "!<arch>\n". A tar may start with either (its first name).
  const auto head = std::span<const char>(h, 8);  // what the Handle sniffs
  if (has_decoder(detect_archive_format(head))) return false;
  if (std::memcmp(h, "!<arch>\n", 8) == 0) return false;
  if (std::memcmp(h + kMagic,
                  "ustar\0"
                  "00",
                  8) != 0 &&
      std::memcmp(h + kMagic, "ustar  \0", 8) != 0) {
    return false;
  }
  auto valid = [&](std::size_t at, std::size_t n) {
    const auto marker = static_cast<unsigned char>(h[at]);
    return marker == 0 || marker == 128 || marker == 255 || octal(h + at, n).has_value();
  };
  return valid(kMode, 8) && valid(kUid, 8) && valid(kGid, 8) && valid(kMtime, 12) &&
         valid(kSize, 12) && valid(kDevMajor, 8) && valid(kDevMinor, 8);
}

bool is_zero_block(const char* h) { return h[0] == 0 && std::memcmp(h, h + 1, kBlock - 1) == 0; }

}  // namespace

// What 'x' records said about the next entry.
struct TarReader::Pax {
  bool seen = false;
  std::optional<std::string> path, link;
  std::optional<std::int64_t> size, uid, gid, mtime;
  std::uint32_t mtime_nsec = 0;

  // Parses one body ("LEN key=value\n" records); false for anything
  // libarchive would read differently from here.
  bool parse(std::string_view body, bool global);
};

bool TarReader::Pax::parse(std::string_view body, bool global) {
  if (body.find('\0') != std::string_view::npos) return false;  // libarchive stops at a NUL
  while (!body.empty()) {
    std::size_t len = 0, i = 0;
    for (; i < body.size() && body[i] != ' '; ++i) {
      if (body[i] < '0' || body[i] > '9' || len > 99999) return false;
      len = len * 10 + static_cast<std::size_t>(body[i] - '0');
    }
    if (i == body.size() || len < i + 2 || len > body.size() || body[len - 1] != '\n') {
      return false;
    }
    const std::string_view record = body.substr(i + 1, len - i - 2);
    body.remove_prefix(len);
    const std::size_t eq = record.find('=');
    if (eq == 0 || eq == std::string_view::npos) return false;
    const std::string_view key = record.substr(0, eq), value = record.substr(eq + 1);
    if (key == "comment") continue;
    if (global) return false;  // a global default would apply to every entry
    auto starts = [&](std::string_view p) { return key.substr(0, p.size()) == p; };
    // The last record of a key wins; an empty path or linkpath leaves the
    // header's.
    if (key == "path") {
      path = value.empty() ? std::nullopt : std::optional<std::string>(value);
    } else if (key == "linkpath") {
      link = value.empty() ? std::nullopt : std::optional<std::string>(value);
    } else if (key == "size" || key == "uid" || key == "gid") {
      auto v = decimal(value);
      if (!v) return false;
      (key == "size" ? size : key == "uid" ? uid : gid) = *v;
    } else if (key == "mtime") {
      // libarchive's pax_time: seconds, then up to 9 digits of fraction.
      std::size_t j = 0;
      std::int64_t s = 0;
      for (; j < value.size() && value[j] >= '0' && value[j] <= '9'; ++j) {
        if (j >= 18) return false;
        s = s * 10 + (value[j] - '0');
      }
      if (j == 0 && !value.empty() && value[0] == '-') return false;
      std::uint32_t ns = 0;
      if (j < value.size() && value[j] == '.') {
        std::uint32_t scale = 100000000;
        for (++j; j < value.size() && scale > 0 && value[j] >= '0' && value[j] <= '9'; ++j) {
          ns += static_cast<std::uint32_t>(value[j] - '0') * scale;
          scale /= 10;
        }
      }
      mtime = s;
      mtime_nsec = ns;
    } else if (key == "hdrcharset") {
      if (value != "ISO-IR 10646 2000 UTF-8") return false;
    } else if (key == "atime" || key == "ctime" || key == "uname" || key == "gname" ||
               key == "charset" || key == "SCHILY.dev" || key == "SCHILY.ino" ||
               key == "SCHILY.nlink" || key == "SCHILY.fflags" || starts("SCHILY.xattr.") ||
               starts("LIBARCHIVE.xattr.")) {
      // Nothing an index keeps.
    } else {
      return false;  // sparse maps (GNU.sparse.*, SCHILY.realsize) and the unknown
    }
  }
  seen = true;
  return true;
}

TarReader::TarReader(Reader& stream, Seeker* seeker, std::int64_t size)
    : stream_(stream), seeker_(seeker), size_(size), buf_(kBuffer) {}

const TarEntry* TarReader::fail() {
  unsupported_ = true;
  done_ = true;
  return nullptr;
}

std::size_t TarReader::fill(std::size_t n) {
  if (end_ - pos_ >= n) return end_ - pos_;
  std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
  end_ -= pos_;
  pos_ = 0;
  while (end_ < n) {
    auto got = stream_.read(std::span<char>(buf_).subspan(end_));
    if (!got) {
      unsupported_ = true;  // libarchive will meet the same error and name it
      return 0;
    }
    if (*got == 0) break;
    end_ += *got;
    maybe_yield(since_yield_, *got);
  }
  return end_;
}

bool TarReader::skip(std::int64_t n) {
  const auto have = static_cast<std::int64_t>(end_ - pos_);
  if (n <= have) {
    pos_ += static_cast<std::size_t>(n);
    offset_ += n;
    return true;
  }
  n -= have;
  offset_ += have;
  pos_ = end_ = 0;
  if (seeker_) {
    if (offset_ + n > size_) return false;  // truncated: libarchive says how
    if (!seeker_->seek(n, Whence::current)) return false;
    offset_ += n;
    return true;
  }
  while (n > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::int64_t>(n, kBuffer));
    auto got = stream_.read(std::span<char>(buf_).first(want));
    if (!got || *got == 0) return false;
    n -= static_cast<std::int64_t>(*got);
    offset_ += static_cast<std::int64_t>(*got);
    maybe_yield(since_yield_, *got);
  }
  return true;
}

// A special header's body (padded to blocks), cut at its first NUL as
// libarchive's C strings are.
bool TarReader::read_body(std::int64_t size, std::string& out) {
  if (size < 0 || size > kMaxBody) return false;
  out.clear();
  std::int64_t left = size;
  while (left > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::int64_t>(left, kBlock));
    if (fill(want) < want) return false;
    out.append(buf_.data() + pos_, want);
    pos_ += want;
    offset_ += static_cast<std::int64_t>(want);
    left -= static_cast<std::int64_t>(want);
  }
  return skip((kBlock - size % kBlock) % kBlock);
}

const TarEntry* TarReader::next() {
  if (done_) return nullptr;
  Pax pax;
  bool have_long_name = false, have_long_link = false;
  for (int specials = 0;; ++specials) {
    if (specials > kMaxSpecials) return fail();
    const std::size_t avail = fill(kBlock);
    if (unsupported_) return fail();
    if (avail == 0 && first_format_.empty()) return fail();  // no tar at all
    if (avail == 0) {  // the end, without end-of-archive blocks
      if (specials > 0) return fail();
      done_ = true;
      return nullptr;
    }
    if (avail < kBlock) return fail();
    const char* h = buf_.data() + pos_;
    if (is_zero_block(h)) {
      // The end-of-archive mark; a zero block first is not a tar here (an
      // ISO 9660 image starts with 32 KiB of zeros).
      if (first_format_.empty() || specials > 0) return fail();
      done_ = true;
      return nullptr;
    }
    if (!checksum_ok(h) || (offset_ == 0 && !first_header_ok(h))) return fail();
    const char type = h[kType];
    if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
      const auto size = octal(h + kSize, 12);
      if (!size) return fail();
      pos_ += kBlock;
      offset_ += kBlock;
      if (!read_body(*size, body_)) return fail();
      if (type == 'L' || type == 'K') {
        std::string& s = type == 'L' ? long_name_ : long_link_;
        s.assign(body_.data(), strnlen(body_.data(), body_.size()));
        (type == 'L' ? have_long_name : have_long_link) = true;
      } else if (type == 'x') {
        pax = Pax{};  // libarchive keeps one 'x' body: the last
        if (!pax.parse(body_, /*global=*/false)) return fail();
        pax_format_ = true;
      } else {
        if (Pax global; !global.parse(body_, /*global=*/true)) return fail();
        pax_format_ = true;
      }
      continue;
    }
    if (!parse_entry(h, pax)) return fail();
    // Whichever special header came first wins in libarchive when two set
    // the same name; such archives go there.
    if (have_long_name && pax.path) return fail();
    if (have_long_link && pax.link) return fail();
    // A long link over an empty link field: libarchive 3.6 may drop the
    // link's type with it (depending on earlier headers).
    if ((have_long_link || pax.link) && h[kLink] == 0) return fail();
    if (have_long_name) name_ = long_name_;
    if (have_long_link) link_ = long_link_;
    const unsigned kind = entry_.mode & 0170000;
    // libarchive makes a link name on a file a hard link; an empty one on
    // a hard link none.
    if (!entry_.hard_link && kind != 0120000) {
      if (have_long_link || pax.link) return fail();
      link_.clear();
    }
    if (entry_.hard_link && link_.empty()) return fail();
    break;
  }
  if (name_.empty() || !zip::is_valid_utf8(name_) || !zip::is_valid_utf8(link_)) return fail();
  // "Regular" with a trailing '/' is a directory (old tars). libarchive
  // then reads no data after it: the next header would come from the
  // data, which no writer means, so such archives go there.
  const bool regular_dir = (entry_.mode & 0170000) == 0100000 && name_.back() == '/';
  if (regular_dir && entry_.size > 0) return fail();
  if (regular_dir) entry_.mode = (entry_.mode & ~0170000u) | 0040000u;
  entry_.name = name_;
  entry_.link = link_;
  pos_ += kBlock;
  offset_ += kBlock;
  entry_.data_offset = offset_;
  if (!skip((entry_.size + kBlock - 1) / kBlock * kBlock)) return fail();
  return &entry_;
}

// One ustar or GNU header (not a special one), with what `pax` overrides.
bool TarReader::parse_entry(const char* h, const Pax& pax) {
  const bool gnu = std::memcmp(h + kMagic, "ustar  \0", 8) == 0;
  if (!gnu && std::memcmp(h + kMagic, "ustar", 5) != 0) return false;  // pre-POSIX
  if (gnu && (h[kGnuSparse] != 0 || h[kGnuExtended] != 0 || h[kGnuRealSize] != 0)) return false;
  const char* format = gnu           ? "GNU tar format"
                       : pax_format_ ? "POSIX pax interchange format"
                                     : "POSIX ustar format";
  if (first_format_.empty()) first_format_ = format;

  name_.clear();
  if (!gnu && h[kPrefix] != 0) {
    name_ = field(h, kPrefix, 155);
    if (name_.back() != '/') name_ += '/';
  }
  name_ += field(h, kName, 100);
  link_ = field(h, kLink, 100);

  const auto mode = octal(h + kMode, 8), uid = octal(h + kUid, 8), gid = octal(h + kGid, 8),
             size = octal(h + kSize, 12), mtime = octal(h + kMtime, 12);
  if (!mode || !uid || !gid || !size || !mtime) return false;
  entry_ = TarEntry{};
  entry_.uid = *uid;
  entry_.gid = *gid;
  entry_.mtime = *mtime;
  entry_.size = *size;
  const auto mode_bits = static_cast<unsigned>(*mode);
  auto typed = [&](unsigned type) { return (mode_bits & ~0170000u) | type; };
  switch (h[kType]) {
    case '0':
    case '\0':
    case '7':
      entry_.mode = typed(0100000);
      break;
    case '1':
      // libarchive keeps a hard link's size only in pax archives, and then
      // the link has data: both cases go there.
      if (entry_.size != 0 || pax.size) return false;
      entry_.hard_link = true;
      entry_.mode = mode_bits;
      break;
    case '2':  // symlink
    case '3':  // character device
    case '4':  // block device
    case '5':  // directory
    case '6':  // FIFO
      entry_.mode = typed(kDataless[h[kType] - '2']);
      entry_.size = 0;  // libarchive reads no data after these
      break;
    default:
      return false;  // GNU sparse, multi-volume, dumpdir, vendor types
  }
  if (pax.seen) {
    if (pax.size) {
      if ((entry_.mode & 0170000) != 0100000) return false;
      entry_.size = *pax.size;
    }
    if (pax.uid) entry_.uid = *pax.uid;
    if (pax.gid) entry_.gid = *pax.gid;
    if (pax.mtime) entry_.mtime = *pax.mtime, entry_.mtime_nsec = pax.mtime_nsec;
    if (pax.path) name_ = *pax.path;
    if (pax.link) link_ = *pax.link;
  }
  return true;
}

}  // namespace vfs::archive
