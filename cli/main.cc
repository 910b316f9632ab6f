// vfs: one tool for directories, archives, nested archives and the tool's
// own embedded assets, all through the vfs library's public API. This file
// is the command line: each subcommand's arguments, read by CLI11 into the
// options its command runs with (command.h).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <memory>

#include "command.h"
#include "output.h"

namespace vfs::cli {
namespace {

// The optional PATH argument of the commands that take a tree.
CLI::Option* add_source_option(CLI::App* cmd, std::string& path) {
  return cmd->add_option(
      "path", path, "A directory, an archive, or a path into one (default: the embedded assets)");
}

void add_ls(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<LsOptions>();
  auto* cmd = app.add_subcommand("ls", "List a directory's entries (an archive's, if PATH is one)");
  cmd->add_option("path", o->paths,
                  "Directories, archives or files (default: the embedded assets)");
  cmd->add_flag("-l,--long", o->long_format, "Long format: mode, size, mtime, name -> link target");
  cmd->add_flag("-a,--all", o->all, "Include names that start with '.'");
  cmd->add_flag("--json", o->json,
                "One JSON object per entry: path, type, size, mode, mtime, link");
  cmd->callback([o, &ctx] { ls(ctx, *o); });
}

void add_tree(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TreeOptions>();
  auto* cmd = app.add_subcommand("tree", "Draw PATH's tree, as tree(1) does, with counts");
  add_source_option(cmd, o->path);
  cmd->add_option("-L,--level", o->level, "Descend at most N levels")->check(CLI::PositiveNumber);
  cmd->add_flag("-a,--all", o->all, "Include names that start with '.'");
  cmd->callback([o, &ctx] { tree(ctx, *o); });
}

void add_find(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<FindOptions>();
  auto* cmd = app.add_subcommand("find", "Print every path under PATH, in walk order");
  add_source_option(cmd, o->path);
  cmd->add_option("--type", o->type, "Only files (f), directories (d) or symlinks (l)")
      ->check(CLI::IsMember({"f", "d", "l"}));
  cmd->add_option("--name", o->name,
                  "Only base names matching this pattern (Go syntax: * ? [a-z] \\)");
  cmd->add_option("--max-depth", o->max_depth, "Descend at most N levels (1: PATH's entries)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--parallel", o->parallel,
                "Read directories ahead on fibers (same output, same order)");
  cmd->add_flag("-0,--null", o->null, "End each path with NUL instead of newline");
  cmd->add_flag("--json", o->json, "One JSON object per path: path, type, size, mode, mtime, link");
  cmd->callback([o, &ctx] { find(ctx, *o); });
}

void add_cat(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CatOptions>();
  auto* cmd = app.add_subcommand(
      "cat", "Print files' bytes (x.gz: the compressed bytes; x.gz/x: the data)");
  cmd->add_option("path", o->paths, "Files, or paths into archives")->required();
  cmd->callback([o, &ctx] { cat(ctx, *o); });
}

void add_stat(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<StatOptions>();
  auto* cmd =
      app.add_subcommand("stat", "Print every FileInfo field: name, size, mode, mtime, type, link");
  cmd->add_option("path", o->paths, "Paths (on disk or into archives)")->required();
  cmd->add_flag("-L,--dereference", o->follow, "Follow a symlink (inside its FS)");
  cmd->add_flag("--json", o->json, "One JSON object per path");
  cmd->callback([o, &ctx] { stat(ctx, *o); });
}

void add_glob(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<GlobOptions>();
  auto* cmd = app.add_subcommand("glob", "Print the names under PATH matching PATTERN (Go syntax)");
  cmd->add_option("pattern", o->pattern, "e.g. 'docs/*.md', '*/[a-c]?.txt'")->required();
  add_source_option(cmd, o->path);
  cmd->add_flag("--json", o->json, "One JSON object per match");
  cmd->callback([o, &ctx] { glob(ctx, *o); });
}

void add_du(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DuOptions>();
  auto* cmd =
      app.add_subcommand("du", "Bytes under each directory (apparent sizes), children first");
  add_source_option(cmd, o->path);
  cmd->add_flag("-s,--summarize", o->summarize, "Only the total for PATH");
  cmd->add_flag("-H,--human-readable", o->human, "Sizes like 1.5K, 23M, 4.0G");
  cmd->callback([o, &ctx] { du(ctx, *o); });
}

void add_check(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd =
      app.add_subcommand("check", "Run the conformance checker on PATH; exit 1 on problems");
  add_source_option(cmd, o->path);
  cmd->callback([o, &ctx] { check(ctx, *o); });
}

void add_extract(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ExtractOptions>();
  auto* cmd = app.add_subcommand(
      "extract", "Copy SRC's tree into the directory DEST; never writes outside DEST");
  cmd->add_option("src", o->src, "A directory, an archive, or a path into one")->required();
  cmd->add_option("dest", o->dest, "The directory to fill (created if missing)")->required();
  cmd->add_flag("-f,--force", o->force, "Replace existing files and symlinks (never directories)");
  cmd->add_flag("-v,--verbose", o->verbose, "Print each path as it is copied");
  cmd->callback([o, &ctx] { extract(ctx, *o); });
}

void add_serve(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd =
      app.add_subcommand("serve", "Serve PATH over HTTP until SIGINT/SIGTERM (graceful stop)");
  add_source_option(cmd, o->path);
  cmd->add_option("--addr", o->addr, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_flag("--no-listing", o->no_listing, "404 for directories without index.html");
  cmd->callback([o, &ctx] { serve(ctx, *o); });
}

}  // namespace
}  // namespace vfs::cli

int main(int argc, char** argv) {
  // A closed stdout is an EPIPE from write(), handled by Output, rather
  // than a signal in the middle of a walk.
  std::signal(SIGPIPE, SIG_IGN);
  vfs::cli::Context ctx;
  CLI::App app{
      "vfs: look inside directories, archives (zip, tar, 7z, iso, cpio, ar, gzip; nested) and "
      "the tool's embedded assets alike.\nA path goes on into an archive: vfs ls "
      "pkg.deb/data.tar.xz/usr/share. No path: the embedded demo assets.",
      "vfs"};
  app.require_subcommand(1);
  app.fallthrough();
  std::string color = "auto";
  app.add_option("--color", color,
                 "Colour: auto (on a terminal, unless NO_COLOR is set), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  vfs::cli::add_ls(app, ctx);
  vfs::cli::add_tree(app, ctx);
  vfs::cli::add_find(app, ctx);
  vfs::cli::add_cat(app, ctx);
  vfs::cli::add_stat(app, ctx);
  vfs::cli::add_glob(app, ctx);
  vfs::cli::add_du(app, ctx);
  vfs::cli::add_check(app, ctx);
  vfs::cli::add_extract(app, ctx);
  vfs::cli::add_serve(app, ctx);
  // Colour is settled before any command runs: the callbacks run inside
  // parse, after every option is read.
  app.parse_complete_callback([&] {
    const char* no_color = std::getenv("NO_COLOR");
    ctx.color =
        color == "always" || (color == "auto" && isatty(STDOUT_FILENO) && !(no_color && *no_color));
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    // Usage errors are 2; --help is 0.
    return code == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    ctx.fail(e.what());
  }
  ctx.out.flush();
  return ctx.status();
}
