#include "gzip/gzip_error.h"

namespace vfs::gzip {
namespace {

class GzipCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "gzip"; }

  std::string message(int v) const override {
    switch (static_cast<gzip_errc>(v)) {
      case gzip_errc::not_gzip:
        return "gzip: not in gzip format";
      case gzip_errc::bad_header:
        return "gzip: malformed member header";
      case gzip_errc::bad_data:
        return "gzip: invalid deflate data";
      case gzip_errc::crc_mismatch:
        return "gzip: CRC-32 mismatch (corrupt data)";
      case gzip_errc::size_mismatch:
        return "gzip: length (ISIZE) mismatch (corrupt data)";
      case gzip_errc::truncated:
        return "gzip: unexpected end of stream";
      case gzip_errc::trailing_garbage:
        return "gzip: trailing garbage after the last member";
      case gzip_errc::header_too_large:
        return "gzip: limit max_header_bytes exceeded";
      case gzip_errc::output_too_large:
        return "gzip: limit max_output exceeded";
      case gzip_errc::ratio_too_large:
        return "gzip: limit max_ratio exceeded (a decompression bomb?)";
      case gzip_errc::bad_index:
        return "gzip: malformed or corrupt index";
      case gzip_errc::index_mismatch:
        return "gzip: index does not match the compressed stream";
      case gzip_errc::index_too_large:
        return "gzip: limit max_index_bytes exceeded (index too large)";
    }
    return "gzip: unknown error";
  }

  // Every refusal is an invalid argument to the caller, as zip's are: one
  // condition to test, the cause kept for the log.
  bool equivalent(int code, const std::error_condition& cond) const noexcept override {
    return cond == make_error_condition(errc::invalid) || cond == default_error_condition(code);
  }
};

}  // namespace

const std::error_category& gzip_category() noexcept {
  static const GzipCategory category;
  return category;
}

std::error_code make_error_code(gzip_errc e) noexcept {
  return {static_cast<int>(e), gzip_category()};
}

}  // namespace vfs::gzip
