// The HTTP file server: a real server on 127.0.0.1:0 on the runtime, and a
// client of raw sockets in the test thread, so every byte is checked.
// Suites named Concurrency* also run under ThreadSanitizer (.ci/run).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "runtime_test_util.h"
#include "vfs/asset_info.h"
#include "vfs/dir_fs.h"
#include "vfs/forwarding_fs.h"
#include "vfs/http_server.h"
#include "vfs/map_fs.h"
#include "vfs/runtime.h"

namespace {

namespace rt = vfs::runtime;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using rt::testing::HangGuard;

// A server running on its own runtime on a background thread.
class TestServer {
 public:
  explicit TestServer(vfs::FSRef fs, vfs::http::ServerOptions options = {})
      : server(std::move(fs), options) {
    port = server.listen("127.0.0.1", 0).value();
    thread_ = std::thread([this] {
      rt::run([this] { served = server.serve(); }, {.procs = 2});
      finished = true;
    });
  }
  ~TestServer() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    server.stop();
    thread_.join();
  }

  vfs::http::FileServer server;
  int port = 0;
  vfs::Status served;
  std::atomic<bool> finished{false};

 private:
  std::thread thread_;
};

// A blocking client socket; every read gives up after 60 s (a hang guard).
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{60, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) std::abort();
  }
  ~Client() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd() const { return fd_; }

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // Reads until `n` more bytes are buffered or the stream ends.
  bool fill(std::size_t n) {
    while (buf_.size() < n) {
      char tmp[65536];
      const ssize_t got = ::recv(fd_, tmp, sizeof tmp, 0);
      if (got <= 0) return false;
      buf_.append(tmp, static_cast<std::size_t>(got));
    }
    return true;
  }
  struct Response {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string head;  // status line and headers, as sent
    bool has(const std::string& h) const { return headers.count(h) != 0; }
    std::string operator[](const std::string& h) const {
      auto it = headers.find(h);
      return it == headers.end() ? "" : it->second;
    }
  };
  // Reads one response; `head_only`: a HEAD request's (no body follows).
  Response read(bool head_only = false) {
    Response r;
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(buf_.size() + 1)) return r;
    }
    r.head = buf_.substr(0, end + 2);
    buf_.erase(0, end + 4);
    r.status = std::atoi(r.head.c_str() + 9);
    std::size_t line = r.head.find("\r\n") + 2;
    while (line < r.head.size()) {
      const std::size_t eol = r.head.find("\r\n", line);
      const std::string h = r.head.substr(line, eol - line);
      const std::size_t colon = h.find(':');
      std::string name = h.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(c));
      r.headers[name] = h.substr(colon + 2);
      line = eol + 2;
    }
    if (!head_only && r.status != 304 && r.has("content-length")) {
      const std::size_t len = std::stoull(r["content-length"]);
      fill(len);
      r.body = buf_.substr(0, len);
      buf_.erase(0, std::min(len, buf_.size()));
    }
    return r;
  }
  Response get(const std::string& target, const std::string& extra = "") {
    send("GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n");
    return read();
  }
  // True if the server closed the connection (end of stream, nothing more).
  bool closed_by_server() {
    if (!buf_.empty()) return false;
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  int fd_ = -1;
  std::string buf_;
};

vfs::Time at(std::int64_t unix_seconds, std::int64_t nanos = 0) {
  return vfs::Time(std::chrono::duration_cast<vfs::Clock::duration>(
      std::chrono::seconds(unix_seconds) + std::chrono::nanoseconds(nanos)));
}

constexpr std::int64_t kMtime = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

vfs::MapFS site() {
  vfs::MapFS fs{
      {"index.html", {"<h1>home</h1>", 0644, at(kMtime)}},
      {"hello.txt", {"hello, world\n", 0644, at(kMtime, 5)}},
      {"digits.txt", {"0123456789", 0644, at(kMtime)}},
      {"noext", {"raw", 0644, at(kMtime)}},
      {"epoch.txt", {"no time", 0644, {}}},
      {"docs/a.txt", {"a", 0644, at(kMtime)}},
      {"docs/index.html", {"docs index", 0644, at(kMtime)}},
      {"list", {"", vfs::FileMode::dir | 0755, at(kMtime)}},
      {"list/plain.txt", {"p", 0644, at(kMtime)}},
      {"list/a<b>&\"c\" d%.txt", {"weird", 0644, at(kMtime)}},
      {"list/sub dir/x", {"x", 0644, at(kMtime)}},
  };
  return fs;
}

