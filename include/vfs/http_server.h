// An HTTP/1.1 file server over any FS (Go's http.FileServer(http.FS(fsys))),
// on the fiber runtime: an accept loop on a fiber, one fiber per connection,
// non-blocking sockets parked on the runtime's poller.
//
//   auto fs = vfs::DirFS::make("public").value();
//   vfs::http::FileServer server(fs);
//   auto port = server.listen("127.0.0.1", 8080).value();
//   vfs::runtime::run([&] { server.serve(); });   // until server.stop()
//
// or, for a program's main(), vfs::http::serve_until_signal(fs, host, port),
// which stops gracefully on SIGINT/SIGTERM.
//
// Behaviour follows Go's net/http/fs.go (serveFile, serveContent,
// checkPreconditions, parseRange, dirList):
// - GET and HEAD; any other method is 405 with `Allow: GET, HEAD`.
// - The request path is percent-decoded and cleaned like Go's path.Clean
//   ("/a/../../b" is "/b"), so no request names anything outside the FS;
//   the FS's own valid_path rules apply after that (a NUL byte, a bad
//   escape: 400). Not found 404, permission (and a DirFS escape) 403,
//   anything else 500.
// - A directory without a trailing slash redirects (301) to "name/", a file
//   with one to "../name", and ".../index.html" to "./" (relative Location,
//   query kept), as Go does. A directory serves its index.html, else a
//   listing (<pre> of links; names HTML-escaped, hrefs percent-escaped) when
//   ServerOptions::directory_listing, else 403.
// - Content-Type from the file's extension (a small table; or the FS's media
//   type metadata when it has it); unknown extensions are
//   application/octet-stream (Go sniffs the content; we do not read it for
//   that). Content-Length, Accept-Ranges, Last-Modified, ETag.
// - ETag: the FS's content hash when it has one, strong. Otherwise a strong
//   ETag made of the modification time (nanoseconds) and the size, as nginx
//   does: it changes whenever either does, so it is wrong only for a file
//   rewritten with the same size within the file system's timestamp
//   granularity. A file without a modification time (the epoch: MapFS's
//   default) gets neither ETag nor Last-Modified.
// - If-Match, If-Unmodified-Since (412), If-None-Match, If-Modified-Since
//   (304), If-Range, in Go's order (RFC 9110 section 13.2.2).
// - Range: one range is 206 with Content-Range; several are
//   multipart/byteranges (as Go), unless together they ask for more bytes
//   than the file has (overlaps), when the whole file is sent (200), as Go
//   does; none satisfiable is 416 with `Content-Range: bytes */size`.
// - Accept-Encoding: when the FS offers a precompressed copy of a file
//   (gzip, br, zstd) that the client accepts, that copy is sent with
//   Content-Encoding; every response for a file with copies has
//   `Vary: Accept-Encoding`. Nothing is compressed at request time.
// - Keep-alive: HTTP/1.1 by default, `Connection: close` honoured, HTTP/1.0
//   only with `Connection: keep-alive`; pipelined requests are answered in
//   order. A request with a body is answered and its connection closed (a
//   file server reads no bodies), whatever size it declares; one whose body
//   length cannot be told (a Transfer-Encoding other than one final
//   "chunked") gets 400 and the connection closes, so its body is never
//   read as a request (RFC 9112 section 6.3). HTTP/1.1 needs exactly one
//   valid Host (else 400), as Go checks.
// - Files with a descriptor (DirFS) are sent with sendfile(2) through the
//   syscall door; others are read into a buffer and written, waiting for the
//   socket to drain on the poller.
// - Writing to a client that has gone must not kill the process: the
//   constructor ignores SIGPIPE if it is at its default (Go's runtime does
//   the same for sockets).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "vfs/fs.h"
#include "vfs/result.h"

namespace vfs::http {

struct ServerOptions {
  // Request line plus header fields, in bytes; more is 431.
  std::size_t max_header_bytes = 16 * 1024;
  // From a connection's accept, or a request's first byte, to the end of
  // its header (a slow-loris client is closed after this).
  std::chrono::milliseconds header_timeout{10'000};
  // How long a keep-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // How long a response may wait for the client to read anything: a client
  // that takes none of the bytes for this long is closed. Measured from the
  // last progress, not for the whole response (Go's WriteTimeout), so a
  // large file to a slow but live client is not cut off.
  std::chrono::milliseconds write_timeout{30'000};
  // Connections served at once. One more is answered 503 and closed.
  std::size_t max_connections = 10'000;
  // Whether a directory without index.html is listed (else 403).
  bool directory_listing = true;
};

// Counters, for tests and diagnostics.
struct ServerStats {
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;  // over max_connections
  std::uint64_t requests = 0;
  std::uint64_t timeouts = 0;  // connections closed for a header, idle or write timeout
  std::size_t active = 0;      // connections open now
};

class FileServer {
 public:
  explicit FileServer(FSRef fs, ServerOptions options = {});
  ~FileServer();
  FileServer(const FileServer&) = delete;
  FileServer& operator=(const FileServer&) = delete;

  // Binds a TCP socket to host:port (an IPv4 or IPv6 literal; port 0 picks
  // one) and listens. Returns the port. Any thread, before serve().
  Result<int> listen(std::string_view host, int port);

  // Accepts and serves connections until stop(), then waits for the
  // connections to finish. On a fiber of a running runtime.
  Status serve();

  // Graceful stop, from any fiber or thread, at any time (also before
  // serve()): no new connections; idle keep-alive connections are closed;
  // a request being read or answered finishes (within the timeouts), and
  // its connection closes after it. serve() then returns.
  void stop() noexcept;

  ServerStats stats() const noexcept;

  struct State;  // src/http/server.cc

 private:
  std::unique_ptr<State> state_;
};

// For a program's main(): listens on host:port, runs a runtime and serves
// until SIGINT or SIGTERM, then stops gracefully and returns (0, or 1 with a
// message on stderr if listening failed). Prints "listening on
// http://host:port/" to stderr once listening. The signals are blocked in
// the calling thread (the runtime's threads inherit that) and taken by a
// sigwait thread. Like a Go program, it first raises the process's soft
// RLIMIT_NOFILE to the hard limit, so that connections up to
// max_connections are not refused for want of descriptors.
int serve_until_signal(FSRef fs, std::string_view host, int port, ServerOptions options = {});

}  // namespace vfs::http
