// BrokenFS: an FS over another FS that breaks exactly one rule of the model,
// so that tests can show vfs::testing::test_fs notices. With Break::none it
// is a faithful wrapper, and must pass.
#pragma once

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "vfs/vfs.h"

namespace vfs_test {

enum class Break {
  none,
  unsorted_read_dir,        // ReadDirFS::read_dir lists in reverse order
  stat_size,                // StatFS::stat reports one byte more than the file holds
  file_stat_size,           // File::stat and StatFS::stat both report one byte too many
  read_dir_too_many,        // ReadDirFile::read_dir(n) returns n + 1 entries
  read_dir_end_error,       // read_dir(n) at the end fails instead of returning an empty list
  read_dir_never_ends,      // read_dir(n) at the end starts over
  read_dir_zero_is_none,    // read_dir(0) returns no entries instead of all that are left
  accepts_invalid,          // leading slashes are stripped: "/a.txt" opens "a.txt"
  invalid_as_not_exist,     // invalid names fail, but with not_exist
  close_twice_ok,           // a second close succeeds
  usable_after_close,       // close succeeds but leaves the file usable
  missing_is_permission,    // a missing name fails with permission, not not_exist
  read_at_off_by_one,       // read_at at offset > 0 reads from offset - 1
  seek_end_ignores_offset,  // seek(n, end) goes to the end whatever n
  glob_extra,               // GlobFS::glob adds a name that does not match
  glob_accepts_bad,         // GlobFS::glob returns no names for a malformed pattern
  read_on_dir_ok,           // read on a directory returns 0, as for an empty file
  read_dir_on_file_ok,      // read_dir on a regular file returns no entries
  read_file_wrong_byte,     // ReadFileFS::read_file flips the last byte
  slash_in_entry_name,      // ReadDirFile::read_dir names entries "x/name"
  sub_full_error_paths,     // errors from a sub-FS name the parent's path
  shared_read_buffer,       // every read goes through one buffer shared by all files
  read_dir_into_appends,    // ReadDirFS::read_dir_into appends instead of replacing
};

class BrokenFS final : public vfs::StatFS,
                       public vfs::ReadDirFS,
                       public vfs::ReadFileFS,
                       public vfs::GlobFS,
                       public vfs::SubFS {
 public:
  BrokenFS(vfs::FSPtr inner, Break brk, std::string sub_dir = {})
      : inner_(std::move(inner)), brk_(brk), sub_dir_(std::move(sub_dir)) {}

  Break brk() const { return brk_; }

  vfs::Result<vfs::FilePtr> open(std::string_view name) override;

  vfs::Result<vfs::FileInfo> stat(std::string_view name) override {
    auto n = resolve("stat", name);
    if (!n) return std::move(n).error();
    auto info = vfs::stat(*inner_, *n);
    if (!info) return fix(std::move(info).error());
    if ((brk_ == Break::stat_size || brk_ == Break::file_stat_size) && info->mode.is_regular()) {
      ++info->size;
    }
    return info;
  }

  vfs::Result<std::vector<vfs::DirEntry>> read_dir(std::string_view name) override {
    auto n = resolve("readdir", name);
    if (!n) return std::move(n).error();
    auto list = vfs::read_dir(*inner_, *n);
    if (!list) return fix(std::move(list).error());
    if (brk_ == Break::unsorted_read_dir) std::reverse(list->begin(), list->end());
    return list;
  }

  vfs::Status read_dir_into(std::string_view name, std::vector<vfs::DirEntry>& entries) override {
    if (brk_ != Break::read_dir_into_appends) return ReadDirFS::read_dir_into(name, entries);
    auto list = read_dir(name);
    if (!list) return std::move(list).error();
    entries.insert(entries.end(), list->begin(), list->end());
    return {};
  }

  vfs::Result<std::string> read_file(std::string_view name) override {
    if (brk_ == Break::shared_read_buffer) {  // through the broken File::read
      auto file = open(name);
      if (!file) return std::move(file).error();
      return vfs::read_all(**file);
    }
    auto n = resolve("read", name);
    if (!n) return std::move(n).error();
    auto data = vfs::read_file(*inner_, *n);
    if (!data) return fix(std::move(data).error());
    if (brk_ == Break::read_file_wrong_byte && !data->empty()) data->back() ^= 1;
    return data;
  }

  vfs::Result<std::vector<std::string>> glob(std::string_view pattern) override {
    auto names = vfs::glob(*inner_, pattern);
    if (brk_ == Break::glob_accepts_bad && !names) return std::vector<std::string>{};
    if (brk_ == Break::glob_extra && names && !names->empty()) names->push_back("zz-not-matched");
    return names;
  }

  vfs::Result<vfs::FSPtr> sub(std::string_view dir) override {
    auto n = resolve("sub", dir);
    if (!n) return std::move(n).error();
    auto inner = vfs::sub(inner_, *n);
    if (!inner) return fix(std::move(inner).error());
    std::string full = brk_ == Break::sub_full_error_paths ? prefixed(*n) : std::string();
    return vfs::FSPtr(std::make_shared<BrokenFS>(std::move(*inner), brk_, std::move(full)));
  }

  // Break::shared_read_buffer: reads `file` into one buffer for the whole FS,
  // then copies it out. The lock is (wrongly) dropped in between.
  vfs::Result<std::size_t> shared_read(vfs::File& file, std::span<char> buf) {
    std::unique_lock lock(mu_);
    shared_.resize(buf.size());
    auto n = file.read(shared_);
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    lock.lock();
    if (n) std::copy_n(shared_.begin(), std::min(*n, shared_.size()), buf.begin());
    return n;
  }

  vfs::FS& inner() { return *inner_; }

  // Break::missing_is_permission and Break::sub_full_error_paths act here.
  vfs::Error fix(vfs::Error err) const {
    if (brk_ == Break::missing_is_permission && err.is(vfs::errc::not_exist)) {
      return vfs::Error(err.op(), err.path(), vfs::errc::permission);
    }
    if (!sub_dir_.empty()) return err.with_path(prefixed(err.path()));
    return err;
  }

 private:
  std::string prefixed(std::string_view name) const {
    if (sub_dir_.empty() || name == ".") return sub_dir_.empty() ? std::string(name) : sub_dir_;
    return sub_dir_ + "/" + std::string(name);
  }

  // The name to pass on, or the error a broken backend gives for it.
  vfs::Result<std::string> resolve(std::string_view op, std::string_view name) const {
    if (brk_ == Break::accepts_invalid) {
      while (name.size() > 1 && name.front() == '/') name.remove_prefix(1);
    }
    if (brk_ == Break::invalid_as_not_exist && !vfs::valid_path(name)) {
      return vfs::Error(std::string(op), std::string(name), vfs::errc::not_exist);
    }
    return std::string(name);
  }

  vfs::FSPtr inner_;
  Break brk_;
  std::string sub_dir_;  // Break::sub_full_error_paths: the parent's name of this sub-FS
  std::mutex mu_;
  std::string shared_;
};

// A file of a BrokenFS: forwards to the inner file, except where it breaks.
class BrokenFile final : public vfs::ReadDirFile, public vfs::ReaderAt, public vfs::Seeker {
 public:
  BrokenFile(BrokenFS& fs, std::string name, vfs::FilePtr inner)
      : fs_(fs), name_(std::move(name)), inner_(std::move(inner)) {}

