#include "archive/handle.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "archive/archive_error.h"
#include "archive/yield.h"

namespace vfs::archive {
namespace {

constexpr std::size_t kBlock = 64 * 1024;

}  // namespace

Handle::Handle(Input input, const Limits& limits, std::string name)
    : input_(input), limits_(limits), name_(std::move(name)), buf_(kBlock) {}

Handle::~Handle() {
  if (a_) archive_read_free(a_);
}

Result<std::unique_ptr<Handle>> Handle::open(Input input, const Limits& limits, std::string name) {
  std::unique_ptr<Handle> h(new Handle(input, limits, std::move(name)));
  h->a_ = archive_read_new();
  if (!h->a_) return Error("open", h->name_, std::make_error_code(std::errc::not_enough_memory));
  if (auto st = h->decode_if_compressed(); !st) return std::move(st).error();
  // Only these readers, never archive_read_support_format_all(): every
  // reader enabled is attack surface reachable by any byte string a user
  // opens, and libarchive's recent CVEs sit mostly in the ones we leave out
  // (RAR, RAR5, WARC, LHA, CAB, zisofs, mtree). zip has ZipFS. No filters:
  // compressed input is decoded before libarchive sees it (see handle.h).
  archive_read_support_format_tar(h->a_);
  archive_read_support_format_7zip(h->a_);
  archive_read_support_format_iso9660(h->a_);
  archive_read_support_format_cpio(h->a_);
  archive_read_support_format_ar(h->a_);
  archive_read_set_read_callback(h->a_, &Handle::read_cb);
  if (h->input_.at) {
    archive_read_set_skip_callback(h->a_, &Handle::skip_cb);
    archive_read_set_seek_callback(h->a_, &Handle::seek_cb);
  }
  archive_read_set_callback_data(h->a_, h.get());
  if (archive_read_open1(h->a_) != ARCHIVE_OK) return h->fail("open", h->name_);
  return h;
}

// An xz, bzip2 or zstd input becomes the stream of its decoded bytes.
Status Handle::decode_if_compressed() {
  if (!input_.at) return {};
  char head[8];
  auto n = input_.at->read_at(head, 0);
  if (!n) return Error("open", name_, n.error().code());
  const ArchiveFormat format = detect_archive_format(std::span<const char>(head, *n));
  if (!has_decoder(format)) return {};
  compression_ = format;
  compressed_ = std::make_unique<SectionReader>(*input_.at, 0, input_.size);
  DecoderLimits limits;
  limits.max_ratio = limits_.max_ratio;
  auto d = open_decoder(format, *compressed_, limits, name_);
  if (!d) return std::move(d).error();
  decoder_ = std::move(*d);
  input_ = Input{nullptr, 0, decoder_.get()};
  return {};
}

long Handle::read_cb(struct archive* a, void* self, const void** out) {
  auto& h = *static_cast<Handle*>(self);
  if (h.next_ == h.have_) {
    Result<std::size_t> n = std::size_t{0};
    if (h.input_.at) {
      n = h.input_.at->read_at(h.buf_, h.pos_);
      if (n) h.pos_ += static_cast<std::int64_t>(*n);
    } else {
      n = h.input_.stream->read(h.buf_);
    }
    if (!n) {
      h.error_ = std::move(n).error();
      archive_set_error(a, EIO, "read failed");
      return -1;
    }
    h.next_ = 0;
    h.have_ = *n;
  }
  const std::size_t n = h.have_ - h.next_;
  *out = h.buf_.data() + h.next_;
  h.next_ += n;
  if (!h.input_.at) h.streamed_ += static_cast<std::int64_t>(n);
  h.account(n);
  if (h.error_) {
    archive_set_error(a, EINVAL, "limit exceeded");
    return -1;
  }
  return static_cast<long>(n);
}

// Where libarchive believes the input is: after the bytes handed out.
std::int64_t Handle::drop_buffered() {
  pos_ -= static_cast<std::int64_t>(have_ - next_);
  have_ = next_ = 0;
  return pos_;
}

std::int64_t Handle::skip_cb(struct archive*, void* self, std::int64_t request) {
  auto& h = *static_cast<Handle*>(self);
  const std::int64_t at = h.drop_buffered();
  const std::int64_t n = std::clamp<std::int64_t>(h.input_.size - at, 0, request);
  h.pos_ += n;
  return n;
}

std::int64_t Handle::seek_cb(struct archive*, void* self, std::int64_t offset, int whence) {
  auto& h = *static_cast<Handle*>(self);
  const std::int64_t at = h.drop_buffered();
  const std::int64_t from = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? at : h.input_.size;
  std::int64_t to;
  if (__builtin_add_overflow(from, offset, &to) || to < 0) return ARCHIVE_FATAL;
  h.pos_ = to;
  return to;
}

// Checks the read-ahead, and yields now and then.
void Handle::account(std::uint64_t in) {
  // Handed out but not consumed by the format yet: a read-ahead.
  const std::int64_t handed =
      input_.at ? pos_ - static_cast<std::int64_t>(have_ - next_) : streamed_;
  const std::int64_t ahead = handed - archive_filter_bytes(a_, 0);
  if (limits_.max_read_ahead != 0 && ahead > 0 &&
      static_cast<std::uint64_t>(ahead) > limits_.max_read_ahead + kBlock) {
    error_ = archive_error("open", name_, archive_errc::index_too_large);
  }
  maybe_yield(since_yield_, in);
}

Result<archive_entry*> Handle::next() {
  archive_entry* e = nullptr;
  const int r = archive_read_next_header(a_, &e);
  if (r == ARCHIVE_EOF) return static_cast<archive_entry*>(nullptr);
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return fail("open", name_);
  return e;
}

Result<std::size_t> Handle::read_data(std::span<char> buf, std::string_view entry) {
  const la_ssize_t n = archive_read_data(a_, buf.data(), buf.size());
  if (n < 0) return fail("read", entry);
  maybe_yield(since_yield_, static_cast<std::uint64_t>(n));
  return static_cast<std::size_t>(n);
}

std::int64_t Handle::format_offset() const { return archive_filter_bytes(a_, 0); }

int Handle::compression_layers() const { return decoder_ ? 1 : 0; }

bool Handle::contiguous_data() const {
  switch (archive_format(a_) & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_TAR:
    case ARCHIVE_FORMAT_CPIO:
    case ARCHIVE_FORMAT_AR:
      return true;
    default:
      return false;
  }
}

std::string Handle::format_name() const {
  std::string out = archive_format_name(a_) ? archive_format_name(a_) : "unknown";
  if (decoder_) {
    out += " + ";
    out += to_string(compression_);
  }
  return out;
}

// The error behind a failed libarchive call: a callback's own if it had
// one (an I/O error, a limit), else libarchive's, sorted by its message.
Error Handle::fail(std::string_view op, std::string_view path) {
  if (error_) {
    Error e = *error_;
    return Error(std::string(op), std::string(path), e.code());
  }
  const char* msg = archive_error_string(a_);
  const std::string_view m = msg ? msg : "";
  archive_errc cause = archive_errc::malformed;
  if (m.find("Unrecognized archive format") != std::string_view::npos) {
    cause = archive_errc::not_archive;
  } else if (m.find("runcated") != std::string_view::npos ||
             m.find("Premature end") != std::string_view::npos ||
             m.find("unexpected end") != std::string_view::npos) {
    cause = archive_errc::truncated;
  }
  return archive_error(op, path, cause);
}

}  // namespace vfs::archive
