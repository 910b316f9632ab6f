#include "vfs/error.h"

#include <atomic>
#include <cerrno>

namespace vfs {
namespace {

class FsCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "vfs"; }

  std::string message(int v) const override {
    switch (static_cast<errc>(v)) {
      case errc::invalid:
        return "invalid argument";
      case errc::permission:
        return "permission denied";
      case errc::exist:
        return "file already exists";
      case errc::not_exist:
        return "file does not exist";
      case errc::closed:
        return "file already closed";
      case errc::bad_pattern:
        return "syntax error in pattern";
      case errc::escapes_root:
        return "path escapes from the file system root";
      case errc::not_supported:
        return "operation not supported by this file";
    }
    return "unknown vfs error";
  }

  // escapes_root is a permission failure: callers that test for permission
  // see it, and it still prints what happened.
  bool equivalent(int code, const std::error_condition& cond) const noexcept override {
    if (cond.category() != *this) return false;
    if (code == cond.value()) return true;
    return static_cast<errc>(code) == errc::escapes_root &&
           static_cast<errc>(cond.value()) == errc::permission;
  }

  // errno values map onto the conditions as in Go's syscall.Errno.Is.
  bool equivalent(const std::error_code& code, int cond) const noexcept override {
    if (code.category() == *this)
      return equivalent(code.value(), std::error_condition(cond, *this));
    if (code.category() != std::system_category() && code.category() != std::generic_category()) {
      return false;
    }
    switch (static_cast<errc>(cond)) {
      case errc::not_exist:
        return code.value() == ENOENT;
      case errc::exist:
        return code.value() == EEXIST || code.value() == ENOTEMPTY;
      case errc::permission:
        return code.value() == EACCES || code.value() == EPERM;
      case errc::invalid:
        return code.value() == EINVAL;
      default:
        return false;
    }
  }
};

}  // namespace

const std::error_category& fs_category() noexcept {
  static const FsCategory category;
  return category;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), fs_category()}; }

std::error_condition make_error_condition(errc e) noexcept {
  return {static_cast<int>(e), fs_category()};
}

struct Error::Detail {
  std::atomic<int> refs{1};
  std::string op;
  std::string path;
  std::error_code code;
};

Error::Error(std::string op, std::string path, std::error_code code)
    : detail_(new Detail{{1}, std::move(op), std::move(path), code}) {}

Error::Error(const Error& other) noexcept : detail_(other.detail_) {
  if (detail_) detail_->refs.fetch_add(1, std::memory_order_relaxed);
}

Error::~Error() {
  if (detail_ && detail_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete detail_;
}

namespace {
const std::string kEmpty;
}  // namespace

const std::string& Error::op() const noexcept { return detail_ ? detail_->op : kEmpty; }
const std::string& Error::path() const noexcept { return detail_ ? detail_->path : kEmpty; }
std::error_code Error::code() const noexcept { return detail_ ? detail_->code : std::error_code(); }

std::string Error::message() const {
  const std::string& op_ = op();
  const std::string& path_ = path();
  std::string out;
  out.reserve(op_.size() + path_.size() + 40);
  out += op_;
  if (!path_.empty()) {
    if (!out.empty()) out += ' ';
    out += path_;
  }
  if (!out.empty()) out += ": ";
  out += code().message();
  return out;
}

}  // namespace vfs