TEST(HttpServer, GetAndHead) {
  HangGuard guard("get");
  vfs::MapFS fs = site();
  TestServer s(fs);
  Client c(s.port);
  auto r = c.get("/hello.txt");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello, world\n");
  EXPECT_EQ(r["content-type"], "text/plain; charset=utf-8");
  EXPECT_EQ(r["content-length"], "13");
  EXPECT_EQ(r["accept-ranges"], "bytes");
  EXPECT_EQ(r["last-modified"], "Sun, 06 Nov 1994 08:49:37 GMT");
  const std::string etag = r["etag"];
  EXPECT_EQ(etag.front(), '"');
  EXPECT_TRUE(r.has("date"));
  EXPECT_FALSE(r.has("connection"));  // HTTP/1.1 keep-alive is the default
  // HEAD: the same headers, and no body: the next response on the
  // connection starts right after the header.
  c.send("HEAD /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
  auto h = c.read(/*head_only=*/true);
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h["content-length"], "13");
  EXPECT_EQ(h["etag"], etag);
  auto n = c.get("/noext");
  EXPECT_EQ(n.status, 200);
  EXPECT_EQ(n["content-type"], "application/octet-stream");
  EXPECT_EQ(n.body, "raw");
  // A file without a modification time has neither Last-Modified nor ETag.
  auto e = c.get("/epoch.txt");
  EXPECT_EQ(e.body, "no time");
  EXPECT_FALSE(e.has("last-modified"));
  EXPECT_FALSE(e.has("etag"));
  EXPECT_EQ(s.server.stats().requests, 4u);
}

