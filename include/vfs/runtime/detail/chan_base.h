// The element-type-independent half of Channel<T> (Go's hchan): the lock,
// the wait queues, the rules. Channel<T> supplies the element moves.
#pragma once

#include <cstddef>
#include <stdexcept>

#include "vfs/runtime/detail/lock.h"

namespace vfs::runtime {

// Sending on, or closing, a closed channel (Go panics).
class ClosedChannelError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {

struct Sudog;
class ChanBase;

struct SudogList {
  Sudog* head = nullptr;
  Sudog* tail = nullptr;
};

// One case of a select: send *elem (a T*) or receive into *elem (a
// std::optional<T>*).
struct SelectCase {
  ChanBase* chan;
  bool send;
  void* elem;
};

int select_cases(const SelectCase* cases, std::size_t n, bool block);

class ChanBase {
 public:
  ChanBase(const ChanBase&) = delete;
  ChanBase& operator=(const ChanBase&) = delete;

  void close();
  std::size_t capacity() const noexcept { return cap_; }
  std::size_t size();  // buffered elements

 protected:
  explicit ChanBase(std::size_t capacity) noexcept : cap_(capacity) {}
  virtual ~ChanBase();

  void send_erased(void* src);  // src: T*, moved from when delivered
  bool recv_erased(void* dst);  // dst: std::optional<T>*; false when closed and drained

 private:
  friend int select_cases(const SelectCase* cases, std::size_t n, bool block);
  friend struct ChanOps;

  virtual void move_into(void* dst, void* src) = 0;  // *dst = std::move(*src)
  virtual void clear(void* dst) = 0;                 // *dst = nullopt
  virtual void buf_push(void* src) = 0;
  virtual void buf_pop_into(void* dst) = 0;

  Lock lock_;
  const std::size_t cap_;
  std::size_t count_ = 0;
  bool closed_ = false;
  SudogList recvq_;
  SudogList sendq_;
};

}  // namespace detail
}  // namespace vfs::runtime
