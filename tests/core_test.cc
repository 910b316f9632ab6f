#include <gtest/gtest.h>

#include "vfs/vfs.h"

TEST(Smoke, MapFSReadFile) {
  vfs::MapFS fs{{"a/b.txt", {"hello"}}};
  auto data = vfs::read_file(fs, "a/b.txt");
  ASSERT_TRUE(data.ok()) << data.error().message();
  EXPECT_EQ(*data, "hello");
}

// File::read with an empty buffer returns 0 (fs.h); an empty std::span has a
// null data(), which MapFS passed to memcpy (UBSan: null pointer argument).
TEST(MapFS, ReadIntoEmptyBuffer) {
  vfs::MapFS fs{{"a.txt", {"hello"}}};
  auto file = fs.open("a.txt");
  ASSERT_TRUE(file.ok()) << file.error().message();
  auto n = (*file)->read({});
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(*n, 0u);
  auto* reader = dynamic_cast<vfs::ReaderAt*>(file->get());
  ASSERT_NE(reader, nullptr);
  auto m = reader->read_at({}, 1);
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_EQ(*m, 0u);
}
