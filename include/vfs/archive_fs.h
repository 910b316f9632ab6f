// ArchiveFS: a tar (plain, .gz, .bz2, .xz, .zst), 7z, ISO 9660, cpio or ar
// archive as a directory tree, read with libarchive (a plain or gzipped
// POSIX, GNU or pax tar is indexed by a tar header reader of our own, which
// hands every archive it cannot read exactly as libarchive does to
// libarchive).
//
//   auto tar = vfs::ArchiveFS::make("src.tar.gz").value();      // a file on disk
//   auto inner = vfs::ArchiveFS::make(*zip, "vendor/lib.tar");  // or a file of any FS
//   auto text = vfs::read_file(*tar, "src/main.c");
//
// The format is recognised from the bytes, never from the name. Only the
// readers named above are enabled in libarchive (src/archive/handle.cc says
// why). The archive is read through the File it was opened on, so an
// archive on disk, in a MapFS, embedded or inside a ZipFS opens the same
// way.
//
// make() reads the archive once, from start to end, and builds a sorted
// index (the one ZipFS uses): open and stat are a binary search, read_dir a
// range of it. Names are cleaned as ZipFS cleans them (Go's toValidName:
// "../x" is "x", "/abs" is "abs", "\" is "/", ".." never climbs above the
// root); a name that stays invalid (a NUL byte, longer than 4096 bytes) is
// dropped; a directory wins over a file of the same name; and of two
// entries of one name the FIRST wins (Go's rule for zip; tar -x, which
// extracts in order, would end with the last). stats() counts what was
// dropped. Parent directories no entry names are synthesized (dr-xr-xr-x).
// Nothing is reachable outside the tree.
//
// What is reported: each entry's mode (type and permission bits), mtime and
// size; uid and gid through owner() (FileInfo has no place for them).
// Symlinks are symlinks: read_link and lstat see them, open follows them
// inside the archive (an absolute target, or one that climbs out, is
// errc::escapes_root). A hard link reads as its target's bytes (tar's
// latest earlier entry of that name; cpio's entry that carries the data);
// one whose target no earlier entry is, is dropped (Stats::broken_links).
//
// How an entry's bytes are served, by what the archive allows:
// - Plain tar, cpio and ar (no compression, not sparse): the entry is a
//   window of the archive (read_at at its data offset): random access,
//   read_at and seek, any number of concurrent readers, nothing re-read.
// - Any of those compressed with gzip: make() inflates with ISA-L and
//   records a checkpoint index of the gzip stream as it goes (src/gzip/
//   index.h), and an entry is a window of the uncompressed stream read
//   through that index: opening any entry inflates at most one span
//   (ArchiveOptions::gzip_span) before its first byte; read_at and seek work.
// - Everything else (bzip2, xz, zstd, 7z, ISO 9660, sparse tar members):
//   entries up to max_cached_entry are copied into memory during make(),
//   while the total stays within max_cached_bytes; a larger entry is read by
//   streaming the archive again from its start up to that entry (a Reader
//   only; the cost of opening it is decompressing everything before it).
//
// On a fiber, a long decompression yields (vfs::runtime::yield) every few
// MiB, so it does not hold its P from other fibers. libarchive's decoders
// need deeper stacks than the runtime's 64 KiB default: run them on fibers
// of 256 KiB or more (runtime::Config::stack_size).
//
// Errors about the archive name it ("open x.tar: archive: ..."), errors
// about an entry name the entry; every refusal compares equal to
// errc::invalid.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vfs/read_dir.h"
#include "vfs/read_file.h"
#include "vfs/read_link.h"
#include "vfs/stat.h"

