// FileInfo describes a file (Go's fs.FileInfo); DirEntry is one entry read
// from a directory (Go's fs.DirEntry), whose full FileInfo may cost a stat
// and so is fetched only when asked for.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "vfs/file_mode.h"
#include "vfs/result.h"

namespace vfs {

using Clock = std::chrono::system_clock;
using Time = Clock::time_point;

// A value type: what Go's FileInfo interface returns, minus Sys().
struct FileInfo {
  std::string name;  // base name of the file ("." style names never appear, but "." may for a root)
  std::int64_t size = 0;
  FileMode mode;
  Time mod_time;

  bool is_dir() const { return mode.is_dir(); }

  friend bool operator==(const FileInfo&, const FileInfo&) = default;
};

// Go's fs.FormatFileInfo: "-rw-r--r-- 100 2024-01-02 03:04:05 name".
std::string format_file_info(const FileInfo& info);

class DirEntry {
 public:
  // Where a lazy entry gets its FileInfo from. A backend makes one per
  // directory read and shares it between that directory's entries.
  class InfoSource {
   public:
    virtual ~InfoSource() = default;
    virtual Result<FileInfo> info(std::string_view name) const = 0;
  };

  // An entry whose FileInfo is already known (Go's fs.FileInfoToDirEntry).
  explicit DirEntry(FileInfo info);
  // An entry that knows only its name and type bits; info() asks `source`.
  DirEntry(std::string name, FileMode type, std::shared_ptr<const InfoSource> source);

  const std::string& name() const noexcept { return name_; }
  bool is_dir() const noexcept { return type_.is_dir(); }
  // The type bits only (FileMode::type_mask), as Go's DirEntry.Type().
  FileMode type() const noexcept { return type_; }
  // The full FileInfo. For a lazy entry this may do I/O, and may fail (e.g.
  // not_exist if the file was removed after the directory was read).
  Result<FileInfo> info() const;

 private:
  // An eager entry keeps its FileInfo inline (minus the name, which is
  // name_), so listing a directory allocates nothing per entry beyond names.
  std::string name_;
  FileMode type_;
  FileMode mode_;
  std::int64_t size_ = 0;
  Time mod_time_;
  std::shared_ptr<const InfoSource> source_;  // null for eager entries
};

// Go's fs.FormatDirEntry: "d name/" or "- name".
std::string format_dir_entry(const DirEntry& entry);

}  // namespace vfs