TEST(HttpServer, MethodsOtherThanGetAndHeadAre405) {
  vfs::MapFS fs = site();
  TestServer s(fs);
  for (const char* m : {"POST", "PUT", "DELETE", "OPTIONS", "BREW"}) {
    Client c(s.port);
    c.send(std::string(m) + " /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    auto r = c.read();
    EXPECT_EQ(r.status, 405) << m;
    EXPECT_EQ(r["allow"], "GET, HEAD");
  }
}

TEST(HttpServer, IndexRedirectsAndListing) {
  vfs::MapFS fs = site();
  TestServer s(fs);
  Client c(s.port);
  auto root = c.get("/");
  EXPECT_EQ(root.body, "<h1>home</h1>");
  EXPECT_EQ(root["content-type"], "text/html; charset=utf-8");
  auto d = c.get("/docs");
  EXPECT_EQ(d.status, 301);
  EXPECT_EQ(d["location"], "docs/");
  EXPECT_EQ(c.get("/docs?x=1&y=2")["location"], "docs/?x=1&y=2");
  EXPECT_EQ(c.get("/docs/").body, "docs index");
  auto f = c.get("/hello.txt/");
  EXPECT_EQ(f.status, 301);
  EXPECT_EQ(f["location"], "../hello.txt");
  auto i = c.get("/docs/index.html");
  EXPECT_EQ(i.status, 301);
  EXPECT_EQ(i["location"], "./");
  auto l = c.get("/list/");
  EXPECT_EQ(l.status, 200);
  EXPECT_EQ(l["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(l.body,
            "<pre>\n"
            "<a href=\"a%3Cb%3E%26%22c%22%20d%25.txt\">a&lt;b&gt;&amp;&#34;c&#34; d%.txt</a>\n"
            "<a href=\"plain.txt\">plain.txt</a>\n"
            "<a href=\"sub%20dir/\">sub dir/</a>\n"
            "</pre>\n");
  // The escaped href leads back to the file.
  EXPECT_EQ(c.get("/list/a%3Cb%3E%26%22c%22%20d%25.txt").body, "weird");
  auto sub = c.get("/list/sub%20dir");
  EXPECT_EQ(sub["location"], "sub%20dir/");
}

TEST(HttpServer, ListingCanBeTurnedOff) {
  vfs::MapFS fs = site();
  TestServer s(fs, {.directory_listing = false});
  Client c(s.port);
  EXPECT_EQ(c.get("/list/").status, 403);
  EXPECT_EQ(c.get("/docs/").status, 200);  // an index is still served
}

TEST(HttpServer, NotFoundAndBadRequests) {
  vfs::MapFS fs = site();
  TestServer s(fs);
  Client c(s.port);
  EXPECT_EQ(c.get("/nope").status, 404);
  EXPECT_EQ(c.get("/hello.txt/x").status, 404);  // through a file
  EXPECT_EQ(c.get("/%zz").status, 400);          // the connection closes after a 400
  Client c2(s.port);
  EXPECT_EQ(c2.get("/a%00b").status, 400);
  Client c3(s.port);
  EXPECT_EQ(c3.get("relative").status, 400);
  Client c4(s.port);
  c4.send("GET /hello.txt HTTP/1.1\r\n\r\n");  // HTTP/1.1 needs a Host
  EXPECT_EQ(c4.read().status, 400);
  Client c5(s.port);
  c5.send("GARBAGE\r\n\r\n");
  EXPECT_EQ(c5.read().status, 400);
  EXPECT_TRUE(c5.closed_by_server());
  Client c6(s.port);  // absolute-form targets are served by their path
  EXPECT_EQ(c6.get("http://example.com/hello.txt").body, "hello, world\n");
}

// Nothing outside the FS is reachable: a DirFS rooted at root/ with a
// secret beside it.
TEST(HttpServer, TraversalAttempts) {
  HangGuard guard("traversal");
  const std::string base =
      ::testing::TempDir() + "vfs_http_traversal_" + std::to_string(::getpid());
  ASSERT_EQ(std::system(("rm -rf " + base + " && mkdir -p " + base + "/root/a").c_str()), 0);
  std::ofstream(base + "/secret") << "SECRET";
  std::ofstream(base + "/root/a/f.txt") << "inside";
  ASSERT_EQ(::symlink("../../secret", (base + "/root/a/link").c_str()), 0);
  {
    auto fs = vfs::DirFS::make(base + "/root").value();
    TestServer s(fs);
    const char* attempts[] = {
        "/../secret",
        "/a/../../secret",
        "/%2e%2e/secret",
        "/%2E%2E%2Fsecret",
        "/a/..%2f..%2fsecret",
        "/..%5csecret",
        "/..\\secret",
        "/a/%2e%2e/%2e%2e/secret",
        "//secret",
        "/a/link",
        "/./../secret",
        "/a%2f..%2f..%2fsecret",
    };
    for (const char* target : attempts) {
      Client c(s.port);
      auto r = c.get(target);
      EXPECT_NE(r.body, "SECRET") << target;
      EXPECT_TRUE(r.status == 404 || r.status == 403 || r.status == 400)
          << target << " " << r.status;
    }
    Client c(s.port);
    EXPECT_EQ(c.get("/a/link").status, 403);           // an escaping symlink: DirFS says permission
    EXPECT_EQ(c.get("/a/../a/f.txt").body, "inside");  // cleaned, then served
    EXPECT_EQ(c.get("/a%2Ff.txt").body, "inside");     // an encoded slash is a slash
  }
  std::system(("rm -rf " + base).c_str());
}

TEST(HttpServer, ConditionalRequests) {
  vfs::MapFS fs = site();
  TestServer s(fs);
  Client c(s.port);
  const std::string etag = c.get("/hello.txt")["etag"];
  ASSERT_FALSE(etag.empty());
  auto nm = c.get("/hello.txt", "If-None-Match: \"other\", " + etag + "\r\n");
  EXPECT_EQ(nm.status, 304);
  EXPECT_EQ(nm["etag"], etag);
  EXPECT_FALSE(nm.has("content-length"));
  EXPECT_FALSE(nm.has("last-modified"));  // with an ETag, as Go
  EXPECT_EQ(c.get("/hello.txt", "If-None-Match: W/" + etag + "\r\n").status, 304);  // weak compare
  EXPECT_EQ(c.get("/hello.txt", "If-None-Match: *\r\n").status, 304);
  EXPECT_EQ(c.get("/hello.txt", "If-None-Match: \"other\"\r\n").status, 200);
  EXPECT_EQ(c.get("/hello.txt", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n").status,
            304);
  EXPECT_EQ(c.get("/hello.txt", "If-Modified-Since: Sun, 06 Nov 1994 08:49:36 GMT\r\n").status,
            200);
  // If-None-Match wins over If-Modified-Since.
  EXPECT_EQ(c.get("/hello.txt",
                  "If-None-Match: \"x\"\r\nIf-Modified-Since: Sun, 06 Nov 2094 "
                  "08:49:37 GMT\r\n")
                .status,
            200);
  EXPECT_EQ(c.get("/hello.txt", "If-Match: \"other\"\r\n").status, 412);
  EXPECT_EQ(c.get("/hello.txt", "If-Match: W/" + etag + "\r\n").status, 412);  // strong compare
  EXPECT_EQ(c.get("/hello.txt", "If-Match: " + etag + "\r\n").status, 200);
  EXPECT_EQ(c.get("/hello.txt", "If-Match: *\r\n").status, 200);
  EXPECT_EQ(c.get("/hello.txt", "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:36 GMT\r\n").status,
            412);
  EXPECT_EQ(c.get("/hello.txt", "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n").status,
            200);
  EXPECT_EQ(c.get("/hello.txt", "If-Modified-Since: garbage\r\n").status, 200);
  // A directory listing honours If-Modified-Since.
  EXPECT_EQ(c.get("/list/", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n").status, 304);
}

TEST(HttpServer, Ranges) {
  vfs::MapFS fs = site();
  TestServer s(fs);
  Client c(s.port);
  auto one = c.get("/digits.txt", "Range: bytes=2-4\r\n");
  EXPECT_EQ(one.status, 206);
  EXPECT_EQ(one.body, "234");
  EXPECT_EQ(one["content-range"], "bytes 2-4/10");
  EXPECT_EQ(one["content-length"], "3");
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=7-\r\n").body, "789");
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=-3\r\n").body, "789");
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=8-100\r\n")["content-range"], "bytes 8-9/10");
  auto bad = c.get("/digits.txt", "Range: bytes=10-\r\n");
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad["content-range"], "bytes */10");
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=-0\r\n").status, 416);
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=5-2\r\n").status, 416);  // invalid, as Go
  // Any int64 is a position, as Go's strconv.ParseInt reads it; past it is invalid.
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=0-9223372036854775807\r\n")["content-range"],
            "bytes 0-9/10");
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=-9223372036854775807\r\n").body, "0123456789");
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=0000000000000000001-2\r\n").body, "12");
  auto far = c.get("/digits.txt", "Range: bytes=9223372036854775807-\r\n");
  EXPECT_EQ(far.status, 416);
  EXPECT_EQ(far["content-range"], "bytes */10");
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=0-9223372036854775808\r\n").status, 416);
  // Overlaps asking for more than the file: the whole file (as Go).
  auto whole = c.get("/digits.txt", "Range: bytes=0-,0-\r\n");
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, "0123456789");
  auto multi = c.get("/digits.txt", "Range: bytes=0-1, 8-\r\n");
  EXPECT_EQ(multi.status, 206);
  const std::string ct = multi["content-type"];
  ASSERT_EQ(ct.rfind("multipart/byteranges; boundary=", 0), 0u) << ct;
  const std::string b = ct.substr(ct.find('=') + 1);
  EXPECT_EQ(multi.body, "--" + b +
                            "\r\nContent-Range: bytes 0-1/10\r\nContent-Type: text/plain; "
                            "charset=utf-8\r\n\r\n01\r\n--" +
                            b +
                            "\r\nContent-Range: bytes 8-9/10\r\nContent-Type: text/plain; "
                            "charset=utf-8\r\n\r\n89\r\n--" +
                            b + "--\r\n");
  EXPECT_EQ(multi["content-length"], std::to_string(multi.body.size()));
  // If-Range: a matching ETag or date keeps the range, anything else gets the whole file.
  const std::string etag = c.get("/digits.txt")["etag"];
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=0-0\r\nIf-Range: " + etag + "\r\n").status, 206);
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=0-0\r\nIf-Range: \"old\"\r\n").status, 200);
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=0-0\r\nIf-Range: W/" + etag + "\r\n").status, 200);
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=0-0\r\nIf-Range: Sun, 06 Nov 1994 08:49:37 GMT\r\n")
                .status,
            206);
  EXPECT_EQ(c.get("/digits.txt", "Range: bytes=0-0\r\nIf-Range: Sun, 06 Nov 1994 08:49:38 GMT\r\n")
                .status,
            200);
}

