// Shared fixtures for the test suite.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "vfs/map_fs.h"
#include "vfs/read_dir.h"

namespace vfs_test {

// A fresh directory under the test temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "vfs-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    // Directories a test made unreadable must be readable again to be removed.
    for (auto it = std::filesystem::recursive_directory_iterator(
             path_, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) ::chmod(it->path().c_str(), 0755);
    }
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(std::string_view rel) const { return path_ + "/" + std::string(rel); }

  // Writes `data` to `rel`, creating parent directories.
  void write(std::string_view rel, std::string_view data) const {
    const std::filesystem::path p = *this / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << data;
  }
  void mkdir(std::string_view rel) const { std::filesystem::create_directories(*this / rel); }
  void symlink(std::string_view target, std::string_view rel) const {
    std::filesystem::create_symlink(std::string(target), *this / rel);
  }

 private:
  std::string path_;
};

// The names of `entries`, in order.
inline std::vector<std::string> names(const std::vector<vfs::DirEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.name());
  return out;
}

// An FS with only open(): every helper must take its fallback path.
class OpenOnlyFS final : public vfs::FS {
 public:
  explicit OpenOnlyFS(vfs::FS& inner) : inner_(inner) {}
  vfs::Result<vfs::FilePtr> open(std::string_view name) override {
    ++opens;
    return inner_.open(name);
  }
  int opens = 0;

 private:
  vfs::FS& inner_;
};

// A tree whose directory "a/bad" cannot be read (EACCES): the walk's
// second call for it, and its siblings after it.
class UnreadableDirFS final : public vfs::ReadDirFS {
 public:
  vfs::Result<vfs::FilePtr> open(std::string_view n) override { return inner_.open(n); }
  vfs::Result<std::vector<vfs::DirEntry>> read_dir(std::string_view n) override {
    if (n == "a/bad") return vfs::Error::from_errno("readdir", std::string(n), EACCES);
    return inner_.read_dir(n);
  }

 private:
  vfs::MapFS inner_{{"a/bad/hidden", {}}, {"a/next/f", {}}};
};

}  // namespace vfs_test
