#include "vfs/file_info.h"

#include <ctime>

namespace vfs {

DirEntry::DirEntry(FileInfo info)
    : name_(std::move(info.name)),
      type_(info.mode.type()),
      mode_(info.mode),
      size_(info.size),
      mod_time_(info.mod_time) {}

DirEntry::DirEntry(std::string name, FileMode type, std::shared_ptr<const InfoSource> source)
    : name_(std::move(name)), type_(type.type()), source_(std::move(source)) {}

Result<FileInfo> DirEntry::info() const {
  if (source_) return source_->info(name_);
  return FileInfo{name_, size_, mode_, mod_time_};
}

std::string format_file_info(const FileInfo& info) {
  std::string out = info.mode.to_string();
  out += ' ';
  out += std::to_string(info.size);
  out += ' ';
  const std::time_t t = Clock::to_time_t(info.mod_time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  out += buf;
  out += ' ';
  out += info.name;
  if (info.is_dir()) out += '/';
  return out;
}

std::string format_dir_entry(const DirEntry& entry) {
  std::string mode = entry.type().to_string();
  mode.erase(mode.size() - 9);  // the type letters only, as Go prints them
  std::string out = mode + ' ' + entry.name();
  if (entry.is_dir()) out += '/';
  return out;
}

}  // namespace vfs
