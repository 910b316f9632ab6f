#include "archive/decoder.h"

#include <bzlib.h>
#include <lzma.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "archive/archive_error.h"

namespace vfs::archive {
namespace {

constexpr std::size_t kInput = 64 * 1024;
// Output below this passes the ratio check (a small file of zeros is fine).
constexpr std::uint64_t kRatioGrace = std::uint64_t{1} << 20;

// What one call into a codec did.
struct Step {
  std::size_t used = 0;  // input consumed
  std::size_t made = 0;  // output produced
  bool stream_end = false;
  std::optional<archive_errc> error;
};

// The input buffer, the counts and the loop every codec shares; a codec
// supplies step() (and, for one that needs it, restart() between
// concatenated streams).
class Decoder : public Reader {
 public:
  Decoder(Reader& raw, const DecoderLimits& limits, std::string name)
      : raw_(raw), limits_(limits), name_(std::move(name)), in_(kInput) {}

  Result<std::size_t> read(std::span<char> out) final {
    if (out.empty() || done_) return std::size_t{0};
    for (;;) {
      if (auto st = refill(); !st) return std::move(st).error();
      const bool last = raw_eof_ && next_ == have_;
      Step s = step(std::span<const char>(in_.data() + next_, have_ - next_), out, last);
      next_ += s.used;
      in_total_ += s.used;
      out_total_ += s.made;
      if (s.error) return fail(*s.error);
      if (limits_.max_ratio != 0 && out_total_ > kRatioGrace &&
          out_total_ / std::max<std::uint64_t>(in_total_, 1) >= limits_.max_ratio) {
        return fail(archive_errc::ratio_too_high);
      }
      if (s.stream_end) {
        // Another stream may follow (xz -T, pbzip2 and zstd write several).
        if (auto st = refill(); !st) return std::move(st).error();
        if (next_ == have_ && raw_eof_) {
          done_ = true;
        } else if (auto st = restart(); !st) {
          return std::move(st).error();
        }
      }
      if (s.made > 0) return s.made;
      if (done_) return std::size_t{0};
      if (last && s.used == 0) return fail(archive_errc::truncated);
      // Input at hand and no progress: a codec that will never move on.
      if (s.used == 0 && !s.stream_end && next_ < have_) return fail(archive_errc::malformed);
    }
  }

 protected:
  // Decodes from `in` into `out`; `last`: no input follows `in`.
  virtual Step step(std::span<const char> in, std::span<char> out, bool last) = 0;
  // Readies the codec for the next concatenated stream.
  virtual Status restart() { return {}; }
  Error fail(archive_errc e) const { return archive_error("read", name_, e); }

  // Reads more input once the buffer is used up (and the input not ended).
  Status refill() {
    if (next_ < have_ || raw_eof_) return {};
    auto n = raw_.read(in_);
    if (!n) return std::move(n).error();
    next_ = 0;
    have_ = *n;
    raw_eof_ = *n == 0;
    return {};
  }
  const DecoderLimits& limits() const { return limits_; }

 private:
  Reader& raw_;
  DecoderLimits limits_;
  std::string name_;
  std::vector<char> in_;
  std::size_t next_ = 0;
  std::size_t have_ = 0;
  bool raw_eof_ = false;
  bool done_ = false;
  std::uint64_t in_total_ = 0;
  std::uint64_t out_total_ = 0;
};

class XzDecoder final : public Decoder {
 public:
  using Decoder::Decoder;
  ~XzDecoder() override { lzma_end(&s_); }

  Status init() {
    // Concatenated streams are one; the memlimit bounds the dictionary a
    // header may ask for.
    if (lzma_stream_decoder(&s_, limits().max_memory, LZMA_CONCATENATED) != LZMA_OK) {
      return Error("open", "", std::make_error_code(std::errc::not_enough_memory));
    }
    return {};
  }

