// Helpers for the gzip tests: fixtures made by gzip_fixtures.py (cached per
// build tree, so the many test processes ctest starts make each only once),
// the indexed_gzip oracle (gzip_oracle.py), and in-memory readers.
#pragma once

#include <gtest/gtest.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gzip/gzip_error.h"
#include "gzip/gzip_reader.h"
#include "vfs/reader.h"

namespace vfs_test {

// Passes if `r` failed with gzip's cause `e` (which compares equal to
// errc::invalid, as every gzip refusal does).
template <class T>
testing::AssertionResult fails_with(const vfs::Result<T>& r, vfs::gzip::gzip_errc e) {
  if (r.ok()) return testing::AssertionFailure() << "succeeded";
  if (r.error().code() != vfs::gzip::make_error_code(e)) {
    return testing::AssertionFailure() << r.error().message();
  }
  if (!r.error().is(vfs::errc::invalid)) return testing::AssertionFailure() << "not invalid";
  return testing::AssertionSuccess();
}

// Runs a shell command; returns its stdout, or nullopt if it failed.
inline std::optional<std::string> run(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  if (::pclose(p) != 0) return std::nullopt;
  return out;
}

inline std::string read_whole(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

inline void write_whole(const std::string& path, std::string_view data) {
  std::ofstream(path, std::ios::binary) << data;
}

inline bool have_fixture_tools() {
  static const bool have =
      run("command -v python3 && command -v gzip && command -v igzip").has_value();
  return have;
}

// Where fixtures live: a directory of the build tree named after the
// script's contents, so an edited script makes fresh ones.
inline std::string fixture_dir() {
  static const std::string dir = [] {
    const std::string script = read_whole(VFS_GZIP_FIXTURES);
    const std::string d = std::string(VFS_GZIP_FIXTURE_CACHE) + "/" +
                          std::to_string(std::hash<std::string>()(script) % 1000000007);
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

// The path of fixture `name` without extension (.gz, .out, .hdr follow).
// Made on first use into a private directory, then renamed into place, .gz
// last: a concurrent test process sees all three files or none.
inline std::string fixture(const std::string& name) {
  const std::string base = fixture_dir() + "/" + name;
  if (std::filesystem::exists(base + ".gz")) return base;
  const std::string tmp = fixture_dir() + "/tmp." + std::to_string(::getpid()) + "." + name;
  std::filesystem::create_directories(tmp);
  const std::string cmd = "python3 '" VFS_GZIP_FIXTURES "' '" + tmp + "' " + name + " 2>&1";
  if (!run(cmd)) ADD_FAILURE() << "failed: " << cmd;
  for (const char* ext : {".out", ".hdr", ".gz"}) {
    std::filesystem::rename(tmp + "/" + name + ext, base + ext);
  }
  std::filesystem::remove_all(tmp);
  return base;
}

inline std::string fixture_gz(const std::string& name) { return read_whole(fixture(name) + ".gz"); }
inline std::string fixture_out(const std::string& name) {
  return read_whole(fixture(name) + ".out");
}

// A Python that can import indexed_gzip (pyenv's python3 may not see
// Debian's python3-indexed-gzip), or "" if none.
inline std::string oracle_python() {
  static const std::string python = []() -> std::string {
    for (const char* p : {"python3", "/usr/bin/python3"}) {
      if (run(std::string(p) + " -c 'import indexed_gzip' 2>/dev/null")) return p;
    }
    return "";
  }();
  return python;
}

// Runs gzip_oracle.py with `args`; fails the test if it fails.
inline void oracle(const std::string& args) {
  const std::string cmd = oracle_python() + " '" VFS_GZIP_ORACLE "' " + args + " 2>&1";
  if (!run(cmd)) ADD_FAILURE() << "failed: " << cmd;
}

// A Reader over bytes that hands out at most `chunk` bytes a read, so
// headers and deflate data arrive cut at every place.
class BytesReader final : public vfs::Reader {
 public:
  explicit BytesReader(std::string data, std::size_t chunk = SIZE_MAX)
      : data_(std::move(data)), chunk_(chunk) {}
  vfs::Result<std::size_t> read(std::span<char> buf) override {
    const std::size_t n = std::min({buf.size(), chunk_, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, n, buf.data());
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  std::size_t chunk_;
  std::size_t pos_ = 0;
};

// Reads `r` to its end in reads of `read_size` bytes.
inline vfs::Result<std::string> drain(vfs::Reader& r, std::size_t read_size = 1 << 20) {
  std::string out, buf(read_size, '\0');
  for (;;) {
    auto n = r.read(buf);
    if (!n) return std::move(n).error();
    if (*n == 0) return out;
    out.append(buf.data(), *n);
  }
}

// Inflates all of `gz`.
inline vfs::Result<std::string> gunzip(const std::string& gz, vfs::gzip::Options options = {},
                                       std::size_t read_size = 1 << 20,
                                       std::size_t chunk = SIZE_MAX) {
  BytesReader source(gz, chunk);
  auto r = vfs::gzip::GzipReader::open(source, std::move(options));
  if (!r) return std::move(r).error();
  return drain(*r, read_size);
}

}  // namespace vfs_test
