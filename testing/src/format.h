// Message helpers shared by the checks. Internal to vfs::testing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vfs/error.h"

namespace vfs::testing::internal {

// Go's %q: a double-quoted string with C-style escapes. Long strings are cut
// after `max` bytes, so a message never carries a whole file.
std::string quote(std::string_view s, std::size_t max = 64);

// How `got` differs from `want`: `got "abc", want "abd"` for short strings;
// sizes and the first differing bytes for long ones. Empty if equal.
std::string diff(std::string_view got, std::string_view want);

// "errc::invalid" etc., for "want ..." in messages.
std::string errc_name(errc e);

// A call as messages show it: op("name").
std::string call(std::string_view op, std::string_view name);

// Go's path.Join of a directory found in the walk and an entry name.
std::string join_path(std::string_view dir, std::string_view name);

// "3 bytes at 10", as read_at calls are described.
std::string bytes_at(std::size_t n, std::int64_t offset);

}  // namespace vfs::testing::internal
