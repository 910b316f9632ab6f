// Fixtures made by a script once per build tree, not once per test: ctest
// runs every test in a process of its own, and archive_fs_fixtures.py alone
// took about 15 s of each ArchiveFS test under the sanitizers.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <system_error>

namespace vfs_test {

// The output directory of `python3 SCRIPT OUTDIR`, under `cache`, named
// after the script's contents (an edited script makes fresh fixtures). It
// is made in a private directory and renamed into place, so a concurrent
// test process sees all of it or none; of two processes that made it at
// once, the second rename fails and that process uses the first's. Empty
// if the script failed. Tests treat the directory as read-only.
inline std::string cached_fixtures(const std::string& script, const std::string& cache) {
  std::ifstream in(script, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string dir = cache + "/" + std::filesystem::path(script).stem().string() + "-" +
                          std::to_string(std::hash<std::string>()(text.str()) % 1000000007);
  if (std::filesystem::exists(dir)) return dir;
  std::error_code ec;
  std::filesystem::create_directories(cache, ec);
  const std::string tmp = dir + ".tmp." + std::to_string(::getpid());
  std::filesystem::remove_all(tmp, ec);
  std::filesystem::create_directories(tmp, ec);
  const std::string cmd = "python3 '" + script + "' '" + tmp + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    std::filesystem::remove_all(tmp, ec);
    return "";
  }
  std::filesystem::rename(tmp, dir, ec);
  if (ec) std::filesystem::remove_all(tmp, ec);
  return dir;
}

}  // namespace vfs_test
