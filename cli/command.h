// The tool's commands. Each adds its subcommand (options, --help) to the
// app; the subcommand's callback runs it against the Context, which keeps
// the exit status.
#pragma once

#include <CLI/CLI.hpp>

#include "output.h"

namespace vfs::cli {

// The optional PATH argument of the commands that take a tree.
inline CLI::Option* add_source_option(CLI::App* cmd, std::string& path) {
  return cmd->add_option(
      "path", path, "A directory, an archive, or a path into one (default: the embedded assets)");
}

void add_ls(CLI::App& app, Context& ctx);
void add_tree(CLI::App& app, Context& ctx);
void add_find(CLI::App& app, Context& ctx);
void add_cat(CLI::App& app, Context& ctx);
void add_stat(CLI::App& app, Context& ctx);
void add_glob(CLI::App& app, Context& ctx);
void add_du(CLI::App& app, Context& ctx);
void add_check(CLI::App& app, Context& ctx);
void add_extract(CLI::App& app, Context& ctx);
void add_serve(CLI::App& app, Context& ctx);

}  // namespace vfs::cli
