// libFuzzer target for the tar reader (src/archive/tar_reader.h), ArchiveFS's
// fast path for tar: on any bytes it may decline, but whatever it takes must
// read entry by entry as libarchive reads it (tests/tar_compare.h).
// Input: the tar's bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tar_compare.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto c =
      vfs_test::compare_tar_readers(std::string(reinterpret_cast<const char*>(data), size));
  if (c.diff) {
    std::fprintf(stderr, "tar reader and libarchive disagree: %s\n", c.diff->c_str());
    std::abort();
  }
  return 0;
}
