#include "vfs/sub.h"

#include <optional>

#include "path.h"
#include "vfs/glob.h"
#include "vfs/read_dir.h"
#include "vfs/read_file.h"

namespace vfs {
namespace {

// The fallback for an FS without SubFS (Go's io/fs subFS): every name is
// prefixed with `dir_`, and every error's path is made relative to it again.
class SubView final : public ReadDirFS, public ReadFileFS, public GlobFS, public SubFS {
 public:
  SubView(FSPtr parent, std::string dir) : parent_(std::move(parent)), dir_(std::move(dir)) {}

  Result<FilePtr> open(std::string_view name) override {
    auto full = full_name("open", name);
    if (!full) return std::move(full).error();
    return fix(parent_->open(*full));
  }

  Result<std::vector<DirEntry>> read_dir(std::string_view name) override {
    auto full = full_name("readdir", name);
    if (!full) return std::move(full).error();
    return fix(vfs::read_dir(*parent_, *full));
  }

  Result<std::string> read_file(std::string_view name) override {
    auto full = full_name("read", name);
    if (!full) return std::move(full).error();
    return fix(vfs::read_file(*parent_, *full));
  }

  Result<std::vector<std::string>> glob(std::string_view pattern) override {
    if (auto valid = match(pattern, ""); !valid) {
      return Error("glob", std::string(pattern), std::move(valid).error().code());
    }
    if (pattern == ".") return std::vector<std::string>{"."};
    auto list = vfs::glob(*parent_, escape(dir_) + "/" + std::string(pattern));
    if (!list) return fix(std::move(list));
    for (std::string& name : *list) {
      auto rel = shorten(name);
      if (!rel) return Error("glob", name, errc::invalid);  // the parent's glob broke its contract
      name = std::move(*rel);
    }
    return list;
  }

  Result<FSPtr> sub(std::string_view dir) override {
    if (dir == ".") return FSPtr(std::make_shared<SubView>(parent_, dir_));
    auto full = full_name("sub", dir);
    if (!full) return std::move(full).error();
    return FSPtr(std::make_shared<SubView>(parent_, std::move(*full)));
  }

 private:
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

  FSPtr parent_;
  std::string dir_;
};

}  // namespace

Result<FSPtr> sub(FSPtr fs, std::string_view dir) {
  if (!valid_path(dir)) return Error("sub", std::string(dir), errc::invalid);
  if (dir == ".") return fs;
  if (auto* sfs = dynamic_cast<SubFS*>(fs.get())) return sfs->sub(dir);
  return FSPtr(std::make_shared<SubView>(std::move(fs), std::string(dir)));
}

}  // namespace vfs
