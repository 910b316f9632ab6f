#include "archive/archive_error.h"

#include <string>

namespace vfs::archive {
namespace {

// Value 1: unrecognised; 100 + format: that format is not built.
constexpr int kUnrecognized = 1;
constexpr int kNotBuilt = 100;

class ArchiveCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "archive"; }

  std::string message(int v) const override {
    if (v == kUnrecognized) return "archive: no archive format recognised";
    if (v >= kNotBuilt) {
      return "archive: archive format " +
             std::string(to_string(static_cast<ArchiveFormat>(v - kNotBuilt))) + ": not built yet";
    }
    return "archive: unknown error";
  }

  bool equivalent(int code, const std::error_condition& cond) const noexcept override {
    if (cond == default_error_condition(code)) return true;
    return cond == make_error_condition(code >= kNotBuilt ? errc::not_supported : errc::invalid);
  }
};

}  // namespace

const std::error_category& archive_category() noexcept {
  static const ArchiveCategory category;
  return category;
}

std::error_code unrecognized() noexcept { return {kUnrecognized, archive_category()}; }

std::error_code not_built(ArchiveFormat format) noexcept {
  return {kNotBuilt + static_cast<int>(format), archive_category()};
}

}  // namespace vfs::archive
