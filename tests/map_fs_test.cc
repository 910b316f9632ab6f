// MapFS's name index under churn: random adds and removes, checked against a
// plain model after every batch, so growth and removal (which moves entries
// within the index) never lose or invent a name.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "vfs/vfs.h"

namespace {

constexpr int kDirs = 40;
constexpr int kFilesPerDir = 50;

std::string dir_name(int d) { return "d" + std::to_string(d % 8) + "/s" + std::to_string(d); }
std::string file_name(int d, int f) { return dir_name(d) + "/f" + std::to_string(f); }

// What the FS should hold: files with their data, and every directory.
struct Model {
  std::map<std::string, std::string> files;
  std::set<std::string> dirs;

  void add(int d, int f, const std::string& data) {
    files[file_name(d, f)] = data;
    dirs.insert(dir_name(d));
    dirs.insert(dir_name(d).substr(0, dir_name(d).find('/')));
  }
  void remove_file(int d, int f) { files.erase(file_name(d, f)); }
  void remove_dir(int d) {
    dirs.erase(dir_name(d));
    for (int f = 0; f < kFilesPerDir; ++f) files.erase(file_name(d, f));
  }
};

void expect_same(vfs::MapFS& fs, const Model& model) {
  ASSERT_EQ(fs.size(), model.files.size() + model.dirs.size());
  for (int d = 0; d < kDirs; ++d) {
    EXPECT_EQ(vfs::stat(fs, dir_name(d)).ok(), model.dirs.count(dir_name(d)) == 1) << dir_name(d);
    for (int f = 0; f < kFilesPerDir; ++f) {
      const std::string name = file_name(d, f);
      auto data = vfs::read_file(fs, name);
      auto it = model.files.find(name);
      if (it == model.files.end()) {
        ASSERT_FALSE(data.ok()) << name;
        EXPECT_TRUE(data.error().is(vfs::errc::not_exist)) << name;
      } else {
        ASSERT_TRUE(data.ok()) << name << ": " << data.error().message();
        EXPECT_EQ(*data, it->second) << name;
      }
    }
  }
}

TEST(MapFSIndex, ChurnMatchesModel) {
  vfs::MapFS fs;
  Model model;
  std::mt19937 rng(42);
  for (int batch = 0; batch < 40; ++batch) {
    for (int op = 0; op < 500; ++op) {
      const int d = static_cast<int>(rng() % kDirs);
      const int f = static_cast<int>(rng() % kFilesPerDir);
      switch (rng() % 8) {
        case 0:  // a whole directory, now and then
          if (model.dirs.count(dir_name(d)) != 0) {
            ASSERT_TRUE(fs.remove(dir_name(d)).ok());
            model.remove_dir(d);
          }
          break;
        case 1:
        case 2:
          if (model.files.count(file_name(d, f)) != 0) {
            ASSERT_TRUE(fs.remove(file_name(d, f)).ok());
            model.remove_file(d, f);
          }
          break;
        default: {
          const std::string data = std::to_string(batch * 1000 + op);
          ASSERT_TRUE(fs.add(file_name(d, f), {data}).ok());
          model.add(d, f, data);
        }
      }
    }
    expect_same(fs, model);
  }
}

TEST(MapFSIndex, InvalidAndMissingNames) {
  vfs::MapFS fs{{"a/b.txt", {"x"}}};
  for (const char* name : {"", "/a", "a/", "a//b.txt", "./a", "a/../a", "a/b.txt/"}) {
    auto file = fs.open(name);
    ASSERT_FALSE(file.ok()) << name;
    EXPECT_TRUE(file.error().is(vfs::errc::invalid)) << name;
    EXPECT_EQ(file.error().op(), "open");
    EXPECT_EQ(file.error().path(), name);
  }
  for (const char* name : {"b", "a/b", "a/b.txt/c"}) {
    auto info = fs.stat(name);
    ASSERT_FALSE(info.ok()) << name;
    EXPECT_TRUE(info.error().is(vfs::errc::not_exist)) << name;
    EXPECT_EQ(info.error().op(), "stat");
  }
}

TEST(MapFSIndex, OpenFileKeepsItsBytesAcrossReplaceAndRemove) {
  vfs::MapFS fs{{"a/b.txt", {"old"}}};
  auto file = fs.open("a/b.txt");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(fs.add("a/b.txt", {"new"}).ok());
  ASSERT_TRUE(fs.remove("a").ok());
  EXPECT_EQ(vfs::read_all(**file).value(), "old");
  EXPECT_TRUE(fs.open("a/b.txt").error().is(vfs::errc::not_exist));
}

}  // namespace
