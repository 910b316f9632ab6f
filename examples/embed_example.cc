// Lists the files compiled into this program by vfs_embed (see
// examples/CMakeLists.txt), with what a server would send for each: the
// media type, a strong ETag from the build-time SHA-256, the precompressed
// copies; then prints one file, read with no copy.
//
//   embed_example [NAME]
#include <cstdio>
#include <string>

#include "vfs/embedded/site.h"
#include "vfs/vfs.h"

int main(int argc, char** argv) {
  vfs::EmbedFS& site = vfs::embedded::site();
  auto st = vfs::walk_dir(site, ".",
                          [&](std::string_view path, const vfs::DirEntry* e,
                              const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
                            if (err) return *err;
                            if (e->is_dir()) return vfs::WalkAction::proceed;
                            auto info = vfs::stat(site, path).value();
                            vfs::AssetInfo asset = site.asset_info(path).value();
                            std::printf("%-16.*s %6lld  %-26.*s ETag \"%.16s\"",
                                        static_cast<int>(path.size()), path.data(),
                                        static_cast<long long>(info.size),
                                        static_cast<int>(asset.media_type.size()),
                                        asset.media_type.data(), asset.sha256.data());
                            for (const vfs::EncodedCopy& copy : asset.encoded) {
                              std::printf("  %.*s:%zu", static_cast<int>(copy.encoding.size()),
                                          copy.encoding.data(), copy.data.size());
                            }
                            std::printf("\n");
                            return vfs::WalkAction::proceed;
                          });
  if (!st) {
    std::fprintf(stderr, "%s\n", st.error().message().c_str());
    return 1;
  }
  const std::string name = argc > 1 ? argv[1] : "css/style.css";
  auto bytes = site.contents(name);  // a view into the program's read-only data
  if (!bytes) {
    std::fprintf(stderr, "%s\n", bytes.error().message().c_str());
    return 1;
  }
  std::fwrite(bytes->data(), 1, bytes->size(), stdout);
  return 0;
}
