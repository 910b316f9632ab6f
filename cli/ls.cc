// vfs ls: a directory's entries (or a file's own line), like ls -1.
#include <fmt/format.h>

#include "command.h"
#include "source.h"
#include "vfs/read_dir.h"
#include "vfs/read_link.h"

namespace vfs::cli {
namespace {

// -l: mode, size, mtime, name, and a symlink's target.
std::string long_line(const Context& ctx, const FileInfo& info, std::string_view name,
                      std::string_view target) {
  std::string when = format_time(info.mod_time).substr(0, 16);
  when[10] = ' ';
  std::string line = fmt::format("{} {:>12} {} {}", info.mode.to_string(), info.size, when,
                                 ctx.paint(name, info.mode));
  if (info.mode.is_symlink()) fmt::format_to(std::back_inserter(line), " -> {}", target);
  return line;
}

void print_entry(Context& ctx, const Source& src, const LsOptions& o, std::string_view fs_name,
                 std::string_view shown, const FileInfo& info) {
  std::string target;
  if (info.mode.is_symlink() && (o.long_format || o.json)) {
    auto t = vfs::read_link(*src.fs, fs_name);
    if (!t) {
      ctx.fail(src.display(t.error()));
    } else {
      target = std::move(*t);
    }
  }
  if (o.json) {
    ctx.out.line(entry_json(src.display(fs_name), info, target));
  } else if (o.long_format) {
    ctx.out.line(long_line(ctx, info, shown, target));
  } else {
    ctx.out.line(ctx.paint(shown, info.mode));
  }
}

void list(Context& ctx, const LsOptions& o, std::string_view arg, bool header) {
  auto src = resolve(arg, Enter::last_archive);
  if (!src) return ctx.fail(src.error());
  auto info = vfs::lstat(*src->fs, src->name);
  if (!info) return ctx.fail(src->display(info.error()));
  if (!info->is_dir()) {
    return print_entry(ctx, *src, o, src->name, arg.empty() ? src->name : arg, *info);
  }
  auto entries = vfs::read_dir(*src->fs, src->name);
  if (!entries) return ctx.fail(src->display(entries.error()));
  if (header && !o.json) ctx.out.line(fmt::format("{}:", arg));
  for (const DirEntry& e : *entries) {
    if (!o.all && e.name().starts_with('.')) continue;
    const std::string fs_name = child(src->name, e.name());
    if (!o.long_format && !o.json) {
      ctx.out.line(ctx.paint(e.name(), e.type()));
      continue;
    }
    auto ei = e.info();
    if (!ei) {
      ctx.fail(src->display(ei.error()));
      continue;
    }
    print_entry(ctx, *src, o, fs_name, e.name(), *ei);
  }
}

}  // namespace

void ls(Context& ctx, const LsOptions& o) {
  if (o.paths.empty()) return list(ctx, o, "", false);
  for (std::size_t i = 0; i < o.paths.size(); ++i) {
    if (i > 0 && !o.json) ctx.out.line("");
    list(ctx, o, o.paths[i], o.paths.size() > 1);
  }
}

}  // namespace vfs::cli
