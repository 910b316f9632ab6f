#include "http/connection.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

// Beast's string_view is std::string_view here (only this file includes
// Beast, so the choice cannot disagree with another translation unit).
#define BOOST_BEAST_USE_STD_STRING_VIEW
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/respond.h"
#include "http/text.h"
#include "vfs/contents.h"
#include "vfs/fd_file.h"
#include "vfs/reader.h"

namespace vfs::http::detail {
namespace {

namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;
using Parser = bhttp::request_parser<bhttp::empty_body>;

// Reads past the header cap by at most this much (pipelined requests).
constexpr std::size_t kReadChunk = 4096;
// Bodies up to this size go out with their header in one write; larger
// files stream through a buffer of this size.
constexpr std::size_t kBufferSize = 64 * 1024;

// Writes everything in `iov` (a vector of pending pieces), waiting at most
// `timeout` for each bit of progress. False if the connection is to close.
class Writer {
 public:
  Writer(Transport& t, std::chrono::milliseconds timeout, ConnectionHooks& hooks)
      : t_(t), timeout_(timeout), hooks_(hooks) {}

  void push(const void* data, std::size_t len) {
    if (len) iov_.push_back({const_cast<void*>(data), len});
  }
  std::size_t pending() const noexcept { return iov_.size(); }

  bool flush(bool more) {
    std::size_t first = 0;
    while (first < iov_.size()) {
      const int count = static_cast<int>(std::min<std::size_t>(iov_.size() - first, 64));
      const IoResult r = t_.writev(iov_.data() + first, count, more, Clock::now() + timeout_);
      if (!r.ok() || r.value <= 0) return fail(r);
      auto n = static_cast<std::size_t>(r.value);
      while (n && n >= iov_[first].iov_len) n -= iov_[first++].iov_len;
      if (n) {
        iov_[first].iov_base = static_cast<char*>(iov_[first].iov_base) + n;
        iov_[first].iov_len -= n;
      }
    }
    iov_.clear();
    return true;
  }

  // sendfile(2) of [offset, offset+len); nullopt if the transport or file
  // cannot (then the caller reads instead), false if the connection failed.
  std::optional<bool> sendfile(int fd, std::int64_t offset, std::int64_t len) {
    auto off = static_cast<off_t>(offset);
    while (len > 0) {
      const IoResult r =
          t_.sendfile(fd, &off, static_cast<std::size_t>(len), Clock::now() + timeout_);
      if (!r.ok()) {
        if ((r.err == ENOSYS || r.err == EINVAL) && off == offset) return std::nullopt;
        return fail(r);
      }
      if (r.value == 0) return false;  // the file shrank: the length we promised is a lie
      len -= r.value;
    }
    return true;
  }

 private:
  bool fail(const IoResult& r) {
    if (r.err == ETIMEDOUT) hooks_.on_timeout();
    return false;
  }

