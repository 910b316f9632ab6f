#include <gtest/gtest.h>

#include "vfs/vfs.h"

TEST(Smoke, MapFSReadFile) {
  vfs::MapFS fs{{"a/b.txt", {"hello"}}};
  auto data = vfs::read_file(fs, "a/b.txt");
  ASSERT_TRUE(data.ok()) << data.error().message();
  EXPECT_EQ(*data, "hello");
}
