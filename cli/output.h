// What every command writes through: a buffered stdout, colours, JSON lines,
// and error reports that name the path as the user spelled it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vfs/error.h"
#include "vfs/file_info.h"

namespace vfs::cli {

// Standard output, buffered: a walk of 100k entries is a few large writes,
// not 100k small ones. A write that finds the reader gone (EPIPE, as in
// `vfs find big.zip | head`) ends the process quietly with status 141, the
// status a shell shows for a command killed by SIGPIPE, as find(1) is.
class Output {
 public:
  Output() = default;
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output() { flush(); }

  void write(std::string_view s) {
    buf_.append(s);
    if (buf_.size() >= kFlushAt) flush();
  }
  void line(std::string_view s, char end = '\n') {
    buf_.append(s);
    buf_.push_back(end);
    if (buf_.size() >= kFlushAt) flush();
  }
  // Writes `s` straight to stdout, after what is buffered: for big data
  // (cat), one copy fewer.
  void write_through(std::string_view s) {
    flush();
    write_all(s);
  }
  void flush() {
    write_all(buf_);
    buf_.clear();
  }

 private:
  static void write_all(std::string_view s);

  static constexpr std::size_t kFlushAt = 64 * 1024;
  std::string buf_;
};

// Progress of a long walk or extraction on stderr - entries, bytes, rate -
// redrawn at most ten times a second, and only when stderr is a terminal:
// quiet in pipes, scripts and tests.
class Progress {
 public:
  explicit Progress(const char* what);
  ~Progress() { done(); }
  void add(std::int64_t bytes = 0) {
    ++entries_;
    bytes_ += bytes;
    if (on_ && (entries_ & 255) == 0) draw(false);
  }
  // Clears the line.
  void done();

 private:
  void draw(bool force);

  const char* what_;
  bool on_;
  bool drawn_ = false;
  std::uint64_t entries_ = 0;
  std::int64_t bytes_ = 0;
  std::int64_t start_ns_ = 0;
  std::int64_t last_ns_ = 0;
};

enum class Color { dir, symlink, exec, archive_error };

// How one run of the tool reports: colour on a terminal unless NO_COLOR is
// set (or --color says otherwise), and the exit status: 1 once anything
// failed, while the rest is still printed.
class Context {
 public:
  Output out;
  bool color = false;

  // "vfs: <op> <path>: <cause>" on stderr; the status becomes 1.
  void fail(const Error& err);
  void fail(std::string_view message);
  int status() const noexcept { return status_; }

  // `name` wrapped in the colour for an entry of this mode (or as is).
  std::string paint(std::string_view name, FileMode mode) const;

 private:
  int status_ = 0;
};

// One JSON object for an entry (--json): path, type, size, mode, mtime
// (RFC 3339, UTC) and, for a symlink, its target.
std::string entry_json(std::string_view path, const FileInfo& info, std::string_view link_target);

// "file", "dir", "symlink", "pipe", "socket", "device", "char-device",
// "irregular".
std::string_view type_name(FileMode mode);

// RFC 3339 in UTC, with nanoseconds when there are any.
std::string format_time(Time t);

// 1.5K, 23M, 4.0G: du -h's style (powers of 1024).
std::string human_size(std::int64_t bytes);

}  // namespace vfs::cli
