// AssetInfo: what a server needs to send a file well, computed ahead of time
// - a content hash (a strong ETag that survives a rebuild of unchanged
// content), a media type, and precompressed copies to send to clients that
// accept them. EmbedFS computes it at build time (vfs_embed); a backend
// without it leaves the server to fall back (an ETag from size + mtime, the
// media type from vfs::media_type, no compression).
#pragma once

#include <span>
#include <string_view>

#include "vfs/fs.h"

namespace vfs {

// A precompressed copy of a file.
struct EncodedCopy {
  std::string_view encoding;  // an HTTP content-coding: "gzip", "zstd" or "br"
  std::string_view data;      // the compressed bytes
  std::string_view sha256;    // of `data`, 64 lowercase hex digits: the copy's own ETag
};

// The views point into memory the backend keeps (EmbedFS: the program's
// read-only data), valid as long as its ContentsFS/ContentsFile views.
struct AssetInfo {
  std::string_view sha256;      // of the file's bytes, 64 lowercase hex digits
  std::string_view media_type;  // e.g. "text/html; charset=utf-8"
  // Only copies smaller than the file, each encoding at most once, in the
  // order the build asked for them (vfs_embed's COMPRESS).
  std::span<const EncodedCopy> encoded;

  // The copy in `encoding` ("gzip", "zstd", "br"), or null.
  constexpr const EncodedCopy* find(std::string_view encoding) const noexcept {
    for (const EncodedCopy& c : encoded) {
      if (c.encoding == encoding) return &c;
    }
    return nullptr;
  }
};

// An FS that knows its regular files' AssetInfo by name. A directory fails
// with EISDIR, a missing name with errc::not_exist.
class AssetInfoFS : public virtual FS {
 public:
  virtual Result<AssetInfo> asset_info(std::string_view name) = 0;
};

// An open regular file that knows its AssetInfo: what a server finds with one
// dynamic_cast on the File it opened, with no second lookup by name.
class AssetInfoFile : public virtual File {
 public:
  virtual AssetInfo asset_info() const noexcept = 0;
};

}  // namespace vfs
