#include <string>

#include "vfs/testing/test_fs.h"

namespace vfs::testing {

void Report::add(std::string problem) {
  if (!full()) problems_.push_back(std::move(problem));
}

void Report::add_note(std::string note) {
  if (notes_.size() < max_) {
    notes_.push_back(std::move(note));
  } else {
    ++dropped_notes_;
  }
}

namespace {

// Lines under a heading; continuation lines (diffs, lists) indented under their item.
void append_items(std::string& out, const std::vector<std::string>& items) {
  for (const std::string& item : items) {
    out += "  ";
    for (const char c : item) {
      out += c;
      if (c == '\n') out += "      ";
    }
    out += '\n';
  }
}

}  // namespace

std::string Report::to_string() const {
  std::string out;
  if (!ok()) {
    out = "vfs::testing::test_fs found " + std::to_string(problems_.size()) +
          (problems_.size() == 1 ? " problem:\n" : " problems:\n");
    append_items(out, problems_);
    if (full()) out += "  (stopped after " + std::to_string(max_) + " problems)\n";
  }
  if (!notes_.empty()) {
    out += "notes (what the tree holds that no FS could serve; not problems):\n";
    append_items(out, notes_);
    if (dropped_notes_) out += "  (" + std::to_string(dropped_notes_) + " more notes)\n";
  }
  return out;
}

}  // namespace vfs::testing
