// vfs check: the conformance checker (vfs::testing::test_fs, Go's
// fstest.TestFS and more) on a source, with its report. Exit status 1 when
// it finds problems; notes (links that dangle or leave the tree: facts of
// the data, not defects of the backend) are printed but do not fail.
#include <fmt/format.h>

#include "command.h"
#include "source.h"
#include "vfs/testing/test_fs.h"
#include "vfs/walk.h"

namespace vfs::cli {
namespace {

void check_one(Context& ctx, const std::string& arg) {
  auto src = resolve(arg, Enter::last_archive);
  if (!src) return ctx.fail(src.error());
  if (auto s = src->make_root(); !s) return ctx.fail(s.error());
  FSRef fs = src->fs;
  // What the tree holds, by a plain walk: the checker then checks that
  // every other way of looking (open, stat, read_dir in pieces, glob, sub,
  // concurrent reads) agrees with it.
  std::vector<std::string> files;
  Status s = walk_dir(
      *fs, ".",
      [&](std::string_view path, const DirEntry* e, const Error* err) -> Result<WalkAction> {
        if (err) return *err;
        if (!e->is_dir()) files.emplace_back(path);
        return WalkAction::proceed;
      });
  if (!s) return ctx.fail(src->display(s.error()));
  const auto report = vfs::testing::test_fs(*fs, files);
  ctx.out.write(report.to_string());
  if (!report.ok()) {
    ctx.fail(fmt::format("check {}: {} problem(s)", arg.empty() ? "embed:" : arg,
                         report.problems().size()));
    return;
  }
  ctx.out.line(fmt::format("ok: {} files, {} notes", files.size(), report.notes().size()));
}

}  // namespace

void check(Context& ctx, const CheckOptions& o) { check_one(ctx, o.path); }

}  // namespace vfs::cli
