// vfs serve: the HTTP file server over any source.
#include "command.h"

namespace vfs::cli {

// The server arrives with issue 10; the command is registered so --help
// lists it.
void add_serve(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("serve", "Serve PATH over HTTP (not built yet)");
  cmd->allow_extras();
  cmd->callback([&ctx] { ctx.fail("serve: the HTTP server is not built yet"); });
}

}  // namespace vfs::cli
