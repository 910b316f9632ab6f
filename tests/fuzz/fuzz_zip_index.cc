// libFuzzer target for the zip central directory parser, its index and the
// local header reader: no archive may crash, hang or allocate without bound,
// an accepted one keeps every promise of central_directory.h, and its index
// every one of index.h. Input: the archive's bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "mem_reader_at.h"
#include "path.h"
#include "vfs/fs.h"
#include "zip/central_directory.h"
#include "zip/index.h"
#include "zip/local_header.h"
#include "zip/names.h"

namespace {

using vfs::zip::Index;

void check(bool ok) {
  if (!ok) std::abort();
}

// Small enough that no input can make a run slow or large.
constexpr vfs::zip::Limits kLimits{
    .max_entries = 1 << 14, .max_directory_bytes = 1 << 20, .max_name_length = 1024};

// Every entry lies inside the archive's data, in a room of its own that its
// local header may only shrink.
void check_entries(const vfs::zip::CentralDirectory& cd, vfs_test::MemReaderAt& r) {
  for (const vfs::zip::Entry& e : cd.entries) {
    check(e.local_header_offset >= cd.base_offset);
    check(e.local_header_offset + 30 + e.compressed_size <= e.room_end);
    check(e.room_end <= cd.directory_offset);
    check(cd.directory_offset + cd.directory_size <= static_cast<std::uint64_t>(r.size()));
    check(cd.name(e).size() == e.name_size);
    auto data = vfs::zip::local_data_offset(r, e, "fuzz.zip");
    if (data) {
      check(*data >= e.local_header_offset + 30 && *data + e.compressed_size <= e.room_end);
    } else {
      check(data.error().is(vfs::errc::invalid));
    }
  }
}

// The tree: every node reached once from the root through children(), each
// directory's children sorted and named below it, find() finding each, no
// record behind two nodes, and every record accounted for.
void check_index(const Index& ix) {
  std::vector<bool> seen(ix.size());
  std::vector<bool> record_used(ix.directory().entries.size());
  std::vector<Index::Id> dirs{Index::kRoot};
  std::size_t reached = 1, records = 0;
  std::string scratch;
  while (!dirs.empty()) {
    const Index::Id d = dirs.back();
    dirs.pop_back();
    check(ix.is_dir(d));
    std::string_view prev;
    for (const Index::Id c : ix.children(d)) {
      check(c > 0 && c < ix.size() && !seen[c]);
      seen[c] = true;
      ++reached;
      const std::string_view name = ix.name(c);
      check(vfs::valid_path(name) && name != ".");
      check(vfs::path::dir(name) == ix.name(d) && vfs::path::base(name) == ix.base_name(c));
      check(prev < ix.base_name(c));
      prev = ix.base_name(c);
      check(ix.find(name) == c);
      const vfs::FileInfo info = ix.info(c);
      check(info.name == ix.base_name(c) && info.is_dir() == ix.is_dir(c) && info.size >= 0);
      check(vfs::zip::clean_name(name, scratch) == name);
      if (const vfs::zip::Entry* e = ix.entry(c)) {
        const auto i = static_cast<std::size_t>(e - ix.directory().entries.data());
        check(i < record_used.size() && !record_used[i]);
        record_used[i] = true;
        ++records;
      }
      if (ix.is_dir(c)) {
        dirs.push_back(c);
      } else {
        check(ix.children(c).empty());
      }
    }
  }
  check(reached == ix.size());
  const Index::Stats& s = ix.stats();
  check(records + s.invalid_names + s.duplicates + s.file_dir_conflicts ==
        ix.directory().entries.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vfs_test::MemReaderAt r(std::string(reinterpret_cast<const char*>(data), size));
  auto cd = vfs::zip::read_central_directory(r, r.size(), kLimits, "fuzz.zip");
  if (!cd) {
    check(cd.error().is(vfs::errc::invalid));
    return 0;
  }
  check_entries(*cd, r);
  auto ix = Index::build(*std::move(cd), kLimits, "fuzz.zip");
  if (!ix) {
    check(ix.error().is(vfs::errc::invalid));
    return 0;
  }
  check_index(*ix);
  return 0;
}
