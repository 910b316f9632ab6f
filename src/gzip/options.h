// How a gzip stream is read: the limits that bound a hostile one (a bomb:
// a small stream that inflates without end), how often a fiber inflating it
// lets others run, and the name its errors carry.
// Internal: not installed.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace vfs::gzip {

struct Limits {
  // Uncompressed bytes, all members together. Reaching it is fine; a byte
  // more fails with gzip_errc::output_too_large, and that byte is never
  // delivered.
  std::int64_t max_output = std::numeric_limits<std::int64_t>::max();

  // Uncompressed bytes per compressed byte consumed, once more than
  // kRatioGrace bytes came out (so a small file of zeros, 1000:1 but
  // harmless, passes). 0: no limit. Deflate's own ceiling is about 1032:1;
  // text is 3:1 to 10:1. Exceeding it fails with gzip_errc::ratio_too_large.
  std::uint32_t max_ratio = 0;

  // Bytes of one member header (FEXTRA + FNAME + FCOMMENT included: the
  // format bounds only FEXTRA). gzip_errc::header_too_large beyond it.
  std::uint32_t max_header_bytes = 1 << 20;
};

inline constexpr std::uint64_t kRatioGrace = std::uint64_t{1} << 20;

struct Options {
  Limits limits;

  // On a fiber (vfs::runtime::on_fiber()), inflating calls
  // vfs::runtime::yield() after about this many bytes of output plus input,
  // so a fiber inflating a large stream does not hold its P: a few ms of
  // work at ISA-L's speed. 0: never yield.
  std::uint64_t yield_every = std::uint64_t{1} << 20;

  // Names the stream in errors ("read <name>: gzip: ...").
  std::string name;
};

}  // namespace vfs::gzip
