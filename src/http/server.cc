#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "http/connection.h"
#include "http/transport.h"
#include "vfs/http_server.h"
#include "vfs/runtime/poll.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/sleep.h"
#include "vfs/runtime/wait_group.h"

namespace vfs::http {

namespace {

// One open connection, as stop() sees it. Lives in its fiber's frame,
// linked in State::conns while the fd is open.
struct Conn {
  int fd = -1;
  std::atomic<bool> idle{false};
  Conn* prev = nullptr;
  Conn* next = nullptr;
};

}  // namespace

struct FileServer::State {
  State(FSRef f, ServerOptions o) : fs(std::move(f)), options(o) {}

  FSRef fs;
  ServerOptions options;
  std::atomic<bool> stopping{false};
  // Guards listen_fd and conns: stop() shuts sockets down under it, and an
  // fd leaves the list under it before it is closed, so stop() never
  // touches a number that was closed and reused.
  std::mutex mu;
  int listen_fd = -1;
  Conn* conns = nullptr;
  runtime::WaitGroup live;  // connection fibers not yet finished
  std::atomic<std::uint64_t> accepted{0}, rejected{0}, requests{0}, timeouts{0};
  std::atomic<std::size_t> active{0};

  void link(Conn* c) {
    std::lock_guard lock(mu);
    c->next = conns;
    if (conns) conns->prev = c;
    conns = c;
  }
  void unlink(Conn* c) {
    std::lock_guard lock(mu);
    if (c->prev) c->prev->next = c->next;
    if (c->next) c->next->prev = c->prev;
    if (conns == c) conns = c->next;
  }
  void serve_one(int fd);
};

namespace {

class Hooks final : public detail::ConnectionHooks {
 public:
  Hooks(FileServer::State& s, Conn& c) : s_(s), c_(c) {}
  bool stopping() const noexcept override { return s_.stopping.load(); }
  // seq_cst with stop()'s store to `stopping`: either stop() sees the
  // connection idle and shuts it, or the connection sees stopping.
  void set_idle(bool idle) noexcept override { c_.idle.store(idle); }
  void on_request() noexcept override { s_.requests.fetch_add(1, std::memory_order_relaxed); }
  void on_timeout() noexcept override { s_.timeouts.fetch_add(1, std::memory_order_relaxed); }

 private:
  FileServer::State& s_;
  Conn& c_;
};

}  // namespace

void FileServer::State::serve_one(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // responses are whole writes
  Conn conn;
  conn.fd = fd;
  link(&conn);
  try {
    detail::SocketTransport transport(fd);
    Hooks hooks(*this, conn);
    detail::serve_connection(transport, *fs, options, hooks);
  } catch (...) {
    // Out of memory, most likely: this connection ends, the server goes on.
  }
  unlink(&conn);
  runtime::poll_close(fd);
  active.fetch_sub(1);
  live.done();
}

FileServer::FileServer(FSRef fs, ServerOptions options)
    : state_(std::make_unique<State>(std::move(fs), options)) {
  // sendfile(2) to a client that has gone raises SIGPIPE (sendmsg has
  // MSG_NOSIGNAL, sendfile nothing like it). Left alone if the program
  // chose a disposition itself.
  struct sigaction old {};
  if (::sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) {
    ::signal(SIGPIPE, SIG_IGN);
  }
}

FileServer::~FileServer() {
  if (state_->listen_fd >= 0) runtime::poll_close(state_->listen_fd);
}

Result<int> FileServer::listen(std::string_view host, int port) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  const std::string h(host);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (::inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof *v4;
  } else if (::inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof *v6;
  } else {
    return Error("listen", h, errc::invalid);
  }
  const int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::from_errno("listen", h, errno);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, SOMAXCONN) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int err = errno;
    ::close(fd);
    return Error::from_errno("listen", h + ":" + std::to_string(port), err);
  }
  {
    std::lock_guard lock(state_->mu);
    if (state_->listen_fd >= 0) {
      ::close(fd);
      return Error("listen", h, errc::exist);
    }
    state_->listen_fd = fd;
  }
  return static_cast<int>(ntohs(addr.ss_family == AF_INET ? v4->sin_port : v6->sin6_port));
}

