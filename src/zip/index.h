// The index of a zip archive's entries: what a ZipFS opens, stats and lists,
// built once from the central directory.
//
// Every record gets a cleaned name (clean_name in names.h: Go's toValidName,
// '\' read as '/', ".." never climbing above the root), and every directory
// that names imply but no record gives is synthesized. Nodes are sorted by
// (directory, base name), Go's order for its zip reader, so a directory's
// children are contiguous: find() is a binary search, children() a range
// known in advance, and read_dir never scans the archive.
//
// The rules for hostile and conflicting names:
// - A record whose cleaned name is empty (it named the root: "/", "./",
//   "..") or still fails vfs::valid_path (a NUL byte, a name flagged UTF-8
//   that is not) is dropped and counted (Stats::invalid_names). Cleaning
//   only removes elements, so no name can resolve outside the tree.
// - A directory beats a file of the same name, whatever their order: a file
//   record "a" next to "a/" or "a/b" is dropped (Stats::file_dir_conflicts),
//   so every name under "a/" stays reachable and "a" cannot be a symlink
//   that later names would be written through.
// - Among records of the same kind and name, the first in directory order
//   wins, for find() and children() alike (Go's Open takes the first too;
//   unzip, extracting in order, ends with the last); the others are dropped
//   (Stats::duplicates). The survivor is marked had_duplicates(), so a
//   ZipFS can refuse or report such names (Go's fs.FS fails their stat).
//
// Internal: not installed. Immutable once built: safe to share between
// threads.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "vfs/file_info.h"
#include "vfs/result.h"
#include "zip/central_directory.h"
#include "zip/limits.h"

namespace vfs::zip {

class Index {
 public:
  using Id = std::uint32_t;
  static constexpr Id kRoot = 0;
  static constexpr Id kNone = std::numeric_limits<Id>::max();

  struct Stats {
    std::uint64_t invalid_names = 0;       // records dropped: no valid name after cleaning
    std::uint64_t duplicates = 0;          // records dropped: an earlier one has the name
    std::uint64_t file_dir_conflicts = 0;  // file records dropped: a directory has the name
    std::uint64_t synthesized_dirs = 0;    // directories no record gave
  };

  // Builds the index of `cd`, which it keeps. Fails (too_many_entries, see
  // zip_error.h) if records plus synthesized directories exceed
  // limits.max_entries; `archive_name` only names the archive in errors.
  static Result<Index> build(CentralDirectory cd, const Limits& limits = {},
                             std::string_view archive_name = {});

  // The node named `name` (a valid_path name; "." is the root), or kNone:
  // one search per element, among its directory's children.
  Id find(std::string_view name) const;
  // The child of directory `dir` named `base` (one element), or kNone.
  Id child(Id dir, std::string_view base) const;

  // A run of consecutive ids, for range-for. (Not std::ranges::iota_view:
  // clang 14 cannot compile libstdc++ 12's <ranges>.)
  class IdRange {
   public:
    class Iterator {
     public:
      explicit Iterator(Id id) : id_(id) {}
      Id operator*() const { return id_; }
      Iterator& operator++() {
        ++id_;
        return *this;
      }
      bool operator==(const Iterator&) const = default;

     private:
      Id id_;
    };

    IdRange(Id first, Id last) : first_(first), last_(last) {}
    Iterator begin() const { return Iterator(first_); }
    Iterator end() const { return Iterator(last_); }
    std::size_t size() const { return last_ - first_; }
    bool empty() const { return first_ == last_; }

   private:
    Id first_, last_;
  };

  // The nodes of a directory, sorted by base name; empty for a file.
  IdRange children(Id dir) const {
    const Node& n = nodes_[dir];
    return {n.first_child, n.first_child + n.child_count};
  }

  std::size_t size() const { return nodes_.size(); }  // the root included
  std::string_view name(Id id) const;                 // the full name; "." for the root
  std::string_view base_name(Id id) const;            // "." for the root
  bool is_dir(Id id) const { return nodes_[id].kind != Kind::file; }
  bool had_duplicates(Id id) const { return nodes_[id].had_duplicates; }
  // The record behind a node; null for the root and synthesized directories.
  const Entry* entry(Id id) const;
  // The node's FileInfo: its record's mode, mtime and uncompressed size (0
  // for directories); for the root and synthesized directories, Go's
  // dr-xr-xr-x with a zero time.
  FileInfo info(Id id) const;

  const Stats& stats() const { return stats_; }
  const CentralDirectory& directory() const { return cd_; }

 private:
  // A node's kind, in the order that decides which of several nodes of one
  // name stays: a directory record, a synthesized directory, a file.
  enum class Kind : std::uint8_t { dir_record, synthesized_dir, file };

  struct Node {
    // The first 8 bytes of the base name, big-endian, zero-padded: most
    // comparisons of names in one directory end here, without touching the
    // names (a third of the time to index 100,000 entries went to memcmp
    // on names that were not in cache).
    std::uint64_t base_key = 0;
    std::uint32_t name_offset = 0;  // in cd_.names
    std::uint32_t name_size = 0;
    std::uint32_t base_pos = 0;     // where the base name starts in the name
    std::uint32_t entry = kNone;    // in cd_.entries
    std::uint32_t first_child = 0;  // a directory's children: nodes_[first_child, + child_count)
    std::uint32_t child_count = 0;
    // The node's directory, as its rank among the names of all directories
    // (the root's is 0): sorting by it sorts by directory name, with integer
    // comparisons. While building, an id of DirTable.
    std::uint32_t dir = 0;
    Kind kind = Kind::synthesized_dir;
    bool had_duplicates = false;
  };

  Node make_node(std::string_view name, std::uint32_t entry, Kind kind) const;
  Id find_sorted(std::string_view name) const;
  std::string_view name_of(const Node& n) const {
    return {cd_.names.data() + n.name_offset, n.name_size};
  }
  // The directory part of a name: "" at the top level.
  std::string_view dir_of(const Node& n) const {
    return name_of(n).substr(0, n.base_pos == 0 ? 0 : n.base_pos - 1);
  }
  std::string_view base_of(const Node& n) const { return name_of(n).substr(n.base_pos); }
  bool less(const Node& a, const Node& b) const;

  struct DirTable;
  void add_records();
  Status add_parents(DirTable& dirs, const Limits& limits, std::string_view archive_name);
  Result<std::uint32_t> dir_id(std::string_view dir, DirTable& dirs, const Limits& limits,
                               std::string_view archive_name);
  std::vector<std::string_view> rank_dirs(DirTable& dirs);
  void sort_and_merge();
  void link_children(const std::vector<std::string_view>& dir_names);

  CentralDirectory cd_;
  std::vector<Node> nodes_;  // the root, then every other node in (directory, base name) order
  Stats stats_;
};

}  // namespace vfs::zip
