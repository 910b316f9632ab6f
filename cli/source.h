// A command's path argument, resolved to an FS and a name in it. A path is a
// path on disk; where it goes on past an archive (a file whose bytes are
// one: the name does not matter), it enters it, as many times as it needs:
// "pkg.deb/data.tar.xz/usr/share" is the directory usr/share of the tar
// inside the ar archive pkg.deb. No path at all is the tool's own embedded
// demo assets, and "embed:docs" a path in them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vfs/error.h"
#include "vfs/fs.h"

namespace vfs::cli {

struct Source {
  explicit Source(FSRef fs) : fs(std::move(fs)) {}

  FSRef fs;
  std::string name = ".";  // in fs: "." for its root
  // The argument as the user spelled it up to fs's root ("" for the
  // embedded assets), for messages and listings.
  std::string fs_display;
  std::vector<FSRef> outer;  // the FSs fs was opened from, kept alive
  // A disk symlink the user named, opened as its target `alias_name`.
  std::string alias_name;
  std::string alias_display;

  // How the user would spell `fs_name`, a name in fs.
  std::string display(std::string_view fs_name) const;
  // `err` with its path spelled as the user would.
  Error display(const Error& err) const;
  // Makes the directory `name` the root: fs becomes its sub-FS and name
  // ".", for what works on a whole FS (glob, the checker, the server).
  Status make_root();
};

enum class Enter {
  // A path that ends at an archive is the archive's tree (ls, find, ...).
  last_archive,
  // A path that ends at a file is that file's bytes, an archive or not
  // (cat, stat).
  never_last,
};

// The name of `name` in the directory `dir` of an FS ("." is the root).
std::string child(std::string_view dir, std::string_view name);

// A path that starts with this is inside the embedded demo assets
// ("embed:docs/quickstart.md").
inline constexpr std::string_view kEmbedPrefix = "embed:";

// An empty `arg` is the embedded demo assets.
Result<Source> resolve(std::string_view arg, Enter enter);

// Whether fs's file `name` is an archive by its bytes, as open_archive tells
// (a zip after a self-extracting stub included).
Result<bool> is_archive(FS& fs, std::string_view name);

}  // namespace vfs::cli
