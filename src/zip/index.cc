#include "zip/index.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <tuple>
#include <unordered_map>

#include "prefault.h"
#include "vfs/fs.h"
#include "zip/name_hash.h"
#include "zip/names.h"
#include "zip/zip_error.h"

namespace vfs::zip {
namespace {

// The first 8 bytes of `s`, big-endian, zero-padded: integers that compare
// as the strings' prefixes do (names hold no NUL).
std::uint64_t prefix_key(std::string_view s) {
  std::uint64_t key = 0;
  const std::size_t n = std::min<std::size_t>(s.size(), 8);
  for (std::size_t i = 0; i < n; ++i) {
    key |= std::uint64_t{static_cast<unsigned char>(s[i])} << (56 - 8 * i);
  }
  return key;
}

// A name's directory part: "" at the top level.
std::string_view parent_of(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : name.substr(0, slash);
}

}  // namespace

// The directories the names imply, by name, each with an id: the order in
// which they were found (the root's is 0).
struct Index::DirTable {
  std::unordered_map<std::string_view, std::uint32_t, NameHash> ids;
  std::vector<std::string_view> names{std::string_view()};  // by id
};

Result<Index> Index::build(CentralDirectory cd, const Limits& limits,
                           std::string_view archive_name) {
  Index index;
  index.cd_ = std::move(cd);
  // Synthesized directories come on top of the records: without room for
  // them the vector would be copied once more near its end.
  index.nodes_.reserve(index.cd_.entries.size() + index.cd_.entries.size() / 4 + 16);
  // One node per record, at most: map those pages at once (prefault.h).
  internal::populate(index.nodes_.data(), (index.cd_.entries.size() + 1) * sizeof(Node));
  index.nodes_.push_back(Node{});  // the root: an empty name, no record
  index.add_records();
  DirTable dirs;
  if (auto st = index.add_parents(dirs, limits, archive_name); !st) return std::move(st).error();
  const std::vector<std::string_view> dir_names = index.rank_dirs(dirs);
  index.sort_and_merge();
  index.link_children(dir_names);
  return index;
}

Index::Node Index::make_node(std::string_view name, std::uint32_t entry, Kind kind) const {
  const std::size_t slash = name.rfind('/');
  Node n;
  n.name_offset = static_cast<std::uint32_t>(name.data() - cd_.names.data());
  n.name_size = static_cast<std::uint32_t>(name.size());
  n.base_pos = slash == std::string_view::npos ? 0 : static_cast<std::uint32_t>(slash + 1);
  n.base_key = prefix_key(name.substr(n.base_pos));
  n.entry = entry;
  n.kind = kind;
  return n;
}

// One node per record that has a valid name. A cleaned name that is the raw
// one (perhaps without its trailing '/') shares its bytes; only the others
// are appended to the names.
void Index::add_records() {
  std::string scratch;
  for (std::uint32_t i = 0; i < cd_.entries.size(); ++i) {
    const Entry& e = cd_.entries[i];
    std::string_view name = clean_name(cd_.name(e), scratch);
    if (name.empty() || !valid_path(name)) {
      ++stats_.invalid_names;
      continue;
    }
    if (name.data() == scratch.data()) {
      const std::size_t offset = cd_.names.size();
      cd_.names.append(name);
      name = std::string_view(cd_.names).substr(offset);
    }
    nodes_.push_back(make_node(name, i, e.mode.is_dir() ? Kind::dir_record : Kind::file));
  }
}

// Gives every record node its directory's id, and adds a node for every
// directory the names imply, records or not (merging drops the copies).
// Names that share their directory with the one before, as most do, cost a
// comparison; others a lookup.
Status Index::add_parents(DirTable& dirs, const Limits& limits, std::string_view archive_name) {
  std::string_view last;
  std::uint32_t last_id = 0;
  const std::size_t records = nodes_.size();
  for (std::size_t k = 1; k < records; ++k) {
    const std::string_view dir = dir_of(nodes_[k]);
    if (dir != last) {
      auto id = dir_id(dir, dirs, limits, archive_name);
      if (!id) return std::move(id).error();
      last = dir;
      last_id = *id;
    }
    nodes_[k].dir = last_id;
  }
  return {};
}

// The id of directory `dir`. A new one gets a node, and so do its ancestors
// up to the first known one; ids are consecutive up that chain, so each
// new node's directory is the next id.
Result<std::uint32_t> Index::dir_id(std::string_view dir, DirTable& dirs, const Limits& limits,
                                    std::string_view archive_name) {
  const auto first = static_cast<std::uint32_t>(dirs.names.size());
  const std::size_t first_node = nodes_.size();
  std::uint32_t known = 0;  // the first known ancestor (or the root)
  while (!dir.empty()) {
    const auto [it, added] =
        dirs.ids.try_emplace(dir, static_cast<std::uint32_t>(dirs.names.size()));
    if (!added) {
      known = it->second;
      break;
    }
    if (nodes_.size() - 1 >= limits.max_entries) {
      return zip_error(archive_name, zip_errc::too_many_entries);
    }
    dirs.names.push_back(dir);
    nodes_.push_back(make_node(dir, kNone, Kind::synthesized_dir));
    dir = parent_of(dir);
  }
  const std::size_t added = nodes_.size() - first_node;
  for (std::size_t j = 0; j < added; ++j) {
    nodes_[first_node + j].dir = j + 1 < added ? first + static_cast<std::uint32_t>(j) + 1 : known;
  }
  return added > 0 ? first : known;
}

// Replaces the nodes' directory ids by the ranks of the directories' names;
// returns the names by rank.
std::vector<std::string_view> Index::rank_dirs(DirTable& dirs) {
  std::vector<std::uint32_t> by_name(dirs.names.size());
  for (std::uint32_t id = 0; id < by_name.size(); ++id) by_name[id] = id;
  std::sort(by_name.begin(), by_name.end(),
            [&](std::uint32_t a, std::uint32_t b) { return dirs.names[a] < dirs.names[b]; });
  std::vector<std::uint32_t> rank(by_name.size());
  std::vector<std::string_view> names(by_name.size());
  for (std::uint32_t r = 0; r < by_name.size(); ++r) {
    rank[by_name[r]] = r;
    names[r] = dirs.names[by_name[r]];
  }
  for (Node& n : nodes_) n.dir = rank[n.dir];
  return names;
}

bool Index::less(const Node& a, const Node& b) const {
  if (a.dir != b.dir) return a.dir < b.dir;
  if (a.base_key != b.base_key) return a.base_key < b.base_key;
  if (const int c = base_of(a).compare(base_of(b))) return c < 0;
  return std::tie(a.kind, a.entry) < std::tie(b.kind, b.entry);
}

// Sorts the nodes after the root, and keeps the first of each name: the
// sort put a directory record first, then a synthesized directory, then the
// earliest record.
void Index::sort_and_merge() {
  std::sort(nodes_.begin() + 1, nodes_.end(),
            [this](const Node& a, const Node& b) { return less(a, b); });
  std::size_t kept = 1;
  for (std::size_t k = 1; k < nodes_.size(); ++k) {
    const Node& n = nodes_[k];
    Node& last = nodes_[kept - 1];
    if (last.dir != n.dir || last.base_key != n.base_key ||
        base_of(last) != base_of(n)) {  // the root's empty name is no other's
      nodes_[kept++] = n;
    } else if (n.kind == Kind::synthesized_dir) {
      // A directory that also has a record: nothing was lost.
    } else {
      last.had_duplicates = true;
      ++(n.kind == Kind::file && last.kind != Kind::file ? stats_.file_dir_conflicts
                                                         : stats_.duplicates);
    }
  }
  nodes_.resize(kept);
  for (const Node& n : nodes_) stats_.synthesized_dirs += n.kind == Kind::synthesized_dir;
  --stats_.synthesized_dirs;  // the root
}

// Gives each directory the range of its children: the run of nodes of its
// directory rank.
void Index::link_children(const std::vector<std::string_view>& dir_names) {
  for (std::size_t k = 1; k < nodes_.size();) {
    const std::uint32_t dir = nodes_[k].dir;
    std::size_t end = k + 1;
    while (end < nodes_.size() && nodes_[end].dir == dir) ++end;
    const Id parent = dir == 0 ? kRoot : find_sorted(dir_names[dir]);
    // add_parents made every parent, and a directory beats a file.
    assert(parent != kNone && is_dir(parent));
    nodes_[parent].first_child = static_cast<Id>(k);
    nodes_[parent].child_count = static_cast<Id>(end - k);
    k = end;
  }
}

// Before link_children (and by it): a search of all nodes by full name.
Index::Id Index::find_sorted(std::string_view name) const {
  const std::size_t slash = name.rfind('/');
  if (slash == 0) return kNone;  // "/b" is no top-level "b"
  const std::string_view dir = slash == std::string_view::npos ? "" : name.substr(0, slash);
  const std::string_view base = name.substr(slash == std::string_view::npos ? 0 : slash + 1);
  const auto it = std::lower_bound(nodes_.begin() + 1, nodes_.end(), 0, [&](const Node& n, int) {
    if (const int c = dir_of(n).compare(dir)) return c < 0;
    return base_of(n) < base;
  });
  if (it == nodes_.end() || dir_of(*it) != dir || base_of(*it) != base) return kNone;
  return static_cast<Id>(it - nodes_.begin());
}

// Element by element: each search is among one directory's children and
// mostly compares base_keys, where a search of all nodes compared whole
// directory names (memcmp was a tenth of a tar index's build + walk).
Index::Id Index::find(std::string_view name) const {
  if (name == ".") return kRoot;
  Id id = kRoot;
  for (;;) {
    const std::size_t slash = name.find('/');
    id = child(id, name.substr(0, slash));
    if (id == kNone || slash == std::string_view::npos) return id;
    name.remove_prefix(slash + 1);
  }
}

Index::Id Index::child(Id dir, std::string_view base) const {
  const Node& d = nodes_[dir];
  const auto first = nodes_.begin() + d.first_child;
  const auto last = first + d.child_count;  // a file has none
  const std::uint64_t key = prefix_key(base);
  const auto it = std::lower_bound(first, last, 0, [&](const Node& n, int) {
    if (n.base_key != key) return n.base_key < key;
    return base_of(n) < base;
  });
  if (it == last || it->base_key != key || base_of(*it) != base) return kNone;
  return static_cast<Id>(it - nodes_.begin());
}

std::string_view Index::name(Id id) const { return id == kRoot ? "." : name_of(nodes_[id]); }

std::string_view Index::base_name(Id id) const { return id == kRoot ? "." : base_of(nodes_[id]); }

const Entry* Index::entry(Id id) const {
  const Node& n = nodes_[id];
  return n.entry == kNone ? nullptr : &cd_.entries[n.entry];
}

FileInfo Index::info(Id id) const {
  FileInfo fi;
  fi.name = base_name(id);
  const Entry* e = entry(id);
  if (e == nullptr) {
    fi.mode = FileMode::dir | 0555;
    return fi;
  }
  fi.mode = e->mode;
  fi.mod_time = e->modified;
  // The parser bounds sizes by 2^63 - 1.
  if (!is_dir(id)) fi.size = static_cast<std::int64_t>(e->uncompressed_size);
  return fi;
}

}  // namespace vfs::zip
