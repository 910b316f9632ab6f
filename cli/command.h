// The tool's commands. Each adds its subcommand (options, --help) to the
// app; the subcommand's callback runs it against the Context, which keeps
// the exit status.
#pragma once

#include <CLI/CLI.hpp>

#include "output.h"

namespace vfs::cli {

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
