// vfs du: the bytes under each directory, children before parents, as du
// prints them. Sizes are apparent: the bytes of the files and symlinks
// (a symlink's size is its target's length, as lstat says), with nothing
// for directories themselves - so a tree reads the same on disk and in an
// archive (du --apparent-size -b adds each directory's own block size).
#include <fmt/format.h>

#include "command.h"
#include "source.h"
#include "vfs/walk.h"

namespace vfs::cli {
namespace {

struct Dir {
  std::string path;  // in the FS
  std::int64_t bytes = 0;
};

}  // namespace

void du(Context& ctx, const DuOptions& o) {
  auto src = resolve(o.path, Enter::last_archive);
  if (!src) return ctx.fail(src.error());
  const std::string& root = src->name;
  auto shown = [&](std::string_view path) -> std::string {
    if (path == root) return o.path.empty() ? "." : o.path;
    return std::string(root == "." ? path : path.substr(root.size() + 1));
  };
  auto print = [&](const Dir& d) {
    if (o.summarize && d.path != root) return;
    ctx.out.line(fmt::format("{}\t{}", o.human ? human_size(d.bytes) : std::to_string(d.bytes),
                             shown(d.path)));
  };
  Progress progress("seen");
  std::vector<Dir> open;  // the directories on the way to the current entry
  auto close_until = [&](std::string_view path) {
    while (!open.empty()) {
      const std::string& top = open.back().path;
      const bool ancestor = top == "." || (path.size() > top.size() && path.starts_with(top) &&
                                           path[top.size()] == '/');
      if (ancestor) return;
      Dir done = std::move(open.back());
      open.pop_back();
      print(done);
      if (!open.empty()) open.back().bytes += done.bytes;
    }
  };
  Status s = walk_dir(
      *src->fs, root,
      [&](std::string_view path, const DirEntry* e, const Error* err) -> Result<WalkAction> {
        if (err) {
          ctx.fail(src->display(*err));
          return WalkAction::proceed;
        }
        progress.add();
        if (path != root) close_until(path);
        if (e->is_dir()) {
          open.push_back({std::string(path), 0});
          return WalkAction::proceed;
        }
        auto info = e->info();
        if (!info) {
          ctx.fail(src->display(info.error()));
        } else if (open.empty()) {
          print({std::string(path), info->size});  // the root is a file
        } else {
          open.back().bytes += info->size;
        }
        return WalkAction::proceed;
      });
  if (!s) ctx.fail(src->display(s.error()));
  close_until("");
  // close_until("") leaves a "." root open: it is everyone's ancestor.
  if (!open.empty()) print(open.back());
}

}  // namespace vfs::cli
