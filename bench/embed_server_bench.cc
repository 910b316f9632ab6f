// http_run's embedded contender: examples/embed_server.cc with the bench's
// assets (go/fileserver/static, the same 4 KiB file as Go's side embeds).
#include <cstdlib>

#include "vfs/embedded/bench_static.h"
#include "vfs/http_server.h"

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 8080;
  return vfs::http::serve_until_signal(vfs::embedded::bench_static(), "127.0.0.1", port);
}
