#include "gzip/index_file.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>

#include "gzip/crc32.h"
#include "gzip/format.h"
#include "gzip/gzip_error.h"

namespace vfs::gzip {
namespace {

constexpr char kVfsMagic[] = "VFSGZIX1";
constexpr std::size_t kVfsMagicLen = 8;
constexpr std::uint32_t kVfsVersion = 1;
constexpr std::size_t kVfsHeaderLen = 48;
constexpr std::size_t kVfsPointLen = 24;
constexpr std::size_t kVfsCrcLen = 4;
constexpr std::uint32_t kVfsMemberStart = 1;

constexpr char kGzidxMagic[] = "GZIDX";
constexpr std::size_t kGzidxMagicLen = 5;
constexpr std::uint8_t kGzidxVersion = 1;
constexpr std::size_t kGzidxHeaderLen = 35;

// Reads fixed-size fields from the front of a byte span.
class Fields {
 public:
  explicit Fields(std::span<const char> bytes)
      : p_(reinterpret_cast<const unsigned char*>(bytes.data())), left_(bytes.size()) {}
  std::size_t left() const { return left_; }
  const unsigned char* take(std::size_t n) {
    const unsigned char* at = p_;
    p_ += n;
    left_ -= n;
    return at;
  }
  std::uint8_t u8() { return *take(1); }
  std::uint32_t u32() { return le32(take(4)); }
  std::uint64_t u64() { return le64(take(8)); }

 private:
  const unsigned char* p_;
  std::size_t left_;
};

// Appends little-endian fields to a string.
class Out {
 public:
  void bytes(const void* p, std::size_t n) { s.append(static_cast<const char*>(p), n); }
  void u8(std::uint8_t v) { s.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    unsigned char b[4];
    put_le32(b, v);
    bytes(b, 4);
  }
  void u64(std::uint64_t v) {
    unsigned char b[8];
    put_le64(b, v);
    bytes(b, 8);
  }
  std::string s;
};

// What every loaded index must hold to, whatever its format: a first point
// at 0, points in order, each inside the stream it describes (or at its
// end: indexed_gzip makes a point there).
Status validate(const GzipIndex& index, std::string_view name) {
  // Sizes are file offsets (int64) for the readers that use them.
  constexpr auto kMaxSize = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const auto& points = index.points();
  if (points.empty() || points.front().out_offset != 0 || index.compressed_size() > kMaxSize ||
      index.uncompressed_size() > kMaxSize) {
    return gzip_error(name, gzip_errc::bad_index);
  }
  const std::uint64_t compressed_bits =
      index.compressed_size() > std::numeric_limits<std::uint64_t>::max() / 8
          ? std::numeric_limits<std::uint64_t>::max()
          : index.compressed_size() * 8;
  const GzipIndex::Point* prev = nullptr;
  for (const GzipIndex::Point& p : points) {
    const bool ok =
        p.bit_offset <= compressed_bits && p.out_offset <= index.uncompressed_size() &&
        p.window_size <= kWindowSize && !(p.member_start && p.window_size != 0) &&
        (prev == nullptr || (prev->out_offset <= p.out_offset && prev->bit_offset <= p.bit_offset));
    if (!ok) return gzip_error(name, gzip_errc::bad_index);
    prev = &p;
  }
  return {};
}

Result<GzipIndex> parse_vfs(std::span<const char> file, std::string_view name) {
  const auto bad = [name] { return gzip_error(name, gzip_errc::bad_index); };
  if (file.size() < kVfsHeaderLen + kVfsCrcLen) return bad();
  const std::span<const char> body = file.first(file.size() - kVfsCrcLen);
  const auto* end = reinterpret_cast<const unsigned char*>(body.data() + body.size());
  if (crc32(0, body) != le32(end)) return bad();

  Fields f(body);
  f.take(kVfsMagicLen);
  if (f.u32() != kVfsVersion || f.u32() != 0) return bad();
  const std::uint64_t compressed = f.u64();
  const std::uint64_t uncompressed = f.u64();
  const std::uint64_t span = f.u64();
  const std::uint64_t count = f.u64();
  if (count == 0 || count > f.left() / kVfsPointLen) return bad();
  // The windows follow the points: read both in step.
  Fields windows(body.subspan(kVfsHeaderLen + count * kVfsPointLen));
  IndexBuilder builder(span);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t bit = f.u64();
    const std::uint64_t out = f.u64();
    const std::uint32_t size = f.u32();
    const std::uint32_t flags = f.u32();
    if ((flags & ~kVfsMemberStart) != 0 || size > kWindowSize || size > windows.left())
      return bad();
    const auto* w = reinterpret_cast<const char*>(windows.take(size));
    builder.add(bit, out, (flags & kVfsMemberStart) != 0, {w, size});
  }
  if (windows.left() != 0) return bad();
  GzipIndex index = std::move(builder).finish(compressed, uncompressed);
  if (auto st = validate(index, name); !st) return std::move(st).error();
  return index;
}

Result<GzipIndex> parse_gzidx(std::span<const char> file, std::string_view name) {
  const auto bad = [name] { return gzip_error(name, gzip_errc::bad_index); };
  if (file.size() < kGzidxHeaderLen) return bad();
  Fields f(file);
  f.take(kGzidxMagicLen);
  const std::uint8_t version = f.u8();
  f.u8();  // flags: unused (indexed_gzip ignores them too)
  const std::uint64_t compressed = f.u64();
  const std::uint64_t uncompressed = f.u64();
  const std::uint32_t spacing = f.u32();
  const std::uint32_t window_size = f.u32();
  const std::uint32_t count = f.u32();
  const std::size_t record = version >= 1 ? 18 : 17;
  if (version > kGzidxVersion || window_size < kWindowSize || count > f.left() / record)
    return bad();

  // Points first, then the windows of those with data.
  Fields windows(file.subspan(kGzidxHeaderLen + std::size_t{count} * record));
  IndexBuilder builder(spacing);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t offset = f.u64();
    const std::uint64_t out = f.u64();
    const std::uint8_t bits = f.u8();
    const std::uint8_t data = version >= 1 ? f.u8() : (i == 0 ? 0 : 1);
    if (bits > 7 || data > 1 || offset > std::numeric_limits<std::uint64_t>::max() / 8 ||
        offset * 8 < bits || (data == 1 && window_size > windows.left())) {
      return bad();
    }
    // Only the last 32 KiB of a larger window can be referred to.
    const auto* w = data == 1 ? windows.take(window_size) + (window_size - kWindowSize) : nullptr;
    builder.add(offset * 8 - bits, out, data == 0,
                {reinterpret_cast<const char*>(w), data == 1 ? kWindowSize : 0});
  }
  if (windows.left() != 0) return bad();
  GzipIndex index = std::move(builder).finish(compressed, uncompressed);
  if (auto st = validate(index, name); !st) return std::move(st).error();
  return index;
}

