// vfs cat: a file's bytes on stdout. A path that ends at an archive prints
// the archive's own bytes (vfs cat x.gz); one that goes on into it prints
// the entry's (vfs cat x.gz/x).
#include <vector>

#include "command.h"
#include "source.h"

namespace vfs::cli {
namespace {

void cat(Context& ctx, std::string_view arg) {
  auto src = resolve(arg, Enter::never_last);
  if (!src) return ctx.fail(src.error());
  auto file = src->fs->open(src->name);
  if (!file) return ctx.fail(src->display(file.error()));
  // Large reads, written straight through: cat of a big .gz is inflate
  // speed, not copy speed.
  std::vector<char> buf(std::size_t{1} << 20);
  for (;;) {
    auto n = (*file)->read(buf);
    if (!n) return ctx.fail(src->display(n.error()));
    if (*n == 0) break;
    ctx.out.write_through({buf.data(), *n});
  }
}

}  // namespace

void add_cat(CLI::App& app, Context& ctx) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand(
      "cat", "Print files' bytes (x.gz: the compressed bytes; x.gz/x: the data)");
  cmd->add_option("path", *paths, "Files, or paths into archives")->required();
  cmd->callback([paths, &ctx] {
    for (const auto& p : *paths) cat(ctx, p);
  });
}

}  // namespace vfs::cli
