#include <cstdio>

#include "vfs/vfs.h"

int main() {
  vfs::MapFS fs{{"hello/world.txt", {"hi"}}};
  auto data = vfs::read_file(fs, "hello/world.txt");
  if (!data || *data != "hi") return 1;
  std::puts("consumer ok");
  return 0;
}
