#include "http/transport.h"

#include <sys/socket.h>

#include <cerrno>

#include "vfs/sys.h"

namespace vfs::http::detail {

IoResult SocketTransport::read(void* buf, std::size_t len, Deadline deadline) {
  return runtime::poll_read(fd_, buf, len, deadline);
}

IoResult SocketTransport::writev(const iovec* iov, int count, bool more, Deadline deadline) {
  msghdr msg{};
  msg.msg_iov = const_cast<iovec*>(iov);
  msg.msg_iovlen = static_cast<std::size_t>(count);
  // MSG_NOSIGNAL: a client that has gone is EPIPE, not a SIGPIPE.
  const int flags = MSG_NOSIGNAL | (more ? MSG_MORE : 0);
  for (;;) {
    const long n = ::sendmsg(fd_, &msg, flags);
    if (n >= 0) return {n, 0};
    const int err = errno;  // before a wait can move us to another thread
    if (err == EINTR) continue;
    if (err != EAGAIN && err != EWOULDBLOCK) return {-1, err};
    if (const int werr = runtime::wait_writable(fd_, deadline)) return {-1, werr};
  }
}

IoResult SocketTransport::sendfile(int in_fd, off_t* offset, std::size_t count, Deadline deadline) {
  for (;;) {
    const sys::Ret r = sys::sendfile(fd_, in_fd, offset, count);
    if (r.ok()) return {r.value, 0};
    if (r.err != EAGAIN && r.err != EWOULDBLOCK) return {-1, r.err};
    if (const int werr = runtime::wait_writable(fd_, deadline)) return {-1, werr};
  }
}

}  // namespace vfs::http::detail
