// GzipFS: a gzip file as a directory holding one file, its decompressed
// contents (gzip has no directory of its own: `x.gz` is a view holding `x`).
//
//   auto gz = vfs::GzipFS::make("logs/app.log.gz").value();   // a file on disk
//   auto log = vfs::read_file(*gz, gz->member_name());         // "app.log"
//   auto in = vfs::GzipFS::make(*zip, "data/table.csv.gz");    // or a file of any FS
//
// The member's name: the first member header's FNAME, when it is one valid
// path element once decoded (UTF-8 as written, or else ISO 8859-1 as RFC 1952
// says, converted to UTF-8; "a/b", ".", ".." and "" are not); otherwise the
// archive's base name with its gzip suffix replaced: ".gz", ".z" and "-gz"
// dropped, ".tgz" and ".taz" become ".tar", ".svgz" ".svg"; a name with none
// of those keeps its whole base name, and one that leaves nothing is "data".
// Its mtime: the header's MTIME when set (non-zero), else the archive file's.
// The root directory is dr-xr-xr-x, the file r--r--r--.
//
// Reading: read() streams from the start (ISA-L), every member's CRC-32 and
// ISIZE checked at its end. read_at() and seek() go through a checkpoint
// index (random access costs at most one span of inflating) when one is
// known: loaded from a saved index file, recorded while a read() streamed
// the whole file from its start, or built (one full inflate) on the first
// random access. Without one (Options::build_index = never) random access
// inflates from the start again: correct, but slow.
//
// The saved index is `<archive>.gzidx` next to the archive, in the FS it was
// opened from; both vfs's own format and indexed_gzip's GZIDX load (see
// docs/archives.md). save_index writes one. A saved index that fails to load
// or belongs to another file (by its recorded compressed size: the only
// thing an index knows of its file) fails make(): a stale index could
// otherwise serve the wrong bytes.
//
// stat().size: the uncompressed size from the index when there is one;
// before that, the last member's ISIZE, read from the file's last 4 bytes.
// That is exact for the usual file (one member, < 4 GiB uncompressed, no
// padding after it) and wrong otherwise (ISIZE is modulo 2^32; a file of
// several members, or one padded with zeros, ends with another number).
// A trailer beyond what the limits allow (max_output, or max_ratio times
// the file's size, at least 1 MiB) is a lie, and is cut to that bound.
// Once a read() has reached the end, or an index exists, the size is exact;
// Options::build_index = on_open makes it exact from the start.
//
// The archive is read through the File it was opened on, with read_at (a
// File without read_at is read into memory first, within
// Options::max_buffered_archive). Any number of threads may read the view.
// Errors name the archive ("read logs/app.log.gz: gzip: ...") and every
// refusal of the data compares equal to errc::invalid; an exceeded limit
// names it ("limit max_output exceeded").
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vfs/read_dir.h"
#include "vfs/stat.h"

namespace vfs {

enum class GzipIndexFormat {
  vfs,    // vfs's own ("VFSGZIX1"): CRC-checked
  gzidx,  // indexed_gzip's ("GZIDX" version 1), which it can import
};

struct GzipOptions {
  // Uncompressed bytes served, all members together: a byte more fails with
  // "limit max_output exceeded". Streaming uses bounded memory whatever the
  // size; this bounds the time a hostile file can take.
  std::int64_t max_output = std::int64_t{1} << 40;
  // Uncompressed bytes per compressed byte (after the first MiB): beyond
  // it, "limit max_ratio exceeded". Deflate's own ceiling is about 1032:1;
  // 0: no limit.
  std::uint32_t max_ratio = 1100;

  // When the checkpoint index is built, if none was loaded.
  enum class BuildIndex {
    never,             // random access inflates from the start every time
    on_random_access,  // on the first read_at, or read after a seek
    on_open,           // in make(): stat is exact, random access fast
  };
  BuildIndex build_index = BuildIndex::on_random_access;
  // A read() that streams the whole file from its start records the index
  // on the way: a 32 KiB window per span held in memory (3% of the data at
  // the default span), so that random access later costs no extra pass.
  bool record_while_streaming = true;
  // Load `<archive>.gzidx` if the FS the archive was opened from has it.
  bool load_saved_index = true;
  // Uncompressed bytes between checkpoints.
  std::uint64_t index_span = std::uint64_t{1} << 20;
  // Memory an index may take, loaded, built or recorded: 32 KiB a span, so
  // 1 GiB serves 32 GiB of output at the default span. Past it a load or a
  // build fails ("limit max_index_bytes exceeded") and recording stops (the
  // stream goes on, no index is kept).
  std::uint64_t max_index_bytes = std::uint64_t{1} << 30;

  // An archive read from a File without read_at (a stream) is read into
  // memory first, up to this many bytes.
  std::uint64_t max_buffered_archive = std::uint64_t{1} << 30;
};

class GzipFS final : public StatFS, public ReadDirFS, public std::enable_shared_from_this<GzipFS> {
 public:
  using Options = GzipOptions;

  // The gzip file `archive` (the GzipFS keeps it); `name` names it in
  // errors and gives the member's name when the header has none. Fails
  // with not_gzip (errc::invalid) unless it starts with a gzip member.
  static Result<std::shared_ptr<GzipFS>> make(FilePtr archive, std::string name,
                                              const Options& options = {});
  // The gzip file `name` of `fs`, whatever backend that is; its saved
  // index is `name` + ".gzidx" in `fs`.
  static Result<std::shared_ptr<GzipFS>> make(FS& fs, std::string_view name,
                                              const Options& options = {});
  // The gzip file at `path` on disk.
  static Result<std::shared_ptr<GzipFS>> make(std::string_view path, const Options& options = {});

  ~GzipFS() override;
  GzipFS(const GzipFS&) = delete;
  GzipFS& operator=(const GzipFS&) = delete;

  Result<FilePtr> open(std::string_view name) override;
  Result<FileInfo> stat(std::string_view name) override;
  Result<std::vector<DirEntry>> read_dir(std::string_view name) override;

  // The one file's name (see above).
  const std::string& member_name() const;
  // The first member header's FNAME and FCOMMENT, as written ("" if none).
  const std::string& header_name() const;
  const std::string& header_comment() const;

  // Whether a checkpoint index is known (loaded, recorded or built).
  bool has_index() const;
  // Builds the index now if there is none (one full inflate).
  Status build_index();
  // Loads an index file (either format) for this archive; fails if it is
  // malformed or for another file. Replaces any index known.
  Status load_index(File& index_file);
  // Writes the index (built first if there is none) as an index file.
  Status save_index(Writer& out, GzipIndexFormat format = GzipIndexFormat::vfs);

  class Impl;  // src/gzip_fs.cc

 private:
  explicit GzipFS(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vfs
