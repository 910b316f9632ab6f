#include "zip/local_header.h"

#include "zip/format.h"
#include "zip/zip_error.h"

namespace vfs::zip {

Result<std::uint64_t> local_data_offset(ReaderAt& archive, const Entry& entry,
                                        std::string_view archive_name) {
  char h[kLocalHeaderLen];
  auto n = archive.read_at(h, static_cast<std::int64_t>(entry.local_header_offset));
  if (!n) return std::move(n).error();
  if (*n != sizeof h) return zip_error(archive_name, zip_errc::truncated);
  if (le32(h) != kLocalHeaderSig) return zip_error(archive_name, zip_errc::bad_local_header);
  const std::uint64_t data =
      entry.local_header_offset + kLocalHeaderLen + le16(h + 26) + le16(h + 28);
  // The parser checked that the room holds the data with an empty header;
  // this header's name and extra field take their share of it.
  const std::uint64_t rest =
      entry.compressed_size + (entry.has_data_descriptor() ? kMinDataDescriptorLen : 0);
  if (data > entry.room_end || rest > entry.room_end - data) {
    return zip_error(archive_name, zip_errc::overlapping_entries);
  }
  return data;
}

}  // namespace vfs::zip
