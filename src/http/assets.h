// The server's seam to serving metadata an FS may carry (the embed work:
// EmbedFS's build-time content hash, media type and precompressed copies,
// and a zero-copy view of a file's bytes). The server looks for these with
// dynamic_cast and works without them; an FS that has the metadata
// implements AssetFS (or an adapter from its own public extension does, at
// merge), a File that has its bytes in memory implements ContentsFile.
// Internal: the public names are the embed work's to choose.
#pragma once

#include <span>
#include <string_view>

#include "vfs/fs.h"

namespace vfs::http::detail {

// What the server wants to know of one file beyond its FileInfo. The views
// stay valid as long as the FS does (embedded metadata is static data).
struct AssetInfo {
  // Identifies the bytes (a hash, any printable ASCII without '"'); becomes
  // the strong ETag. Empty: none.
  std::string_view content_hash;
  // "text/css; charset=utf-8"; empty: by extension.
  std::string_view media_type;
  // Content-codings of the precompressed copies the FS has ("br", "zstd",
  // "gzip"), in the server's order of preference.
  std::span<const std::string_view> encodings;
};

class AssetFS : public virtual FS {
 public:
  // The metadata of file `name` (a valid_path name), false if it has none.
  virtual bool asset_info(std::string_view name, AssetInfo& info) = 0;
  // Opens the copy of `name` compressed with `encoding` (one of its
  // AssetInfo::encodings). Its stat() gives the compressed size; its hash
  // is content_hash + "-" + encoding unless the FS says otherwise.
  virtual Result<FilePtr> open_encoded(std::string_view name, std::string_view encoding) = 0;
};

// A File whose bytes are in memory for as long as it is open.
class ContentsFile : public virtual File {
 public:
  virtual std::string_view contents() const noexcept = 0;
};

}  // namespace vfs::http::detail
