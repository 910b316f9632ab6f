#include <cstdio>

#include "vfs/embedded/consumer_assets.h"
#include "vfs/testing/test_fs.h"
#include "vfs/vfs.h"

int main() {
  vfs::MapFS fs{{"hello/world.txt", {"hi"}}};
  auto data = vfs::read_file(fs, "hello/world.txt");
  if (!data || *data != "hi") return 1;

  // Files compiled in by vfs_embed through the installed package.
  auto& assets = vfs::embedded::consumer_assets();
  auto hello = assets.contents("hello.txt");
  if (!hello || *hello != "embedded hello\n") return 1;
  if (assets.asset_info("hello.txt")->sha256.size() != 64) return 1;
  if (!vfs::testing::test_fs(assets, {"hello.txt"}).ok()) return 1;
  std::puts("consumer ok");
  return 0;
}
