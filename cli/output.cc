#include "output.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace vfs::cli {

void Output::write_all(std::string_view rest) {
  while (!rest.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) _exit(141);  // the reader is gone: stop, as SIGPIPE would
      std::fprintf(stderr, "vfs: write stdout: %s\n", std::strerror(errno));
      _exit(1);
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

namespace {
std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Progress::Progress(const char* what) : what_(what), on_(isatty(STDERR_FILENO) == 1) {
  if (on_) start_ns_ = last_ns_ = now_ns();
}

void Progress::draw(bool force) {
  const std::int64_t now = now_ns();
  if (!force && now - last_ns_ < 100'000'000) return;
  last_ns_ = now;
  const double secs = static_cast<double>(now - start_ns_) / 1e9;
  const auto rate = secs > 0 ? static_cast<std::int64_t>(static_cast<double>(bytes_) / secs) : 0;
  const std::string line = fmt::format("\r\033[K{} entries {}, {}B ({}B/s)", entries_, what_,
                                       human_size(bytes_), human_size(rate));
  (void)!::write(STDERR_FILENO, line.data(), line.size());
  drawn_ = true;
}

void Progress::done() {
  if (!drawn_) return;
  (void)!::write(STDERR_FILENO, "\r\033[K", 4);
  drawn_ = false;
}

void Context::fail(const Error& err) { fail(err.message()); }

void Context::fail(std::string_view message) {
  out.flush();  // what came before the error stays before it
  std::fprintf(stderr, "vfs: %.*s\n", static_cast<int>(message.size()), message.data());
  status_ = 1;
}

std::string Context::paint(std::string_view name, FileMode mode) const {
  if (!color) return std::string(name);
  // ls's default colours: bold blue directories, bold cyan links, bold
  // green executables.
  const char* code = nullptr;
  if (mode.is_dir()) {
    code = "01;34";
  } else if (mode.is_symlink()) {
    code = "01;36";
  } else if (mode.is_regular() && (mode.bits() & 0111) != 0) {
    code = "01;32";
  }
  if (!code) return std::string(name);
  return fmt::format("\033[{}m{}\033[0m", code, name);
}

std::string_view type_name(FileMode mode) {
  const auto bits = mode.bits();
  if (bits & FileMode::dir) return "dir";
  if (bits & FileMode::symlink) return "symlink";
  if (bits & FileMode::named_pipe) return "pipe";
  if (bits & FileMode::socket) return "socket";
  if (bits & FileMode::char_device) return "char-device";
  if (bits & FileMode::device) return "device";
  if (bits & FileMode::irregular) return "irregular";
  return "file";
}

std::string format_time(Time t) {
  const auto since = t.time_since_epoch();
  auto secs = std::chrono::floor<std::chrono::seconds>(since);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since - secs).count();
  const std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  if (!gmtime_r(&tt, &tm)) return "invalid-time";
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  if (nanos == 0) return fmt::format("{}Z", date);
  return fmt::format("{}.{:09}Z", date, nanos);
}

std::string human_size(std::int64_t bytes) {
  static constexpr const char* kUnits[] = {"K", "M", "G", "T", "P", "E"};
  if (bytes < 1024) return std::to_string(bytes);
  double v = static_cast<double>(bytes);
  int unit = -1;
  while (v >= 1024 && unit < 5) {
    v /= 1024;
    ++unit;
  }
  // du -h: one decimal below 10, rounded up, as du rounds sizes up.
  if (v < 10) return fmt::format("{:.1f}{}", std::ceil(v * 10) / 10, kUnits[unit]);
  return fmt::format("{:.0f}{}", std::ceil(v), kUnits[unit]);
}

std::string entry_json(std::string_view path, const FileInfo& info, std::string_view link_target) {
  nlohmann::ordered_json j;
  j["path"] = path;
  j["type"] = type_name(info.mode);
  j["size"] = info.size;
  j["mode"] = info.mode.to_string();
  j["mtime"] = format_time(info.mod_time);
  if (info.mode.is_symlink()) j["link"] = link_target;
  // Names on disk need not be UTF-8: replace what is not, rather than fail.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vfs::cli
