#include "vfs/sub.h"

#include <optional>

#include "path.h"
#include "vfs/forwarding_fs.h"
#include "vfs/glob.h"
#include "vfs/read_dir.h"
#include "vfs/read_file.h"

namespace vfs {
namespace {

// The view for an FS without SubFS (Go's io/fs subFS): every name is
// prefixed with `dir_`, and every error's path is made relative to it again.
class SubView final : public ForwardingFS, public SubFS {
 public:
  SubView(FSRef parent, std::string dir) : ForwardingFS(std::move(parent)), dir_(std::move(dir)) {}

  Result<FilePtr> open(std::string_view name) override {
    return on_full("open", name, [&](const std::string& full) { return inner().open(full); });
  }

  Result<FileInfo> stat(std::string_view name) override {
    return on_full("stat", name, [&](const std::string& full) { return ForwardingFS::stat(full); });
  }

  Result<std::vector<DirEntry>> read_dir(std::string_view name) override {
    return on_full("readdir", name,
                   [&](const std::string& full) { return ForwardingFS::read_dir(full); });
  }

  Status read_dir_into(std::string_view name, std::vector<DirEntry>& entries) override {
    auto full = full_name("readdir", name);
    if (!full) {
      entries.clear();
      return std::move(full).error();
    }
    return fix(ForwardingFS::read_dir_into(*full, entries));
  }

  Result<std::string> read_file(std::string_view name) override {
    return on_full("read", name,
                   [&](const std::string& full) { return ForwardingFS::read_file(full); });
  }

  Result<std::string> read_link(std::string_view name) override {
    return on_full("readlink", name,
                   [&](const std::string& full) { return ForwardingFS::read_link(full); });
  }

  Result<FileInfo> lstat(std::string_view name) override {
    return on_full("lstat", name,
                   [&](const std::string& full) { return ForwardingFS::lstat(full); });
  }

  Result<std::vector<std::string>> glob(std::string_view pattern) override {
    if (auto valid = match(pattern, ""); !valid) {
      return Error("glob", std::string(pattern), std::move(valid).error().code());
    }
    if (pattern == ".") return std::vector<std::string>{"."};
    auto list = ForwardingFS::glob(dir_ == "." ? std::string(pattern)
                                               : escape(dir_) + "/" + std::string(pattern));
    if (!list) return fix(std::move(list));
    for (std::string& name : *list) {
      auto rel = shorten(name);
      if (!rel) return Error("glob", name, errc::invalid);  // the parent's glob broke its contract
      name = std::move(*rel);
    }
    return list;
  }

  Result<FSPtr> sub(std::string_view dir) override {
    auto full = full_name("sub", dir);
    if (!full) return std::move(full).error();
    return FSPtr(std::make_shared<SubView>(inner_ref(), std::move(*full)));
  }

 private:
  // Runs `call` on the full name of `name`, and makes its error relative.
  template <class F>
  auto on_full(std::string_view op, std::string_view name, F call)
      -> decltype(call(std::string())) {
    auto full = full_name(op, name);
    if (!full) return std::move(full).error();
    return fix(call(*full));
  }

  Result<std::string> full_name(std::string_view op, std::string_view name) const {
    if (!valid_path(name)) return Error(std::string(op), std::string(name), errc::invalid);
    if (name == ".") return dir_;
    return path::join(dir_, name);
  }

  // `dir` as a pattern that matches only itself: a directory named "x[1]"
  // must not turn into the class "[1]" when its name prefixes a pattern.
  static std::string escape(std::string_view dir) {
    std::string out;
    out.reserve(dir.size());
    for (const char c : dir) {
      if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
      out += c;
    }
    return out;
  }

  std::optional<std::string> shorten(std::string_view name) const {
    if (dir_ == ".") return std::string(name);
    if (name == dir_) return std::string(".");
    if (name.size() >= dir_.size() + 2 && name[dir_.size()] == '/' && name.starts_with(dir_)) {
      return std::string(name.substr(dir_.size() + 1));
    }
    return std::nullopt;
  }

  template <class T>
  Result<T> fix(Result<T> r) const {
    if (r) return r;
    const Error& err = r.error();
    if (auto rel = shorten(err.path())) return err.with_path(std::move(*rel));
    return r;
  }

  std::string dir_;
};

}  // namespace

Result<FSPtr> sub(FSRef fs, std::string_view dir) {
  if (!valid_path(dir)) return Error("sub", std::string(dir), errc::invalid);
  if (dir == "." && fs.shared()) return fs.shared();
  if (auto* sfs = dynamic_cast<SubFS*>(fs.get()); sfs && dir != ".") return sfs->sub(dir);
  return FSPtr(std::make_shared<SubView>(std::move(fs), std::string(dir)));
}

}  // namespace vfs
