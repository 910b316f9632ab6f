// vfs find: every path under a source, one per line, in walk order (Go's
// WalkDir names, relative to the source; "." left out).
#include <fmt/format.h>

#include "command.h"
#include "source.h"
#include "vfs/glob.h"
#include "vfs/parallel_walk.h"
#include "vfs/read_link.h"
#include "vfs/runtime.h"
#include "vfs/walk.h"

namespace vfs::cli {
namespace {

bool type_matches(std::string_view type, FileMode mode) {
  if (type.empty()) return true;
  if (type == "f") return mode.is_regular();
  if (type == "d") return mode.is_dir();
  return mode.is_symlink();
}

// The path relative to the walk's root: "" for the root itself.
std::string_view relative(std::string_view root, std::string_view path) {
  if (root == ".") return path == "." ? std::string_view() : path;
  if (path.size() == root.size()) return {};
  return path.substr(root.size() + 1);
}

}  // namespace

void find(Context& ctx, const FindOptions& o) {
  auto src = resolve(o.path, Enter::last_archive);
  if (!src) return ctx.fail(src.error());
  if (!o.name.empty()) {
    if (auto ok = vfs::match(o.name, ""); !ok) return ctx.fail(ok.error().message());
  }
  const std::string& root = src->name;
  const char end = o.null ? '\0' : '\n';
  Progress progress("seen");
  const WalkDirFunc visit = [&](std::string_view path, const DirEntry* e,
                                const Error* err) -> Result<WalkAction> {
    if (err) {
      ctx.fail(src->display(*err));
      return WalkAction::proceed;  // a directory that cannot be read: skipped
    }
    progress.add();
    std::string_view rel = relative(root, path);
    if (rel.empty() && e->is_dir()) return WalkAction::proceed;
    if (rel.empty()) rel = o.path.empty() ? std::string_view(src->name) : std::string_view(o.path);
    const bool deep_enough =
        o.max_depth >= 0 && std::count(rel.begin(), rel.end(), '/') + 1 >= o.max_depth;
    if (type_matches(o.type, e->type()) &&
        (o.name.empty() || vfs::match(o.name, e->name()).value_or(false))) {
      if (!o.json) {
        ctx.out.line(rel, end);
      } else if (auto info = e->info(); !info) {
        ctx.fail(src->display(info.error()));
      } else {
        std::string target;
        if (info->mode.is_symlink()) target = vfs::read_link(*src->fs, path).value_or("");
        ctx.out.line(entry_json(rel, *info, target), end);
      }
    }
    return e->is_dir() && deep_enough ? WalkAction::skip_dir : WalkAction::proceed;
  };
  if (o.max_depth == 0) return;
  Status s;
  if (o.parallel) {
    // The directory reads overlap on fibers; the visits stay in order.
    vfs::runtime::run([&] { s = walk_dir_parallel(*src->fs, root, visit); });
  } else {
    s = walk_dir(*src->fs, root, visit);
  }
  if (!s) ctx.fail(src->display(s.error()));
}

}  // namespace vfs::cli
