// ForwardingFS: a base for wrappers (counting, logging, read-only, overlay)
// that keeps every fast path of the FS it wraps.
//
// A wrapper that derived from FS alone would hide the inner FS's extensions:
// vfs::stat would open and read where the inner FS could stat directly.
// ForwardingFS implements every extension interface by forwarding to the
// inner FS - to its own implementation when it has one, else to the helper's
// fallback over it (vfs::stat, vfs::read_dir, ...). Override what the wrapper
// changes:
//
//   class CountingFS final : public vfs::ForwardingFS {
//    public:
//     using ForwardingFS::ForwardingFS;
//     vfs::Result<vfs::FilePtr> open(std::string_view name) override {
//       ++opens;
//       return ForwardingFS::open(name);
//     }
//     int opens = 0;
//   };
//
// Every call goes straight to the inner FS, so a wrapper that changes which
// names exist (a filter, an overlay) must override each of them. It is not
// a SubFS: the sub-FS of a wrapper is a view through the wrapper (vfs::sub).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vfs/glob.h"
#include "vfs/read_dir.h"
#include "vfs/read_file.h"
#include "vfs/read_link.h"
#include "vfs/stat.h"

namespace vfs {

class ForwardingFS : public StatFS,
                     public ReadDirFS,
                     public ReadFileFS,
                     public GlobFS,
                     public ReadLinkFS {
 public:
  // Shares an FSPtr, or borrows an FS& (which must outlive the wrapper).
  explicit ForwardingFS(FSRef inner) noexcept : inner_(std::move(inner)) {}

  Result<FilePtr> open(std::string_view name) override;
  Result<FileInfo> stat(std::string_view name) override;
  Result<std::vector<DirEntry>> read_dir(std::string_view name) override;
  Status read_dir_into(std::string_view name, std::vector<DirEntry>& entries) override;
  Result<std::string> read_file(std::string_view name) override;
  Result<std::vector<std::string>> glob(std::string_view pattern) override;
  Result<std::string> read_link(std::string_view name) override;
  Result<FileInfo> lstat(std::string_view name) override;

 protected:
  FS& inner() const noexcept { return *inner_; }
  const FSRef& inner_ref() const noexcept { return inner_; }

 private:
  FSRef inner_;
};

}  // namespace vfs
