// ZipFS: a zip archive as a directory tree (Go's archive/zip Reader, which
// is an fs.FS).
//
//   auto zip = vfs::ZipFS::make("site.zip").value();          // a file on disk
//   auto inner = vfs::ZipFS::make(*zip, "nested/other.zip");  // or a file of any FS
//   auto page = vfs::read_file(*zip, "docs/index.html");
//
// The central directory is read once, with one read_at, into a sorted index
// (src/zip/): open and stat are a binary search, read_dir a range of it, and
// nothing reads the archive's other bytes until an entry is read. The
// archive is read through the File it was opened on, with read_at only, so
// a zip on disk, in a MapFS, embedded, or inside another archive opens the
// same way, and any number of threads may read different entries at once.
//
// Entries: stored and deflated (zip64 and data descriptors included);
// names in UTF-8 or, unflagged and not valid UTF-8, CP437. Parent
// directories no record names are synthesized (dr-xr-xr-x, as in Go).
// Hostile names never reach outside the tree: they are cleaned as Go's
// toValidName does ("../x" is "x", "\" is "/"), a name that stays invalid
// is dropped, a directory wins over a file of the same name, and the first
// of two records of one name wins (src/zip/index.h says why). Symlink
// entries (a Unix mode in the external attributes) are symlinks: read_link
// and lstat see them, and open follows them inside the archive (an absolute
// target, or one that climbs out, is errc::escapes_root).
//
// Reading an entry: a deflated entry up to Options::max_in_memory is
// inflated whole when first read (libdeflate, into a buffer of exactly its
// recorded size), and then reads, read_at and seek work on it; a larger one
// streams (a Reader only). A stored entry reads straight from the archive,
// with read_at and seek. The CRC-32 is checked whenever an entry has been
// read to its end from its start, and so is its size: a mismatch is an
// error (zip::zip_errc::crc_mismatch, size_mismatch), never silent data.
//
// Errors about the archive name it ("open site.zip: zip: ..."), errors
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

// Bounds on what a hostile archive can make a ZipFS do. Each, exceeded, is
// an error naming it.
struct ZipOptions {
  // Central directory records (and index nodes) accepted.
  std::uint64_t max_entries = std::uint64_t{1} << 22;
  // Bytes of central directory accepted (at most 512 MiB).
  std::uint64_t max_directory_bytes = std::uint64_t{256} << 20;
  // The largest entry served, by its recorded uncompressed size.
  std::uint64_t max_entry_size = std::uint64_t{4} << 30;
  // Deflated entries up to this size are inflated whole into memory on
  // their first read (random access); larger ones stream.
  std::uint64_t max_in_memory = std::uint64_t{64} << 20;
  // A recorded uncompressed size more than this many times the compressed
  // one is refused: deflate cannot exceed about 1032:1, so such a size is
  // a lie (a zip bomb's).
  std::uint64_t max_ratio = 1100;
  // An archive read from a File without read_at (a stream) is read into
  // memory first, up to this many bytes.
  std::uint64_t max_buffered_archive = std::uint64_t{1} << 30;
};

class ZipFS final : public StatFS,
                    public ReadDirFS,
                    public ReadFileFS,
                    public ReadLinkFS,
                    public std::enable_shared_from_this<ZipFS> {
 public:
  using Options = ZipOptions;

  // The archive `archive` (its File, which the ZipFS keeps). `name` only
  // names it in errors.
  static Result<std::shared_ptr<ZipFS>> make(FilePtr archive, std::string name,
                                             const Options& options);
  static Result<std::shared_ptr<ZipFS>> make(FilePtr archive, std::string name = "zip");
  // The archive `name` of `fs`, whatever backend that is.
  static Result<std::shared_ptr<ZipFS>> make(FS& fs, std::string_view name,
                                             const Options& options = {});
  // The archive at `path` on disk.
  static Result<std::shared_ptr<ZipFS>> make(std::string_view path, const Options& options = {});

  ~ZipFS() override;
  ZipFS(const ZipFS&) = delete;
  ZipFS& operator=(const ZipFS&) = delete;

  Result<FilePtr> open(std::string_view name) override;
  Result<FileInfo> stat(std::string_view name) override;
  Result<std::vector<DirEntry>> read_dir(std::string_view name) override;
  Result<std::string> read_file(std::string_view name) override;
  Result<std::string> read_link(std::string_view name) override;
  Result<FileInfo> lstat(std::string_view name) override;

  // What the index dropped or made up (see the header comment).
  struct Stats {
    std::uint64_t entries = 0;             // central directory records
    std::uint64_t invalid_names = 0;       // dropped: no valid name after cleaning
    std::uint64_t duplicates = 0;          // dropped: an earlier record has the name
    std::uint64_t file_dir_conflicts = 0;  // dropped: a directory has the name
    std::uint64_t synthesized_dirs = 0;
  };
  Stats stats() const;
  const std::string& comment() const;

  class Impl;  // src/zip_fs.cc

 private:
  explicit ZipFS(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vfs
