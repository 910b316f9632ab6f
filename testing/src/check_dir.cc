// Directory checks: listings read every way agree, read_dir(n) keeps its
// contract, and glob finds what the listing holds.
#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include "format.h"
#include "tester.h"

namespace vfs::testing::internal {
namespace {

// Deeper than this, the tree is taken to contain itself (a valid tree this
// deep has paths of at least 8 KiB, far past any real file system's).
constexpr std::size_t kMaxDepth = 4096;

std::size_t depth(std::string_view path) {
  return path == "." ? 0 : static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')) + 1;
}

std::string count_or_error(const Result<std::vector<DirEntry>>& r) {
  if (!r) return r.error().message();
  return std::to_string(r->size()) + " entries";
}

bool valid_entry_name(const std::string& name) {
  return name != "." && name.find('/') == std::string::npos && valid_path(name);
}

// A name valid in every way but UTF-8: a real tree may hold one (valid_path
// follows Go in refusing it), and that is the tree's doing, not the FS's.
bool valid_entry_name_but_utf8(const std::string& name) {
  std::string ascii = name;
  for (char& c : ascii) {
    if (static_cast<unsigned char>(c) >= 0x80) c = 'x';
  }
  return ascii != name && valid_entry_name(ascii);
}

// The byte length of the UTF-8 sequence that starts with `lead`.
std::size_t rune_length(char lead) {
  const auto c = static_cast<unsigned char>(lead);
  return c < 0x80 ? 1 : c >> 5 == 0x6 ? 2 : c >> 4 == 0xE ? 3 : c >> 3 == 0x1E ? 4 : 1;
}

// One ASCII character written one of five ways, all matching only itself.
std::string glob_char(char c, std::size_t style) {
  const std::string s(1, c);
  switch (style % 5) {
    case 0:
      return s;
    case 1:
      return "[" + s + "]";
    case 2:
      return "[" + s + "-" + s + "]";
    case 3:
      return "[\\" + s + "]";
    default:
      return "[\\" + s + "-\\" + s + "]";
  }
}

// A convoluted pattern that matches only `dir`, as Go's checkGlob builds it,
// followed by a slash ("" for the root).
std::string glob_prefix(std::string_view dir) {
  if (dir == ".") return "";
  std::string out;
  std::size_t elem = 0, rune = 0;
  for (std::size_t i = 0; i < dir.size();) {
    const char c = dir[i];
    if (c == '/') {
      out += '/';
      ++elem, rune = 0, ++i;
      continue;
    }
    const std::size_t len = rune_length(c);
    if (len > 1) {
      out += dir.substr(i, len);  // classes are byte-wise here; keep runes literal
    } else if (std::string_view("*?\\[]-^").find(c) != std::string_view::npos) {
      out += '\\', out += c;  // Go escapes fewer, and fails on names with ']' or '^'
    } else {
      out += glob_char(c, elem + rune);
    }
    i += len, ++rune;
  }
  return out + "/";
}

// A letter in some but not all names, so the pattern both matches and rejects.
char split_letter(const std::vector<DirEntry>& list) {
  for (char c = 'a'; c <= 'z'; ++c) {
    const auto has = [c](const DirEntry& e) { return e.name().find(c) != std::string::npos; };
    if (std::any_of(list.begin(), list.end(), has) && !std::all_of(list.begin(), list.end(), has)) {
      return c;
    }
  }
  return 'a';
}

// "missing: x" and "extra: y" lines between two sorted lists of names.
std::string name_diff(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                      std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  std::string lines;
  for (const std::string& m : missing) lines += "\nmissing: " + m;
  for (const std::string& x : extra) lines += "\nextra: " + x;
  return lines.empty() ? "\n(a name is listed more than once)" : lines;
}

}  // namespace

// Depth first, in listing order, as a recursion would go, but with the
// directories still to check on a list rather than the stack: a deep tree
// must not overflow a small (fiber) stack.
void Tester::check_tree() {
  pending_dirs_.assign({"."});
  while (!pending_dirs_.empty() && !stopped()) {
    const std::string dir = std::move(pending_dirs_.back());
    pending_dirs_.pop_back();
    const std::size_t children = pending_dirs_.size();
    check_dir(dir);  // queues dir's subdirectories, in listing order
    std::reverse(pending_dirs_.begin() + static_cast<std::ptrdiff_t>(children),
                 pending_dirs_.end());
  }
  pending_dirs_.clear();
}

void Tester::check_dir(const std::string& dir) {
  if (stopped()) return;
  dirs_.push_back(dir);
  if (depth(dir) > kMaxDepth) {
    problem(dir, "more than " + std::to_string(kMaxDepth) +
                     " levels deep; does a directory contain itself?");
    return;
  }
  auto list = read_dir_once(dir);
  if (!list) return;
  check_entries(dir, *list);
  check_reread(dir, *list);
  check_fragments(dir, *list);
  check_read_dir_zero(dir, *list);
  check_sorted_list(dir, *list);
  check_glob(dir, *list);
  check_missing(dir, *list);
  check_read_on_dir(dir);
}

ReadDirFile* Tester::open_dir(const std::string& dir, FilePtr& holder) {
  auto file = fs_.open(dir);
  if (!file) {
    problem(dir, "open: " + file.error().message());
    return nullptr;
  }
  holder = std::move(*file);
  auto* d = dynamic_cast<ReadDirFile*>(holder.get());
  if (d == nullptr) problem(dir, "open of a directory returned a File that is not a ReadDirFile");
  return d;
}

// The reference listing: open + read_dir(-1). Also checks the end of the
// directory and close.
std::optional<std::vector<DirEntry>> Tester::read_dir_once(const std::string& dir) {
  FilePtr holder;
  ReadDirFile* d = open_dir(dir, holder);
  if (d == nullptr) return std::nullopt;
  auto list = d->read_dir(-1);
  if (!list) {
    problem(dir, "read_dir(-1): " + list.error().message());
    return std::nullopt;
  }
  // fs.h: at the end, both forms return an empty list, not an error.
  for (const int n : {-1, 1}) {
    auto again = d->read_dir(n);
    if (!again || !again->empty()) {
      problem(dir, "read_dir(" + std::to_string(n) + ") at end = " + count_or_error(again) +
                       ", want an empty list");
    }
  }
  if (auto st = d->close(); !st) {
    problem(dir, "close: " + st.error().message());
  } else {
    check_closed(dir, *d);
  }
  return std::move(*list);
}

void Tester::check_entries(const std::string& dir, const std::vector<DirEntry>& list) {
  std::set<std::string> names;
  for (const DirEntry& entry : list) {
    if (stopped()) return;
    if (!valid_entry_name(entry.name())) {
      if (valid_entry_name_but_utf8(entry.name())) {
        note(join_path(dir, quote(entry.name())),
             "name is not UTF-8: valid_path refuses it, so no FS call can reach it");
      } else {
        problem(dir, "read_dir(-1): invalid entry name " + quote(entry.name()));
      }
    } else if (!names.insert(entry.name()).second) {
      problem(dir, "read_dir(-1): duplicate entry " + quote(entry.name()));
    } else {
      check_entry(join_path(dir, entry.name()), entry);
    }
  }
}

void Tester::check_entry(const std::string& path, const DirEntry& entry) {
  check_bad_paths(path, entry.is_dir());
  check_link(path, entry);
  const auto info = check_stat(path, entry);
  if (entry.is_dir()) {
    pending_dirs_.push_back(path);
    return;
  }
  files_.push_back(path);
  // Content is checked for regular files only, symlinks to them included; a
  // symlink to a directory is not walked, so a link to an ancestor cannot loop.
  if (info && info->mode.is_regular()) check_file(path, *info);
}

void Tester::check_reread(const std::string& dir, const std::vector<DirEntry>& list) {
  FilePtr holder;
  ReadDirFile* d = open_dir(dir, holder);
  if (d == nullptr) return;
  auto again = d->read_dir(-1);
  if (!again) {
    problem(dir, "second open+read_dir(-1): " + again.error().message());
    return;
  }
  check_dir_list(dir, "read_dir(-1) vs second open+read_dir(-1)", list, *again);
}

// read_dir(n) in pieces of 1, 2, 3, 4, 1, ...: never more than n at once,
// an empty list at the end, and the same entries as read_dir(-1).
void Tester::check_fragments(const std::string& dir, const std::vector<DirEntry>& list) {
  FilePtr holder;
  ReadDirFile* d = open_dir(dir, holder);
  if (d == nullptr) return;
  std::vector<DirEntry> all;
  for (int n = 1;; n = n % 4 + 1) {
    const std::string what =
        "read_dir(" + std::to_string(n) + ") after " + std::to_string(all.size()) + " entries";
    auto frag = d->read_dir(n);
    if (!frag) {
      problem(dir, what + ": " + frag.error().message());
      return;
    }
    if (frag->size() > static_cast<std::size_t>(n)) {
      problem(dir, what + ": " + std::to_string(frag->size()) + " entries (too many)");
      return;
    }
    if (frag->empty()) break;
    all.insert(all.end(), frag->begin(), frag->end());
    if (all.size() > list.size()) {
      problem(dir, what + ": more entries than read_dir(-1) returned (" +
                       std::to_string(list.size()) + "); is the end never signalled?");
      return;
    }
  }
  check_dir_list(dir, "read_dir(-1) vs read_dir(1, 2, 3, 4, ...)", list, all);
}

// read_dir(0) returns all the entries that are left, then an empty list.
void Tester::check_read_dir_zero(const std::string& dir, const std::vector<DirEntry>& list) {
  FilePtr holder;
  ReadDirFile* d = open_dir(dir, holder);
  if (d == nullptr) return;
  auto first = d->read_dir(1);
  auto rest = d->read_dir(0);
  if (!first || !rest) {
    problem(dir, "read_dir(1) then read_dir(0): " + (first ? rest : first).error().message());
    return;
  }
  first->insert(first->end(), rest->begin(), rest->end());
  check_dir_list(dir, "read_dir(-1) vs read_dir(1) + read_dir(0)", list, *first);
  auto end = d->read_dir(0);
  if (!end || !end->empty()) {
    problem(dir, "read_dir(0) at end = " + count_or_error(end) + ", want an empty list");
  }
}

// vfs::read_dir (ReadDirFS::read_dir when the FS has it) lists the same
// entries, sorted by name; so does vfs::read_dir_into.
void Tester::check_sorted_list(const std::string& dir, const std::vector<DirEntry>& list) {
  const std::string label = read_dir_fs_ ? "ReadDirFS::read_dir" : "vfs::read_dir";
  auto sorted = vfs::read_dir(fs_, dir);
  if (!sorted) {
    problem(dir, label + ": " + sorted.error().message());
    return;
  }
  check_dir_list(dir, "read_dir(-1) vs " + label, list, *sorted);
  const auto unsorted =
      std::adjacent_find(sorted->begin(), sorted->end(),
                         [](const DirEntry& a, const DirEntry& b) { return a.name() >= b.name(); });
  if (unsorted != sorted->end()) {
    problem(dir, label + ": not sorted: " + quote(unsorted->name()) + " before " +
                     quote((unsorted + 1)->name()));
  }
  // read_dir_into lists the same, replacing whatever the vector held.
  std::vector<DirEntry> into(3, DirEntry(FileInfo{"stale", 0, {}, {}}));
  if (auto st = vfs::read_dir_into(fs_, dir, into); !st) {
    problem(dir, "read_dir_into: " + st.error().message());
    return;
  }
  check_dir_list(dir, label + " vs read_dir_into", *sorted, into);
}

void Tester::check_dir_list(const std::string& dir, std::string_view desc,
                            const std::vector<DirEntry>& want, const std::vector<DirEntry>& got) {
  // name -> (want, got) formatted; the map sorts the diff by name.
  std::map<std::string, std::pair<std::string, std::string>> by_name;
  for (const DirEntry& e : want) by_name[e.name()].first = format_dir_entry(e);
  for (const DirEntry& e : got) by_name[e.name()].second = format_dir_entry(e);
  std::string diffs;
  for (const auto& [name, pair] : by_name) {
    if (pair.first == pair.second) continue;
    if (!pair.first.empty()) diffs += "\n- " + pair.first;
    if (!pair.second.empty()) diffs += "\n+ " + pair.second;
  }
  if (diffs.empty() && want.size() != got.size()) diffs = "\n(an entry is listed more than once)";
  if (!diffs.empty()) problem(dir, std::string(desc) + " differ:" + diffs);
}

void Tester::check_glob(const std::string& dir, const std::vector<DirEntry>& list) {
  const std::string prefix = glob_prefix(dir);
  const std::string bad = prefix + "nonexist/[]";
  if (auto r = vfs::glob(fs_, bad); r) {
    problem(dir, call("glob", bad) + ": bad pattern not detected");
  } else if (!r.error().is(errc::bad_pattern)) {
    problem(dir, call("glob", bad) + ": " + r.error().message() + ", want " +
                     errc_name(errc::bad_pattern));
  }

  const char c = split_letter(list);
  const std::string pattern = prefix + "*" + c + "*";
  std::vector<std::string> want;
  for (const DirEntry& e : list) {
    if (e.name().find(c) != std::string::npos) want.push_back(join_path(dir, e.name()));
  }
  std::sort(want.begin(), want.end());
  auto got = vfs::glob(fs_, pattern);
  if (!got) {
    problem(dir, call("glob", pattern) + ": " + got.error().message());
    return;
  }
  if (!std::is_sorted(got->begin(), got->end())) {
    problem(dir, call("glob", pattern) + ": output not sorted");
    std::sort(got->begin(), got->end());
  }
  if (*got != want) problem(dir, call("glob", pattern) + ": wrong output:" + name_diff(*got, want));
}

}  // namespace vfs::testing::internal
