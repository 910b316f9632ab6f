// Errors: one model for every backend.
//
// An Error is Go's *fs.PathError: the operation ("open", "read", ...), the
// path it was applied to, and the cause as a std::error_code. The cause keeps
// its own category (errno values stay in std::system_category, zlib or
// archive failures in theirs), while the five conditions of Go's io/fs are
// testable whatever raised them:
//
//   if (err.is(vfs::errc::not_exist)) ...        // or err.code() == vfs::errc::not_exist
//
// ENOENT compares equal to errc::not_exist, EACCES/EPERM to errc::permission
// and EEXIST/ENOTEMPTY to errc::exist, as Go's syscall.Errno.Is maps them;
// beyond Go, EINVAL also compares equal to errc::invalid.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace vfs {

// The conditions of io/fs plus the few causes that are ours alone. Each value
// is both a cause (make_error_code) and a condition to compare against.
enum class errc {
  invalid = 1,    // fs.ErrInvalid: an invalid argument, e.g. a name that fails valid_path
  permission,     // fs.ErrPermission
  exist,          // fs.ErrExist
  not_exist,      // fs.ErrNotExist
  closed,         // fs.ErrClosed: the file is already closed
  bad_pattern,    // path.ErrBadPattern: a malformed glob pattern
  escapes_root,   // a name resolves outside the FS root (compares equal to permission)
  not_supported,  // the file cannot do what was asked (e.g. read_dir on a non-directory file type)
};

}  // namespace vfs

template <>
struct std::is_error_condition_enum<vfs::errc> : std::true_type {};

namespace vfs {

const std::error_category& fs_category() noexcept;

std::error_code make_error_code(errc e) noexcept;
std::error_condition make_error_condition(errc e) noexcept;

// Error: op + path + cause, in one pointer. Every read() returns a
// Result<std::size_t>, so the error half must cost nothing when there is no
// error: the details live in a block allocated only on failure, shared by
// copies (an Error is immutable) and freed with the last one.
class Error {
 public:
  // No error: op() and path() are empty, code() is the success code. A
  // Result never holds one.
  Error() noexcept = default;
  Error(std::string op, std::string path, std::error_code code);
  Error(std::string op, std::string path, errc e)
      : Error(std::move(op), std::move(path), make_error_code(e)) {}
  Error(const Error& other) noexcept;
  Error(Error&& other) noexcept : detail_(std::exchange(other.detail_, nullptr)) {}
  Error& operator=(Error other) noexcept {
    std::swap(detail_, other.detail_);
    return *this;
  }
  ~Error();

  // Builds an Error from an errno value.
  static Error from_errno(std::string op, std::string path, int err) {
    return Error(std::move(op), std::move(path), std::error_code(err, std::system_category()));
  }

  const std::string& op() const noexcept;
  const std::string& path() const noexcept;
  std::error_code code() const noexcept;

  // True if the cause is, or is equivalent to, condition `c`.
  bool is(errc c) const noexcept { return code() == make_error_condition(c); }
  bool is(std::error_condition c) const noexcept { return code() == c; }

  // Returns a copy with the path replaced (used by Sub to report names relative to itself).
  Error with_path(std::string path) const { return Error(op(), std::move(path), code()); }

  // Go's format: "open a/b.txt: no such file or directory".
  std::string message() const;

 private:
  struct Detail;
  Detail* detail_ = nullptr;
};

inline bool operator==(const Error& e, errc c) noexcept { return e.is(c); }

// The exception thrown by Result::value() when it holds an error, for callers
// that prefer exceptions (as std::filesystem does). It is a std::system_error,
// so code() and what() work as usual; error() gives op and path back.
class FsError : public std::system_error {
 public:
  explicit FsError(Error err)
      : std::system_error(err.code()), err_(std::move(err)), what_(err_.message()) {}
  const Error& error() const noexcept { return err_; }
  // Go's format, as Error::message(), rather than system_error's own.
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  Error err_;
  std::string what_;
};

}  // namespace vfs
