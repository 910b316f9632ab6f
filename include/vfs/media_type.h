// media_type: a file's media type from its name's extension, for servers
// and for vfs_embed (which records it at build time).
#pragma once

#include <string_view>

namespace vfs {

// The media type for the extension of `name` (case-insensitive), e.g.
// "index.html" -> "text/html; charset=utf-8", "a/b.PNG" -> "image/png"; ""
// when the extension is not in the table (a small one: the web's formats,
// text, fonts, images, audio/video, archives). Text types carry
// "; charset=utf-8", as Go's mime package gives them.
std::string_view media_type(std::string_view name) noexcept;

}  // namespace vfs
