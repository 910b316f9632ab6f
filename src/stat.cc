#include "vfs/stat.h"

namespace vfs {

Result<FileInfo> stat(FS& fs, std::string_view name) {
  if (auto* sfs = dynamic_cast<StatFS*>(&fs)) return sfs->stat(name);
  auto file = fs.open(name);
  if (!file) return std::move(file).error();
  return (*file)->stat();  // the File's destructor closes it
}

}  // namespace vfs
