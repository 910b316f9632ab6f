// libFuzzer target for the gzip reader (src/gzip): no stream may crash, hang
// or inflate without bound; what it accepts, zlib accepts with the same
// bytes, and the reverse; and random access through an index built on it
// gives the streamed bytes at every point. Input: the gzip stream.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "gzip/gzip_error.h"
#include "gzip/gzip_reader.h"
#include "gzip/index.h"
#include "gzip/index_file.h"
#include "gzip/indexed_reader.h"
#include "mem_reader_at.h"

namespace {

using vfs::gzip::gzip_errc;

void check(bool ok) {
  if (!ok) std::abort();
}

// Small enough that no input makes a run slow or large.
constexpr std::int64_t kMaxOutput = 1 << 20;

vfs::gzip::Options options() {
  vfs::gzip::Options o;
  o.limits.max_output = kMaxOutput;
  o.limits.max_header_bytes = 4096;
  return o;
}

// What zlib makes of the stream under our rules (members back to back, a
// run of zeros at the end accepted): the bytes, or nullopt if it refuses
// it or it inflates past kMaxOutput.
std::optional<std::string> zlib_gunzip(const std::string& in) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + 15) != Z_OK) std::abort();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[16384];
  std::optional<std::string> result;
  for (bool started = false;;) {
    if (zs.avail_in == 0 && started) {  // after a member's end
      result = out;
      break;
    }
    if (started && zs.next_in[0] == 0) {  // zeros to the end, or garbage
      const auto* p = zs.next_in;
      if (std::all_of(p, p + zs.avail_in, [](Bytef c) { return c == 0; })) result = out;
      break;
    }
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    const int ret = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > kMaxOutput) break;
    if (ret == Z_STREAM_END) {
      started = true;
      inflateReset(&zs);
      continue;
    }
    if (ret != Z_OK || (zs.avail_in == 0 && zs.avail_out != 0)) break;  // error, or truncated
    started = false;
  }
  inflateEnd(&zs);
  return result;
}

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  return x ^ (x >> 33);
}

// Reads through an index built on the stream must give the streamed bytes.
void check_random_access(vfs_test::MemReaderAt& gz, const std::string& want, std::uint64_t span) {
  auto index = vfs::gzip::GzipIndex::build(gz, gz.size(), {.span = span}, options());
  check(index.ok());
  check(index->uncompressed_size() == want.size());
  // The index survives both file formats.
  for (const auto format : {vfs::gzip::IndexFormat::vfs, vfs::gzip::IndexFormat::gzidx}) {
    const std::string file = vfs::gzip::serialize_index(*index, format).value();
    auto again = vfs::gzip::parse_index(file);
    check(again.ok() && again->points().size() == index->points().size());
  }
  auto shared = std::make_shared<const vfs::gzip::GzipIndex>(*std::move(index));
  auto r = vfs::gzip::IndexedGzipReader::open(gz, gz.size(), shared, options()).value();
  std::string buf;
  for (std::uint64_t i = 0; i < 8 && !want.empty(); ++i) {
    const std::uint64_t off = mix(i + want.size()) % want.size();
    buf.resize(mix(off) % 5000 + 1);
    auto n = r->read_at(buf, static_cast<std::int64_t>(off));
    check(n.ok() && *n == std::min<std::size_t>(buf.size(), want.size() - off));
    check(buf.compare(0, *n, want, off, *n) == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  vfs_test::MemReaderAt gz(in);
  vfs::SectionReader source(gz, 0, gz.size());
  std::optional<std::string> ours;
  std::optional<vfs::Error> error;
  if (auto r = vfs::gzip::GzipReader::open(source, options())) {
    std::string out, buf(size % 7 == 0 ? 1000 : 65536, '\0');
    for (;;) {
      auto n = r->read(buf);
      if (!n) {
        error = std::move(n).error();
        break;
      }
      if (*n == 0) {
        ours = std::move(out);
        break;
      }
      out.append(buf.data(), *n);
      check(out.size() <= kMaxOutput);
    }
  } else {
    error = std::move(r).error();
  }
  if (error) check(error->is(vfs::errc::invalid));

  // zlib knows no limits: a stream refused for one is no disagreement.
  const bool limited = error && (error->code() == gzip_errc::header_too_large ||
                                 error->code() == gzip_errc::output_too_large);
  const std::optional<std::string> theirs = zlib_gunzip(in);
  if (ours) check(theirs && *theirs == *ours);
  if (theirs && theirs->size() <= kMaxOutput && !limited) check(ours.has_value());

  if (ours) check_random_access(gz, *ours, size % 3 == 0 ? 1 : 4096);
  return 0;
}
