// vfs glob: the names in a source that match a Go pattern (path.Match
// syntax, element by element, as fs.Glob).
#include "vfs/glob.h"
#include "command.h"
#include "source.h"
#include "vfs/read_link.h"
#include "vfs/stat.h"

namespace vfs::cli {
namespace {}  // namespace

void glob(Context& ctx, const GlobOptions& o) {
  auto src = resolve(o.path, Enter::last_archive);
  if (!src) return ctx.fail(src.error());
  if (auto s = src->make_root(); !s) return ctx.fail(s.error());
  FSRef fs = src->fs;
  auto names = vfs::glob(*fs, o.pattern);
  if (!names) return ctx.fail(names.error().message());
  for (const std::string& name : *names) {
    if (!o.json) {
      ctx.out.line(name);
      continue;
    }
    auto info = vfs::lstat(*fs, name);
    if (!info) {
      ctx.fail(info.error().message());
      continue;
    }
    std::string target;
    if (info->mode.is_symlink()) target = vfs::read_link(*fs, name).value_or("");
    ctx.out.line(entry_json(name, *info, target));
  }
}

}  // namespace vfs::cli
