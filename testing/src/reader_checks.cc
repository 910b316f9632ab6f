#include "reader_checks.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "format.h"
#include "vfs/read_file.h"

namespace vfs::testing::internal {
namespace {

// Small pieces find off-by-one errors in buffering; past this many bytes the
// rest is read in large ones so that big files stay cheap.
constexpr std::size_t kSmallReadBytes = 4096;
constexpr std::size_t kLargeRead = 64 * 1024;

std::int64_t ssize(std::string_view s) { return static_cast<std::int64_t>(s.size()); }

std::string_view tail(std::string_view content, std::int64_t from) {
  return content.substr(static_cast<std::size_t>(from));
}

std::optional<std::string> expect_offset(std::string_view what, const Result<std::int64_t>& got,
                                         std::int64_t want) {
  if (!got) return std::string(what) + ": " + got.error().message();
  if (*got != want) {
    return std::string(what) + " = " + std::to_string(*got) + ", want " + std::to_string(want);
  }
  return std::nullopt;
}

// Reads to end of file with vfs::read_all and compares with content[from:].
std::optional<std::string> expect_rest(File& file, std::string_view content, std::int64_t from) {
  const std::string what = "read to end from offset " + std::to_string(from);
  auto data = read_all(file);
  if (!data) return what + ": " + data.error().message();
  if (auto d = diff(*data, tail(content, from)); !d.empty()) return what + ": " + d;
  return std::nullopt;
}

std::vector<std::int64_t> sample_offsets(std::int64_t size) {
  // Every offset of a small file, as iotest does; for a large one the
  // edges and a spread in between.
  constexpr std::int64_t kEvery = 512;
  std::vector<std::int64_t> offsets;
  if (size <= kEvery) {
    for (std::int64_t i = 0; i < size; ++i) offsets.push_back(i);
    return offsets;
  }
  for (std::int64_t i = 0; i < 64; ++i) offsets.push_back(i);
  for (std::int64_t i = 1; i < 64; ++i) offsets.push_back(size * i / 64);
  for (std::int64_t i = size - 64; i < size; ++i) offsets.push_back(i);
  return offsets;
}

std::optional<std::string> expect_read_at(ReaderAt& reader, std::string_view content,
                                          std::int64_t offset, std::size_t len) {
  const std::string what = "read_at(" + bytes_at(len, offset) + ")";
  std::string buf(len, '\xfe');
  auto n = reader.read_at(buf, offset);
  if (!n) return what + ": " + n.error().message();
  const std::size_t avail =
      offset >= ssize(content) ? 0 : content.size() - static_cast<std::size_t>(offset);
  const std::size_t want_n = std::min(len, avail);
  if (*n != want_n) {
    return what + " = " + std::to_string(*n) + " bytes, want " + std::to_string(want_n);
  }
  buf.resize(*n);
  const std::string_view want =
      want_n == 0 ? "" : content.substr(static_cast<std::size_t>(offset), want_n);
  if (auto d = diff(buf, want); !d.empty()) return what + ": " + d;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_small_reads(File& file, std::string_view content) {
  if (!content.empty()) {
    auto n = file.read({});
    if (!n || *n != 0) {
      return "read(0 bytes) = " + (n ? std::to_string(*n) : n.error().message()) + ", want 0";
    }
  }
  std::string data;
  std::vector<char> buf(kLargeRead);
  for (std::size_t piece = 1;; piece = piece % 7 + 1) {
    const std::size_t want = data.size() < kSmallReadBytes ? piece : kLargeRead;
    auto n = file.read(std::span<char>(buf.data(), want));
    if (!n) return "read after " + std::to_string(data.size()) + " bytes: " + n.error().message();
    if (*n > want) {
      return "read(" + std::to_string(want) + " bytes) = " + std::to_string(*n) + " bytes";
    }
    if (*n == 0) break;
    data.append(buf.data(), *n);
    if (data.size() > content.size()) break;  // the diff below says it all
  }
  if (auto d = diff(data, content); !d.empty()) return "read in small pieces: " + d;
  auto n = file.read(std::span<char>(buf.data(), 10));
  if (!n || *n != 0) {
    return "read(10 bytes) at end of file = " + (n ? std::to_string(*n) : n.error().message()) +
           ", want 0";
  }
  return std::nullopt;
}

std::optional<std::string> check_seeks(File& file, Seeker& seeker, std::string_view content) {
  const std::int64_t size = ssize(content);
  const std::int64_t third = size / 3;
  const std::int64_t middle = size - third;
  if (auto e = expect_offset("seek(0, current) at end", seeker.seek(0, Whence::current), size))
    return e;
  if (middle > 0) {
    // Back to the middle in relative steps, as iotest does.
    if (auto e =
            expect_offset("seek(-1, current) at end", seeker.seek(-1, Whence::current), size - 1)) {
      return e;
    }
    if (auto e = expect_offset("seek(" + std::to_string(-third) + ", current)",
                               seeker.seek(-third, Whence::current), middle - 1)) {
      return e;
    }
    if (auto e = expect_offset("seek(1, current)", seeker.seek(1, Whence::current), middle))
      return e;
  }
  if (auto e = expect_rest(file, content, middle)) return e;
  if (auto e = expect_offset("seek(" + std::to_string(middle / 2) + ", begin)",
                             seeker.seek(middle / 2, Whence::begin), middle / 2)) {
    return e;
  }
  if (auto e = expect_offset("seek(" + std::to_string(-third) + ", end)",
                             seeker.seek(-third, Whence::end), middle)) {
    return e;
  }
  if (auto e = expect_rest(file, content, middle)) return e;
  if (auto e = expect_offset("seek(" + std::to_string(middle / 2) + ", begin)",
                             seeker.seek(middle / 2, Whence::begin), middle / 2)) {
    return e;
  }
  if (auto e = expect_rest(file, content, middle / 2)) return e;
  // fs.h: a negative resulting offset fails with errc::invalid.
  auto neg = seeker.seek(-1, Whence::begin);
  if (neg)
    return "seek(-1, begin) = " + std::to_string(*neg) + ", want " + errc_name(errc::invalid);
  if (!neg.error().is(errc::invalid)) {
    return "seek(-1, begin): " + neg.error().message() + ", want " + errc_name(errc::invalid);
  }
  return std::nullopt;
}

std::optional<std::string> check_read_at(ReaderAt& reader, std::string_view content) {
  const std::int64_t size = ssize(content);
  // Wrong bytes first, as they are the likelier bug; then the end of file.
  if (auto e = expect_read_at(reader, content, 0, content.size())) return e;
  if (size > 2) {
    const auto third = static_cast<std::size_t>(size / 3);
    if (auto e = expect_read_at(reader, content, size / 3, third + 1)) return e;
    if (auto e = expect_read_at(reader, content, 1, content.size() - 2)) return e;
  }
  for (const std::int64_t offset : sample_offsets(size)) {
    if (auto e = expect_read_at(reader, content, offset, 1)) return e;
  }
  if (auto e = expect_read_at(reader, content, size, 1)) return e;
  if (auto e = expect_read_at(reader, content, 0, content.size() + 1)) return e;
  return std::nullopt;
}

}  // namespace vfs::testing::internal
