// IndexedGzipReader: random access into a gzip file through its checkpoint
// index (index.h). read_at(buf, off) resumes at the last point at or
// before `off` and inflates at most one span before the bytes asked for.
//
// Each read_at uses an inflate state of its own, so any number of threads
// (or fibers) may call it at once, as ReaderAt promises, if the compressed
// ReaderAt allows the same. States are kept between calls (a few, with
// their position): a read_at that starts where an earlier one ended - what
// read() after read() does - goes on from there instead of resuming at a
// point.
//
// What is checked: the deflate data always; a member's CRC-32 and ISIZE
// only when a read started at that member's first block (a member-start
// point) and ran to its end. Index building checked every member once; a
// loaded index is checked for consistency (index_file.h), and its
// compressed size must be the file's.
// Internal: not installed.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "gzip/index.h"
#include "gzip/options.h"
#include "vfs/reader.h"

namespace vfs::gzip {

class IndexedGzipReader final : public Reader, public ReaderAt, public Seeker {
 public:
  // Reads the `compressed_size`-byte gzip file `compressed` (borrowed: it
  // must outlive the reader) through `index`: fails with
  // gzip_errc::index_mismatch if the index is for a file of another size.
  static Result<std::unique_ptr<IndexedGzipReader>> open(ReaderAt& compressed,
                                                         std::int64_t compressed_size,
                                                         std::shared_ptr<const GzipIndex> index,
                                                         Options options = {});
  ~IndexedGzipReader() override;

  // Fails with gzip_errc::index_mismatch if the data ends before the index
  // said it would, or as a GzipReader does on bad data.
  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override;
  Result<std::size_t> read(std::span<char> buf) override;
  Result<std::int64_t> seek(std::int64_t offset, Whence whence) override;
  // The uncompressed size.
  std::int64_t size() const noexcept;

 private:
  struct Cursor;

  IndexedGzipReader(ReaderAt& compressed, std::shared_ptr<const GzipIndex> index, Options options);
  Result<std::unique_ptr<Cursor>> cursor_for(std::uint64_t offset);
  Status skip_to(Cursor& c, std::uint64_t offset) const;
  void park(std::unique_ptr<Cursor> c);

  ReaderAt& compressed_;
  std::shared_ptr<const GzipIndex> index_;
  Options options_;
  std::int64_t pos_ = 0;  // read()'s

  std::mutex mu_;  // guards idle_
  std::vector<std::unique_ptr<Cursor>> idle_;
};

}  // namespace vfs::gzip
