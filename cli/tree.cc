// vfs tree: a source drawn as tree(1) draws a directory, with its counts.
#include <fmt/format.h>

#include "command.h"
#include "source.h"
#include "vfs/read_dir.h"
#include "vfs/read_link.h"

namespace vfs::cli {
namespace {

// One open directory on the way down: an explicit stack, so a hostile
// archive's deep tree cannot overflow the thread's.
struct Frame {
  std::string dir;  // in the FS
  std::vector<DirEntry> entries;
  std::size_t next = 0;
  std::string indent;  // drawn before this directory's entries
};

}  // namespace

void tree(Context& ctx, const TreeOptions& o) {
  auto src = resolve(o.path, Enter::last_archive);
  if (!src) return ctx.fail(src.error());
  ctx.out.line(ctx.paint(o.path.empty() ? "." : o.path, FileMode(FileMode::dir)));
  std::uint64_t dirs = 0, files = 0;
  std::vector<Frame> stack;
  auto push = [&](std::string dir, std::string indent) {
    auto entries = vfs::read_dir(*src->fs, dir);
    if (!entries) {
      ctx.fail(src->display(entries.error()));
      return;
    }
    if (!o.all) {
      std::erase_if(*entries, [](const DirEntry& e) { return e.name().starts_with('.'); });
    }
    stack.push_back({std::move(dir), std::move(*entries), 0, std::move(indent)});
  };
  push(src->name, "");
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next == f.entries.size()) {
      stack.pop_back();
      continue;
    }
    const DirEntry& e = f.entries[f.next++];
    const bool last = f.next == f.entries.size();
    const std::string path = child(f.dir, e.name());
    std::string line =
        fmt::format("{}{}{}", f.indent, last ? "└── " : "├── ", ctx.paint(e.name(), e.type()));
    if (e.type().is_symlink()) {
      auto target = vfs::read_link(*src->fs, path);
      if (target) fmt::format_to(std::back_inserter(line), " -> {}", *target);
    }
    ctx.out.line(line);
    if (!e.is_dir()) {
      ++files;
      continue;
    }
    ++dirs;
    if (o.level < 0 || static_cast<int>(stack.size()) < o.level) {
      push(path, f.indent + (last ? "    " : "│   "));  // built before push moves f
    }
  }
  ctx.out.line(fmt::format("\n{} director{}, {} file{}", dirs, dirs == 1 ? "y" : "ies", files,
                           files == 1 ? "" : "s"));
}

}  // namespace vfs::cli
