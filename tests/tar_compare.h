// The tar reader (src/archive/tar_reader.h) against libarchive on the same
// bytes, entry by entry: what tar_reader_test and fuzz_tar check. The tar
// reader may decline an archive (libarchive then reads it); an archive it
// takes must read exactly as libarchive reads it.
#pragma once

#include <archive_entry.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "archive/handle.h"
#include "archive/tar_reader.h"
#include "mem_reader_at.h"
#include "zip/names.h"

namespace vfs_test {

struct TarSeen {
  std::string name, link;
  bool hard = false;
  unsigned mode = 0;
  std::int64_t size = 0, offset = 0, uid = 0, gid = 0, mtime = 0;
  long nsec = 0;

  std::string str() const {
    std::ostringstream out;
    out << name << " -> '" << link << "'" << (hard ? " (hard)" : "") << " mode " << std::oct << mode
        << std::dec << " size " << size << " at " << offset << " uid " << uid << " gid " << gid
        << " mtime " << mtime << "." << nsec;
    return out.str();
  }
  bool operator==(const TarSeen&) const = default;
};

struct TarComparison {
  bool taken = false;               // the tar reader read the whole archive
  std::optional<std::string> diff;  // how the two disagree, if they do
  std::string format;               // the tar reader's
  std::size_t entries = 0;
};

// As ArchiveFS names an entry: the raw bytes when they are UTF-8, else
// libarchive's UTF-8 conversion.
inline std::string utf8_or(const char* raw, const char* utf8) {
  if (raw && vfs::zip::is_valid_utf8(raw)) return raw;
  return utf8 ? utf8 : "";
}

inline TarComparison compare_tar_readers(const std::string& bytes) {
  TarComparison out;
  std::vector<TarSeen> ours;
  {
    MemReaderAt at(bytes);
    vfs::SectionReader stream(at, 0, at.size());
    vfs::archive::TarReader tar(stream, &stream, at.size());
    while (const vfs::archive::TarEntry* e = tar.next()) {
      TarSeen s;
      s.name = e->name;
      s.link = e->link;
      s.hard = e->hard_link;
      s.mode = e->hard_link ? e->mode & 07777 : e->mode;
      s.size = e->size;
      s.offset = (e->mode & 0170000) == 0100000 && e->size > 0 ? e->data_offset : 0;
      s.uid = e->uid;
      s.gid = e->gid;
      s.mtime = e->mtime;
      s.nsec = e->mtime_nsec;
      ours.push_back(s);
    }
    out.taken = !tar.unsupported();
    out.format = tar.format_name();
  }
  if (!out.taken) return out;
  out.entries = ours.size();

  MemReaderAt at(bytes);
  auto h = vfs::archive::Handle::open(vfs::archive::Input{&at, at.size(), nullptr}, {}, "t");
  if (!h) {
    out.diff = "libarchive cannot open it: " + h.error().message();
    return out;
  }
  std::size_t i = 0;
  for (;; ++i) {
    auto next = (*h)->next();
    if (!next) {
      out.diff = "libarchive fails at entry " + std::to_string(i) + ": " + next.error().message();
      return out;
    }
    archive_entry* e = *next;
    if (!e) break;
    if (i == 0 && (*h)->format_name() != out.format) {
      out.diff = "format: ours " + out.format + ", libarchive's " + (*h)->format_name();
      return out;
    }
    TarSeen s;
    s.name = utf8_or(archive_entry_pathname(e), archive_entry_pathname_utf8(e));
    const char* hard = archive_entry_hardlink(e);
    s.hard = hard != nullptr;
    if (hard) s.link = utf8_or(hard, archive_entry_hardlink_utf8(e));
    if (const char* sym = archive_entry_symlink(e)) {
      s.link = utf8_or(sym, archive_entry_symlink_utf8(e));
    }
    s.mode = s.hard ? archive_entry_mode(e) & 07777 : archive_entry_mode(e);
    const bool regular = archive_entry_filetype(e) == AE_IFREG;
    s.size = regular ? archive_entry_size(e) : 0;
    s.offset = regular && s.size > 0 && !s.hard ? (*h)->format_offset() : 0;
    s.uid = archive_entry_uid(e);
    s.gid = archive_entry_gid(e);
    s.mtime = archive_entry_mtime(e);
    s.nsec = archive_entry_mtime_nsec(e);
    if (i >= ours.size()) {
      out.diff = "libarchive has more entries: " + s.str();
      return out;
    }
    TarSeen mine = ours[i];
    if (mine.hard) mine.size = 0;  // libarchive's hard link without data
    if (!(mine == s)) {
      out.diff =
          "entry " + std::to_string(i) + ": ours " + mine.str() + ", libarchive's " + s.str();
      return out;
    }
  }
  if (i != ours.size()) {
    out.diff =
        "ours has " + std::to_string(ours.size()) + " entries, libarchive " + std::to_string(i);
  }
  return out;
}

}  // namespace vfs_test
