// std::istream over any FS file or Reader, so code that takes an istream
// (a parser, a config loader) reads from a MapFS, an archive member or a
// DirFS without reading the whole file into memory first.
//
//   auto in = vfs::FileIStream::open(fs, "config/app.ini");   // Result<unique_ptr<FileIStream>>
//   std::string line;
//   while (std::getline(**in, line)) ...
//   if ((*in)->error()) ...                                  // an I/O error, not the end
//
// A read error sets badbit (the streambuf throws, the istream catches) and
// is kept for error(). Seeking works when the Reader is also a Seeker.
#pragma once

#include <istream>
#include <memory>
#include <optional>
#include <streambuf>
#include <string_view>

#include "vfs/fs.h"

namespace vfs {

class ReaderStreambuf : public std::streambuf {
 public:
  // Borrows `reader`, which must outlive the streambuf.
  explicit ReaderStreambuf(Reader& reader, std::size_t buffer_size = 64 * 1024);

  // The error that ended the stream early, if any.
  const std::optional<Error>& error() const noexcept { return error_; }

 protected:
  int_type underflow() override;
  std::streamsize xsgetn(char_type* out, std::streamsize n) override;
  pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override;
  pos_type seekpos(pos_type pos, std::ios_base::openmode which) override;

 private:
  // One read into `out`; 0 at the end. Throws FsError on failure.
  std::size_t read_some(char* out, std::size_t n);

  Reader& reader_;
  Seeker* seeker_;
  std::unique_ptr<char[]> buf_;
  std::size_t size_;
  std::optional<Error> error_;
};

// An istream that owns an open File.
class FileIStream : public std::istream {
 public:
  explicit FileIStream(FilePtr file);
  static Result<std::unique_ptr<FileIStream>> open(FS& fs, std::string_view name);

  const std::optional<Error>& error() const noexcept { return buf_.error(); }
  File& file() noexcept { return *file_; }

 private:
  FilePtr file_;
  ReaderStreambuf buf_;
};

}  // namespace vfs
