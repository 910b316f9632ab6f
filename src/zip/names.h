// Entry names: how the bytes of a central directory name become UTF-8, and
// how a decoded name becomes a name of the FS (or nothing).
// Internal: not installed.
#pragma once

#include <string>
#include <string_view>

namespace vfs::zip {

// Appends `raw` to `out` as UTF-8. The bytes are taken as they are when the
// entry says it is UTF-8 (flag bit 11) or when they are valid UTF-8 anyway;
// otherwise they are a legacy name in code page 437, the format's default,
// and are decoded from it. (Go keeps such bytes undecoded; Python and
// Info-ZIP's unzip decode them from CP437 too.) A flagged name that is not
// valid UTF-8 is appended unchanged: the index will find it invalid.
void append_utf8_name(std::string_view raw, bool utf8_flag, std::string& out);

// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s) noexcept;

// The FS name of a decoded entry name, after Go's toValidName: every '\'
// is a '/', and the name is read as if rooted at the archive's root, so
// empty and "." elements vanish and ".." removes the element before it but
// never climbs above the root ("../../etc/passwd" is "etc/passwd", "/abs"
// is "abs", "a/../../b" is "b"). A trailing '/' (a directory's mark) is not
// part of the result. Returns a view of `name` itself when only a trailing
// '/' had to go, else of `scratch`; empty when nothing remains (the name
// named the root, or nothing). The result may still fail vfs::valid_path
// (a NUL byte, invalid UTF-8); the caller checks.
std::string_view clean_name(std::string_view name, std::string& scratch);

}  // namespace vfs::zip
