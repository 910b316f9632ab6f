// Serves the files compiled into this program (examples/site, by vfs_embed
// in examples/CMakeLists.txt) over HTTP until SIGINT/SIGTERM:
//
//   embed_server [PORT [HOST]]   # default: 8080 127.0.0.1
//
// What a user copies to ship a site inside one binary. The embedded files
// carry what the server needs: a build-time SHA-256 (the strong ETag), the
// source files' mtimes (Last-Modified), media types, and gzip/zstd/brotli
// copies sent to clients that accept them. Try:
//
//   curl -i -H 'Accept-Encoding: gzip' http://127.0.0.1:8080/ --output -
#include <cstdio>
#include <cstdlib>
#include <string>

#include "vfs/embedded/site.h"
#include "vfs/http_server.h"

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 8080;
  const std::string host = argc > 2 ? argv[2] : "127.0.0.1";
  return vfs::http::serve_until_signal(vfs::embedded::site(), host, port);
}
