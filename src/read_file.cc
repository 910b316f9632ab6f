#include "vfs/read_file.h"

#include <algorithm>

namespace vfs {

Result<std::string> read_all(File& file, std::int64_t size_hint) {
  // One extra byte lets a file whose size is exact reach EOF without growing.
  // The hint is capped: a size is only a claim (an archive header may lie),
  // and memory should follow the bytes actually read.
  constexpr std::int64_t kMaxHint = std::int64_t{64} << 20;
  std::size_t cap =
      size_hint > 0 ? static_cast<std::size_t>(std::min(size_hint, kMaxHint)) + 1 : 512;
  std::string out;
  std::size_t len = 0;
  for (;;) {
    if (out.size() == len) out.resize(std::max(cap, len * 2));
    auto n = file.read(std::span<char>(out.data() + len, out.size() - len));
    if (!n) return std::move(n).error();
    if (*n == 0) break;
    len += *n;
  }
  out.resize(len);
  return out;
}

Result<std::string> read_file(FS& fs, std::string_view name) {
  if (auto* rfs = dynamic_cast<ReadFileFS*>(&fs)) return rfs->read_file(name);
  auto file = fs.open(name);
  if (!file) return std::move(file).error();
  std::int64_t size = 0;
  if (auto info = (*file)->stat()) size = info->size;
  auto data = read_all(**file, size);
  if (!data) return data;
  if (auto closed = (*file)->close(); !closed) return std::move(closed).error();
  return data;
}

}  // namespace vfs
