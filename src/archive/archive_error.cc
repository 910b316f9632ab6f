#include "archive/archive_error.h"

namespace vfs::archive {
namespace {

class ArchiveCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "archive"; }

  std::string message(int v) const override {
    switch (static_cast<archive_errc>(v)) {
      case archive_errc::not_archive:
        return "archive: no archive format recognised";
      case archive_errc::truncated:
        return "archive: truncated";
      case archive_errc::malformed:
        return "archive: malformed header or data";
      case archive_errc::nested_compression:
        return "archive: more than one compression layer";
      case archive_errc::too_many_entries:
        return "archive: limit max_entries exceeded";
      case archive_errc::index_too_large:
        return "archive: limit max_index_memory exceeded";
      case archive_errc::entry_too_large:
        return "archive: limit max_entry_size exceeded";
      case archive_errc::ratio_too_high:
        return "archive: limit max_ratio exceeded (a decompression bomb?)";
      case archive_errc::size_mismatch:
        return "archive: entry data longer or shorter than its header says";
      case archive_errc::changed:
        return "archive: the archive changed since it was indexed";
    }
    return "archive: unknown error";
  }

  // Every refusal is an invalid argument to the caller (as ZipFS's are).
  bool equivalent(int code, const std::error_condition& cond) const noexcept override {
    return cond == make_error_condition(errc::invalid) || cond == default_error_condition(code);
  }
};

}  // namespace

const std::error_category& archive_category() noexcept {
  static const ArchiveCategory category;
  return category;
}

std::error_code make_error_code(archive_errc e) noexcept {
  return {static_cast<int>(e), archive_category()};
}

}  // namespace vfs::archive
