// Contents: a file's bytes as a view, for backends that hold them in memory
// (EmbedFS, MapFS). A reader that only needs to look at the bytes - an HTTP
// server writing them to a socket, a parser - skips the copy into a buffer
// that read() or read_file() must make.
//
// There is no helper with a fallback: a view needs bytes that stay put, and
// a backend without them can only copy (use vfs::read_file). Find the
// extension with dynamic_cast, as the other extension interfaces.
#pragma once

#include <string_view>

#include "vfs/fs.h"

namespace vfs {

// An FS whose files' bytes are in memory. The view stays valid as long as the
// backend says (EmbedFS: for the whole program; MapFS: until the name is
// replaced or removed, or the MapFS destroyed). A directory fails with
// EISDIR, a missing name with errc::not_exist.
class ContentsFS : public virtual FS {
 public:
  virtual Result<std::string_view> contents(std::string_view name) = 0;
};

// An open regular file whose bytes are in memory. The view stays valid at
// least as long as the File object (closed or not), whatever happens to the
// FS's names meanwhile; it does not move the read offset.
class ContentsFile : public virtual File {
 public:
  virtual std::string_view contents() const noexcept = 0;
};

}  // namespace vfs