  vfs::Result<vfs::FileInfo> stat() override {
    auto info = inner_->stat();
    if (info && fs_.brk() == Break::file_stat_size && info->mode.is_regular()) ++info->size;
    return info;
  }

  vfs::Result<std::size_t> read(std::span<char> buf) override {
    if (fs_.brk() == Break::read_on_dir_ok && dir() != nullptr && !closed_) return std::size_t{0};
    if (fs_.brk() == Break::shared_read_buffer) return fs_.shared_read(*inner_, buf);
    return inner_->read(buf);
  }

  vfs::Result<std::vector<vfs::DirEntry>> read_dir(int n) override {
    if (dir() == nullptr) {
      if (fs_.brk() == Break::read_dir_on_file_ok && !closed_) return std::vector<vfs::DirEntry>{};
      return unsupported("readdir");
    }
    if (fs_.brk() == Break::read_dir_zero_is_none && n == 0) return std::vector<vfs::DirEntry>{};
    auto list = dir()->read_dir(fs_.brk() == Break::read_dir_too_many && n > 0 ? n + 1 : n);
    if (!list || !list->empty() || n <= 0) return renamed(std::move(list));
    if (fs_.brk() == Break::read_dir_end_error)
      return vfs::Error("readdir", name_, vfs::errc::not_exist);
    if (fs_.brk() == Break::read_dir_never_ends) {
      auto again = fs_.inner().open(name_);  // start over
      if (!again) return std::move(again).error();
      inner_ = std::move(*again);
      return renamed(dir()->read_dir(n));
    }
    return list;
  }

  vfs::Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    auto* r = dynamic_cast<vfs::ReaderAt*>(inner_.get());
    if (r == nullptr) return unsupported("read");
    if (fs_.brk() == Break::read_at_off_by_one && offset > 0) --offset;
    return r->read_at(buf, offset);
  }

  vfs::Result<std::int64_t> seek(std::int64_t offset, vfs::Whence whence) override {
    auto* s = dynamic_cast<vfs::Seeker*>(inner_.get());
    if (s == nullptr) return unsupported("seek");
    if (fs_.brk() == Break::seek_end_ignores_offset && whence == vfs::Whence::end) offset = 0;
    return s->seek(offset, whence);
  }

  vfs::Status close() override {
    if (closed_ && fs_.brk() == Break::close_twice_ok) return {};
    closed_ = true;
    if (fs_.brk() == Break::usable_after_close) return {};
    return inner_->close();
  }

 private:
  // What the inner file cannot do: closed after close, as for any call.
  vfs::Error unsupported(std::string op) const {
    return vfs::Error(std::move(op), name_, closed_ ? vfs::errc::closed : vfs::errc::not_supported);
  }

  vfs::ReadDirFile* dir() const { return dynamic_cast<vfs::ReadDirFile*>(inner_.get()); }

  vfs::Result<std::vector<vfs::DirEntry>> renamed(vfs::Result<std::vector<vfs::DirEntry>> list) {
    if (!list || fs_.brk() != Break::slash_in_entry_name) return list;
    std::vector<vfs::DirEntry> out;
    for (const vfs::DirEntry& e : *list) {
      auto info = e.info();
      if (!info) return std::move(info).error();
      info->name = "x/" + info->name;
      out.emplace_back(std::move(*info));
    }
    return out;
  }

  BrokenFS& fs_;
  std::string name_;
  vfs::FilePtr inner_;
  bool closed_ = false;
};

inline vfs::Result<vfs::FilePtr> BrokenFS::open(std::string_view name) {
  auto n = resolve("open", name);
  if (!n) return std::move(n).error();
  auto file = inner_->open(*n);
  if (!file) return fix(std::move(file).error());
  return vfs::FilePtr(std::make_unique<BrokenFile>(*this, std::move(*n), std::move(*file)));
}

}  // namespace vfs_test
