#include "zip/zip_error.h"

namespace vfs::zip {
namespace {

class ZipCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "zip"; }

  std::string message(int v) const override {
    switch (static_cast<zip_errc>(v)) {
      case zip_errc::not_zip:
        return "zip: not a valid zip file (no end of central directory record)";
      case zip_errc::truncated:
        return "zip: archive truncated";
      case zip_errc::bad_directory:
        return "zip: malformed central directory";
      case zip_errc::count_mismatch:
        return "zip: entry count disagrees with the central directory";
      case zip_errc::offset_out_of_range:
        return "zip: offset outside the archive or inside its central directory";
      case zip_errc::overlapping_entries:
        return "zip: entries overlap (an overlapping zip bomb?)";
      case zip_errc::bad_local_header:
        return "zip: bad local file header";
      case zip_errc::too_many_entries:
        return "zip: limit max_entries exceeded";
      case zip_errc::directory_too_large:
        return "zip: limit max_directory_bytes exceeded";
      case zip_errc::name_too_long:
        return "zip: limit max_name_length exceeded";
      case zip_errc::unsupported_method:
        return "zip: unsupported compression method";
      case zip_errc::encrypted:
        return "zip: encrypted entries are not supported";
      case zip_errc::crc_mismatch:
        return "zip: checksum error (CRC-32 mismatch)";
      case zip_errc::size_mismatch:
        return "zip: entry data longer or shorter than its recorded size";
      case zip_errc::bad_deflate_data:
        return "zip: corrupt deflate data";
      case zip_errc::entry_too_large:
        return "zip: limit max_entry_size exceeded";
      case zip_errc::ratio_too_high:
        return "zip: limit max_ratio exceeded (a declared size no deflate stream can reach)";
    }
    return "zip: unknown error";
  }

  // Every refusal is an invalid argument to the caller, as Go's ErrFormat
  // is an invalid archive: one condition to test, the cause kept for the log.
  bool equivalent(int code, const std::error_condition& cond) const noexcept override {
    return cond == make_error_condition(errc::invalid) || cond == default_error_condition(code);
  }
};

}  // namespace

const std::error_category& zip_category() noexcept {
  static const ZipCategory category;
  return category;
}

std::error_code make_error_code(zip_errc e) noexcept {
  return {static_cast<int>(e), zip_category()};
}

}  // namespace vfs::zip
