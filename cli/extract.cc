// vfs extract: a source's tree copied to a directory on disk, through
// vfs::copy_fs: nothing is written outside DEST (no zip-slip), a symlink is
// created only when it stays inside DEST, and nothing is overwritten unless
// --force. A failed entry is reported and the rest is still copied (exit 1).
#include <fmt/format.h>

#include "command.h"
#include "source.h"
#include "vfs/copy_fs.h"

namespace vfs::cli {
namespace {

struct ExtractOptions {
  std::string src;
  std::string dest;
  bool force = false;
  bool verbose = false;
};

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

}  // namespace

void add_extract(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ExtractOptions>();
  auto* cmd = app.add_subcommand(
      "extract", "Copy SRC's tree into the directory DEST; never writes outside DEST");
  cmd->add_option("src", o->src, "A directory, an archive, or a path into one")->required();
  cmd->add_option("dest", o->dest, "The directory to fill (created if missing)")->required();
  cmd->add_flag("-f,--force", o->force, "Replace existing files and symlinks (never directories)");
  cmd->add_flag("-v,--verbose", o->verbose, "Print each path as it is copied");
  cmd->callback([o, &ctx] { extract(ctx, *o); });
}

}  // namespace vfs::cli
