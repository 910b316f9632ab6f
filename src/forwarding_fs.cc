#include "vfs/forwarding_fs.h"

namespace vfs {

Result<FilePtr> ForwardingFS::open(std::string_view name) { return inner().open(name); }

Result<FileInfo> ForwardingFS::stat(std::string_view name) { return vfs::stat(inner(), name); }

Result<std::vector<DirEntry>> ForwardingFS::read_dir(std::string_view name) {
  return vfs::read_dir(inner(), name);
}

Status ForwardingFS::read_dir_into(std::string_view name, std::vector<DirEntry>& entries) {
  return vfs::read_dir_into(inner(), name, entries);
}

Result<std::string> ForwardingFS::read_file(std::string_view name) {
  return vfs::read_file(inner(), name);
}

Result<std::vector<std::string>> ForwardingFS::glob(std::string_view pattern) {
  return vfs::glob(inner(), pattern);
}

Result<std::string> ForwardingFS::read_link(std::string_view name) {
  return vfs::read_link(inner(), name);
}

Result<FileInfo> ForwardingFS::lstat(std::string_view name) { return vfs::lstat(inner(), name); }

}  // namespace vfs
