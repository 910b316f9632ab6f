// Symlink checks: lstat and read_link agree with the directory listing (as
// Go 1.25's fstest checks a ReadLinkFS), and links no FS could follow are
// told apart from a backend that fails to follow one.
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "format.h"
#include "path.h"
#include "tester.h"

namespace vfs::testing::internal {
namespace {

bool is_broken_link_error(const Error& err) {
  return err.is(errc::not_exist) || err.is(errc::escapes_root) ||
         err.code() == std::errc::too_many_symbolic_link_levels;
}

}  // namespace

// Go 1.25's fstest: for a ReadLinkFS, lstat agrees with the entry, and
// read_link works on links and on nothing else.
void Tester::check_link(const std::string& path, const DirEntry& entry) {
  if (!link_fs_ || stopped()) return;
  auto info = link_fs_->lstat(path);
  if (!info) {
    problem(path, "ReadLinkFS::lstat: " + info.error().message());
  } else if (auto einfo = entry.info(); einfo) {
    check_same_info(path, "ReadLinkFS::lstat vs entry.info()", *info, *einfo);
  }
  auto target = link_fs_->read_link(path);
  if (entry.type().is_symlink()) {
    if (!target) problem(path, "ReadLinkFS::read_link of a symlink: " + target.error().message());
  } else if (target) {
    problem(path, "ReadLinkFS::read_link of a " + entry.type().to_string().substr(0, 1) +
                      " entry returned " + quote(*target) + ", want errc::invalid");
  } else if (!target.error().is(errc::invalid)) {
    problem(path, "ReadLinkFS::read_link of a non-link: " + target.error().message() +
                      ", want errc::invalid");
  }
}

// `path` is a symlink whose stat failed with `err`. A link that dangles,
// loops or leaves the FS is the tree's, not the backend's: a note. But if
// the target, read lexically from the link's directory, is there, the
// backend failed to follow it: a problem. Returns false if `err` is no
// broken link's at all.
bool Tester::note_broken_link(const std::string& path, const Error& err) {
  if (!is_broken_link_error(err)) return false;
  std::string target_text;
  if (link_fs_) {
    if (auto target = link_fs_->read_link(path)) {
      target_text = " -> " + *target;
      const std::size_t slash = path.rfind('/');
      const std::string_view dir = slash == std::string::npos
                                       ? std::string_view(".")
                                       : std::string_view(path).substr(0, slash);
      const auto is_link = [&](const std::string& name) {
        auto there = vfs::lstat(fs_, name);
        return there && there->mode.is_symlink();
      };
      const auto name = path::lexical_target(dir, *target, is_link);
      if (name && valid_path(*name)) {
        if (auto there = vfs::lstat(fs_, *name); there && !there->mode.is_symlink()) {
          problem(path,
                  "stat: " + err.message() + ", but the link's target " + quote(*name) + " exists");
          return true;
        }
      }
    }
  }
  const std::string what = err.is(errc::escapes_root) ? "symlink leads out of the file system"
                           : err.is(errc::not_exist)  ? "dangling symlink"
                                                      : "symlink loop";
  note(path, what + target_text);
  return true;
}

}  // namespace vfs::testing::internal