Status FileServer::serve() {
  State& s = *state_;
  int lfd;
  {
    std::lock_guard lock(s.mu);
    lfd = s.listen_fd;
  }
  if (lfd < 0) return Error("serve", "", errc::invalid);
  if (!runtime::on_fiber()) return Error("serve", "", errc::invalid);
  Status result;
  while (!s.stopping.load()) {
    const int c = ::accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c < 0) {
      const int err = errno;
      if (s.stopping.load()) break;
      if (err == EAGAIN || err == EWOULDBLOCK) {
        if (runtime::wait_readable(lfd) == EBADF) break;
        continue;
      }
      if (err == EINTR || err == ECONNABORTED || err == EPROTO) continue;
      if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        // Out of descriptors or memory: wait for connections to finish (Go
        // backs off the same way) rather than spin.
        runtime::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      result = Error::from_errno("accept", "", err);
      break;
    }
    s.accepted.fetch_add(1, std::memory_order_relaxed);
    if (s.active.load() >= s.options.max_connections) {
      s.rejected.fetch_add(1, std::memory_order_relaxed);
      static constexpr char k503[] =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
          "Content-Length: 24\r\nConnection: close\r\n\r\n503 Service Unavailable\n";
      // Best effort, never waiting: the socket buffer of a new connection has room.
      [[maybe_unused]] auto n = ::send(c, k503, sizeof k503 - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(c);
      continue;
    }
    s.active.fetch_add(1);
    s.live.add(1);
    try {
      runtime::go([&s, c] { s.serve_one(c); });
    } catch (...) {
      s.active.fetch_sub(1);
      s.live.done();
      ::close(c);
    }
  }
  {
    std::lock_guard lock(s.mu);
    runtime::poll_close(s.listen_fd);
    s.listen_fd = -1;
  }
  s.live.wait();
  return result;
}

void FileServer::stop() noexcept {
  State& s = *state_;
  s.stopping.store(true);
  std::lock_guard lock(s.mu);
  // Wakes the accept loop: accept fails (EINVAL) once the listener is shut.
  if (s.listen_fd >= 0) ::shutdown(s.listen_fd, SHUT_RDWR);
  // Idle keep-alive connections end their wait with end-of-stream; busy
  // ones see `stopping` after their response.
  for (Conn* c = s.conns; c; c = c->next) {
    if (c->idle.load()) ::shutdown(c->fd, SHUT_RD);
  }
}

ServerStats FileServer::stats() const noexcept {
  const State& s = *state_;
  ServerStats st;
  st.accepted = s.accepted.load(std::memory_order_relaxed);
  st.rejected = s.rejected.load(std::memory_order_relaxed);
  st.requests = s.requests.load(std::memory_order_relaxed);
  st.timeouts = s.timeouts.load(std::memory_order_relaxed);
  st.active = s.active.load();
  return st;
}

namespace {

// A server's process may hold as many descriptors as its hard limit allows,
// as Go's runtime arranges at start (os/rlimit.go): the soft limit, often
// 1024, would refuse connections far below max_connections.
void raise_descriptor_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

int serve_until_signal(FSRef fs, std::string_view host, int port, ServerOptions options) {
  raise_descriptor_limit();
  sigset_t signals, old;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &signals, &old);
  FileServer server(std::move(fs), options);
  auto bound = server.listen(host, port);
  if (!bound) {
    std::fprintf(stderr, "serve: %s\n", bound.error().message().c_str());
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return 1;
  }
  std::fprintf(stderr, "listening on http://%s:%d/\n", std::string(host).c_str(), *bound);
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    int sig = 0;
    ::sigwait(&signals, &sig);
    if (!done.load()) server.stop();
  });
  Status served;
  runtime::run([&] { served = server.serve(); });
  done.store(true);
  // Ends the watcher's sigwait if no signal came (serve failed).
  ::pthread_kill(watcher.native_handle(), SIGTERM);
  watcher.join();
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (!served) {
    std::fprintf(stderr, "serve: %s\n", served.error().message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace vfs::http
