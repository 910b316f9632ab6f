// File checks: every way of stating a name agrees with its directory entry,
// and every way of reading a regular file returns the same bytes.
#include <span>

#include "format.h"
#include "reader_checks.h"
#include "tester.h"
#include "vfs/reader.h"

namespace vfs::testing::internal {

namespace {

// Neither a regular file nor a directory (a FIFO, a socket, a device): such
// a file is only stat'ed, as test_fs.h says. Opening one may fail (a
// socket) or wait (a FIFO with no writer), and reading one may never end.
bool only_stat(FileMode mode) { return !mode.is_regular() && !mode.is_dir(); }

// Takes bytes and keeps none (Go's io.Discard).
class Discard final : public Writer {
 public:
  Status write(std::span<const char>) override { return {}; }
};

}  // namespace

std::optional<FileInfo> Tester::check_stat(const std::string& path, const DirEntry& entry) {
  bool stat_only = only_stat(entry.type());
  if (entry.type().is_symlink()) {
    auto target = vfs::stat(fs_, path);
    if (!target && note_broken_link(path, target.error())) return std::nullopt;
    stat_only = target && only_stat(target->mode);
  }
  if (stat_only) return check_stat_only(path, entry);
  auto file = fs_.open(path);
  if (!file) {
    problem(path, "open: " + file.error().message());
    return std::nullopt;
  }
  auto info = (*file)->stat();
  if (!info) {
    problem(path, "file.stat(): " + info.error().message());
    return std::nullopt;
  }
  check_entry_agrees(path, entry, *info, "file.stat()");
  // Even for a symlink, stat by name follows it as open does.
  const std::string label = stat_fs_ ? "StatFS::stat" : "vfs::stat";
  if (auto sinfo = vfs::stat(fs_, path); !sinfo) {
    problem(path, label + ": " + sinfo.error().message());
  } else {
    check_same_info(path, label + " vs file.stat()", *sinfo, *info);
  }
  return std::move(*info);
}

// A FIFO, socket or device, or a link to one, is never opened: stat by name
// stands for file.stat().
std::optional<FileInfo> Tester::check_stat_only(const std::string& path, const DirEntry& entry) {
  const std::string label = stat_fs_ ? "StatFS::stat" : "vfs::stat";
  auto info = vfs::stat(fs_, path);
  if (!info) {
    problem(path, label + ": " + info.error().message());
    return std::nullopt;
  }
  check_entry_agrees(path, entry, *info, label);
  return std::move(*info);
}

// open and stat follow a symlink, so a link's entry describes the link
// itself and only entry.info() must agree with it; for other entries all
// must agree with `info`, which `source` gave.
void Tester::check_entry_agrees(const std::string& path, const DirEntry& entry,
                                const FileInfo& info, const std::string& source) {
  const bool link = entry.type().is_symlink();
  const std::string entry_text = format_dir_entry(entry);
  if (!link && entry_text != format_dir_entry(DirEntry(info))) {
    const std::string align(source.size() - 4, ' ');  // "entry: " as wide as source + ": "
    problem(path, "directory entry and " + source + " disagree:\n  entry:" + align + entry_text +
                      "\n  " + source + ": " + format_dir_entry(DirEntry(info)));
  }
  if (auto einfo = entry.info(); !einfo) {
    problem(path, "entry.info(): " + einfo.error().message());
  } else if (!link) {
    check_same_info(path, "entry.info() vs " + source, *einfo, info);
  } else if (entry_text != format_dir_entry(DirEntry(*einfo))) {
    problem(path, "symlink entry and entry.info() disagree:\n  entry:        " + entry_text +
                      "\n  entry.info(): " + format_dir_entry(DirEntry(*einfo)));
  }
}

void Tester::check_same_info(const std::string& path, std::string_view desc, const FileInfo& got,
                             const FileInfo& want) {
  const std::string got_text = format_file_info(got);
  const std::string want_text = format_file_info(want);
  if (got_text != want_text) {
    problem(path, std::string(desc) + " disagree:\n  got:  " + got_text + "\n  want: " + want_text);
  } else if (got.mod_time != want.mod_time) {  // below the second that the format shows
    const auto ns = [](Time t) {
      return std::to_string(std::chrono::nanoseconds(t.time_since_epoch()).count());
    };
    problem(path, std::string(desc) + " disagree on mod_time: got " + ns(got.mod_time) +
                      " ns, want " + ns(want.mod_time) + " ns since the epoch");
  }
}

void Tester::check_file(const std::string& path, const FileInfo& info) {
  if (stopped()) return;
  if (info.size > options_.max_file_bytes) return check_large_file(path, info);
  auto data = read_whole(path);
  if (!data) return;
  if (info.size != static_cast<std::int64_t>(data->size())) {
    problem(path, "file.stat() gives size " + std::to_string(info.size) + ", but read returned " +
                      std::to_string(data->size()) + " bytes");
  }
  check_read_file(path, *data);
  check_reader(path, *data);
  check_read_dir_on_file(path);
  // The samples stay in memory to the end: at most max_file_bytes of them.
  if (samples_.size() < options_.concurrent_files &&
      sample_bytes_ + static_cast<std::int64_t>(data->size()) <= options_.max_file_bytes) {
    sample_bytes_ += static_cast<std::int64_t>(data->size());
    samples_.push_back({path, std::move(*data)});
  }
}

// A file above max_file_bytes: read to its end in pieces, none kept, and
// no further than one byte past the size stat gives.
void Tester::check_large_file(const std::string& path, const FileInfo& info) {
  auto file = fs_.open(path);
  if (!file) return problem(path, "open: " + file.error().message());
  LimitReader limited(**file, info.size + 1);
  Discard discard;
  auto total = copy(discard, limited);
  if (!total) return problem(path, "open+read: " + total.error().message());
  if (*total != info.size) {
    problem(path, "file.stat() gives size " + std::to_string(info.size) + ", but read returned " +
                      (*total > info.size ? "more" : std::to_string(*total)) + " bytes");
  }
  if (auto st = (*file)->close(); !st) problem(path, "close: " + st.error().message());
  note(path, std::to_string(info.size) + " bytes, over Options::max_file_bytes: read once to " +
                 "the end; content checks skipped");
}

// The reference content: open + read to end of file + close.
std::optional<std::string> Tester::read_whole(const std::string& path) {
  auto file = fs_.open(path);
  if (!file) {
    problem(path, "open: " + file.error().message());
    return std::nullopt;
  }
  // Bounded: a file that reads longer than stat says (and so past
  // max_file_bytes) fails with EFBIG rather than filling memory.
  auto data = read_all(**file, 0, options_.max_file_bytes);
  if (!data) {
    problem(path, "open+read: " + data.error().message());
    return std::nullopt;
  }
  if (auto st = (*file)->close(); !st) {
    problem(path, "close: " + st.error().message());
  } else {
    check_closed(path, **file);
  }
  return std::move(*data);
}

void Tester::check_read_file(const std::string& path, const std::string& data) {
  const std::string label = read_file_fs_ ? "ReadFileFS::read_file" : "vfs::read_file";
  // Twice, as Go does: a backend that hands out a buffer it reuses fails the second time.
  for (const std::string nth : {"", "second "}) {
    auto again = vfs::read_file(fs_, path);
    if (!again) {
      problem(path, nth + label + ": " + again.error().message());
      return;
    }
    if (auto d = diff(*again, data); !d.empty()) {
      problem(path, "open+read vs " + nth + label + ": " + d);
      return;
    }
    std::fill(again->begin(), again->end(), '\xff');  // must not show through the next call
  }
}

// Small reads, seeks and read_at on a fresh handle, as iotest.TestReader.
void Tester::check_reader(const std::string& path, const std::string& data) {
  auto file = fs_.open(path);
  if (!file) {
    problem(path, "second open: " + file.error().message());
    return;
  }
  File& f = **file;
  if (auto e = check_small_reads(f, data)) {
    problem(path, *e);
  } else if (auto* seeker = dynamic_cast<Seeker*>(&f)) {
    if (auto e2 = check_seeks(f, *seeker, data)) problem(path, *e2);
  }
  if (auto* reader = dynamic_cast<ReaderAt*>(&f)) {
    if (auto e = check_read_at(*reader, data)) problem(path, *e);
  }
}

}  // namespace vfs::testing::internal
