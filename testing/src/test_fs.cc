#include "vfs/testing/test_fs.h"

#include <algorithm>
#include <memory>

#include "format.h"
#include "tester.h"

namespace vfs::testing {
namespace internal {

Tester::Tester(FS& fs, const Options& options, Report& report, std::string context)
    : fs_(fs),
      read_dir_fs_(dynamic_cast<ReadDirFS*>(&fs)),
      read_file_fs_(dynamic_cast<ReadFileFS*>(&fs)),
      stat_fs_(dynamic_cast<StatFS*>(&fs)),
      sub_fs_(dynamic_cast<SubFS*>(&fs)),
      link_fs_(dynamic_cast<ReadLinkFS*>(&fs)),
      options_(options),
      report_(report),
      context_(std::move(context)) {}

void Tester::run(const std::vector<std::string>& expected) {
  check_bad_paths(".", /*is_dir=*/true);
  check_tree();
  check_sub_contract();
  check_expected(expected);
  check_concurrent();
}

void Tester::problem(std::string_view path, const std::string& message) {
  report_.add(context_ + std::string(path) + ": " + message);
}

void Tester::note(std::string_view path, const std::string& message) {
  report_.add_note(context_ + std::string(path) + ": " + message);
}

void Tester::check_expected(const std::vector<std::string>& expected) {
  if (stopped()) return;  // the walk did not finish, so found_ is incomplete
  std::vector<std::string> found = dirs_;
  found.insert(found.end(), files_.begin(), files_.end());
  std::sort(found.begin(), found.end());
  found.erase(std::remove(found.begin(), found.end(), "."), found.end());
  if (expected.empty() && !found.empty()) {
    constexpr std::size_t kShown = 10;
    std::string list;
    for (std::size_t i = 0; i < std::min(found.size(), kShown); ++i) list += "\n" + found[i];
    if (found.size() > kShown) list += "\n... (" + std::to_string(found.size()) + " in all)";
    problem(".", "expected an empty file system but found files:" + list);
  }
  for (const std::string& name : expected) {
    if (!valid_path(name)) {
      problem(name, "expected name is not a valid path (test setup error)");
    } else if (name != "." && !std::binary_search(found.begin(), found.end(), name)) {
      problem(name, "expected but not found");
    }
  }
}

void Tester::check_concurrent() {
  if (stopped()) return;
  for (Finding& f : check_concurrent_reads(fs_, samples_, options_.threads)) {
    problem(f.name, f.message);
  }
}

// Go's TestFS repeats the check on a sub-FS: the top directory of the first
// expected name that has one, expecting the names below it.
void check_sub(FS& fs, const std::vector<std::string>& expected, const Options& options,
               Report& report) {
  auto with_dir = std::find_if(expected.begin(), expected.end(), [](const std::string& n) {
    return n.find('/') != std::string::npos;
  });
  if (with_dir == expected.end()) return;
  const std::string dir = with_dir->substr(0, with_dir->find('/'));
  std::vector<std::string> sub_expected;
  for (const std::string& name : expected) {
    if (name.starts_with(dir + "/")) sub_expected.push_back(name.substr(dir.size() + 1));
  }
  const std::string context = "sub(fs, " + quote(dir) + "): ";
  auto sub = vfs::sub(fs, dir);
  if (!sub) {
    report.add(context + sub.error().message());
    return;
  }
  Tester(**sub, options, report, context).run(sub_expected);
}

}  // namespace internal

Report test_fs(FS& fs, const std::vector<std::string>& expected, const Options& options) {
  Report report(options.max_problems);
  internal::Tester(fs, options, report, "").run(expected);
  // As in Go, a sub-FS pass over a failing FS would only repeat its problems.
  if (report.ok()) internal::check_sub(fs, expected, options, report);
  return report;
}

}  // namespace vfs::testing
