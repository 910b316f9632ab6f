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

// The sub-FS fallback globbed "dir/pattern" without escaping dir, so a
// directory named with glob metacharacters matched other names, or none.
TEST(Sub, GlobBelowDirectoryWithMetacharacters) {
  auto fs = std::make_shared<vfs::MapFS>(std::initializer_list<std::pair<std::string, vfs::MapFile>>{
      {"x[1]/q.txt", {"q"}}, {"x1/q.txt", {"wrong"}}, {"a*b/q.txt", {"q"}}, {"axb/q.txt", {"wrong"}}});
  for (const char* dir : {"x[1]", "a*b"}) {
    auto sub = vfs::sub(fs, dir);
    ASSERT_TRUE(sub.ok()) << sub.error().message();
    auto names = vfs::glob(**sub, "*.txt");
    ASSERT_TRUE(names.ok()) << names.error().message();
    EXPECT_EQ(*names, std::vector<std::string>{"q.txt"}) << dir;
  }
}