// An FS with the serving metadata embedded assets have (vfs::AssetInfoFS,
// as EmbedFS implements it): a content hash, a media type and precompressed
// copies, each with its own hash.
class AssetMapFS final : public vfs::ForwardingFS, public vfs::AssetInfoFS {
 public:
  explicit AssetMapFS(vfs::MapFS& fs) : ForwardingFS(fs), plain_(fs) {}
  vfs::Result<vfs::FilePtr> open(std::string_view name) override { return plain_.open(name); }
  vfs::Result<vfs::AssetInfo> asset_info(std::string_view name) override {
    if (name != "app.js") return vfs::Error("asset_info", std::string(name), vfs::errc::not_exist);
    return vfs::AssetInfo{"sha-abc", "application/x-test", kCopies};
  }

 private:
  vfs::MapFS& plain_;
  static constexpr vfs::EncodedCopy kCopies[] = {{"gzip", "GZ", "sha-gz"}, {"br", "BR", "sha-br"}};
};

TEST(HttpServer, PrecompressedCopiesAndContentHash) {
  vfs::MapFS files{{"app.js", {"plain js"}}};
  AssetMapFS fs(files);
  TestServer s(fs);
  Client c(s.port);
  auto plain = c.get("/app.js");
  EXPECT_EQ(plain.body, "plain js");
  EXPECT_EQ(plain["vary"], "Accept-Encoding");
  EXPECT_EQ(plain["etag"], "\"sha-abc\"");
  EXPECT_EQ(plain["content-type"], "application/x-test");
  EXPECT_FALSE(plain.has("content-encoding"));
  auto gz = c.get("/app.js", "Accept-Encoding: gzip, deflate\r\n");
  EXPECT_EQ(gz.body, "GZ");
  EXPECT_EQ(gz["content-length"], "2");
  EXPECT_EQ(gz["content-encoding"], "gzip");
  EXPECT_EQ(gz["vary"], "Accept-Encoding");
  EXPECT_EQ(gz["etag"], "\"sha-gz\"");
  EXPECT_EQ(gz["content-type"], "application/x-test");
  // Equal weights: br is preferred; a q=0 refuses a coding.
  EXPECT_EQ(c.get("/app.js", "Accept-Encoding: gzip;q=0.5, br\r\n")["content-encoding"], "br");
  EXPECT_EQ(c.get("/app.js", "Accept-Encoding: gzip, br;q=0\r\n")["content-encoding"], "gzip");
  EXPECT_FALSE(c.get("/app.js", "Accept-Encoding: gzip;q=0\r\n").has("content-encoding"));
  EXPECT_EQ(c.get("/app.js", "Accept-Encoding: *\r\n")["content-encoding"], "br");
  EXPECT_EQ(c.get("/app.js", "Accept-Encoding: gzip\r\nIf-None-Match: \"sha-gz\"\r\n").status, 304);
  // A range of the copy, as Go serves ranges of an encoded body.
  EXPECT_EQ(c.get("/app.js", "Accept-Encoding: br\r\nRange: bytes=1-1\r\n").body, "R");
}