  Transport& t_;
  std::chrono::milliseconds timeout_;
  ConnectionHooks& hooks_;
  std::vector<iovec> iov_;
};

// Reads [offset, offset+buf.size()) of `file` into buf: read_at, or seek
// and read, or read on if the file is already there. False on failure or a
// short file.
bool read_range(File& file, std::int64_t& position, std::span<char> buf, std::int64_t offset) {
  if (auto* at = dynamic_cast<ReaderAt*>(&file)) {
    auto n = at->read_at(buf, offset);
    return n && *n == buf.size();
  }
  if (position != offset) {
    auto* seeker = dynamic_cast<Seeker*>(&file);
    if (!seeker) return false;
    auto p = seeker->seek(offset, Whence::begin);
    if (!p || *p != offset) return false;
    position = offset;
  }
  std::size_t done = 0;
  while (done < buf.size()) {
    auto n = file.read(buf.subspan(done));
    if (!n || *n == 0) return false;
    done += *n;
  }
  position += static_cast<std::int64_t>(done);
  return true;
}

// Sends the response's body after its header (already in `w`).
bool send_body(Writer& w, Response& resp) {
  File* file = resp.file.get();
  auto* contents = dynamic_cast<ContentsFile*>(file);
  auto* fdfile = dynamic_cast<FdFile*>(file);
  const int fd = fdfile ? fdfile->fd() : -1;
  std::int64_t position = 0;
  std::vector<char> buffer;
  // A small body is read whole and leaves with its header in one write.
  const bool small = resp.content_length <= static_cast<std::int64_t>(kBufferSize);
  std::size_t used = 0;
  for (Segment& s : resp.body) {
    if (!s.from_file) {
      w.push(s.bytes.data(), s.bytes.size());
      continue;
    }
    if (s.length == 0) continue;
    if (contents) {
      const std::string_view all = contents->contents();
      if (s.offset + s.length > static_cast<std::int64_t>(all.size())) return false;
      w.push(all.data() + s.offset, static_cast<std::size_t>(s.length));
      continue;
    }
    if (fd >= 0) {
      if (!w.flush(/*more=*/true)) return false;
      if (const auto sent = w.sendfile(fd, s.offset, s.length)) {
        if (!*sent) return false;
        continue;
      }
    }
    if (buffer.empty())
      buffer.resize(small ? static_cast<std::size_t>(resp.content_length) : kBufferSize);
    std::int64_t offset = s.offset, left = s.length;
    while (left > 0) {
      if (used == buffer.size()) {
        if (!w.flush(true)) return false;
        used = 0;
      }
      const auto n = static_cast<std::size_t>(
          std::min<std::int64_t>(left, static_cast<std::int64_t>(buffer.size() - used)));
      std::span<char> dst(buffer.data() + used, n);
      if (!read_range(*file, position, dst, offset)) return false;
      w.push(dst.data(), n);
      used += n;
      offset += static_cast<std::int64_t>(n);
      left -= static_cast<std::int64_t>(n);
    }
  }
  return w.flush(false);
}

std::string_view field(const Parser::value_type& msg, bhttp::field f) {
  const auto it = msg.find(f);
  return it == msg.end() ? std::string_view{} : std::string_view(it->value());
}

// False if the request's body length cannot be told: a Transfer-Encoding
// that Beast did not take as one final "chunked". Such a body must not be
// read as the next request (RFC 9112 section 6.3: 400, then close).
bool body_length_known(const Parser& parser) {
  return parser.chunked() ||
         parser.get().find(bhttp::field::transfer_encoding) == parser.get().end();
}

// A Host header byte Go's httpguts.ValidHostHeader allows: enough for a
// reg-name, an IP literal and a port, nothing that could be a path or user.
bool valid_host_byte(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("!$%&'()*+,-.:;=[]_~", c) != nullptr && c != 0;
}

// RFC 9112 section 3.2: HTTP/1.1 needs exactly one Host, and a valid one.
bool host_ok(const Parser::value_type& msg) {
  const auto [first, last] = msg.equal_range(bhttp::field::host);
  if (first == last) return msg.version() < 11;
  if (std::next(first) != last) return false;
  const std::string_view host = first->value();
  return std::all_of(host.begin(), host.end(),
                     [](char c) { return valid_host_byte(static_cast<unsigned char>(c)); });
}

// The Date header's value, formatted once a second per thread. A fiber
// can move between threads, but only between calls: the value is copied
// out before anything can switch.
std::string date_now() {
  thread_local std::time_t cached_at = 0;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    cached = format_http_date(now);
    cached_at = now;
  }
  return cached;
}

// Writes `resp` (header, and body unless HEAD or 304). False if the
// connection is to close because writing failed.
bool write_response(Writer& w, Response& resp, bool keep_alive, unsigned version, bool head_only) {
  std::string head = "HTTP/1.1 ";
  head += std::to_string(resp.status);
  head += ' ';
  head += status_text(resp.status);
  head += "\r\nDate: ";
  head += date_now();
  head += "\r\n";
  head += resp.headers;
  if (resp.has_length) {
    head += "Content-Length: ";
    head += std::to_string(resp.content_length);
    head += "\r\n";
  }
  if (!keep_alive) {
    head += "Connection: close\r\n";
  } else if (version == 10) {
    head += "Connection: keep-alive\r\n";
  }
  head += "\r\n";
  w.push(head.data(), head.size());
  if (head_only || resp.status == 304 || resp.body.empty()) return w.flush(false);
  return send_body(w, resp);
}

}  // namespace

