#include "vfs/read_file.h"

namespace vfs {
namespace {

Result<std::string> open_and_read(FS& fs, std::string_view name, std::int64_t max_size) {
  auto file = fs.open(name);
  if (!file) return std::move(file).error();
  std::int64_t size = 0;
  if (auto info = (*file)->stat()) size = info->size;
  auto data = read_all(**file, size, max_size);
  if (!data) {
    const Error& err = data.error();
    // read_all has no name to give: the error names the file.
    return err.path().empty() ? Error(err.op(), std::string(name), err.code()) : err;
  }
  if (auto closed = (*file)->close(); !closed) return std::move(closed).error();
  return data;
}

}  // namespace

Result<std::string> read_file(FS& fs, std::string_view name) {
  if (auto* rfs = dynamic_cast<ReadFileFS*>(&fs)) return rfs->read_file(name);
  return open_and_read(fs, name, kNoSizeLimit);
}

Result<std::string> read_file(FS& fs, std::string_view name, std::int64_t max_size) {
  return open_and_read(fs, name, max_size);
}

}  // namespace vfs
