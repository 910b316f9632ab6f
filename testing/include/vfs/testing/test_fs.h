// test_fs: a conformance checker for any vfs::FS, in the spirit of Go's
// testing/fstest.TestFS.
//
// It walks the whole FS and checks that every way of reaching a file agrees:
// open + stat/read/read_dir(n), the extension interfaces (StatFS, ReadDirFS,
// ReadFileFS, GlobFS, SubFS, ReaderAt, Seeker) and the helpers built on them
// (vfs::stat, vfs::read_dir, vfs::read_file, vfs::glob, vfs::sub). It also
// checks the error contracts that Go's checker leaves out: invalid names give
// errc::invalid, a missing name errc::not_exist, any call after close
// errc::closed; read_dir on a regular file and read on a directory fail; a
// bad glob pattern gives errc::bad_pattern; errors from a sub-FS name paths
// relative to it; and several threads reading the same files at once see the
// same bytes.
//
// Content is checked for regular files, symlinks to them included (open
// follows links); a symlink to a directory is stat'ed but not walked, so a
// link to an ancestor cannot loop. For an FS with symlinks (ReadLinkFS),
// lstat of every entry agrees with its directory entry, read_link succeeds
// on links and fails with errc::invalid on anything else (as Go 1.25's
// fstest checks).
//
// A real tree holds what no FS could serve: links that dangle, loop or
// leave the FS, names that are not UTF-8 (valid_path refuses them). Those
// are not defects of the backend; they are reported apart, as notes, and do
// not make the report fail - so test_fs is useful on real data (DirFS over
// /etc, an archive). Other file types (FIFOs, sockets,
// devices), and links to them, are only stat'ed, never opened: opening one
// may fail or wait, and reading one may not end. The FS must not change
// while it is checked. test_fs does not depend
// on a test framework; see vfs/testing/gtest.h for a GoogleTest assertion.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "vfs/fs.h"

namespace vfs::testing {

struct Options {
  // Threads that read the same files at once; fewer than 2 skips that check.
  int threads = 4;
  // How many regular files (the first ones found) the concurrent check reads.
  std::size_t concurrent_files = 64;
  // The checker stops after this many problems, so a badly broken FS still
  // gives a short, readable report.
  std::size_t max_problems = 100;
  // A regular file larger than this is read once, in pieces, to its end
  // (its size must match stat's), and noted; the content checks, which hold
  // several copies of a file in memory (up to about 8 times this), are for
  // smaller files. Reads stop here too when a file is longer than stat says.
  std::int64_t max_file_bytes = 64 << 20;
};

// Every problem found, one readable message each, e.g.
//   dir/x.txt: read_at(3 bytes at 10): got "abc", want "abd"
// and, apart, notes on what the tree holds that no FS could serve, e.g.
//   etc/mtab: symlink leads out of the file system (/proc/self/mounts)
class Report {
 public:
  explicit Report(std::size_t max_problems = Options{}.max_problems) : max_(max_problems) {}

  // True if no problem was found (notes do not count).
  bool ok() const noexcept { return problems_.empty(); }
  const std::vector<std::string>& problems() const noexcept { return problems_; }
  const std::vector<std::string>& notes() const noexcept { return notes_; }
  // True once max_problems were found: checking stopped early.
  bool full() const noexcept { return problems_.size() >= max_; }

  // Records a problem; ignored once full().
  void add(std::string problem);
  // Records a note (at most max_problems of them are kept).
  void add_note(std::string note);
  // All problems, one per line (multi-line problems indented), then the
  // notes; "" if there are neither.
  std::string to_string() const;

 private:
  std::size_t max_;
  std::vector<std::string> problems_;
  std::vector<std::string> notes_;
  std::size_t dropped_notes_ = 0;
};

// Checks `fs` and returns every problem found. As in Go, if `expected` is
// empty the FS must be empty; otherwise each expected name must be found (the
// FS may hold others). If the first check passes, it is repeated on
// vfs::sub(fs, d), where d is the top directory of the first expected name
// that has one, with the names below d expected there.
Report test_fs(FS& fs, const std::vector<std::string>& expected, const Options& options = {});

}  // namespace vfs::testing
