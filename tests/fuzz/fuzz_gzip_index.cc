// libFuzzer target for the gzip index loader (src/gzip/index_file.h): no
// index file may crash, hang or allocate beyond its own size; an accepted
// one keeps the promises of index.h and saves back to the same bytes; and
// reading a gzip file through a hostile index never crashes. Input: the
// index file. A first byte 'C' asks for the vfs format's CRC to be fixed
// up, so mutations reach the parser behind it.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "gzip/crc32.h"
#include "gzip/format.h"
#include "gzip/index.h"
#include "gzip/index_file.h"
#include "gzip/indexed_reader.h"
#include "mem_reader_at.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// Two members of text: what the hostile indexes are used on.
const std::string& gzip_file() {
  static const std::string file = [] {
    std::string text;
    for (int i = 0; text.size() < 200'000; ++i) text += std::to_string(i * 7919) + " lines\n";
    std::string out;
    for (int member = 0; member < 2; ++member) {
      z_stream zs{};
      deflateInit2(&zs, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY);
      std::string buf(compressBound(text.size()) + 64, '\0');
      zs.next_in = reinterpret_cast<Bytef*>(text.data());
      zs.avail_in = static_cast<uInt>(text.size());
      zs.next_out = reinterpret_cast<Bytef*>(buf.data());
      zs.avail_out = static_cast<uInt>(buf.size());
      if (deflate(&zs, Z_FINISH) != Z_STREAM_END) std::abort();
      out.append(buf.data(), zs.total_out);
      deflateEnd(&zs);
    }
    return out;
  }();
  return file;
}

void check_index(const vfs::gzip::GzipIndex& index) {
  const auto& pts = index.points();
  check(!pts.empty() && pts[0].out_offset == 0);
  for (std::size_t i = 0; i < pts.size(); ++i) {
    check(pts[i].window_size <= vfs::gzip::kWindowSize);
    check(pts[i].out_offset <= index.uncompressed_size());
    if (i > 0) check(pts[i - 1].out_offset <= pts[i].out_offset);
    check(index.window(pts[i]).size() == pts[i].window_size);
  }
}

// Reads the two-member file through `index`, with the file's size put in:
// errors are fine, crashes and hangs are not.
void read_through(const vfs::gzip::GzipIndex& index) {
  vfs_test::MemReaderAt gz(gzip_file());
  const auto size = static_cast<std::uint64_t>(gz.size());
  vfs::gzip::IndexBuilder b(index.span());
  for (const auto& p : index.points()) {
    if (p.bit_offset > size * 8) return;
    b.add(p.bit_offset, p.out_offset, p.member_start, index.window(p));
  }
  auto shared = std::make_shared<const vfs::gzip::GzipIndex>(
      std::move(b).finish(size, index.uncompressed_size()));
  vfs::gzip::Options o;
  o.limits.max_output = std::int64_t{1} << 24;
  auto r = vfs::gzip::IndexedGzipReader::open(gz, gz.size(), shared, o).value();
  std::string buf(3000, '\0');
  for (const auto& p : shared->points()) {
    auto n = r->read_at(buf, static_cast<std::int64_t>(p.out_offset));
    if (!n) check(n.error().is(vfs::errc::invalid));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  if (!in.empty() && in[0] == 'C') {
    in.erase(0, 1);
    if (in.size() >= 12 && in.starts_with("VFSGZIX1")) {
      auto* end = reinterpret_cast<unsigned char*>(in.data() + in.size() - 4);
      vfs::gzip::put_le32(end, vfs::gzip::crc32(0, std::string_view(in).substr(0, in.size() - 4)));
    }
  }
  auto index = vfs::gzip::parse_index(in, "fuzz.idx");
  if (!index) {
    check(index.error().is(vfs::errc::invalid));
    return 0;
  }
  check_index(*index);
  // An accepted file saves back to itself (GZIDX: our writer pads windows
  // and writes version 1, so compare what a second round makes).
  const bool ours = in.starts_with("VFSGZIX1");
  const auto format = ours ? vfs::gzip::IndexFormat::vfs : vfs::gzip::IndexFormat::gzidx;
  if (index->points().size() <= 0xffffffffu) {
    const std::string saved = vfs::gzip::serialize_index(*index, format).value();
    if (ours) check(saved == in);
    auto again = vfs::gzip::parse_index(saved);
    check(again.ok());
    check(vfs::gzip::serialize_index(*again, format).value() == saved);
  }
  read_through(*index);
  return 0;
}
