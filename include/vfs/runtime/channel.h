// Channel<T>: Go's chan T - unbuffered (capacity 0, every send meets a
// receive) or buffered - for fibers and plain threads alike. A blocked
// fiber parks (its thread runs other fibers); a blocked thread sleeps.
//
//   Channel<int> ch;                // unbuffered
//   go([&] { ch.send(42); ch.close(); });
//   while (auto v = ch.recv()) use(*v);   // nullopt once closed and drained
//
// Semantics as in Go: values arrive in send order; recv on a closed channel
// returns what is buffered, then nullopt at once; send on a closed channel
// and closing twice throw ClosedChannelError; close wakes every blocked
// receiver (nullopt) and sender (ClosedChannelError). See select.h for
// waiting on several channels. Destroying a channel a plain thread is
// blocked on is undefined, as for any lock; fibers blocked on it are
// forgotten (they never run again; see run() in scheduler.h). If a move of
// T throws, the operation that threw fails and any partner it had matched
// goes on waiting, as if it had never been matched.
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "vfs/runtime/detail/chan_base.h"

namespace vfs::runtime {

template <class T>
class Channel final : public detail::ChanBase {
 public:
  explicit Channel(std::size_t capacity = 0) noexcept : ChanBase(capacity) {}
  ~Channel() override = default;

  void send(T value) { send_erased(&value); }

  std::optional<T> recv() {
    std::optional<T> out;
    recv_erased(&out);
    return out;
  }

 private:
  void move_into(void* dst, void* src) override { slot(dst).emplace(std::move(value(src))); }
  void clear(void* dst) override { slot(dst).reset(); }
  // A throwing move leaves the buffer as it was.
  void buf_push(void* src) override {
    if (!ring_) ring_ = std::make_unique<std::optional<T>[]>(slots());
    ring_[(head_ + size_) % slots()].emplace(std::move(value(src)));
    ++size_;
  }
  void buf_pop_into(void* dst) override {
    slot(dst).emplace(std::move(*ring_[head_]));
    ring_[head_].reset();
    head_ = (head_ + 1) % slots();
    --size_;
  }

  std::size_t slots() const noexcept { return capacity() + 1; }
  static std::optional<T>& slot(void* p) { return *static_cast<std::optional<T>*>(p); }
  static T& value(void* p) { return *static_cast<T*>(p); }

  // The buffer: a ring allocated at the first buffered send (an unbuffered
  // channel allocates nothing). A receive that meets a parked sender with
  // the buffer full pushes the sender's value before it pops its own (see
  // chan.cc), so the ring has one slot more than the capacity.
  std::unique_ptr<std::optional<T>[]> ring_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace vfs::runtime
