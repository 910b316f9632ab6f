// vfs extract: a source's tree copied to a directory on disk, through
// vfs::copy_fs: nothing is written outside DEST (no zip-slip), a symlink is
// created only when it stays inside DEST, and nothing is overwritten unless
// --force. A failed entry is reported and the rest is still copied (exit 1).
#include <fmt/format.h>

#include "command.h"
#include "source.h"
#include "vfs/copy_fs.h"

namespace vfs::cli {
namespace {}  // namespace

void extract(Context& ctx, const ExtractOptions& o) {
  auto src = resolve(o.src, Enter::last_archive);
  if (!src) return ctx.fail(src.error());
  Progress progress("extracted");
  CopyOptions copy;
  copy.overwrite = o.force;
  copy.on_error = [&](const Error& err) { ctx.fail(src->display(err)); };
  copy.on_copied = [&](std::string_view name, std::int64_t bytes) {
    progress.add(bytes);
    if (o.verbose) ctx.out.line(src->display(name));
  };
  if (auto s = copy_fs(*src->fs, src->name, o.dest, copy); !s) ctx.fail(s.error());
  progress.done();
}

}  // namespace vfs::cli
