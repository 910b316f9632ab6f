// Serves a directory over HTTP until SIGINT/SIGTERM (then stops gracefully):
//
//   serve_example [--memory] [DIR [PORT [HOST]]]   # default: . 8080 127.0.0.1
//
// With --memory the tree is first copied into a MapFS and served from
// memory, as embedded assets would be; otherwise from disk through a DirFS
// (files go out with sendfile). The server code is the same for both: it
// takes any vfs::FS.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "vfs/http_server.h"
#include "vfs/vfs.h"

namespace {

// Copies every regular file and directory of `from` into a MapFS, keeping
// modification times (they become Last-Modified and ETags).
vfs::Result<vfs::MapFS> load(vfs::FS& from) {
  vfs::MapFS memory;
  auto st = vfs::walk_dir(from, ".",
                          [&](std::string_view path, const vfs::DirEntry* e,
                              const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
                            if (err) return *err;
                            if (path == ".") return vfs::WalkAction::proceed;
                            auto info = e->info();
                            if (!info) return std::move(info).error();
                            vfs::MapFile file{{}, info->mode, info->mod_time};
                            if (info->mode.is_regular()) {
                              auto data = vfs::read_file(from, path);
                              if (!data) return std::move(data).error();
                              file.data = std::move(*data);
                            } else if (!info->is_dir()) {
                              return vfs::WalkAction::proceed;  // symlinks, devices: left out
                            }
                            if (auto added = memory.add(path, std::move(file)); !added) {
                              return std::move(added).error();
                            }
                            return vfs::WalkAction::proceed;
                          });
  if (!st) return std::move(st).error();
  return memory;
}

}  // namespace

int main(int argc, char** argv) {
  int arg = 1;
  const bool in_memory = argc > arg && std::string_view(argv[arg]) == "--memory";
  if (in_memory) ++arg;
  const std::string dir = argc > arg ? argv[arg] : ".";
  const int port = argc > arg + 1 ? std::atoi(argv[arg + 1]) : 8080;
  const std::string host = argc > arg + 2 ? argv[arg + 2] : "127.0.0.1";

  auto disk = vfs::DirFS::make(dir);
  if (!disk) {
    std::fprintf(stderr, "%s\n", disk.error().message().c_str());
    return 1;
  }
  if (!in_memory) return vfs::http::serve_until_signal(*disk, host, port);
  auto memory = load(**disk);
  if (!memory) {
    std::fprintf(stderr, "%s\n", memory.error().message().c_str());
    return 1;
  }
  return vfs::http::serve_until_signal(*memory, host, port);
}
