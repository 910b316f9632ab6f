// vfs cat: a file's bytes on stdout. A path that ends at an archive prints
// the archive's own bytes (vfs cat x.gz); one that goes on into it prints
// the entry's (vfs cat x.gz/x).
#include <vector>

#include "command.h"
#include "source.h"

namespace vfs::cli {
namespace {

void cat_one(Context& ctx, std::string_view arg) {
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

void cat(Context& ctx, const CatOptions& o) {
  for (const auto& p : o.paths) cat_one(ctx, p);
}

}  // namespace vfs::cli
