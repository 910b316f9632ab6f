#include "gzip/header.h"

#include <algorithm>
#include <cstring>

#include "gzip/crc32.h"
#include "gzip/format.h"
#include "gzip/gzip_error.h"

namespace vfs::gzip {
namespace {

// Consumes header bytes, keeping their CRC (for FHCRC) and their count (for
// max_header_bytes).
class HeaderReader {
 public:
  HeaderReader(Input& in, const Limits& limits, std::string_view name)
      : in_(in), limits_(limits), name_(name) {}

  Error error(gzip_errc e) const { return gzip_error(name_, e); }

  // Makes n bytes available at in().data(); n is small.
  Status need(std::size_t n) {
    auto ok = in_.ensure(n);
    if (!ok) return std::move(ok).error();
    if (!*ok) return error(gzip_errc::truncated);
    return {};
  }

  Status consume(std::size_t n, std::string* into) {
    if (n > limits_.max_header_bytes - std::min<std::uint64_t>(used_, limits_.max_header_bytes)) {
      return error(gzip_errc::header_too_large);
    }
    const auto* p = reinterpret_cast<const char*>(in_.data());
    crc_ = crc32(crc_, {p, n});
    if (into != nullptr) into->append(p, n);
    in_.consume(n);
    used_ += n;
    return {};
  }

  // Consumes `n` bytes into `into`, across refills.
  Status field(std::size_t n, std::string* into) {
    while (n > 0) {
      if (auto st = need(1); !st) return st;
      const std::size_t take = std::min(n, in_.size());
      if (auto st = consume(take, into); !st) return st;
      n -= take;
    }
    return {};
  }

  // Consumes a zero-terminated field (the zero too), keeping it without its zero.
  Status zero_terminated(std::string* into) {
    for (;;) {
      if (auto st = need(1); !st) return st;
      const auto* p = static_cast<const unsigned char*>(std::memchr(in_.data(), 0, in_.size()));
      const std::size_t len = p == nullptr ? in_.size() : static_cast<std::size_t>(p - in_.data());
      if (auto st = consume(len, into); !st) return st;
      if (p != nullptr) return consume(1, nullptr);
    }
  }

  Input& in() { return in_; }
  std::uint32_t crc() const { return crc_; }

 private:
  Input& in_;
  const Limits& limits_;
  std::string_view name_;
  std::uint32_t crc_ = 0;
  std::uint64_t used_ = 0;
};

}  // namespace

Result<Header> read_header(Input& in, const Limits& limits, std::string_view name) {
  HeaderReader r(in, limits, name);
  if (auto st = r.need(kFixedHeaderLen); !st) return std::move(st).error();
  const unsigned char* fixed = in.data();
  const std::uint8_t flags = fixed[3];
  if (fixed[2] != kMethodDeflate || (flags & kFlagReserved) != 0) {
    return r.error(gzip_errc::bad_header);
  }
  Header h;
  h.text = (flags & kFlagText) != 0;
  h.mtime = le32(fixed + 4);
  h.xfl = fixed[8];
  h.os = fixed[9];
  if (auto st = r.consume(kFixedHeaderLen, nullptr); !st) return std::move(st).error();

  if ((flags & kFlagExtra) != 0) {
    if (auto st = r.need(2); !st) return std::move(st).error();
    const std::uint16_t len = le16(in.data());
    if (auto st = r.consume(2, nullptr); !st) return std::move(st).error();
    if (auto st = r.field(len, &h.extra); !st) return std::move(st).error();
  }
  if ((flags & kFlagName) != 0) {
    if (auto st = r.zero_terminated(&h.name); !st) return std::move(st).error();
  }
  if ((flags & kFlagComment) != 0) {
    if (auto st = r.zero_terminated(&h.comment); !st) return std::move(st).error();
  }
  if ((flags & kFlagHeaderCrc) != 0) {
    // The low 16 bits of the CRC-32 of every header byte before this field.
    const std::uint32_t want = r.crc() & 0xffff;
    if (auto st = r.need(2); !st) return std::move(st).error();
    if (le16(in.data()) != want) return r.error(gzip_errc::bad_header);
    if (auto st = r.consume(2, nullptr); !st) return std::move(st).error();
    h.has_crc = true;
  }
  return h;
}

}  // namespace vfs::gzip