namespace vfs {

// Bounds on what a hostile archive can make an ArchiveFS do. Each, exceeded,
// is an error naming it.
struct ArchiveOptions {
  // Entries (headers) accepted, and index nodes (entries plus synthesized
  // directories).
  std::uint64_t max_entries = std::uint64_t{1} << 22;
  // The largest entry served, by its recorded size (refused at open).
  std::uint64_t max_entry_size = std::uint64_t{4} << 30;
  // Memory of the index: names, link targets and per-entry records; also
  // the most metadata libarchive may read ahead to parse one header (a
  // name, a pax record, a 7z or ISO 9660 directory).
  std::uint64_t max_index_memory = std::uint64_t{256} << 20;
  // Entries that cannot be served by offset are copied into memory during
  // make() when they are at most max_cached_entry bytes, while all copies
  // together stay within max_cached_bytes (0: never copy).
  std::uint64_t max_cached_entry = std::uint64_t{1} << 20;
  std::uint64_t max_cached_bytes = std::uint64_t{64} << 20;
  // Decompressed bytes per compressed byte, once more than 1 MiB came out:
  // beyond it the archive is a bomb and refused. 0: no limit. (gzip and
  // zstd reach about 1000:1 on zeros, xz and bzip2 more.)
  std::uint64_t max_ratio = 5000;
  // Uncompressed bytes between two gzip checkpoints: what opening an entry
  // of a .tar.gz may have to inflate before its first byte. Each costs up to
  // 32 KiB of index memory.
  std::uint64_t gzip_span = std::uint64_t{1} << 20;
  // An archive read from a File without read_at (a stream) is read into
  // memory first, up to this many bytes.
  std::uint64_t max_buffered_archive = std::uint64_t{1} << 30;
};

class ArchiveFS final : public StatFS,
                        public ReadDirFS,
                        public ReadFileFS,
                        public ReadLinkFS,
                        public std::enable_shared_from_this<ArchiveFS> {
 public:
  using Options = ArchiveOptions;

  // The archive `archive` (its File, which the ArchiveFS keeps). `name`
  // only names it in errors.
  static Result<std::shared_ptr<ArchiveFS>> make(FilePtr archive, std::string name,
                                                 const Options& options);
  static Result<std::shared_ptr<ArchiveFS>> make(FilePtr archive, std::string name = "archive");
  // The archive `name` of `fs`, whatever backend that is.
  static Result<std::shared_ptr<ArchiveFS>> make(FS& fs, std::string_view name,
                                                 const Options& options = {});
  // The archive at `path` on disk.
  static Result<std::shared_ptr<ArchiveFS>> make(std::string_view path,
                                                 const Options& options = {});

  ~ArchiveFS() override;
  ArchiveFS(const ArchiveFS&) = delete;
  ArchiveFS& operator=(const ArchiveFS&) = delete;

  Result<FilePtr> open(std::string_view name) override;
  Result<FileInfo> stat(std::string_view name) override;
  Result<std::vector<DirEntry>> read_dir(std::string_view name) override;
  Result<std::string> read_file(std::string_view name) override;
  Result<std::string> read_link(std::string_view name) override;
  Result<FileInfo> lstat(std::string_view name) override;

  // The owner an entry records (links not followed); 0 and 0 for the root
  // and synthesized directories.
  struct Owner {
    std::int64_t uid = 0;
    std::int64_t gid = 0;
  };
  Result<Owner> owner(std::string_view name) const;

  // What the index dropped or made up, and how entries are served.
  struct Stats {
    std::uint64_t entries = 0;             // headers read
    std::uint64_t invalid_names = 0;       // dropped: no valid name after cleaning
    std::uint64_t duplicates = 0;          // dropped: an earlier entry has the name
    std::uint64_t file_dir_conflicts = 0;  // dropped: a directory has the name
    std::uint64_t synthesized_dirs = 0;
    std::uint64_t broken_links = 0;  // dropped: hard links to no earlier entry
    std::uint64_t by_offset = 0;     // entries served as a window of the (uncompressed) stream
    std::uint64_t cached = 0;        // entries copied into memory during make()
    std::uint64_t streamed = 0;      // entries read by streaming the archive again
    std::uint64_t gzip_points = 0;   // checkpoints of the gzip index (0: not gzip)
  };
  Stats stats() const;
  // libarchive's name of the format, with the compression if any:
  // "GNU tar format", "POSIX ustar format + gzip", "7-Zip".
  const std::string& format() const;

  class Impl;  // src/archive_fs.cc

 private:
  explicit ArchiveFS(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vfs