void serve_connection(Transport& t, FS& fs, const ServerOptions& options, ConnectionHooks& hooks) {
  Writer writer(t, options.write_timeout, hooks);
  const std::size_t cap = std::max<std::size_t>(options.max_header_bytes, 64);
  std::string buf;      // bytes read and not yet parsed: [pos, size)
  std::size_t pos = 0;  // (a pipelining client's next requests are here)
  Deadline header_deadline = Clock::now() + options.header_timeout;

  // Reads more into buf; false when the connection is to close.
  auto read_more = [&](Deadline deadline) {
    if (pos > 0) {
      buf.erase(0, pos);
      pos = 0;
    }
    const std::size_t old = buf.size();
    buf.resize(old + kReadChunk);
    const IoResult r = t.read(buf.data() + old, kReadChunk, deadline);
    buf.resize(old + (r.ok() ? static_cast<std::size_t>(r.value) : 0));
    if (r.err == ETIMEDOUT) hooks.on_timeout();
    return r.ok() && r.value > 0;
  };
  auto reject = [&](int status) {
    Response resp = error_response(status);
    write_response(writer, resp, /*keep_alive=*/false, 11, false);
  };

  for (bool first = true;; first = false) {
    if (!first) {
      if (hooks.stopping()) return;
      if (pos == buf.size()) {
        // Idle: wait for the next request. A stopping server may shut the
        // reading side meanwhile, which ends the read.
        hooks.set_idle(true);
        const bool stop = hooks.stopping();
        const bool more = !stop && read_more(Clock::now() + options.idle_timeout);
        hooks.set_idle(false);
        if (!more || hooks.stopping()) return;
      }
      header_deadline = Clock::now() + options.header_timeout;
    }

    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(cap));
    // The body is never read (a request with one is answered, then the
    // connection closes), so its declared size is no reason to refuse it.
    // (Not boost::none: this Beast compares the length against it, as
    // greater than any none.)
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    boost::system::error_code ec;
    for (;;) {
      if (pos < buf.size()) {
        pos += parser.put(boost::asio::const_buffer(buf.data() + pos, buf.size() - pos), ec);
        if (ec == bhttp::error::need_more) ec = {};
        if (ec == bhttp::error::header_limit) return reject(431);
        if (ec) return reject(400);
        if (parser.is_header_done()) break;
      }
      if (buf.size() - pos >= cap) return reject(431);
      if (!read_more(header_deadline)) return;  // end of stream, error or header timeout
    }

    hooks.on_request();
    const auto& msg = parser.get();
    const unsigned version = msg.version();
    if (!host_ok(msg) || !body_length_known(parser)) return reject(400);
    // A body (a file server reads none) would be taken for the next request.
    const bool body_follows = !parser.is_done();
    const bool keep_alive = msg.keep_alive() && !body_follows && !hooks.stopping();

    Request req;
    req.method = msg.method_string();
    req.target = msg.target();
    req.if_match = field(msg, bhttp::field::if_match);
    req.if_none_match = field(msg, bhttp::field::if_none_match);
    req.if_modified_since = field(msg, bhttp::field::if_modified_since);
    req.if_unmodified_since = field(msg, bhttp::field::if_unmodified_since);
    req.if_range = field(msg, bhttp::field::if_range);
    req.range = field(msg, bhttp::field::range);
    req.accept_encoding = field(msg, bhttp::field::accept_encoding);
    Response resp = respond(fs, options, req);
    if (!write_response(writer, resp, keep_alive, version, req.method == "HEAD")) return;
    if (!keep_alive) return;
  }
}

}  // namespace vfs::http::detail