TEST(HttpServer, KeepAliveAndClose) {
  vfs::MapFS fs = site();
  TestServer s(fs);
  {
    Client c(s.port);
    c.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    auto r = c.read();
    EXPECT_EQ(r.body, "hello, world\n");
    EXPECT_EQ(r["connection"], "close");
    EXPECT_TRUE(c.closed_by_server());
  }
  {
    Client c(s.port);
    c.send("GET /hello.txt HTTP/1.0\r\n\r\n");
    auto r = c.read();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r["connection"], "close");
    EXPECT_TRUE(c.closed_by_server());
  }
  {
    Client c(s.port);
    c.send("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto r = c.read();
    EXPECT_EQ(r["connection"], "keep-alive");
    c.send("GET /digits.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    EXPECT_EQ(c.read().body, "0123456789");
  }
  {
    // A request with a body is answered, then the connection closes (its
    // body would otherwise be read as the next request).
    Client c(s.port);
    c.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nGET /");
    auto r = c.read();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r["connection"], "close");
    EXPECT_TRUE(c.closed_by_server());
  }
}

// A body whose length the server cannot tell (a Transfer-Encoding other than
// one final "chunked") must not be read as the next request: 400, and the
// connection closes (RFC 9112 section 6.3). A body it can tell the length
// of is answered whatever its size, since the server never reads it.
TEST(HttpServer, RequestBodiesCannotSmuggleRequests) {
  vfs::MapFS fs = site();
  TestServer s(fs);
  for (const char* coding : {"gzip", "identity", "", "chunked, chunked", "chunked, gzip"}) {
    SCOPED_TRACE(coding);
    Client c(s.port);
    c.send(std::string("POST /hello.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: ") + coding +
           "\r\n\r\nGET /digits.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_EQ(c.read().status, 400);
    EXPECT_TRUE(c.closed_by_server());
  }
  Client chunked(s.port);
  chunked.send("POST /hello.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
  auto r = chunked.read();
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r["connection"], "close");
  for (const char* method : {"GET", "POST"}) {
    Client big(s.port);
    big.send(std::string(method) +
             " /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n");
    EXPECT_EQ(big.read().status, method == std::string("GET") ? 200 : 405) << method;
    EXPECT_TRUE(big.closed_by_server());
  }
}

// One Host, and a valid one (RFC 9112 section 3.2), as Go checks.
TEST(HttpServer, HostMustBeOneAndValid) {
  vfs::MapFS fs = site();
  TestServer s(fs);
  for (const char* hosts : {"Host: a\r\nHost: b\r\n", "Host: a b\r\n", "Host: a/c\r\n",
                            "Host: u@h\r\n", "Host: h\x01\r\n"}) {
    SCOPED_TRACE(hosts);
    Client c(s.port);
    c.send(std::string("GET /hello.txt HTTP/1.1\r\n") + hosts + "\r\n");
    EXPECT_EQ(c.read().status, 400);
  }
  for (const char* host : {"example.com:8080", "[::1]:80", "xn--d1acufc.xn--p1ai", ""}) {
    SCOPED_TRACE(host);
    Client c(s.port);
    c.send(std::string("GET /hello.txt HTTP/1.1\r\nHost: ") + host + "\r\n\r\n");
    EXPECT_EQ(c.read().status, 200);
  }
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  vfs::MapFS fs = site();
  TestServer s(fs);
  Client c(s.port);
  c.send(
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n"
      "HEAD /digits.txt HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /digits.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=0-2\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /docs/a.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(c.read().body, "hello, world\n");
  EXPECT_EQ(c.read(true)["content-length"], "10");
  EXPECT_EQ(c.read().body, "012");
  EXPECT_EQ(c.read().status, 404);
  EXPECT_EQ(c.read().body, "a");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, OversizeHeaderIs431) {
  vfs::MapFS fs = site();
  TestServer s(fs, {.max_header_bytes = 1024});
  {
    Client c(s.port);
    c.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
    EXPECT_EQ(c.read().status, 431);
    EXPECT_TRUE(c.closed_by_server());
  }
  {
    Client c(s.port);  // a request line alone that is too long
    c.send("GET /" + std::string(4000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_EQ(c.read().status, 431);
  }
  {
    Client c(s.port);  // an endless header that never ends: cut at the cap
    c.send("GET / HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < 200; ++i) c.send("X-A: b\r\n");
    EXPECT_EQ(c.read().status, 431);
  }
  Client ok(s.port);
  EXPECT_EQ(ok.get("/hello.txt").status, 200);
}

// Files on disk go out with sendfile(2): whole, ranges, HEAD.
TEST(HttpServer, DirFSWithSendfile) {
  HangGuard guard("dirfs");
  const std::string dir = ::testing::TempDir() + "vfs_http_dirfs_" + std::to_string(::getpid());
  ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir + "/sub").c_str()), 0);
  std::string big(3 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) >> 5);
  std::ofstream(dir + "/big.bin", std::ios::binary) << big;
  std::ofstream(dir + "/sub/s.css") << "body{}";
  {
    auto fs = vfs::DirFS::make(dir).value();
    TestServer s(fs);
    Client c(s.port);
    auto r = c.get("/big.bin");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.body == big);
    EXPECT_EQ(r.body.size(), big.size());
    auto part = c.get("/big.bin", "Range: bytes=1000000-1000009\r\n");
    EXPECT_EQ(part.body, big.substr(1000000, 10));
    auto multi = c.get("/big.bin", "Range: bytes=0-0,-1\r\n");
    EXPECT_NE(multi.body.find(big.substr(0, 1) + "\r\n--"), std::string::npos);
    EXPECT_EQ(c.get("/sub/s.css")["content-type"], "text/css; charset=utf-8");
    EXPECT_EQ(c.get("/sub").status, 301);
    auto l = c.get("/sub/");
    EXPECT_EQ(l.body, "<pre>\n<a href=\"s.css\">s.css</a>\n</pre>\n");
    struct ::stat st {};
    ASSERT_EQ(::stat((dir + "/big.bin").c_str(), &st), 0);
    EXPECT_EQ(r["last-modified"].empty(), false);
    EXPECT_EQ(c.get("/big.bin", "If-None-Match: " + r["etag"] + "\r\n").status, 304);
  }
  std::system(("rm -rf " + dir).c_str());
}

