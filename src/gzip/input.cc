#include "gzip/input.h"

#include <cstring>

namespace vfs::gzip {

Input::Input(Reader& source, std::uint64_t offset, std::size_t capacity)
    : source_(source),
      buf_(std::make_unique_for_overwrite<unsigned char[]>(capacity)),
      capacity_(capacity),
      base_(offset) {}

void Input::compact() {
  const std::size_t keep = pos_ < kKeep ? pos_ : kKeep;
  const std::size_t from = pos_ - keep;
  if (from == 0) return;
  std::memmove(buf_.get(), buf_.get() + from, end_ - from);
  base_ += from;
  pos_ -= from;
  end_ -= from;
}

Result<bool> Input::fill() {
  if (eof_) return false;
  compact();
  if (end_ == capacity_) return false;
  auto n =
      source_.read(std::span<char>(reinterpret_cast<char*>(buf_.get()) + end_, capacity_ - end_));
  if (!n) return std::move(n).error();
  if (*n == 0) {
    eof_ = true;
    return false;
  }
  end_ += *n;
  return true;
}

Result<bool> Input::ensure(std::size_t n) {
  while (size() < n) {
    auto more = fill();
    if (!more || !*more) return more;
  }
  return true;
}

}  // namespace vfs::gzip
