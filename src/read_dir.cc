#include "vfs/read_dir.h"

#include <algorithm>
#include <iterator>

namespace vfs {

void sort_entries(std::vector<DirEntry>& entries) {
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name() < b.name(); });
}

namespace {

// Replaces `entries` with `got`'s entries, keeping entries' buffer.
Status assign(Result<std::vector<DirEntry>> got, std::vector<DirEntry>& entries) {
  entries.clear();
  if (!got) return std::move(got).error();
  entries.assign(std::make_move_iterator(got->begin()), std::make_move_iterator(got->end()));
  return {};
}

}  // namespace

Status ReadDirFS::read_dir_into(std::string_view name, std::vector<DirEntry>& entries) {
  return assign(read_dir(name), entries);
}

Status read_dir_into(FS& fs, std::string_view name, std::vector<DirEntry>& entries) {
  if (auto* rfs = dynamic_cast<ReadDirFS*>(&fs)) return rfs->read_dir_into(name, entries);
  return assign(read_dir(fs, name), entries);
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
