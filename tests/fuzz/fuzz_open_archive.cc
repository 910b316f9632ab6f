// libFuzzer target for open_archive (fuzz_archive is ArchiveFS's) and GzipFS: any bytes, as a file
// of a MapFS, are detected, opened and walked without a crash, a hang or unbounded memory; a
// GzipFS's random reads (through the index its first read_at builds) give the bytes its stream
// gave. Input: the file. Seeds: the gzip and zip corpora (make_gzip_corpus.py, make_zip_corpus.py).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "vfs/archive.h"
#include "vfs/map_fs.h"
#include "vfs/read_file.h"
#include "vfs/walk.h"
#include "vfs/zip_fs.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// Small enough that no input makes a run slow or large.
vfs::OpenArchiveOptions options() {
  vfs::OpenArchiveOptions o;
  o.gzip.max_output = 1 << 20;
  o.gzip.index_span = 16 << 10;
  o.gzip.max_index_bytes = 4 << 20;
  o.zip.max_entries = 4096;
  o.zip.max_entry_size = 1 << 20;
  o.archive.max_entries = 4096;
  o.archive.max_entry_size = 1 << 20;
  o.archive.max_cached_bytes = 4 << 20;
  o.archive.max_buffered_archive = 4 << 20;
  return o;
}

// Every file's bytes through the stream, and, where the file has read_at,
// a slice through it that must agree.
void read_all_files(vfs::FS& fs) {
  (void)vfs::walk_dir(
      fs, ".",
      [&](std::string_view path, const vfs::DirEntry* e,
          const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
        if (err) return *err;
        if (e->is_dir()) return vfs::WalkAction::proceed;
        auto whole = vfs::read_file(fs, path);
        if (!whole) return vfs::WalkAction::proceed;
        auto file = fs.open(path);
        check(file.has_value());
        auto* at = dynamic_cast<vfs::ReaderAt*>(file->get());
        if (at == nullptr || whole->empty()) return vfs::WalkAction::proceed;
        const std::size_t off = whole->size() / 2;
        std::string slice(std::min<std::size_t>(100, whole->size() - off), '\0');
        auto n = at->read_at(slice, static_cast<std::int64_t>(off));
        check(n.has_value() && *n == slice.size() && slice == whole->substr(off, slice.size()));
        return vfs::WalkAction::proceed;
      });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const vfs::ArchiveFormat format = vfs::detect_archive_format(bytes);
  check(vfs::detect_archive_format(bytes) == format);
  vfs::MapFS mem{{"in", {bytes}}};
  auto tree = vfs::open_archive(mem, "in", options());
  if (!tree) return 0;
  // Nothing recognised, yet opened: a zip found by its end record.
  check(format != vfs::ArchiveFormat::unknown || dynamic_cast<vfs::ZipFS*>(tree->get()));
  read_all_files(**tree);
  return 0;
}
