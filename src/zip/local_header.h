// An entry's local file header: what stands between the offset the central
// directory records and the entry's data. Read lazily, when an entry is
// opened, since its name and extra field lengths may differ from the
// directory's.
// Internal: not installed.
#pragma once

#include <cstdint>
#include <string_view>

#include "vfs/fs.h"
#include "zip/central_directory.h"

namespace vfs::zip {

// Where `entry`'s compressed data starts, from the start of the file: past
// its local header's own name and extra field. One read_at of 30 bytes.
// Refuses (zip_error.h) a header without its signature (bad_local_header),
// and one whose lengths push the data (and the smallest data descriptor)
// past the room the entry has before the next one (overlapping_entries).
Result<std::uint64_t> local_data_offset(ReaderAt& archive, const Entry& entry,
                                        std::string_view archive_name = {});

}  // namespace vfs::zip