std::string serialize_vfs(const GzipIndex& index) {
  Out o;
  o.bytes(kVfsMagic, kVfsMagicLen);
  o.u32(kVfsVersion);
  o.u32(0);
  o.u64(index.compressed_size());
  o.u64(index.uncompressed_size());
  o.u64(index.span());
  o.u64(index.points().size());
  for (const GzipIndex::Point& p : index.points()) {
    o.u64(p.bit_offset);
    o.u64(p.out_offset);
    o.u32(p.window_size);
    o.u32(p.member_start ? kVfsMemberStart : 0);
  }
  for (const GzipIndex::Point& p : index.points()) {
    const std::span<const char> w = index.window(p);
    o.bytes(w.data(), w.size());
  }
  o.u32(crc32(0, o.s));
  return std::move(o.s);
}

std::string serialize_gzidx(const GzipIndex& index) {
  Out o;
  o.bytes(kGzidxMagic, kGzidxMagicLen);
  o.u8(kGzidxVersion);
  o.u8(0);
  o.u64(index.compressed_size());
  o.u64(index.uncompressed_size());
  // indexed_gzip refuses a spacing below the window size.
  o.u32(static_cast<std::uint32_t>(std::clamp<std::uint64_t>(
      index.span(), kWindowSize, std::numeric_limits<std::uint32_t>::max())));
  o.u32(kWindowSize);
  o.u32(static_cast<std::uint32_t>(index.points().size()));
  for (const GzipIndex::Point& p : index.points()) {
    const auto bits = static_cast<std::uint8_t>((8 - p.bit_offset % 8) % 8);
    o.u64((p.bit_offset + bits) / 8);
    o.u64(p.out_offset);
    o.u8(bits);
    o.u8(p.member_start ? 0 : 1);
  }
  // Every window is 32 KiB there: a shorter one (a point near its member's
  // start) is padded in front, with bytes no valid block refers to.
  for (const GzipIndex::Point& p : index.points()) {
    if (p.member_start) continue;
    o.s.append(kWindowSize - p.window_size, '\0');
    const std::span<const char> w = index.window(p);
    o.bytes(w.data(), w.size());
  }
  return std::move(o.s);
}

}  // namespace

Result<std::string> serialize_index(const GzipIndex& index, IndexFormat format) {
  if (format == IndexFormat::vfs) return serialize_vfs(index);
  if (index.points().size() > std::numeric_limits<std::uint32_t>::max()) {
    return Error("write", "", errc::invalid);
  }
  return serialize_gzidx(index);
}

Status save_index(const GzipIndex& index, Writer& out, IndexFormat format) {
  auto bytes = serialize_index(index, format);
  if (!bytes) return std::move(bytes).error();
  return out.write(*bytes);
}

Result<GzipIndex> parse_index(std::span<const char> file, std::string_view name) {
  const std::string_view head(file.data(), std::min<std::size_t>(file.size(), kVfsMagicLen));
  if (head == std::string_view(kVfsMagic, kVfsMagicLen)) return parse_vfs(file, name);
  if (head.starts_with(std::string_view(kGzidxMagic, kGzidxMagicLen))) {
    return parse_gzidx(file, name);
  }
  return gzip_error(name, gzip_errc::bad_index);
}

Result<GzipIndex> load_index(ReaderAt& file, std::int64_t size, std::string_view name,
                             std::uint64_t max_bytes) {
  if (size < 0) return Error("read", std::string(name), errc::invalid);
  if (static_cast<std::uint64_t>(size) > max_bytes) {
    return gzip_error(name, gzip_errc::index_too_large);
  }
  const auto len = static_cast<std::size_t>(size);
  const auto bytes = std::make_unique_for_overwrite<char[]>(len);
  auto n = file.read_at({bytes.get(), len}, 0);
  if (!n) return std::move(n).error();
  if (*n != len) return gzip_error(name, gzip_errc::bad_index);
  return parse_index({bytes.get(), len}, name);
}

}  // namespace vfs::gzip
