#include <cstring>
#include <string>

#include "archive/archive_error.h"
#include "gzip/gzip_reader.h"
#include "vfs/archive.h"
#include "vfs/gzip_fs.h"
#include "vfs/zip_fs.h"

namespace vfs {
namespace {

bool has(std::span<const char> head, std::size_t at, std::string_view magic) {
  return head.size() >= at + magic.size() &&
         std::memcmp(head.data() + at, magic.data(), magic.size()) == 0;
}

// An old (v7) tar header: a name, and a checksum field (octal, then a NUL
// or a space) equal to the sum of the header's bytes, the field itself
// counted as spaces. Old tars summed signed chars: either sum passes.
bool old_tar_header(std::span<const char> head) {
  if (head.size() < 512 || head[0] == '\0') return false;
  std::size_t i = 148;
  while (i < 156 && head[i] == ' ') ++i;
  std::uint32_t field = 0;
  const std::size_t digits = i;
  while (i < 156 && head[i] >= '0' && head[i] <= '7') field = field * 8 + (head[i++] - '0');
  if (i == digits || i == 156) return false;  // no digits, or no terminator
  for (; i < 156; ++i) {
    if (head[i] != ' ' && head[i] != '\0') return false;
  }
  std::uint32_t sum = 0;
  std::int32_t signed_sum = 0;
  for (std::size_t k = 0; k < 512; ++k) {
    const char c = k >= 148 && k < 156 ? ' ' : head[k];
    sum += static_cast<unsigned char>(c);
    signed_sum += static_cast<signed char>(c);
  }
  return field == sum || static_cast<std::int32_t>(field) == signed_sum;
}

// A zip end record in the last 64 KiB + 22 bytes whose comment runs exactly
// to the end of the file: a zip after a prefix (a self-extracting stub).
bool zip_end_record_at_tail(ReaderAt& file, std::int64_t size) {
  constexpr std::int64_t kEndRecord = 22, kMaxComment = 65535;
  if (size < kEndRecord) return false;
  const std::int64_t start = std::max<std::int64_t>(0, size - kEndRecord - kMaxComment);
  std::string tail(static_cast<std::size_t>(size - start), '\0');
  auto n = file.read_at(tail, start);
  if (!n || *n != tail.size()) return false;
  for (std::size_t at = tail.size() - kEndRecord + 1; at-- > 0;) {
    if (std::memcmp(tail.data() + at, "PK\5\6", 4) != 0) continue;
    const auto comment = static_cast<std::size_t>(static_cast<unsigned char>(tail[at + 20]) |
                                                  static_cast<unsigned char>(tail[at + 21]) << 8);
    if (at + kEndRecord + comment == tail.size()) return true;
  }
  return false;
}

// Up to kArchiveSniffBytes from the start of `file`.
Result<std::string> read_head(File& file, std::string_view name) {
  std::string head(kArchiveSniffBytes, '\0');
  std::size_t got = 0;
  auto* at = dynamic_cast<ReaderAt*>(&file);
  while (got < head.size()) {
    auto n = at ? at->read_at(std::span<char>(head).subspan(got), static_cast<std::int64_t>(got))
                : file.read(std::span<char>(head).subspan(got));
    if (!n) return Error("open", std::string(name), n.error().code());
    if (*n == 0) break;
    got += *n;
  }
  head.resize(got);
  return head;
}

}  // namespace

std::string_view to_string(ArchiveFormat format) noexcept {
  switch (format) {
    case ArchiveFormat::zip:
      return "zip";
    case ArchiveFormat::gzip:
      return "gzip";
    case ArchiveFormat::xz:
      return "xz";
    case ArchiveFormat::bzip2:
      return "bzip2";
    case ArchiveFormat::zstd:
      return "zstd";
    case ArchiveFormat::tar:
      return "tar";
    case ArchiveFormat::sevenzip:
      return "7z";
    case ArchiveFormat::iso9660:
      return "iso9660";
    case ArchiveFormat::cpio:
      return "cpio";
    case ArchiveFormat::ar:
      return "ar";
    case ArchiveFormat::unknown:
      break;
  }
  return "unknown";
}

ArchiveFormat detect_archive_format(std::span<const char> head) noexcept {
  using F = ArchiveFormat;
  if (has(head, 0, "PK\3\4") || has(head, 0, "PK\5\6")) return F::zip;
  if (has(head, 0, "\x1f\x8b\x08")) return F::gzip;
  if (has(head, 0,
          std::string_view("\xfd"
                           "7zXZ\0",
                           6)))
    return F::xz;
  if (has(head, 0, "BZh") && head.size() > 3 && head[3] >= '1' && head[3] <= '9') return F::bzip2;
  if (has(head, 0, "\x28\xb5\x2f\xfd")) return F::zstd;
  if (has(head, 0, "7z\xbc\xaf\x27\x1c")) return F::sevenzip;
  if (has(head, 0, "!<arch>\n")) return F::ar;
  if (has(head, 0, "070707") || has(head, 0, "070701") || has(head, 0, "070702")) return F::cpio;
  if (has(head, 257, "ustar")) return F::tar;
  if (has(head, 32769, "CD001")) return F::iso9660;
  if (old_tar_header(head)) return F::tar;
  // Binary cpio's magic is two bytes: looked at after every longer one.
  if (has(head, 0, "\xc7\x71") || has(head, 0, "\x71\xc7")) return F::cpio;
  return F::unknown;
}

// Whether the gzip `file` holds a tar or a cpio archive: its first
// decompressed bytes (a tar header is 512) have their magic.
bool gzip_holds_archive(ReaderAt& file, std::int64_t size) {
  SectionReader source(file, 0, size);
  // At most 512 bytes come out: the caller's output limit is for the
  // content, not for this look at its start.
  auto r = gzip::GzipReader::open(source);
  if (!r) return false;
  std::string head(512, '\0');
  std::size_t got = 0;
  while (got < head.size()) {
    auto n = r->read(std::span<char>(head).subspan(got));
    if (!n || *n == 0) break;
    got += *n;
  }
  head.resize(got);
  const ArchiveFormat inner = detect_archive_format(head);
  return inner == ArchiveFormat::tar || inner == ArchiveFormat::cpio;
}

// tar, 7z, iso9660, cpio, ar and what wraps them (xz, bzip2, zstd, gzip).
Result<FSPtr> open_archive_fs(FS& fs, std::string_view name, const ArchiveOptions& options) {
  auto tree = ArchiveFS::make(fs, name, options);
  if (!tree) return std::move(tree).error();
  return FSPtr(std::move(*tree));
}

Result<FSPtr> open_archive(FS& fs, std::string_view name) { return open_archive(fs, name, {}); }

namespace {

// The format of the open `file` (`name`, for errors): its magic, else a zip
// after a prefix, found by its end record.
Result<ArchiveFormat> sniff_format(File& file, std::string_view name) {
  const auto info = file.stat();
  if (info && info->is_dir()) return Error::from_errno("open", std::string(name), EISDIR);
  auto head = read_head(file, name);
  if (!head) return std::move(head).error();
  const ArchiveFormat format = detect_archive_format(*head);
  auto* at = dynamic_cast<ReaderAt*>(&file);
  if (format == ArchiveFormat::unknown && at && info && zip_end_record_at_tail(*at, info->size)) {
    return ArchiveFormat::zip;
  }
  return format;
}

}  // namespace

Result<ArchiveFormat> archive_format(FS& fs, std::string_view name) {
  auto file = fs.open(name);
  if (!file) return std::move(file).error();
  return sniff_format(**file, name);
}

Result<FSPtr> open_archive(FS& fs, std::string_view name, const OpenArchiveOptions& options) {
  auto file = fs.open(name);
  if (!file) return std::move(file).error();
  auto format = sniff_format(**file, name);
  if (!format) return std::move(format).error();
  auto* at = dynamic_cast<ReaderAt*>(file->get());
  switch (*format) {
    case ArchiveFormat::zip: {
      // The File opened is reused unless the sniffing read() consumed it.
      auto zip = at ? ZipFS::make(std::move(*file), std::string(name), options.zip)
                    : ZipFS::make(fs, name, options.zip);
      if (!zip) return std::move(zip).error();
      return FSPtr(std::move(*zip));
    }
    case ArchiveFormat::gzip: {
      // A .tar.gz is ArchiveFS's: its entries, with a checkpoint index.
      if (auto info = (*file)->stat(); info && at && gzip_holds_archive(*at, info->size)) {
        return open_archive_fs(fs, name, options.archive);
      }
      // By fs and name, so that a saved index next to it is found.
      auto gz = GzipFS::make(fs, name, options.gzip);
      if (!gz) return std::move(gz).error();
      return FSPtr(std::move(*gz));
    }
    case ArchiveFormat::unknown:
      return Error("open", std::string(name),
                   archive::make_error_code(archive::archive_errc::not_archive));
    default:
      return open_archive_fs(fs, name, options.archive);
  }
}

}  // namespace vfs
