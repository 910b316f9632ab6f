// DirFS: the tree below a directory on disk (Go's os.DirFS), held by an open
// directory descriptor so it keeps working if the directory is renamed.
//
// Unlike Go's os.DirFS it cannot be escaped: names are checked with
// valid_path, and every name is resolved inside the root by the kernel
// (openat2), or by an equivalent walk, one component at a time, on kernels
// without it. Symlinks are followed (read_link and lstat show them as
// themselves); the Confinement given to make() says where they may lead:
//
//   beneath  (the default) Only into the tree. A symlink that climbs above
//            the root, and every absolute symlink, fails with
//            errc::escapes_root (which compares equal to errc::permission).
//            For trees whose links are relative among themselves: a source
//            tree, an upload, an unpacked archive. openat2 RESOLVE_BENEATH.
//   in_root  The root is "/" for every name, as after chroot(2): an
//            absolute symlink starts over at the root, and ".." at the root
//            stays there, so nothing is an escape and escapes_root never
//            comes. For a container image's root file system, a sysroot, or
//            DirFS("/"), whose absolute links `beneath` refuses. openat2
//            RESOLVE_IN_ROOT.
//
// In both, magic links (/proc/<pid>/cwd, fd/N, exe, ...) are followed as any
// symlink, by the text readlink gives and never by the kernel's jump (which
// could land anywhere): most name an absolute path, an escape beneath and a
// name under the root in_root; one to a pipe or socket ("pipe:[1234]") names
// nothing in the tree, errc::not_exist. A dangling link is errc::not_exist; a
// link through a file ("f/x", "f/") is ENOTDIR; more than 40 links in one
// name (a loop) is ELOOP, std::errc::too_many_symbolic_link_levels.
//
// Confinement is about where names lead, not about what other processes do
// meanwhile: a directory moved out of the tree while a name is resolved
// through it takes the rest of that name with it (as with openat2 itself).
// Links and ".." swapped in concurrently never lead out.
//
// Cost: the same in both confinements. With openat2 (Linux 5.6) a name is
// one system call, plus the walk below where openat2 refuses: a magic link
// or a loop (ELOOP), or a ".." that lost 32 races with renames elsewhere on
// the system (EAGAIN). openat2 takes no name of PATH_MAX (4096) bytes or
// more (ENAMETOOLONG). The walk (Linux before 5.6) resolves a name one
// component at a time from the root, two system calls a level, so walking a
// tree d levels deep costs on the order of d^2 calls (5000 levels: about a
// minute). Resolving from a directory the walk already holds open would be
// linear, but no interface carries it. read_link and lstat cost one call
// more than the resolution (readlinkat or fstat), and a close.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vfs/read_dir.h"
#include "vfs/read_link.h"
#include "vfs/stat.h"
#include "vfs/sub.h"

namespace vfs {

// What a symlink inside a DirFS may point at (see the top of this file).
enum class Confinement {
  // Only into the tree: an absolute symlink, or one that climbs above the
  // root, is errc::escapes_root.
  beneath,
  // The root is "/" for every name, as after chroot: an absolute symlink
  // starts over at the root, and ".." at the root stays there. Nothing
  // escapes, so nothing fails with errc::escapes_root.
  in_root,
};

class DirFS final : public StatFS,
                    public ReadDirFS,
                    public ReadLinkFS,
                    public SubFS,
                    public std::enable_shared_from_this<DirFS> {
 public:
  // Opens `dir` (absolute, or relative to the working directory). `dir`
  // itself is found as any path is, symlinks followed; `confinement` rules
  // the names below it.
  static Result<std::shared_ptr<DirFS>> make(std::string_view dir,
                                             Confinement confinement = Confinement::beneath);
  ~DirFS() override;
  // A handle on its root descriptor, which the destructor closes: a copy
  // would close the original's, which would then resolve names under
  // whatever file reused the number. Share it through its shared_ptr.
  DirFS(const DirFS&) = delete;
  DirFS& operator=(const DirFS&) = delete;

  const std::string& root() const noexcept { return root_; }
  Confinement confinement() const noexcept { return confinement_; }

  Result<FilePtr> open(std::string_view name) override;
  Result<FileInfo> stat(std::string_view name) override;
  Result<std::vector<DirEntry>> read_dir(std::string_view name) override;
  Status read_dir_into(std::string_view name, std::vector<DirEntry>& entries) override;
  // The text of symlink `name`, as stored: not resolved, and an absolute
  // target stays absolute in either confinement. The directories on the
  // way to `name` are followed as in open; `name` itself is not. Not a
  // symlink: errc::invalid (EINVAL).
  Result<std::string> read_link(std::string_view name) override;
  // The FileInfo of `name`; of the link itself if it is a symlink.
  Result<FileInfo> lstat(std::string_view name) override;
  // A DirFS rooted at `dir`, with this one's confinement: a new root, so a
  // symlink below `dir` that points above it is an escape there (beneath),
  // or resolves against `dir` (in_root), though not from this FS.
  Result<FSPtr> sub(std::string_view dir) override;

 private:
  DirFS(int root_fd, std::string root, Confinement confinement)
      : root_fd_(root_fd), root_(std::move(root)), confinement_(confinement) {}
  friend class DirFile;
  friend class DirInfoSource;
  // Opens `name`, resolved inside the root as confinement_ says; errors
  // carry `op` and `name`.
  Result<int> open_fd(std::string_view op, std::string_view name, int flags) const;
  // fstat of `name` opened with `flags` (O_PATH, and O_NOFOLLOW for lstat):
  // open, fstat and close as one door call.
  Result<FileInfo> stat_opened(std::string_view op, std::string_view name, int flags) const;
  // lstat of entry `name` of directory `dir`: a lazy DirEntry's info. The
  // name comes from the directory itself, so it is not held to valid_path
  // (an entry whose name is not UTF-8 has its info, as in Go); it is still
  // resolved inside the root, as confinement_ says.
  Result<FileInfo> lstat_entry(std::string_view dir, std::string_view name) const;

  int root_fd_;              // O_PATH descriptor of the root directory
  std::string root_;         // for messages and sub()
  Confinement confinement_;  // kept by sub()
};

}  // namespace vfs