// A client that goes away in the middle of a large response: the server
// notices (EPIPE/ECONNRESET), closes that connection and serves on.
TEST(HttpServer, ClientVanishesMidResponse) {
  HangGuard guard("vanish");
  vfs::MapFS fs{{"big", {std::string(16 << 20, 'b')}}};
  TestServer s(fs);
  for (int i = 0; i < 3; ++i) {
    Client c(s.port);
    c.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
    ASSERT_TRUE(c.fill(100000));
    c.close();
  }
  Client c(s.port);
  EXPECT_EQ(c.get("/big", "Range: bytes=0-3\r\n").body, "bbbb");
  const auto until = Clock::now() + 60s;
  while (s.server.stats().active > 1 && Clock::now() < until) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(s.server.stats().active, 1u);
}

// --- Limits and shutdown; these also run under TSan. ---

TEST(ConcurrencyHttp, SlowlorisIsClosedAtTheHeaderTimeout) {
  HangGuard guard("slowloris");
  vfs::MapFS fs = site();
  TestServer s(fs, {.header_timeout = 200ms});
  Client c(s.port);
  const auto start = Clock::now();
  c.send("GET /hello.txt HTTP/1.1\r\n");
  // Dribble a header byte now and then: progress does not extend the deadline.
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(50ms);
    c.send("X");
  }
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_GE(Clock::now() - start, 200ms);
  EXPECT_GE(s.server.stats().timeouts, 1u);
}

