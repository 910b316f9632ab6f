// The encoders behind vfs_embed's COMPRESS: whole-buffer compression at the
// highest standard level, for copies made once at build time and sent many
// times. Each is compiled in when its library was found (zlib always).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vfs::internal::embed {

// True if this build of the generator has `encoding` ("gzip", "zstd", "br").
bool have_encoder(std::string_view encoding) noexcept;

// `data` compressed with `encoding`, or nullopt with `error` set.
std::optional<std::string> compress(std::string_view encoding, std::string_view data,
                                    std::string& error);

}  // namespace vfs::internal::embed
