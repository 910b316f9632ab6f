// vfs stat: every FileInfo field of a path (the link itself, unless -L).
#include <fmt/format.h>

#include "command.h"
#include "source.h"
#include "vfs/read_link.h"
#include "vfs/stat.h"

namespace vfs::cli {
namespace {

void stat_one(Context& ctx, const StatOptions& o, std::string_view arg) {
  auto src = resolve(arg, Enter::never_last);
  if (!src) return ctx.fail(src.error());
  auto info = o.follow ? vfs::stat(*src->fs, src->name) : vfs::lstat(*src->fs, src->name);
  if (!info) return ctx.fail(src->display(info.error()));
  std::string target;
  if (info->mode.is_symlink()) {
    auto t = vfs::read_link(*src->fs, src->name);
    if (!t) return ctx.fail(src->display(t.error()));
    target = std::move(*t);
  }
  const std::string shown = arg.empty() ? src->display(src->name) : std::string(arg);
  if (o.json) return ctx.out.line(entry_json(shown, *info, target));
  ctx.out.write(fmt::format("    Path: {}\n    Name: {}\n    Size: {}\n    Mode: {} ({:04o})\n",
                            shown, info->name, info->size, info->mode.to_string(),
                            info->mode.perm().bits()));
  ctx.out.write(fmt::format("    Type: {}\n   IsDir: {}\n ModTime: {}\n", type_name(info->mode),
                            info->is_dir(), format_time(info->mod_time)));
  if (info->mode.is_symlink()) ctx.out.line(fmt::format("    Link: {}", target));
}

}  // namespace

void stat(Context& ctx, const StatOptions& o) {
  for (const auto& p : o.paths) stat_one(ctx, o, p);
}

}  // namespace vfs::cli