TEST(ConcurrencyHttp, IdleKeepAliveIsClosedAtTheIdleTimeout) {
  HangGuard guard("idle");
  vfs::MapFS fs = site();
  TestServer s(fs, {.idle_timeout = 200ms});
  Client c(s.port);
  const auto start = Clock::now();  // before the server can start its idle wait
  EXPECT_EQ(c.get("/hello.txt").status, 200);
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_GE(Clock::now() - start, 200ms);
  EXPECT_GE(s.server.stats().timeouts, 1u);
}

TEST(ConcurrencyHttp, SlowReaderIsClosedAtTheWriteTimeout) {
  HangGuard guard("slow reader");
  vfs::MapFS fs{{"big", {std::string(32 << 20, 'b')}}};
  TestServer s(fs, {.write_timeout = 200ms});
  Client c(s.port);
  int small = 4096;
  ::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  c.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
  // Never read: the server's writes stop making progress.
  const auto until = Clock::now() + 60s;
  while (s.server.stats().timeouts == 0 && Clock::now() < until) std::this_thread::sleep_for(10ms);
  EXPECT_GE(s.server.stats().timeouts, 1u);
  while (s.server.stats().active > 0 && Clock::now() < until) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(s.server.stats().active, 0u);
}

TEST(ConcurrencyHttp, ConnectionCap) {
  HangGuard guard("cap");
  vfs::MapFS fs = site();
  TestServer s(fs, {.max_connections = 2});
  Client a(s.port), b(s.port);
  EXPECT_EQ(a.get("/hello.txt").status, 200);  // both are being served
  EXPECT_EQ(b.get("/hello.txt").status, 200);
  Client c(s.port);
  auto r = c.read();
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(s.server.stats().rejected, 1u);
  a.close();
  const auto until = Clock::now() + 60s;
  while (s.server.stats().active > 1 && Clock::now() < until) std::this_thread::sleep_for(5ms);
  Client d(s.port);
  EXPECT_EQ(d.get("/hello.txt").status, 200);
}

