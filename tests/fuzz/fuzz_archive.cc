// libFuzzer target for ArchiveFS, the libarchive adapter: an archive of any
// enabled format (tar, 7z, iso9660, cpio, ar; gzip, bzip2, xz, zstd), held
// in a MapFS, is indexed, walked, and every entry opened and read to its
// end, by read() and, where offered, read_at(). No input may crash, hang or
// allocate without bound (small limits below); an accepted archive keeps
// the tree's promises: every name valid, every stat agreeing with its
// directory entry, every read returning at most the recorded size.
// Input: the archive's bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "vfs/archive_fs.h"
#include "vfs/map_fs.h"
#include "vfs/read_link.h"
#include "vfs/walk.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

vfs::ArchiveOptions limits() {
  vfs::ArchiveOptions o;
  o.max_entries = 1 << 12;
  o.max_entry_size = 16 << 20;
  o.max_index_memory = 4 << 20;
  o.max_cached_entry = 1 << 20;
  o.max_cached_bytes = 8 << 20;
  o.max_ratio = 200;
  o.gzip_span = 1 << 16;
  o.max_buffered_archive = 1 << 20;
  return o;
}

void read_entry(vfs::ArchiveFS& fs, const std::string& name, std::int64_t size) {
  auto file = fs.open(name);
  if (!file) {
    check(file.error().is(vfs::errc::invalid) || file.error().is(vfs::errc::not_exist) ||
          file.error().is(vfs::errc::escapes_root) || file.error().code().value() == ELOOP ||
          file.error().code().value() == ENOTDIR);
    return;
  }
  std::vector<char> buf(64 * 1024);
  std::int64_t total = 0;
  for (;;) {
    auto n = (*file)->read(buf);
    if (!n) return;
    if (*n == 0) break;
    total += static_cast<std::int64_t>(*n);
    check(total <= (16 << 20));
  }
  auto info = (*file)->stat();
  check(info.has_value());
  if (!info->mode.is_regular()) return;
  check(total == info->size || size < 0);
  if (auto* at = dynamic_cast<vfs::ReaderAt*>(file->get()); at && info->size > 0) {
    char b[256];
    auto n = at->read_at(b, info->size / 2);
    if (n) check(static_cast<std::int64_t>(*n) <= info->size - info->size / 2);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vfs::MapFS memory{{"a", {std::string(reinterpret_cast<const char*>(data), size)}}};
  auto fs = vfs::ArchiveFS::make(memory, "a", limits());
  if (!fs) {
    check(fs.error().is(vfs::errc::invalid) || fs.error().code() == std::errc::file_too_large);
    return 0;
  }
  std::vector<std::pair<std::string, std::int64_t>> files;
  auto st =
      vfs::walk_dir(**fs, ".",
                    [&](std::string_view path, const vfs::DirEntry* e,
                        const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
                      if (err) return *err;
                      check(vfs::valid_path(path));
                      auto info = e->info();
                      check(info.has_value());
                      auto lst = vfs::lstat(**fs, path);
                      check(lst.has_value() && lst->mode == info->mode && lst->size == info->size);
                      if (info->mode.is_symlink()) {
                        check(vfs::read_link(**fs, path).has_value());
                      }
                      if (!e->is_dir()) files.emplace_back(std::string(path), info->size);
                      return vfs::WalkAction::proceed;
                    });
  check(st.has_value());
  for (const auto& [name, size] : files) read_entry(**fs, name, size);
  return 0;
}
