#include <string>

#include "vfs/testing/test_fs.h"

namespace vfs::testing {

void Report::add(std::string problem) {
  if (!full()) problems_.push_back(std::move(problem));
}

std::string Report::to_string() const {
  if (ok()) return {};
  std::string out = "vfs::testing::test_fs found " + std::to_string(problems_.size()) +
                    (problems_.size() == 1 ? " problem:\n" : " problems:\n");
  for (const std::string& p : problems_) {
    // Continuation lines (diffs, lists) are indented under their problem.
    out += "  ";
    for (const char c : p) {
      out += c;
      if (c == '\n') out += "      ";
    }
    out += '\n';
  }
  if (full()) out += "  (stopped after " + std::to_string(max_) + " problems)\n";
  return out;
}

}  // namespace vfs::testing
