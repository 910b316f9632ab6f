// MapFS: an in-memory FS, for tests and for assets built at run time (Go's
// testing/fstest.MapFS). Parent directories are synthesized: adding
// "a/b/c.txt" makes "a" and "a/b" directories.
//
// Thread safety: any number of threads may read (open, stat, read_dir, ...)
// at once; add() and remove() need exclusive access, like a std::map.
// An open file keeps the bytes it was opened with, even if the name is
// replaced or removed while it is open.
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "vfs/contents.h"
#include "vfs/read_dir.h"
#include "vfs/read_file.h"
#include "vfs/read_link.h"
#include "vfs/stat.h"

namespace vfs {

struct MapFile {
  // The contents; for a symlink, its target.
  std::string data;
  // FileMode::dir | perms for an explicit directory; FileMode::symlink |
  // 0777 for a symlink.
  FileMode mode = 0644;
  Time mod_time{};
};

// Symlinks (a MapFile with FileMode::symlink, its target as data) are
// followed as on a disk: a relative target from the link's directory; an
// absolute target, or ".." above the root, would leave the FS and fails with
// errc::escapes_root; a loop fails with ELOOP after 40 links. read_link and
// lstat see the link itself; read_dir lists it as a symlink.
//
// contents() (ContentsFS) views the stored bytes: valid until the name is
// replaced or removed, or the MapFS destroyed. An open file's contents()
// (ContentsFile) stays valid while the file object lives, whatever happens
// to the name.
class MapFS final : public StatFS,
                    public ReadDirFS,
                    public ReadFileFS,
                    public ReadLinkFS,
                    public ContentsFS {
 public:
  MapFS();
  // Throws FsError if an entry is invalid (see add).
  MapFS(std::initializer_list<std::pair<std::string, MapFile>> files);
  ~MapFS() override;
  // A copy is deep: adding to one never shows in the other.
  MapFS(const MapFS& other);
  MapFS& operator=(const MapFS& other);
  // The moved-from MapFS is empty.
  MapFS(MapFS&& other);
  MapFS& operator=(MapFS&& other);

  // Adds or replaces a file or an explicit directory. Fails with errc::invalid
  // for a name that is not valid_path (or "."), ENOTDIR if a parent is a
  // file, errc::exist if `name` is a directory with entries and `file` is not
  // a directory.
  Status add(std::string_view name, MapFile file);
  // Removes a file, or a directory and everything below it. errc::not_exist if absent.
  Status remove(std::string_view name);
  std::size_t size() const noexcept;  // number of files and explicit or synthesized directories

  Result<FilePtr> open(std::string_view name) override;
  Result<FileInfo> stat(std::string_view name) override;
  Result<std::vector<DirEntry>> read_dir(std::string_view name) override;
  Result<std::string> read_file(std::string_view name) override;
  Result<std::string> read_link(std::string_view name) override;
  Result<FileInfo> lstat(std::string_view name) override;
  Result<std::string_view> contents(std::string_view name) override;

  struct Node;  // defined in map_fs.cc

 private:
  class Index;  // name -> node, defined in map_fs.cc
  class Tree;   // the index as internal::resolve sees it

  const Node* find(std::string_view name) const;
  const Node* find_child(const Node& dir, std::string_view base) const;
  // The node `name` resolves to, symlinks followed (the last one only if `follow`).
  Result<std::shared_ptr<const Node>> lookup(std::string_view op, std::string_view name,
                                             bool follow = true) const;
  Result<std::shared_ptr<const Node>> resolve(std::string_view op, std::string_view name,
                                              bool follow) const;
  std::vector<DirEntry> entries(const Node& dir) const;
  // Removes `top` and everything below it from the index.
  void erase_tree(const Node& top);

  std::unique_ptr<Index> index_;
  bool has_symlinks_ = false;  // once one is added: a missing name may resolve through one
};

}  // namespace vfs
