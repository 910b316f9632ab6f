#include "embed/compress.h"

#include <zlib.h>

#include <climits>

#if VFS_EMBED_HAVE_ZSTD
#include <zstd.h>
#endif
#if VFS_EMBED_HAVE_BROTLI
#include <brotli/encode.h>
#endif

namespace vfs::internal::embed {
namespace {

// gzip: zlib's deflate at level 9 with a gzip wrapper. zlib writes a zero
// mtime and no name in the header, so the copy is reproducible.
std::optional<std::string> gzip(std::string_view data, std::string& error) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    error = "deflateInit2 failed";
    return std::nullopt;
  }
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  // avail_in/avail_out are 32-bit: feed large inputs in pieces.
  std::size_t in_left = data.size();
  int rc = Z_OK;
  while (rc == Z_OK) {
    const uInt in_step = static_cast<uInt>(std::min<std::size_t>(in_left, UINT_MAX));
    z.avail_in = in_step;
    z.avail_out = static_cast<uInt>(std::min<std::size_t>(out.size() - z.total_out, UINT_MAX));
    rc = deflate(&z, in_step == in_left ? Z_FINISH : Z_NO_FLUSH);
    in_left -= in_step - z.avail_in;
    if (rc == Z_BUF_ERROR) break;
  }
  const bool ok = rc == Z_STREAM_END;
  out.resize(z.total_out);
  deflateEnd(&z);
  if (!ok) {
    error = "deflate failed";
    return std::nullopt;
  }
  return out;
}

}  // namespace

bool have_encoder(std::string_view encoding) noexcept {
  if (encoding == "gzip") return true;
  if (encoding == "zstd") return VFS_EMBED_HAVE_ZSTD;
  if (encoding == "br") return VFS_EMBED_HAVE_BROTLI;
  return false;
}

std::optional<std::string> compress(std::string_view encoding, std::string_view data,
                                    std::string& error) {
  if (encoding == "gzip") return gzip(data, error);
#if VFS_EMBED_HAVE_ZSTD
  if (encoding == "zstd") {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 19);
    if (ZSTD_isError(n)) {
      error = ZSTD_getErrorName(n);
      return std::nullopt;
    }
    out.resize(n);
    return out;
  }
#endif
#if VFS_EMBED_HAVE_BROTLI
  if (encoding == "br") {
    std::size_t n = BrotliEncoderMaxCompressedSize(data.size());
    std::string out(n ? n : data.size() + 1024, '\0');
    n = out.size();
    if (!BrotliEncoderCompress(BROTLI_MAX_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                               data.size(), reinterpret_cast<const std::uint8_t*>(data.data()), &n,
                               reinterpret_cast<std::uint8_t*>(out.data()))) {
      error = "BrotliEncoderCompress failed";
      return std::nullopt;
    }
    out.resize(n);
    return out;
  }
#endif
  error = "this vfs-embed was built without an encoder for " + std::string(encoding);
  return std::nullopt;
}

}  // namespace vfs::internal::embed