 private:
  Step step(std::span<const char> in, std::span<char> out, bool last) override {
    s_.next_in = reinterpret_cast<const std::uint8_t*>(in.data());
    s_.avail_in = in.size();
    s_.next_out = reinterpret_cast<std::uint8_t*>(out.data());
    s_.avail_out = out.size();
    const lzma_ret r = lzma_code(&s_, last ? LZMA_FINISH : LZMA_RUN);
    Step st;
    st.used = in.size() - s_.avail_in;
    st.made = out.size() - s_.avail_out;
    switch (r) {
      case LZMA_OK:
        break;
      case LZMA_STREAM_END:
        st.stream_end = true;
        break;
      case LZMA_BUF_ERROR:
        st.error = archive_errc::truncated;
        break;
      case LZMA_MEMLIMIT_ERROR:
      case LZMA_MEM_ERROR:
        st.error = archive_errc::index_too_large;
        break;
      default:
        st.error = archive_errc::malformed;
        break;
    }
    return st;
  }

  lzma_stream s_ = LZMA_STREAM_INIT;
};

class Bzip2Decoder final : public Decoder {
 public:
  using Decoder::Decoder;
  ~Bzip2Decoder() override {
    if (live_) BZ2_bzDecompressEnd(&s_);
  }

  Status init() {
    std::memset(&s_, 0, sizeof s_);
    if (BZ2_bzDecompressInit(&s_, 0, 0) != BZ_OK) {
      return Error("open", "", std::make_error_code(std::errc::not_enough_memory));
    }
    live_ = true;
    return {};
  }

 private:
  Step step(std::span<const char> in, std::span<char> out, bool) override {
    s_.next_in = const_cast<char*>(in.data());  // bzlib's API is not const-correct
    s_.avail_in = static_cast<unsigned>(in.size());
    s_.next_out = out.data();
    s_.avail_out = static_cast<unsigned>(std::min<std::size_t>(out.size(), 1u << 30));
    const unsigned out_before = s_.avail_out;
    const int r = BZ2_bzDecompress(&s_);
    Step st;
    st.used = in.size() - s_.avail_in;
    st.made = out_before - s_.avail_out;
    if (r == BZ_STREAM_END) {
      st.stream_end = true;
    } else if (r == BZ_MEM_ERROR) {
      st.error = archive_errc::index_too_large;
    } else if (r != BZ_OK) {
      st.error = archive_errc::malformed;
    }
    return st;
  }

  Status restart() override {
    BZ2_bzDecompressEnd(&s_);
    live_ = false;
    return init();
  }

  bz_stream s_{};
  bool live_ = false;
};

class ZstdDecoder final : public Decoder {
 public:
  using Decoder::Decoder;
  ~ZstdDecoder() override { ZSTD_freeDStream(s_); }

  Status init() {
    s_ = ZSTD_createDStream();
    if (!s_) return Error("open", "", std::make_error_code(std::errc::not_enough_memory));
    // The largest window a frame may ask for: the decoder's memory.
    const int log = std::clamp(static_cast<int>(std::bit_width(limits().max_memory)) - 1, 10, 31);
    ZSTD_DCtx_setParameter(s_, ZSTD_d_windowLogMax, log);
    return {};
  }

 private:
  Step step(std::span<const char> in, std::span<char> out, bool) override {
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    ZSTD_outBuffer ob{out.data(), out.size(), 0};
    const std::size_t r = ZSTD_decompressStream(s_, &ob, &ib);
    Step st;
    st.used = ib.pos;
    st.made = ob.pos;
    if (ZSTD_isError(r)) {
      st.error = ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge
                     ? archive_errc::index_too_large
                     : archive_errc::malformed;
    } else if (r == 0) {
      st.stream_end = true;  // a frame ended and is flushed: the next starts afresh
    }
    return st;
  }

  ZSTD_DStream* s_ = nullptr;
};

template <class D>
Result<std::unique_ptr<Reader>> make(Reader& raw, const DecoderLimits& limits, std::string name) {
  auto d = std::make_unique<D>(raw, limits, std::move(name));
  if (auto st = d->init(); !st) return std::move(st).error();
  return std::unique_ptr<Reader>(std::move(d));
}

}  // namespace

Result<std::unique_ptr<Reader>> open_decoder(ArchiveFormat format, Reader& raw,
                                             const DecoderLimits& limits, std::string name) {
  switch (format) {
    case ArchiveFormat::xz:
      return make<XzDecoder>(raw, limits, std::move(name));
    case ArchiveFormat::bzip2:
      return make<Bzip2Decoder>(raw, limits, std::move(name));
    case ArchiveFormat::zstd:
      return make<ZstdDecoder>(raw, limits, std::move(name));
    default:
      return archive_error("open", name, archive_errc::not_archive);
  }
}

}  // namespace vfs::archive
