// libFuzzer target for the file server's request handling: arbitrary bytes
// as one connection's input, read in chunks of a size the input chooses,
// answered over a MapFS through an in-memory transport (no sockets, no
// runtime: nothing waits). No input may crash, hang, or make the server
// write anything but well-formed responses. Input: one byte of chunk size,
// then the bytes the client sends.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "http/connection.h"
#include "vfs/map_fs.h"

namespace {

namespace d = vfs::http::detail;

void check(bool ok) {
  if (!ok) std::abort();
}

class MemoryTransport final : public d::Transport {
 public:
  MemoryTransport(std::string_view in, std::size_t chunk) : in_(in), chunk_(chunk) {}
  d::IoResult read(void* buf, std::size_t len, d::Deadline) override {
    const std::size_t n = std::min({len, chunk_, in_.size()});
    std::memcpy(buf, in_.data(), n);
    in_.remove_prefix(n);
    return {static_cast<long>(n), 0};
  }
  d::IoResult writev(const iovec* iov, int count, bool, d::Deadline) override {
    long total = 0;
    for (int i = 0; i < count; ++i) {
      // Keep the start of the output to check; count the rest.
      if (out.size() < (1 << 16))
        out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
      total += static_cast<long>(iov[i].iov_len);
    }
    return {total, 0};
  }
  d::IoResult sendfile(int, off_t*, std::size_t, d::Deadline) override { return {-1, ENOSYS}; }
  std::string out;

 private:
  std::string_view in_;
  std::size_t chunk_;
};

vfs::MapFS& tree() {
  static vfs::MapFS fs = [] {
    const vfs::Time t{std::chrono::seconds(784111777)};
    vfs::MapFS m{{"index.html", {"<h1>hi</h1>", 0644, t}},
                 {"a.txt", {"0123456789abcdef", 0644, t}},
                 {"dir/b.css", {"b{}", 0644, t}},
                 {"dir/<&\" x%.txt", {"odd", 0644, t}},
                 {"empty", {"", 0644, t}},
                 {"link", {"dir", vfs::FileMode::symlink | 0777}}};
    return m;
  }();
  return fs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  MemoryTransport t(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), chunk);
  vfs::http::ServerOptions options;
  options.max_header_bytes = 2048;
  d::ConnectionHooks hooks;
  d::serve_connection(t, tree(), options, hooks);
  // Every response begins with a status line of a code the server sends.
  std::string_view out = t.out;
  if (!out.empty()) {
    check(out.starts_with("HTTP/1.1 "));
    check(out.size() >= 12);
    const int code = (out[9] - '0') * 100 + (out[10] - '0') * 10 + (out[11] - '0');
    static constexpr int kCodes[] = {200, 206, 301, 304, 400, 403, 404, 405, 412, 416, 431, 500};
    bool known = false;
    for (int c : kCodes) known |= c == code;
    check(known);
  }
  return 0;
}
