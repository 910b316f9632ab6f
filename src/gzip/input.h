// The compressed side of an inflater: bytes read from a vfs::Reader in large
// chunks, each known by its offset in the file (a checkpoint names the bit
// where a deflate block starts).
//
// A refill keeps the last kKeep bytes already consumed: ISA-L loads up to 8
// bytes ahead into its bit buffer, and at a member's end the ones it did not
// use (the trailer's first) are handed back with unconsume().
// Internal: not installed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "vfs/reader.h"

namespace vfs::gzip {

class Input {
 public:
  static constexpr std::size_t kKeep = 8;
  static constexpr std::size_t kDefaultCapacity = 128 * 1024;

  // `offset`: where the first byte `source` gives is in the file.
  Input(Reader& source, std::uint64_t offset, std::size_t capacity = kDefaultCapacity);

  // The bytes read and not yet consumed.
  const unsigned char* data() const { return buf_.get() + pos_; }
  std::size_t size() const { return end_ - pos_; }
  // The file offset of data()[0].
  std::uint64_t offset() const { return base_ + pos_; }
  // True once the source has ended.
  bool eof() const { return eof_; }

  void consume(std::size_t n) { pos_ += n; }
  // Hands back the last n consumed bytes; n <= kKeep.
  void unconsume(std::size_t n) { pos_ -= n; }

  // Reads more after the unconsumed bytes: false at the end of the source
  // (or with no room left, which only a caller holding a full buffer meets).
  Result<bool> fill();
  // Makes at least n bytes available (n <= capacity - kKeep): false if the
  // source ends first.
  Result<bool> ensure(std::size_t n);

 private:
  void compact();

  Reader& source_;
  std::unique_ptr<unsigned char[]> buf_;
  std::size_t capacity_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint64_t base_;  // the file offset of buf_[0]
  bool eof_ = false;
};

}  // namespace vfs::gzip
