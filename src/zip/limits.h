// The limits a zip archive's central directory must stay within, so that a
// hostile archive (one claiming 2^64 entries, a gigabyte of directory, names
// of 64 KiB) costs bounded memory and time before it is refused.
// Internal: not installed.
#pragma once

#include <cstdint>

namespace vfs::zip {

struct Limits {
  // Central directory records, and nodes of the index built from them
  // (records plus the parent directories it synthesizes, the root aside).
  // An archive claiming more is refused before anything is allocated for it.
  std::uint64_t max_entries = std::uint64_t{1} << 22;  // 4Mi

  // Bytes of central directory. Values above 512 MiB act as 512 MiB: the
  // index addresses names with 32-bit offsets, and names take at most six
  // times the directory's bytes (decoded from CP437, three; cleaned copies,
  // as much again). With max_entries this bounds an index's memory: 64
  // bytes an entry, 40 a node, and the names (about the directory's bytes
  // for real archives).
  std::uint64_t max_directory_bytes = std::uint64_t{256} << 20;  // 256 MiB

  // Bytes of one raw name (the format allows 65535).
  std::uint32_t max_name_length = 4096;
};

// The hard ceiling of Limits::max_directory_bytes (see there).
inline constexpr std::uint64_t kMaxDirectoryBytesCeiling = std::uint64_t{512} << 20;

}  // namespace vfs::zip
