// What a file server answers to one request: Go's serveFile/serveContent,
// free of any transport and of the HTTP parser (the connection code feeds
// it the fields it needs and writes what it returns).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vfs/fs.h"
#include "vfs/http_server.h"

namespace vfs::http::detail {

// The parts of a request a file server looks at. An absent header is empty,
// as Go treats an empty one.
struct Request {
  std::string_view method;
  std::string_view target;
  std::string_view if_match;
  std::string_view if_none_match;
  std::string_view if_modified_since;
  std::string_view if_unmodified_since;
  std::string_view if_range;
  std::string_view range;
  std::string_view accept_encoding;
};

// One piece of a response body: bytes, or a range of the response's file.
struct Segment {
  std::string bytes;
  std::int64_t offset = 0;
  std::int64_t length = 0;
  bool from_file = false;
  std::int64_t size() const noexcept {
    return from_file ? length : static_cast<std::int64_t>(bytes.size());
  }
};

struct Response {
  int status = 200;
  std::string headers;  // "Name: value\r\n" lines, besides Date/Content-Length/Connection
  std::vector<Segment> body;
  bool has_length = true;  // false: no Content-Length (304)
  std::int64_t content_length = 0;
  FilePtr file;       // what from_file segments read
  bool head = false;  // HEAD: headers as for GET, no body
  void add(std::string_view name, std::string_view value);
};

// The reason phrase of a status code the server sends.
std::string_view status_text(int status) noexcept;

// An error response: "404 Not Found\n" as text/plain.
Response error_response(int status);

Response respond(FS& fs, const ServerOptions& options, const Request& request);

}  // namespace vfs::http::detail
