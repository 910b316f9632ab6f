// vfs: one tool for directories, archives, nested archives and the tool's
// own embedded assets, all through the vfs library's public API.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <exception>

#include "command.h"
#include "output.h"

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
