#include "vfs/istream.h"

#include <cstring>

namespace vfs {

ReaderStreambuf::ReaderStreambuf(Reader& reader, std::size_t buffer_size)
    : reader_(reader),
      seeker_(dynamic_cast<Seeker*>(&reader)),
      buf_(std::make_unique_for_overwrite<char[]>(buffer_size)),
      size_(buffer_size) {
  setg(buf_.get(), buf_.get(), buf_.get());
}

std::size_t ReaderStreambuf::read_some(char* out, std::size_t n) {
  auto got = reader_.read(std::span<char>(out, n));
  if (!got) {
    error_ = got.error();
    throw FsError(got.error());  // the istream catches it and sets badbit
  }
  return *got;
}

ReaderStreambuf::int_type ReaderStreambuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  const std::size_t n = read_some(buf_.get(), size_);
  setg(buf_.get(), buf_.get(), buf_.get() + n);
  return n == 0 ? traits_type::eof() : traits_type::to_int_type(*gptr());
}

std::streamsize ReaderStreambuf::xsgetn(char_type* out, std::streamsize n) {
  std::streamsize done = 0;
  // First what is buffered, then straight into the caller's memory: a big
  // read is not copied through the buffer.
  if (const std::streamsize buffered = egptr() - gptr(); buffered > 0) {
    done = std::min(buffered, n);
    std::memcpy(out, gptr(), static_cast<std::size_t>(done));
    gbump(static_cast<int>(done));
  }
  while (done < n) {
    const std::size_t got = read_some(out + done, static_cast<std::size_t>(n - done));
    if (got == 0) break;
    done += static_cast<std::streamsize>(got);
  }
  return done;
}

ReaderStreambuf::pos_type ReaderStreambuf::seekoff(off_type off, std::ios_base::seekdir dir,
                                                   std::ios_base::openmode) {
  if (!seeker_) return pos_type(off_type(-1));
  Whence whence = dir == std::ios_base::beg   ? Whence::begin
                  : dir == std::ios_base::cur ? Whence::current
                                              : Whence::end;
  // The reader stands past what is buffered and not yet consumed.
  if (whence == Whence::current) off -= egptr() - gptr();
  auto at = seeker_->seek(off, whence);
  setg(buf_.get(), buf_.get(), buf_.get());
  if (!at) return pos_type(off_type(-1));
  return pos_type(*at);
}

ReaderStreambuf::pos_type ReaderStreambuf::seekpos(pos_type pos, std::ios_base::openmode which) {
  return seekoff(off_type(pos), std::ios_base::beg, which);
}

FileIStream::FileIStream(FilePtr file)
    : std::istream(nullptr), file_(std::move(file)), buf_(*file_) {
  rdbuf(&buf_);
}

Result<std::unique_ptr<FileIStream>> FileIStream::open(FS& fs, std::string_view name) {
  auto file = fs.open(name);
  if (!file) return std::move(file).error();
  return std::make_unique<FileIStream>(std::move(*file));
}

}  // namespace vfs
