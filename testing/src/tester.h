// Tester: one pass of test_fs over one FS. Its checks are spread over
// check_dir.cc (listings and glob), check_file.cc (stat and content) and
// check_errors.cc (error contracts). Internal to vfs::testing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "concurrent_reads.h"
#include "vfs/glob.h"
#include "vfs/read_dir.h"
#include "vfs/read_file.h"
#include "vfs/read_link.h"
#include "vfs/stat.h"
#include "vfs/sub.h"
#include "vfs/testing/test_fs.h"

namespace vfs::testing::internal {

class Tester {
 public:
  // Problems go to `report`, each message starting with `context` (which
  // names the FS under test in the sub-FS pass).
  Tester(FS& fs, const Options& options, Report& report, std::string context);

  // Walks the FS, checking everything found, then checks that `expected`
  // names are present (or, if it is empty, that the FS is empty).
  void run(const std::vector<std::string>& expected);

 private:
  // check_dir.cc
  void check_tree();
  void check_dir(const std::string& dir);
  std::optional<std::vector<DirEntry>> read_dir_once(const std::string& dir);
  void check_entries(const std::string& dir, const std::vector<DirEntry>& list);
  void check_entry(const std::string& path, const DirEntry& entry);
  void check_reread(const std::string& dir, const std::vector<DirEntry>& list);
  void check_fragments(const std::string& dir, const std::vector<DirEntry>& list);
  void check_read_dir_zero(const std::string& dir, const std::vector<DirEntry>& list);
  void check_sorted_list(const std::string& dir, const std::vector<DirEntry>& list);
  void check_glob(const std::string& dir, const std::vector<DirEntry>& list);
  void check_dir_list(const std::string& dir, std::string_view desc,
                      const std::vector<DirEntry>& want, const std::vector<DirEntry>& got);
  ReadDirFile* open_dir(const std::string& dir, FilePtr& holder);

  // check_file.cc
  std::optional<FileInfo> check_stat(const std::string& path, const DirEntry& entry);
  std::optional<FileInfo> check_stat_only(const std::string& path, const DirEntry& entry);
  void check_entry_agrees(const std::string& path, const DirEntry& entry, const FileInfo& info,
                          const std::string& source);
  void check_same_info(const std::string& path, std::string_view desc, const FileInfo& got,
                       const FileInfo& want);
  void check_file(const std::string& path, const FileInfo& info);
  std::optional<std::string> read_whole(const std::string& path);
  void check_large_file(const std::string& path, const FileInfo& info);
  void check_read_file(const std::string& path, const std::string& data);
  void check_reader(const std::string& path, const std::string& data);

  // check_link.cc
  void check_link(const std::string& path, const DirEntry& entry);
  bool note_broken_link(const std::string& path, const Error& err);

  // check_errors.cc
  void check_bad_paths(const std::string& name, bool is_dir);
  void check_missing(const std::string& dir, const std::vector<DirEntry>& list);
  void check_closed(const std::string& name, File& file);
  void check_read_on_dir(const std::string& dir);
  void check_read_dir_on_file(const std::string& path);
  void check_sub_contract();
  template <class T>
  void expect_error(const std::string& subject, const std::string& what, const Result<T>& r,
                    errc want);
  template <class T>
  void expect_not_exist(const std::string& subject, std::string_view op, const std::string& name,
                        const Result<T>& r);

  // test_fs.cc
  void check_expected(const std::vector<std::string>& expected);
  void check_concurrent();
  void problem(std::string_view path, const std::string& message);
  void note(std::string_view path, const std::string& message);
  bool stopped() const { return report_.full(); }

  FS& fs_;
  ReadDirFS* read_dir_fs_;
  ReadFileFS* read_file_fs_;
  StatFS* stat_fs_;
  SubFS* sub_fs_;
  ReadLinkFS* link_fs_;
  const Options& options_;
  Report& report_;
  std::string context_;

  std::vector<std::string> dirs_;          // every directory of the walk, "." first
  std::vector<std::string> pending_dirs_;  // found, not yet checked (check_tree)
  std::vector<std::string> files_;         // every other name of the walk
  std::vector<Sample> samples_;            // regular files' contents, for check_concurrent
  std::int64_t sample_bytes_ = 0;          // their sizes' sum
};

}  // namespace vfs::testing::internal
