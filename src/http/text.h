// Text the file server reads and writes: media types, HTTP dates, escaping,
// and Go's path.Clean for request paths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vfs::http::detail {

// The media type for a file name's extension (case-insensitive), Go's
// built-in table and a few more; "" if unknown.
std::string_view media_type_by_extension(std::string_view name) noexcept;

// IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", of seconds since the epoch.
// Written by hand: strftime's day and month names follow the locale.
std::string format_http_date(std::int64_t unix_seconds);

// An HTTP-date in any of the three forms RFC 9110 section 5.6.7 accepts
// (IMF-fixdate, RFC 850, asctime); nullopt if it is none of them.
std::optional<std::int64_t> parse_http_date(std::string_view text) noexcept;

// & < > " ' as entities, for names in a listing (Go's htmlReplacer).
std::string html_escape(std::string_view text);

// Percent-escapes every byte but unreserved characters and '/', for a path
// in an href or a Location header: the result has no byte that could end
// an attribute or a header line.
std::string escape_path(std::string_view path);

// Decodes %XX escapes; nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

// Go's path.Clean of a rooted path: "/a/./b/../../c//" is "/c". Elements
// ".." at the root are dropped, so the result never climbs above "/".
std::string clean_path(std::string_view rooted);

}  // namespace vfs::http::detail
