// Checks of one open regular file against its known content, in the spirit of
// Go's iotest.TestReader. Each returns a description of the first
// misbehaviour, or nullopt: later steps depend on earlier ones, so going on
// after a failure would only report echoes of it. Internal to vfs::testing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vfs/fs.h"

namespace vfs::testing::internal {

// Reads `file` from its start to end of file in small, varying pieces, then
// checks that a read at end of file returns 0. Leaves the file at its end.
std::optional<std::string> check_small_reads(File& file, std::string_view content);

// Seeks from the current, begin and end positions and reads after each.
// Expects the file at its end, where check_small_reads leaves it.
std::optional<std::string> check_seeks(File& file, Seeker& seeker, std::string_view content);

// read_at of the whole file, past its end, and at a sample of offsets.
std::optional<std::string> check_read_at(ReaderAt& reader, std::string_view content);

}  // namespace vfs::testing::internal
