// The core of the model, after Go's io/fs: an FS opens named files, a File
// can be stat'ed, read and closed. Everything else is an extension interface
// that a backend implements when it can do the job faster than the generic
// fallback, and that a helper (vfs::stat, vfs::read_dir, ...) looks for with
// dynamic_cast, as Go looks for it with a type assertion.
//
// Names are Go's: slash-separated, unrooted, no "." or ".." or empty
// elements, "." alone for the root. Every backend rejects other names with
// errc::invalid, so a name can never climb out of an FS.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "vfs/file_info.h"
#include "vfs/reader.h"
#include "vfs/result.h"

namespace vfs {

// Go's fs.ValidPath.
bool valid_path(std::string_view name) noexcept;

// An open file (Go's fs.File): a Reader that can be stat'ed and closed. A
// backend's File may also be a ReaderAt, a Seeker or a ReadDirFile
// (dynamic_cast), as Go's files may implement io.ReaderAt and io.Seeker.
class File : public Reader {
 public:
  File() = default;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  virtual Result<FileInfo> stat() = 0;
  // Reads up to buf.size() bytes. Returns 0 only at end of file (or for an
  // empty buf). A directory fails with EISDIR.
  Result<std::size_t> read(std::span<char> buf) override = 0;
  // Releases the file. A second close, or any call after close, fails with
  // errc::closed. The destructor closes a file that is still open.
  virtual Status close() = 0;
};

using FilePtr = std::unique_ptr<File>;

class FS {
 public:
  virtual ~FS() = default;

  // Opens the named file. A name that fails valid_path gives errc::invalid.
  virtual Result<FilePtr> open(std::string_view name) = 0;

 protected:
  // Whether a backend is a value (MapFS) or a handle (DirFS) is its own
  // choice; the interface only keeps callers from slicing it.
  FS() = default;
  FS(const FS&) = default;
  FS& operator=(const FS&) = default;
};

using FSPtr = std::shared_ptr<FS>;

// A directory file (Go's fs.ReadDirFile).
class ReadDirFile : public virtual File {
 public:
  // n > 0: returns at most n entries, in directory order; an empty vector
  //        means the end of the directory.
  // n <= 0: returns all remaining entries (empty at the end), in one vector.
  virtual Result<std::vector<DirEntry>> read_dir(int n) = 0;
};

}  // namespace vfs
