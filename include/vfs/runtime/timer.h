// Timer: a single event at a time (Go's time.Timer), delivered on a channel
// so it can be one case of a select - e.g. a timeout:
//
//   Timer timeout(100ms);
//   std::optional<Msg> m; std::optional<Timer::TimePoint> t;
//   if (select({on_recv(in, m), on_recv(timeout.channel(), t)}) == 1) { /* timed out */ }
//
// The channel has room for one value: the time the timer fired. Needs a
// running runtime (throws std::logic_error otherwise); destroying a Timer
// stops it.
#pragma once

#include <chrono>

#include "vfs/runtime/channel.h"

namespace vfs::runtime {

class Timer {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  explicit Timer(Clock::duration after);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  Channel<TimePoint>& channel() noexcept { return ch_; }

  // Prevents the timer from firing. True if it was pending; false if it had
  // already fired (its value may be waiting in the channel) or been stopped.
  bool stop() noexcept;

  // Stops the timer, empties the channel, and starts it again.
  void reset(Clock::duration after);

 private:
  static void fire(void* self) noexcept;
  void start(Clock::duration after);

  Channel<TimePoint> ch_{1};
  bool pending_ = false;  // guarded by the runtime's timers lock
};

}  // namespace vfs::runtime
