// Walks the same code over two file systems: an in-memory MapFS, as a unit
// test would use, and a DirFS over a real directory (argv[1], default ".").
#include <cstdio>

#include "vfs/vfs.h"

namespace {

// The code under test knows only vfs::FS: it lists every file with its size.
vfs::Status list_tree(vfs::FS& fs) {
  return vfs::walk_dir(
      fs, ".",
      [](std::string_view path, const vfs::DirEntry* entry,
         const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
        if (err) {  // report and go on: one unreadable directory should not end the listing
          std::fprintf(stderr, "  %s\n", err->message().c_str());
          return vfs::WalkAction::proceed;
        }
        auto info = entry->info();
        if (!info) return std::move(info).error();
        std::printf("  %s %8lld  %.*s\n", info->mode.to_string().c_str(),
                    static_cast<long long>(info->size), static_cast<int>(path.size()), path.data());
        return vfs::WalkAction::proceed;
      });
}

}  // namespace

int main(int argc, char** argv) {
  vfs::MapFS memory{
      {"README.md", {"# demo\n"}},
      {"src/main.cc", {"int main() {}\n", 0755}},
      {"src/util/strings.h", {"#pragma once\n"}},
  };
  std::printf("MapFS:\n");
  if (auto st = list_tree(memory); !st) {
    std::fprintf(stderr, "%s\n", st.error().message().c_str());
    return 1;
  }

  const char* dir = argc > 1 ? argv[1] : ".";
  auto disk = vfs::DirFS::make(dir);
  if (!disk) {
    std::fprintf(stderr, "%s\n", disk.error().message().c_str());
    return 1;
  }
  std::printf("DirFS(%s):\n", dir);
  if (auto st = list_tree(**disk); !st) {
    std::fprintf(stderr, "%s\n", st.error().message().c_str());
    return 1;
  }
  return 0;
}
