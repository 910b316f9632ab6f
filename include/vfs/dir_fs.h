// DirFS: the tree below a directory on disk (Go's os.DirFS), held by an open
// directory descriptor so it keeps working if the directory is renamed.
//
// Unlike Go's os.DirFS it cannot be escaped: names are checked with
// valid_path, and every name is resolved beneath the root (openat2 with
// RESOLVE_BENEATH, or an equivalent component-by-component walk on kernels
// without it), so a symlink inside the tree that points outside of it, or
// any absolute symlink, fails with errc::escapes_root (which compares equal
// to errc::permission). Symlinks that stay inside the tree are followed;
// read_link and lstat show a symlink as itself.
// Magic links (/proc/<pid>/cwd, fd/N, exe, ...) are followed as any symlink,
// by the text readlink gives and never by the kernel's jump: most name an
// absolute path, an escape; one to a pipe or socket ("pipe:[1234]") names
// nothing in the tree, errc::not_exist.
//
// Cost: without openat2 (Linux before 5.6) every call resolves its name one
// component at a time from the root, two system calls a level, so walking a
// tree d levels deep costs on the order of d^2 calls (5000 levels: about a
// minute). Resolving from a directory the walk already holds open would be
// linear, but no interface carries it. openat2 walks in the kernel, but
// takes no name of PATH_MAX (4096) bytes or more (ENAMETOOLONG). read_link
// and lstat cost one call more than the resolution (readlinkat or fstat),
// and a close.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vfs/read_dir.h"
#include "vfs/read_link.h"
#include "vfs/stat.h"
#include "vfs/sub.h"

namespace vfs {

class DirFS final : public StatFS,
                    public ReadDirFS,
                    public ReadLinkFS,
                    public SubFS,
                    public std::enable_shared_from_this<DirFS> {
 public:
  // Opens `dir` (absolute, or relative to the working directory).
  static Result<std::shared_ptr<DirFS>> make(std::string_view dir);
  ~DirFS() override;
  // A handle on its root descriptor, which the destructor closes: a copy
  // would close the original's, which would then resolve names under
  // whatever file reused the number. Share it through its shared_ptr.
  DirFS(const DirFS&) = delete;
  DirFS& operator=(const DirFS&) = delete;

  const std::string& root() const noexcept { return root_; }

  Result<FilePtr> open(std::string_view name) override;
  Result<FileInfo> stat(std::string_view name) override;
  Result<std::vector<DirEntry>> read_dir(std::string_view name) override;
  Status read_dir_into(std::string_view name, std::vector<DirEntry>& entries) override;
  // The text of symlink `name`, as stored, not resolved. The directories on
  // the way to `name` are followed as in open; `name` itself is not. Not a
  // symlink: errc::invalid (EINVAL).
  Result<std::string> read_link(std::string_view name) override;
  // The FileInfo of `name`; of the link itself if it is a symlink.
  Result<FileInfo> lstat(std::string_view name) override;
  // A DirFS rooted at `dir`: a new root, so a symlink below `dir` that
  // points above it is an escape there, though not from this FS.
  Result<FSPtr> sub(std::string_view dir) override;

 private:
  DirFS(int root_fd, std::string root) : root_fd_(root_fd), root_(std::move(root)) {}
  friend class DirFile;
  friend class DirInfoSource;
  // Opens `name` beneath the root; errors carry `op` and `name`.
  Result<int> open_fd(std::string_view op, std::string_view name, int flags) const;
  // lstat of entry `name` of directory `dir`: a lazy DirEntry's info. The
  // name comes from the directory itself, so it is not held to valid_path
  // (an entry whose name is not UTF-8 has its info, as in Go); it is still
  // resolved beneath the root.
  Result<FileInfo> lstat_entry(std::string_view dir, std::string_view name) const;

  int root_fd_;       // O_PATH descriptor of the root directory
  std::string root_;  // for messages and sub()
};

}  // namespace vfs
