#include "gzip/inflater.h"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "gzip/crc32.h"
#include "gzip/format.h"
#include "gzip/gzip_error.h"
#include "vfs/runtime/scheduler.h"

namespace vfs::gzip {
namespace {

// Output per isal_inflate call. Each call first inflates into ISA-L's own
// 64 KiB buffer and copies out, and saves 32 KiB of history at its end, so
// larger calls copy less (1 MiB: 0.5% of the time; 256 KiB: 2%). The size
// also bounds the work between two yields, and, while recording, how far
// past a due point the inflater notices it (points land within 256 KiB
// plus one block of their span).
constexpr std::size_t kMaxCall = 1024 * 1024;
constexpr std::size_t kMaxCallRecording = 256 * 1024;

}  // namespace

Inflater::Inflater(Reader& source, std::uint64_t offset, const Options& options,
                   std::size_t input_capacity)
    : options_(options),
      in_(source, offset, input_capacity),
      st_(std::make_unique<inflate_state>()),
      in_start_(offset) {
  isal_inflate_init(st_.get());
}

Inflater::~Inflater() = default;

Error Inflater::error(gzip_errc e) const { return gzip_error(options_.name, e); }

Status Inflater::start_at(const GzipIndex::Point& point, std::span<const char> window) {
  phase_ = Phase::body;
  first_member_ = false;
  out_ = point.out_offset;
  out_start_ = point.out_offset;
  member_out_start_ = point.out_offset;
  verify_ = point.member_start;
  if (const unsigned bit = point.bit_offset % 8; bit != 0) {
    auto ok = in_.ensure(1);
    if (!ok) return std::move(ok).error();
    if (!*ok) return error(gzip_errc::index_mismatch);
    // The byte's high 8 - bit bits are the block's first.
    st_->read_in = in_.data()[0] >> bit;
    st_->read_in_length = static_cast<std::int32_t>(8 - bit);
    in_.consume(1);
  }
  if (!window.empty()) {
    // set_dict copies the window: the const_cast only meets its C signature.
    auto* dict = reinterpret_cast<std::uint8_t*>(const_cast<char*>(window.data()));
    if (isal_inflate_set_dict(st_.get(), dict, static_cast<std::uint32_t>(window.size())) !=
        COMP_OK) {
      return error(gzip_errc::bad_index);
    }
  }
  return {};
}

void Inflater::record(IndexBuilder& builder, std::uint64_t span) {
  builder_ = &builder;
  span_ = std::max<std::uint64_t>(span, 1);
  ring_ = std::make_unique_for_overwrite<char[]>(kWindowSize);
  window_ = std::make_unique_for_overwrite<char[]>(kWindowSize);
}

Status Inflater::read_first_header() {
  if (phase_ != Phase::header || !first_member_) return {};
  if (auto st = begin_member(); !st) {
    failed_ = true;
    error_ = st.error();
    return st;
  }
  return {};
}

Result<std::size_t> Inflater::read(std::span<char> out) {
  if (failed_) return error_;
  std::size_t n = 0;
  while (n < out.size() && phase_ != Phase::done) {
    Status st;
    switch (phase_) {
      case Phase::header:
        st = begin_member();
        break;
      case Phase::body:
        if (auto got = inflate_some(out.subspan(n)); got) {
          n += *got;
        } else {
          st = std::move(got).error();
        }
        break;
      case Phase::trailer:
        st = end_member();
        break;
      case Phase::done:
        break;
    }
    if (!st) {
      failed_ = true;
      error_ = std::move(st).error();
      if (n == 0) return error_;
      break;
    }
  }
  return n;
}

// At the start of a member, or after the last one: a header, the end of
// the stream, a run of zeros to its end, or garbage.
Status Inflater::begin_member() {
  auto ok = in_.ensure(1);
  if (!ok) return std::move(ok).error();
  if (!*ok) {
    if (first_member_) return error(gzip_errc::truncated);
    phase_ = Phase::done;
    return {};
  }
  const gzip_errc not_member = first_member_ ? gzip_errc::not_gzip : gzip_errc::trailing_garbage;
  if (!first_member_ && in_.data()[0] == 0) return skip_zeros();
  if (in_.data()[0] != kMagic1) return error(not_member);
  ok = in_.ensure(2);
  if (!ok) return std::move(ok).error();
  if (!*ok) return error(gzip_errc::truncated);
  if (in_.data()[1] != kMagic2) return error(not_member);

  auto header = read_header(in_, options_.limits, options_.name);
  if (!header) return std::move(header).error();
  header_ = *std::move(header);
  isal_inflate_reset(st_.get());
  crc_ = 0;
  member_out_start_ = out_;
  verify_ = true;
  first_member_ = false;
  ++members_;
  phase_ = Phase::body;
  if (builder_ != nullptr && (builder_->empty() || out_ - last_point_ >= span_)) {
    add_point(in_.offset() * 8, true, {});
  }
  return {};
}

// gzip accepts zeros after the last member (tar pads to a block size) with
// a warning; so do we, if they run to the end. Anything else is garbage.
Status Inflater::skip_zeros() {
  for (;;) {
    const unsigned char* p = in_.data();
    const std::size_t n = in_.size();
    if (std::find_if(p, p + n, [](unsigned char c) { return c != 0; }) != p + n) {
      return error(gzip_errc::trailing_garbage);
    }
    in_.consume(n);
    trailing_zeros_ += n;
    maybe_yield(n);
    auto more = in_.fill();
    if (!more) return std::move(more).error();
    if (!*more) break;
  }
  phase_ = Phase::done;
  return {};
}

Result<std::size_t> Inflater::inflate_some(std::span<char> out) {
  if (in_.size() == 0) {
    if (auto more = in_.fill(); !more) return std::move(more).error();
  }
  out = out.first(std::min(out.size(), builder_ != nullptr ? kMaxCallRecording : kMaxCall));
  const auto limit =
      static_cast<std::uint64_t>(std::max<std::int64_t>(options_.limits.max_output, 0));
  const std::uint64_t room = limit - std::min(limit, out_);
  if (room == 0) {
    // At the limit: one byte more, into a scratch byte, proves it exceeded.
    char probe;
    auto got = call_isal({&probe, 1});
    if (!got) return got;
    if (*got > 0) return error(gzip_errc::output_too_large);
    return std::size_t{0};
  }
  if (out.size() > room) out = out.first(static_cast<std::size_t>(room));
  return call_isal(out);
}

Result<std::size_t> Inflater::call_isal(std::span<char> out) {
  const unsigned char* in_before = in_.data();
  st_->next_in = const_cast<std::uint8_t*>(in_before);  // ISA-L's next_in is not const
  st_->avail_in = static_cast<std::uint32_t>(in_.size());
  st_->next_out = reinterpret_cast<std::uint8_t*>(out.data());
  st_->avail_out = static_cast<std::uint32_t>(out.size());
  const int ret = isal_inflate(st_.get());
  const auto consumed = static_cast<std::size_t>(st_->next_in - in_before);
  in_.consume(consumed);
  const std::size_t produced = out.size() - st_->avail_out;
  if (ret < 0) return error(gzip_errc::bad_data);

  crc_ = crc32(crc_, out.first(produced));
  out_ += produced;
  if (builder_ != nullptr) remember(out.first(produced));
  if (auto st = check_ratio(); !st) return std::move(st).error();
  maybe_yield(produced + consumed);

  if (st_->block_state == ISAL_BLOCK_FINISH) {
    if (auto st = after_block_end(); !st) return std::move(st).error();
  } else if (produced == 0 && consumed == 0) {
    // ISA-L wants more input than the buffer holds.
    auto more = in_.fill();
    if (!more) return std::move(more).error();
    if (!*more) return error(in_.eof() ? gzip_errc::truncated : gzip_errc::bad_data);
  } else if (builder_ != nullptr && !armed_ && out_ - last_point_ >= span_ &&
             (st_->block_state == ISAL_BLOCK_CODED || st_->block_state == ISAL_BLOCK_TYPE0)) {
    // A point is due: make ISA-L stop at the end of this block.
    armed_ = true;
    real_bfinal_ = st_->bfinal;
    st_->bfinal = 1;
  }
  return produced;
}

// ISA-L stopped after a block it took for the last, and has handed out all
// its output: the member's real end, or the block end a point was due at.
Status Inflater::after_block_end() {
  if (armed_) {
    armed_ = false;
    if (real_bfinal_ == 0) {
      const std::span<const char> window = window_now();
      add_point(in_.offset() * 8 - static_cast<std::uint64_t>(st_->read_in_length), false, window);
      st_->bfinal = 0;
      st_->block_state = ISAL_BLOCK_NEW_HDR;
      auto* dict = reinterpret_cast<std::uint8_t*>(const_cast<char*>(window.data()));
      if (isal_inflate_set_dict(st_.get(), dict, static_cast<std::uint32_t>(window.size())) !=
          COMP_OK) {
        return error(gzip_errc::bad_data);  // unreachable: the state is at a block start
      }
      return {};
    }
  }
  // The whole bytes ISA-L loaded past the deflate data are the trailer's
  // first: hand them back. The bits left of a partial byte are padding.
  in_.unconsume(static_cast<std::size_t>(st_->read_in_length) / 8);
  st_->read_in = 0;
  st_->read_in_length = 0;
  phase_ = Phase::trailer;
  return {};
}

Status Inflater::end_member() {
  auto ok = in_.ensure(kTrailerLen);
  if (!ok) return std::move(ok).error();
  if (!*ok) return error(gzip_errc::truncated);
  if (verify_) {
    if (le32(in_.data()) != crc_) return error(gzip_errc::crc_mismatch);
    if (le32(in_.data() + 4) != static_cast<std::uint32_t>(out_ - member_out_start_)) {
      return error(gzip_errc::size_mismatch);
    }
  }
  in_.consume(kTrailerLen);
  phase_ = Phase::header;
  return {};
}

Status Inflater::check_ratio() const {
  const std::uint64_t ratio = options_.limits.max_ratio;
  const std::uint64_t out = out_ - out_start_;
  if (ratio == 0 || out <= kRatioGrace) return {};
  const std::uint64_t in = in_.offset() - in_start_;
  // out > ratio * in, without overflow.
  if (in == 0 || (out - 1) / in >= ratio) return error(gzip_errc::ratio_too_large);
  return {};
}

void Inflater::maybe_yield(std::uint64_t bytes) {
  if (options_.yield_every == 0) return;
  since_yield_ += bytes;
  if (since_yield_ < options_.yield_every) return;
  since_yield_ = 0;
  if (runtime::on_fiber()) runtime::yield();
}

void Inflater::remember(std::span<const char> bytes) {
  if (bytes.size() > kWindowSize) bytes = bytes.last(kWindowSize);
  const std::size_t at = ring_filled_ % kWindowSize;
  const std::size_t first = std::min<std::size_t>(bytes.size(), kWindowSize - at);
  std::memcpy(ring_.get() + at, bytes.data(), first);
  std::memcpy(ring_.get(), bytes.data() + first, bytes.size() - first);
  ring_filled_ += bytes.size();
}

// The output before out_ that a block there may refer to: up to 32 KiB,
// not past the member's start.
std::span<const char> Inflater::window_now() {
  const auto size = static_cast<std::size_t>(
      std::min<std::uint64_t>({kWindowSize, out_ - member_out_start_, ring_filled_}));
  const std::size_t end = ring_filled_ % kWindowSize;
  const std::size_t tail = std::min(size, end);  // the part before `end` in the ring
  std::memcpy(window_.get(), ring_.get() + kWindowSize - (size - tail), size - tail);
  std::memcpy(window_.get() + (size - tail), ring_.get() + end - tail, tail);
  return {window_.get(), size};
}

void Inflater::add_point(std::uint64_t bit_offset, bool member_start,
                         std::span<const char> window) {
  builder_->add(bit_offset, out_, member_start, window);
  last_point_ = out_;
}

}  // namespace vfs::gzip
