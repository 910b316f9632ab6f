// A connection's byte stream, as the request-handling code sees it: a
// socket parked on the runtime's poller in the server, memory in the fuzz
// target (so that it runs in-process, without a runtime).
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>

#include "vfs/runtime/poll.h"

namespace vfs::http::detail {

using runtime::Deadline;
using runtime::IoResult;

class Transport {
 public:
  virtual ~Transport() = default;
  // Reads what is there (0: end of stream), waiting until `deadline`.
  virtual IoResult read(void* buf, std::size_t len, Deadline deadline) = 0;
  // Writes some of `iov` (at least one byte unless it fails), waiting for
  // room until `deadline`. `more`: another write follows at once (a hint
  // to hold a small packet back: MSG_MORE).
  virtual IoResult writev(const iovec* iov, int count, bool more, Deadline deadline) = 0;
  // sendfile(2) from `in_fd` at *offset; ENOSYS when the transport has no
  // descriptor to send to.
  virtual IoResult sendfile(int in_fd, off_t* offset, std::size_t count, Deadline deadline) = 0;
};

// A connected, non-blocking socket. Does not own the fd.
class SocketTransport final : public Transport {
 public:
  explicit SocketTransport(int fd) noexcept : fd_(fd) {}
  IoResult read(void* buf, std::size_t len, Deadline deadline) override;
  IoResult writev(const iovec* iov, int count, bool more, Deadline deadline) override;
  IoResult sendfile(int in_fd, off_t* offset, std::size_t count, Deadline deadline) override;

 private:
  int fd_;
};

}  // namespace vfs::http::detail
