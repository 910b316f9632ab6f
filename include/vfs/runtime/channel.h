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
// waiting on several channels. Destroying a channel that fibers are blocked
// on is undefined, as for any lock.
#pragma once

#include <deque>
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
  void buf_push(void* src) override { buf_.push_back(std::move(value(src))); }
  void buf_pop_into(void* dst) override {
    slot(dst).emplace(std::move(buf_.front()));
    buf_.pop_front();
  }

  static std::optional<T>& slot(void* p) { return *static_cast<std::optional<T>*>(p); }
  static T& value(void* p) { return *static_cast<T*>(p); }

  std::deque<T> buf_;
};

}  // namespace vfs::runtime
