// One HTTP/1.1 connection: parse requests with Boost.Beast's
// request_parser (fed from our own reads, no asio event loop), answer each
// with respond(), write the answer, until the connection is to close.
#pragma once

#include "http/transport.h"
#include "vfs/fs.h"
#include "vfs/http_server.h"

namespace vfs::http::detail {

// What the server lets a connection see of it; every method may be a no-op.
class ConnectionHooks {
 public:
  virtual ~ConnectionHooks() = default;
  // The server is stopping: close instead of waiting for another request.
  virtual bool stopping() const noexcept { return false; }
  // Around the wait for the first byte of the next request, when a stopping
  // server may wake the connection (it shuts the socket's reading side).
  virtual void set_idle(bool /*idle*/) noexcept {}
  virtual void on_request() noexcept {}
  virtual void on_timeout() noexcept {}
};

// Serves requests from `t` until the client closes, a limit or timeout is
// hit, a request asks to close, or `hooks` says the server is stopping.
// The header timeout of the first request counts from the call.
void serve_connection(Transport& t, FS& fs, const ServerOptions& options, ConnectionHooks& hooks);

}  // namespace vfs::http::detail
