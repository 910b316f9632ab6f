#include "source.h"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <utility>

#include "embedded.h"
#include "vfs/archive.h"
#include "vfs/dir_fs.h"
#include "vfs/read_link.h"
#include "vfs/stat.h"
#include "vfs/sub.h"

namespace vfs::cli {
namespace {

std::string join(const std::vector<std::string>& parts, std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to; ++i) {
    if (!s.empty()) s += '/';
    s += parts[i];
  }
  return s;
}

// Splits "a//b/./c/" into {"a", "b", "c"}.
std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto part = path.substr(0, slash);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

std::string display_join(std::string_view base, std::string_view name) {
  if (name == "." || name.empty()) return base.empty() ? std::string(".") : std::string(base);
  if (base.empty()) return std::string(name);
  std::string s(base);
  if (s.back() != '/' && s.back() != ':') s += '/';  // "embed:" + "docs"
  s += name;
  return s;
}

// From src's root, goes as far down `rest` as src.fs has directories;
// stops at a file (which may be the next archive). The last name may be a
// link that does not resolve (dangling, or out of the FS): a command that
// shows the link itself (stat without -L, ls) still finds it.
Status descend(Source& src, std::vector<std::string>& rest) {
  if (rest.empty()) return {};
  const std::string all = join(rest, 0, rest.size());
  auto info = vfs::stat(*src.fs, all);
  if (!info) {
    if (auto link = vfs::lstat(*src.fs, all); link && link->mode.is_symlink()) info = *link;
  }
  if (info) {
    src.name = all;
    rest.clear();
    return {};
  } else {
    // Some prefix is a file: the next archive. Find it.
    for (std::size_t i = 1; i < rest.size(); ++i) {
      const std::string prefix = join(rest, 0, i);
      auto st = vfs::stat(*src.fs, prefix);
      if (!st) return src.display(st.error());
      if (!st->is_dir()) {
        src.name = prefix;
        rest.erase(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(i));
        return {};
      }
    }
    return src.display(info.error());
  }
}

// Goes into the archive `src.name`, then down `rest` (descend).
Status enter(Source& src, std::vector<std::string>& rest) {
  auto archive = open_archive(*src.fs, src.name);  // told by its bytes
  if (!archive) return src.display(archive.error());
  src.outer.push_back(src.fs);
  src.fs_display = src.display(src.name);
  src.alias_name.clear();
  src.alias_display.clear();
  src.fs = FSRef(std::move(*archive));
  src.name = ".";
  return descend(src, rest);
}

// ENOENT in the library's words, as every backend says it.
Error not_found(std::string_view arg, int err) {
  if (err == ENOENT || err == ENOTDIR) return Error("stat", std::string(arg), errc::not_exist);
  return Error::from_errno("stat", std::string(arg), err);
}

}  // namespace

std::string Source::display(std::string_view fs_name) const {
  if (!alias_name.empty() && fs_name == alias_name) return alias_display;
  return display_join(fs_display, fs_name);
}

std::string child(std::string_view dir, std::string_view name) {
  if (dir == ".") return std::string(name);
  std::string s(dir);
  s += '/';
  s += name;
  return s;
}

Status Source::make_root() {
  if (name == ".") return {};
  auto dir = vfs::sub(fs, name);
  if (!dir) return display(dir.error());
  outer.push_back(fs);
  fs_display = display(name);
  alias_name.clear();
  alias_display.clear();
  fs = FSRef(std::move(*dir));
  name = ".";
  return {};
}

Error Source::display(const Error& err) const { return err.with_path(display(err.path())); }

Result<bool> is_archive(FS& fs, std::string_view name) {
  auto format = archive_format(fs, name);
  if (!format) return std::move(format).error();
  return *format != ArchiveFormat::unknown;
}

// The end of a resolution: a path that ends at an archive goes into it, if
// asked to.
Status finish(Source& src, std::vector<std::string>& rest, Enter enter_mode) {
  while (!rest.empty()) {
    if (auto s = enter(src, rest); !s) return s.error();
  }
  if (enter_mode == Enter::last_archive && src.name != ".") {
    auto info = vfs::stat(*src.fs, src.name);
    if (info && info->mode.is_regular()) {
      // Entered only if its bytes are an archive's: a text file is listed
      // as itself.
      auto archive = is_archive(*src.fs, src.name);
      if (!archive) return src.display(archive.error());
      std::vector<std::string> none;
      if (*archive) {
        if (auto s = enter(src, none); !s) return s.error();
      }
    }
  }
  return {};
}

Result<Source> resolve(std::string_view arg, Enter enter_mode) {
  if (arg.empty()) return embedded_source();
  if (arg.starts_with(kEmbedPrefix)) {
    auto src = embedded_source();
    if (!src) return src;
    auto rest = components(arg.substr(kEmbedPrefix.size()));
    if (auto s = descend(*src, rest); !s) return s.error();
    if (auto s = finish(*src, rest, enter_mode); !s) return s.error();
    return src;
  }
  // The longest prefix of `arg` that exists on disk; the rest is inside it.
  std::string disk(arg);
  std::vector<std::string> rest;
  struct ::stat st {};
  int first_err = 0;
  bool dangling = false;  // arg is a disk link that resolves to nothing
  while (::stat(disk.c_str(), &st) != 0) {
    const int err = errno;
    if (rest.empty() && ::lstat(disk.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      dangling = true;
      break;
    }
    if (!first_err) first_err = err;
    if (err != ENOENT && err != ENOTDIR) return Error::from_errno("stat", std::string(arg), err);
    if (disk.size() > 1 && disk.back() == '/') {
      // "a.zip/" is ENOTDIR: the file without the slash is the archive.
      while (disk.size() > 1 && disk.back() == '/') disk.pop_back();
      continue;
    }
    const auto slash = disk.rfind('/');
    if (slash == std::string::npos) return not_found(arg, first_err);
    auto tail = components(disk.substr(slash + 1));
    rest.insert(rest.begin(), tail.begin(), tail.end());
    disk.resize(slash == 0 ? 1 : slash);
  }
  if (S_ISDIR(st.st_mode)) {
    if (!rest.empty()) return not_found(arg, first_err);
    auto dir = DirFS::make(disk);
    if (!dir) return dir.error().with_path(std::string(arg));
    Source src{FSRef(std::move(*dir))};
    src.fs_display = std::string(arg);
    return src;
  }
  // A file: opened in a DirFS of its directory. A disk symlink to it
  // (/etc/localtime) is followed, as the shell would: to the DirFS of the
  // real directory, under the user's name for messages. A dangling one is
  // the link itself, for stat and ls to show.
  std::string real_path = disk;
  struct ::stat lst {};
  const bool link = !dangling && ::lstat(disk.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
  if (link) {
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(disk.c_str(), nullptr), &std::free);
    if (!real) return Error::from_errno("stat", disk, errno);
    real_path = real.get();
  }
  const auto slash = real_path.rfind('/');
  const std::string dir_path = slash == std::string::npos ? "."
                               : slash == 0               ? "/"
                                                          : real_path.substr(0, slash);
  auto dir = DirFS::make(dir_path);
  if (!dir) return dir.error().with_path(disk);
  Source src{FSRef(std::move(*dir))};
  src.name = real_path.substr(slash == std::string::npos ? 0 : slash + 1);
  if (link) {
    src.alias_name = src.name;
    src.alias_display = disk;
  } else if (slash != std::string::npos) {
    src.fs_display = dir_path;
  }
  if (auto s = finish(src, rest, enter_mode); !s) return s.error();
  return src;
}

}  // namespace vfs::cli
