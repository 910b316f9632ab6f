// A ReaderAt over bytes in memory, which counts its reads: the archive of
// the zip tests and of the zip fuzz target.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>

#include "vfs/fs.h"

namespace vfs_test {

class MemReaderAt final : public vfs::ReaderAt {
 public:
  explicit MemReaderAt(std::string data) : data_(std::move(data)) {}

  vfs::Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    reads.fetch_add(1, std::memory_order_relaxed);
    if (offset < 0) return vfs::Error("read", "mem", vfs::errc::invalid);
    if (static_cast<std::uint64_t>(offset) >= data_.size()) return std::size_t{0};
    const std::size_t n = std::min(buf.size(), data_.size() - static_cast<std::size_t>(offset));
    std::memcpy(buf.data(), data_.data() + offset, n);
    return n;
  }

  std::int64_t size() const { return static_cast<std::int64_t>(data_.size()); }
  const std::string& data() const { return data_; }

  std::atomic<int> reads{0};

 private:
  std::string data_;
};

}  // namespace vfs_test
