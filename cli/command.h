// The tool's commands: what each is given (its options, filled from the
// command line by main.cc) and the function that runs it against the
// Context, which keeps the exit status. Only main.cc knows CLI11: its
// header-only code is then compiled once, not once per command.
#pragma once

#include <string>
#include <vector>

#include "output.h"

namespace vfs::cli {

// `path` in the commands that take one tree: a directory, an archive, or a
// path into one; empty for the embedded assets.

struct LsOptions {
  std::vector<std::string> paths;
  bool long_format = false;
  bool all = false;
  bool json = false;
};
void ls(Context& ctx, const LsOptions& o);

struct TreeOptions {
  std::string path;
  int level = -1;
  bool all = false;
};
void tree(Context& ctx, const TreeOptions& o);

struct FindOptions {
  std::string path;
  std::string type;  // f, d, l or empty
  std::string name;  // a Go pattern for the base name, or empty
  int max_depth = -1;
  bool parallel = false;
  bool null = false;
  bool json = false;
};
void find(Context& ctx, const FindOptions& o);

struct CatOptions {
  std::vector<std::string> paths;
};
void cat(Context& ctx, const CatOptions& o);

struct StatOptions {
  std::vector<std::string> paths;
  bool follow = false;
  bool json = false;
};
void stat(Context& ctx, const StatOptions& o);

struct GlobOptions {
  std::string pattern;
  std::string path;
  bool json = false;
};
void glob(Context& ctx, const GlobOptions& o);

struct DuOptions {
  std::string path;
  bool summarize = false;
  bool human = false;
};
void du(Context& ctx, const DuOptions& o);

struct CheckOptions {
  std::string path;
};
void check(Context& ctx, const CheckOptions& o);

struct ExtractOptions {
  std::string src;
  std::string dest;
  bool force = false;
  bool verbose = false;
};
void extract(Context& ctx, const ExtractOptions& o);

struct ServeOptions {
  std::string path;
  std::string addr = "127.0.0.1:8080";
  bool no_listing = false;
};
void serve(Context& ctx, const ServeOptions& o);

}  // namespace vfs::cli