// stop() with a request half sent: that request is answered (and its
// connection closed), an idle keep-alive connection is closed, nothing new
// is accepted, and serve() returns.
TEST(ConcurrencyHttp, GracefulStopFinishesTheRequestInFlight) {
  HangGuard guard("graceful stop");
  vfs::MapFS fs = site();
  TestServer s(fs);
  Client idle(s.port), busy(s.port);
  EXPECT_EQ(idle.get("/hello.txt").status, 200);
  busy.send("GET /digits.txt HTTP/1.1\r\nHost: t\r\n");
  const auto until = Clock::now() + 60s;
  while (s.server.stats().accepted < 2 && Clock::now() < until) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(50ms);  // let the server read the partial header
  s.server.stop();
  EXPECT_TRUE(idle.closed_by_server());
  busy.send("\r\n");
  auto r = busy.read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "0123456789");
  EXPECT_EQ(r["connection"], "close");
  EXPECT_TRUE(busy.closed_by_server());
  s.stop();  // joins: serve() returned
  EXPECT_TRUE(s.finished.load());
  EXPECT_TRUE(s.served.has_value());
}

TEST(ConcurrencyHttp, StopBeforeServeAndNoClients) {
  HangGuard guard("stop early");
  vfs::MapFS fs = site();
  TestServer s(fs);
  s.stop();
  EXPECT_TRUE(s.finished.load());
}

TEST(ConcurrencyHttp, ManyClientsAtOnce) {
  HangGuard guard("many clients");
  vfs::MapFS fs = site();
  TestServer s(fs);
  constexpr int kThreads = 4, kConns = 4, kRequests = 20;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int c = 0; c < kConns; ++c) {
        Client client(s.port);
        for (int i = 0; i < kRequests; ++i) {
          if (client.get(i % 2 ? "/hello.txt" : "/digits.txt").status == 200) ++ok;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kConns * kRequests);
}

// curl, end to end (skipped where curl is missing).
TEST(HttpServer, Curl) {
  if (std::system("curl --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no curl";
  HangGuard guard("curl");
  vfs::MapFS files{{"app.js", {"plain js"}},
                   {"app.js.gz", {"GZ"}},
                   {"app.js.br", {"BR"}},
                   {"digits.txt", {"0123456789", 0644, at(kMtime)}}};
  AssetMapFS fs(files);
  TestServer s(fs);
  const std::string url = "http://127.0.0.1:" + std::to_string(s.port);
  auto run = [](const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
    return out;
  };
  EXPECT_EQ(run("curl -s --max-time 60 -r 2-4 " + url + "/digits.txt"), "234");
  EXPECT_EQ(run("curl -s --max-time 60 -o /dev/null -w '%{http_code}' -H 'If-Modified-Since: Sun, "
                "06 Nov 1994 08:49:37 GMT' " +
                url + "/digits.txt"),
            "304");
  EXPECT_EQ(run("curl -s --max-time 60 -H 'Accept-Encoding: gzip' " + url + "/app.js"), "GZ");
  EXPECT_EQ(
      run("curl -s --max-time 60 -o /dev/null -w '%{http_code}' " + url + "/x/../../etc/passwd"),
      "404");
}

}  // namespace
