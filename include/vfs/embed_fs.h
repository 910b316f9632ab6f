// EmbedFS: files compiled into the program (Go's embed.FS), made by the CMake
// function vfs_embed (cmake/vfsEmbed.cmake):
//
//   vfs_embed(server NAME site DIRECTORY www COMPRESS gzip br)
//
//   #include "vfs/embedded/site.h"
//   vfs::EmbedFS& site = vfs::embedded::site();
//
// The bytes sit in the program's read-only data (assembled with .incbin, so a
// large asset costs the compiler nothing). Reads copy from there; contents()
// (ContentsFS, ContentsFile) gives a view of them with no copy, valid for the
// whole program; read_file allocates only its result. Every regular file
// carries its AssetInfo (a SHA-256, a media type, precompressed copies) and a
// real modification time (the source file's, or SOURCE_DATE_EPOCH), all
// computed at build time. Directories are synthesized from the files' paths,
// as in Go: an empty directory is not embedded.
//
// Read-only and immutable, so any number of threads may use one at once.
// vfs::embedded::<name>() returns an EmbedFS that is never destroyed, so it
// may be used until the process ends, from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "vfs/asset_info.h"
#include "vfs/contents.h"
#include "vfs/read_dir.h"
#include "vfs/read_file.h"
#include "vfs/read_link.h"
#include "vfs/stat.h"

namespace vfs {

// One entry of the index vfs_embed generates (a file or a directory). The
// layout is the contract between the generator and this library, not an API
// to fill in by hand.
struct EmbedEntry {
  std::string_view name;     // the full name, e.g. "css/site.css"
  std::string_view data;     // the bytes; empty for a directory
  std::int64_t mod_time_ns;  // since the Unix epoch
  FileMode::Bits mode;       // 0444, or FileMode::dir | 0555
  AssetInfo info;            // empty for a directory
};

class EmbedFS final : public StatFS,
                      public ReadDirFS,
                      public ReadFileFS,
                      public ReadLinkFS,
                      public ContentsFS,
                      public AssetInfoFS {
 public:
  // `entries` is sorted as Go's embed sorts them: by directory, then by base
  // name (so a directory's entries are contiguous), directories included. It
  // must outlive the EmbedFS. An empty span is an empty FS.
  EmbedFS(std::span<const EmbedEntry> entries, std::int64_t root_mod_time_ns) noexcept
      : entries_(entries), root_mod_time_ns_(root_mod_time_ns) {}
  EmbedFS() noexcept : EmbedFS({}, 0) {}

  Result<FilePtr> open(std::string_view name) override;
  Result<FileInfo> stat(std::string_view name) override;
  Result<std::vector<DirEntry>> read_dir(std::string_view name) override;
  Result<std::string> read_file(std::string_view name) override;
  // There are no symlinks (vfs_embed refuses them, as Go does): read_link
  // fails with errc::invalid on any name that exists, and lstat is stat.
  // Implemented so that a missing name gives errc::not_exist through every
  // route, vfs::sub's views included.
  Result<std::string> read_link(std::string_view name) override;
  Result<FileInfo> lstat(std::string_view name) override;
  Result<std::string_view> contents(std::string_view name) override;
  Result<AssetInfo> asset_info(std::string_view name) override;

  // Every entry, in index order (see the constructor).
  std::span<const EmbedEntry> entries() const noexcept { return entries_; }

 private:
  // The entry for `name` (not "."), or null.
  const EmbedEntry* find(std::string_view name) const noexcept;
  // The root's entry is not in the index: it is made up on demand.
  EmbedEntry root() const noexcept;
  // `name`'s entry, the root included, or an error for `op`.
  Result<EmbedEntry> lookup(std::string_view op, std::string_view name) const;
  // The entries of directory `name`.
  std::span<const EmbedEntry> children(std::string_view name) const noexcept;

  std::span<const EmbedEntry> entries_;
  std::int64_t root_mod_time_ns_;
};

}  // namespace vfs
