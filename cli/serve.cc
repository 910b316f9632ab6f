// vfs serve: the HTTP file server (vfs::http::FileServer) over any source -
// a directory, an archive, a path into one, or the embedded assets - until
// SIGINT or SIGTERM, then a graceful stop.
#include <fmt/format.h>

#include "command.h"
#include "source.h"
#include "vfs/http_server.h"

namespace vfs::cli {
namespace {}  // namespace

void serve(Context& ctx, const ServeOptions& o) {
  const auto colon = o.addr.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      std::size_t used = 0;
      port = std::stoi(o.addr.substr(colon + 1), &used);
      if (used != o.addr.size() - colon - 1) port = -1;
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535)
    return ctx.fail(fmt::format("serve: bad --addr \"{}\": want HOST:PORT", o.addr));
  auto src = resolve(o.path, Enter::last_archive);
  if (!src) return ctx.fail(src.error());
  if (auto s = src->make_root(); !s) return ctx.fail(s.error());
  FSRef fs = src->fs;
  http::ServerOptions options;
  options.directory_listing = !o.no_listing;
  ctx.out.flush();
  if (http::serve_until_signal(fs, o.addr.substr(0, colon), port, options) != 0) {
    ctx.fail(fmt::format("serve {}: the server failed", o.addr));
  }
}

}  // namespace vfs::cli
