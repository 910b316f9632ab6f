// Error contracts: invalid names, missing names, use after close, and
// operations on the wrong kind of file fail, and fail the documented way.
#include <algorithm>

#include "format.h"
#include "tester.h"

namespace vfs::testing::internal {
namespace {

constexpr std::string_view kMissing = "vfs-testing-missing";

std::string base_of(const std::string& name) {
  const std::size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

// Invalid spellings of `name` (see valid_path), as Go's checkBadPath builds
// them, plus NUL and invalid UTF-8.
std::vector<std::string> bad_variants(const std::string& name) {
  std::vector<std::string> bad = {
      "/" + name,   name + "/", name + "/.", name + "/..", name + std::string(1, '\0') + "x",
      name + "\xff"};
  if (name == ".") {
    bad.insert(bad.end(), {"", "/", "..", "./x"});
    return bad;
  }
  bad.push_back(name + "/../" + base_of(name));
  for (const std::size_t slash : {name.find('/'), name.rfind('/')}) {
    if (slash == std::string::npos) continue;
    const std::string head = name.substr(0, slash), rest = name.substr(slash + 1);
    bad.insert(bad.end(), {head + "//" + rest, head + "/./" + rest, head + "/../" + name});
  }
  std::sort(bad.begin(), bad.end());
  bad.erase(std::unique(bad.begin(), bad.end()), bad.end());
  return bad;
}

// A name that is not among `taken`.
std::string unused_name(std::string_view dir, const std::vector<std::string>& taken) {
  std::string name = join_path(dir, kMissing);
  while (std::find(taken.begin(), taken.end(), name) != taken.end()) name += "-";
  return name;
}

std::vector<std::string> names_in(std::string_view dir, const std::vector<DirEntry>& list) {
  std::vector<std::string> names;
  for (const DirEntry& e : list) names.push_back(join_path(dir, e.name()));
  return names;
}

}  // namespace

template <class T>
void Tester::expect_error(const std::string& subject, const std::string& what, const Result<T>& r,
                          errc want) {
  if (r.ok()) {
    problem(subject, what + " succeeded, want " + errc_name(want));
  } else if (!r.error().is(want)) {
    problem(subject, what + ": " + r.error().message() + ", want " + errc_name(want));
  }
}

// not_exist, with the error naming the path as the caller spelled it (for a
// sub-FS: relative to the sub-FS).
template <class T>
void Tester::expect_not_exist(const std::string& subject, std::string_view op,
                              const std::string& name, const Result<T>& r) {
  const std::string what = call(op, name);
  expect_error(subject, what, r, errc::not_exist);
  if (!r.ok() && r.error().is(errc::not_exist) && r.error().path() != name) {
    problem(subject,
            what + ": error names path " + quote(r.error().path()) + ", want " + quote(name));
  }
}

void Tester::check_bad_paths(const std::string& name, bool is_dir) {
  if (stopped()) return;
  for (const std::string& bad : bad_variants(name)) {
    expect_error(name, call("open", bad), fs_.open(bad), errc::invalid);
    expect_error(name, call("stat", bad), vfs::stat(fs_, bad), errc::invalid);
    expect_error(name, call("read_dir", bad), vfs::read_dir(fs_, bad), errc::invalid);
    expect_error(name, call("read_file", bad), vfs::read_file(fs_, bad), errc::invalid);
    if (link_fs_) {
      expect_error(name, call("read_link", bad), link_fs_->read_link(bad), errc::invalid);
      expect_error(name, call("lstat", bad), link_fs_->lstat(bad), errc::invalid);
    }
    if (is_dir) {
      // vfs::sub checks names itself, so ask the backend's own sub directly.
      auto sub = sub_fs_ ? sub_fs_->sub(bad) : vfs::sub(fs_, bad);
      expect_error(name, call("sub", bad), sub, errc::invalid);
    }
  }
}

void Tester::check_missing(const std::string& dir, const std::vector<DirEntry>& list) {
  const std::string name = unused_name(dir, names_in(dir, list));
  expect_not_exist(dir, "open", name, fs_.open(name));
  expect_not_exist(dir, "stat", name, vfs::stat(fs_, name));
  expect_not_exist(dir, "read_dir", name, vfs::read_dir(fs_, name));
  expect_not_exist(dir, "read_file", name, vfs::read_file(fs_, name));
  if (link_fs_) {
    expect_not_exist(dir, "read_link", name, link_fs_->read_link(name));
    expect_not_exist(dir, "lstat", name, link_fs_->lstat(name));
  }
  const std::string child = name + "/child";
  expect_not_exist(dir, "open", child, fs_.open(child));
}

// fs.h: a second close, or any call after close, fails with errc::closed.
void Tester::check_closed(const std::string& name, File& file) {
  expect_error(name, "close after close", file.close(), errc::closed);
  expect_error(name, "stat after close", file.stat(), errc::closed);
  char buf[8];
  expect_error(name, "read after close", file.read(buf), errc::closed);
  if (auto* d = dynamic_cast<ReadDirFile*>(&file)) {
    expect_error(name, "read_dir(1) after close", d->read_dir(1), errc::closed);
  }
  if (auto* r = dynamic_cast<ReaderAt*>(&file)) {
    expect_error(name, "read_at after close", r->read_at(buf, 0), errc::closed);
  }
  if (auto* s = dynamic_cast<Seeker*>(&file)) {
    expect_error(name, "seek after close", s->seek(0, Whence::begin), errc::closed);
  }
}

void Tester::check_read_on_dir(const std::string& dir) {
  if (auto file = fs_.open(dir)) {
    char buf[16];
    if (auto n = (*file)->read(buf)) {
      problem(dir, "read on a directory returned " + std::to_string(*n) + " bytes, want an error");
    }
  }
  const std::string label = read_file_fs_ ? "ReadFileFS::read_file" : "vfs::read_file";
  if (auto data = vfs::read_file(fs_, dir)) {
    problem(dir, label + " of a directory returned " + std::to_string(data->size()) +
                     " bytes, want an error");
  }
}

void Tester::check_read_dir_on_file(const std::string& path) {
  if (auto file = fs_.open(path)) {
    if (auto* d = dynamic_cast<ReadDirFile*>(file->get())) {
      if (auto list = d->read_dir(-1)) {
        problem(path, "read_dir(-1) on a regular file returned " + std::to_string(list->size()) +
                          " entries, want an error");
      }
    }
  }
  const std::string label = read_dir_fs_ ? "ReadDirFS::read_dir" : "vfs::read_dir";
  if (auto list = vfs::read_dir(fs_, path)) {
    problem(path, label + " of a regular file returned " + std::to_string(list->size()) +
                      " entries, want an error");
  }
}

// sub of a missing directory may fail at once or when used, but must never
// give a working FS; errors from a sub-FS name paths relative to it.
void Tester::check_sub_contract() {
  if (stopped()) return;
  std::vector<std::string> taken = dirs_;
  taken.insert(taken.end(), files_.begin(), files_.end());
  const std::string missing = unused_name(".", taken);
  auto sub = sub_fs_ ? sub_fs_->sub(missing) : vfs::sub(fs_, missing);
  if (!sub) {
    if (!sub.error().is(errc::not_exist)) {
      problem(".", call("sub", missing) + ": " + sub.error().message() + ", want " +
                       errc_name(errc::not_exist));
    }
  } else {
    expect_error(".", call("sub", missing) + " then open(\".\")", (*sub)->open("."),
                 errc::not_exist);
  }
  if (dirs_.size() < 2) return;
  const std::string& dir = dirs_[1];  // the first directory below the root
  auto sub_dir = sub_fs_ ? sub_fs_->sub(dir) : vfs::sub(fs_, dir);
  if (!sub_dir) {
    problem(dir, call("sub", dir) + ": " + sub_dir.error().message());
    return;
  }
  const std::string name(kMissing);
  expect_not_exist(dir, call("sub", dir) + " then open", name, (*sub_dir)->open(name));
}

}  // namespace vfs::testing::internal
