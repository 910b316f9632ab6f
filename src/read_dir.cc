#include "vfs/read_dir.h"

#include <algorithm>

namespace vfs {

void sort_entries(std::vector<DirEntry>& entries) {
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name() < b.name(); });
}

Result<std::vector<DirEntry>> read_dir(FS& fs, std::string_view name) {
  if (auto* rfs = dynamic_cast<ReadDirFS*>(&fs)) return rfs->read_dir(name);
  auto file = fs.open(name);
  if (!file) return std::move(file).error();
  auto* dir = dynamic_cast<ReadDirFile*>(file->get());
  if (dir == nullptr) return Error("readdir", std::string(name), errc::not_supported);
  auto entries = dir->read_dir(-1);
  if (entries) sort_entries(*entries);
  return entries;
}

}  // namespace vfs
