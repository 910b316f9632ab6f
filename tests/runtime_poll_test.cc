// The network poller: fibers waiting on pipes park on epoll, not threads.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime_test_util.h"
#include "vfs/runtime.h"

namespace rt = vfs::runtime;
using rt::testing::HangGuard;
using rt::testing::Pipe;
using rt::testing::read_then_write;

// With one P, a fiber waiting on an empty pipe does not hold the thread: the
// writer fiber runs on the same thread, and no thread is created for it.
TEST(RuntimePoll, WaitingReaderLeavesTheOnlyThreadToTheWriter) {
  HangGuard guard("poll pipe");
  Pipe pipe;
  char got = 0;
  rt::Stats seen;
  rt::run(
      [&] {
        read_then_write(
            [&] {
              const rt::IoResult r = rt::poll_read(pipe.r, &got, 1);
              EXPECT_EQ(r.value, 1) << r.err;
            },
            [&] { EXPECT_EQ(rt::poll_write(pipe.w, "p", 1).value, 1); });
        seen = rt::stats();
      },
      {.procs = 1});
  EXPECT_EQ(got, 'p');
  EXPECT_EQ(seen.threads, 1);    // nothing was handed off...
  EXPECT_EQ(seen.handoffs, 0u);  // ...the reader parked instead
}

// The only thread is idle, blocked in epoll for the parked reader; a write
// from outside the runtime wakes it.
TEST(RuntimePoll, IdleThreadSleepsInThePoller) {
  HangGuard guard("poll idle");
  Pipe pipe;
  std::atomic<bool> reading{false};
  std::thread writer = pipe.put_when(reading, 'i');
  char got = 0;
  rt::run(
      [&] {
        reading = true;
        EXPECT_EQ(rt::poll_read(pipe.r, &got, 1).value, 1);
      },
      {.procs = 1});
  writer.join();
  EXPECT_EQ(got, 'i');
}

// Every P busy with a fiber that never switches: only sysmon can notice the
// ready pipe (after 10 ms without a poll). The spinner stops once it has.
TEST(RuntimePoll, SysmonPollsWhenNobodyElseDoes) {
  HangGuard guard("sysmon poll");
  Pipe pipe;
  std::atomic<bool> spinning{false};
  std::thread writer = pipe.put_when(spinning, 's');
  char got = 0;
  std::uint64_t polled = 0;
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(2);
        std::atomic<bool> reading{false};
        rt::go([&] {
          reading = true;
          EXPECT_EQ(rt::poll_read(pipe.r, &got, 1).value, 1);
          wg.done();
        });
        while (!reading.load()) rt::yield();  // one P: the reader has parked by now
        rt::go([&] {
          spinning = true;
          while (rt::stats().sysmon_polled == 0) {
          }
          wg.done();
        });
        wg.wait();
        polled = rt::stats().sysmon_polled;
      },
      {.procs = 1});
  writer.join();
  EXPECT_EQ(got, 's');
  EXPECT_GE(polled, 1u);
}

TEST(RuntimePoll, WriterParksOnAFullPipeUntilDrained) {
  HangGuard guard("poll write");
  Pipe pipe;
  constexpr std::size_t kTotal = 1 << 20;  // far more than a pipe buffer
  std::size_t written = 0, read_total = 0;
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(2);
        rt::go([&] {
          std::string chunk(4096, 'w');
          while (written < kTotal) {
            const rt::IoResult r = rt::poll_write(pipe.w, chunk.data(), chunk.size());
            ASSERT_TRUE(r.ok()) << r.err;
            written += static_cast<std::size_t>(r.value);
          }
          ::close(pipe.w);
          pipe.w = -1;
          wg.done();
        });
        rt::go([&] {
          char buf[8192];
          for (;;) {
            const rt::IoResult r = rt::poll_read(pipe.r, buf, sizeof buf);
            ASSERT_TRUE(r.ok()) << r.err;
            if (r.value == 0) break;  // EOF
            read_total += static_cast<std::size_t>(r.value);
          }
          wg.done();
        });
        wg.wait();
      },
      {.procs = 1});
  EXPECT_EQ(written, kTotal);
  EXPECT_EQ(read_total, kTotal);
}

TEST(RuntimePoll, ManyWaitersOneThread) {
  HangGuard guard("poll many");
  constexpr int kPipes = 100;
  std::vector<Pipe> pipes(kPipes);
  std::atomic<int> got{0};
  int threads = 0;
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(kPipes);
        for (auto& p : pipes) {
          rt::go([&] {
            char c;
            if (rt::poll_read(p.r, &c, 1).value == 1) got++;
            wg.done();
          });
        }
        for (int i = 0; i < 5; ++i) rt::yield();  // let them park
        for (auto& p : pipes) EXPECT_EQ(rt::poll_write(p.w, "m", 1).value, 1);
        wg.wait();
        threads = rt::stats().threads;
      },
      {.procs = 1});
  EXPECT_EQ(got.load(), kPipes);
  EXPECT_EQ(threads, 1);
}

TEST(RuntimePoll, PlainThreadWaitsWithPoll) {
  Pipe pipe;
  std::thread writer([&] { EXPECT_EQ(::write(pipe.w, "t", 1), 1); });
  char c = 0;
  const rt::IoResult r = rt::poll_read(pipe.r, &c, 1);
  writer.join();
  EXPECT_EQ(r.value, 1);
  EXPECT_EQ(c, 't');
}

// poll_close wakes a fiber parked on the fd, which fails with EBADF: a
// server closing a connection (or its listener) does not leave a fiber
// waiting for good. With close(2) the kernel would drop the fd from epoll
// and nothing would ever wake it.
TEST(RuntimePoll, PollCloseWakesTheWaitersWithEBADF) {
  HangGuard guard("poll_close");
  Pipe pipe;
  rt::IoResult read_result, write_result;
  rt::run(
      [&] {
        // Fill the pipe so that a writer parks too.
        ASSERT_EQ(::fcntl(pipe.w, F_SETFL, ::fcntl(pipe.w, F_GETFL) | O_NONBLOCK), 0);
        while (pipe.put('x')) {
        }
        rt::WaitGroup wg;
        wg.add(2);
        std::atomic<int> parking{0};
        rt::go([&] {
          ++parking;
          char c;
          write_result = rt::poll_write(pipe.w, &c, 1);
          wg.done();
        });
        Pipe other;  // the reader waits on an empty pipe of its own
        rt::go([&] {
          ++parking;
          char c;
          read_result = rt::poll_read(other.r, &c, 1);
          wg.done();
        });
        while (parking.load() < 2) rt::yield();
        for (int i = 0; i < 100; ++i) rt::yield();  // let both park
        EXPECT_EQ(rt::poll_close(pipe.w), 0);
        EXPECT_EQ(rt::poll_close(other.r), 0);
        pipe.w = other.r = -1;
        wg.wait();
      },
      {.procs = 1});
  EXPECT_EQ(write_result.err, EBADF);
  EXPECT_EQ(read_result.err, EBADF);
  EXPECT_EQ(::close(pipe.w), -1);  // closed once, by poll_close
}

// The poller forgets a closed fd: the next file to get its number is made
// non-blocking too. After close(2) instead, the poller would still think the
// number non-blocking and a read on the new, blocking file would block the
// thread.
TEST(RuntimePoll, NextFileWithAClosedNumberIsMadeNonBlocking) {
  rt::run([] {
    auto first = std::make_unique<Pipe>();
    ASSERT_TRUE(first->put('a'));
    char c = 0;
    EXPECT_EQ(rt::poll_read(first->r, &c, 1).value, 1);
    const int number = first->r;
    EXPECT_EQ(rt::poll_close(first->r), 0);
    first->r = -1;
    Pipe second;  // pipe(2) takes the lowest free numbers
    ASSERT_EQ(second.r, number);
    EXPECT_EQ(::fcntl(second.r, F_GETFL) & O_NONBLOCK, 0);
    ASSERT_TRUE(second.put('b'));
    EXPECT_EQ(rt::poll_read(second.r, &c, 1).value, 1);
    EXPECT_EQ(c, 'b');
    EXPECT_NE(::fcntl(second.r, F_GETFL) & O_NONBLOCK, 0);
  });
}

TEST(RuntimePoll, PollCloseWithoutARuntimeCloses) {
  Pipe pipe;
  EXPECT_EQ(rt::poll_close(pipe.r), 0);
  EXPECT_EQ(rt::poll_close(pipe.r), EBADF);
  pipe.r = -1;
}

// Any number of fibers may wait on one fd (acceptors on one listener, say).
// A single write of one byte per reader is one readiness edge, and it must
// reach them all; then poll_close wakes the next group with EBADF.
TEST(RuntimePoll, ManyFibersWaitOnOneFd) {
  HangGuard guard("many readers of one fd");
  constexpr int kReaders = 8;
  Pipe pipe;
  std::atomic<int> got{0}, closed{0};
  rt::run(
      [&] {
        // Starts kReaders fibers reading a byte each from pipe.r, and waits
        // until they have had time to park.
        auto readers = [&](rt::WaitGroup& wg) {
          std::atomic<int> started{0};
          wg.add(kReaders);
          for (int i = 0; i < kReaders; ++i) {
            rt::go([&] {
              ++started;
              char c;
              const rt::IoResult r = rt::poll_read(pipe.r, &c, 1);
              if (r.value == 1) ++got;
              if (r.err == EBADF) ++closed;
              wg.done();
            });
          }
          while (started.load() < kReaders) rt::yield();
          for (int i = 0; i < 100; ++i) rt::yield();
        };
        rt::WaitGroup first;
        readers(first);
        ASSERT_EQ(::write(pipe.w, "abcdefgh", kReaders), kReaders);
        first.wait();
        rt::WaitGroup second;
        readers(second);
        EXPECT_EQ(rt::poll_close(pipe.r), 0);
        pipe.r = -1;
        second.wait();
      },
      {.procs = 2});
  EXPECT_EQ(got.load(), kReaders);
  EXPECT_EQ(closed.load(), kReaders);
}

// Deadlines. Times are asserted as "at least" (a loaded 2-core machine can
// wake a fiber late, never early) and the "data first" cases give the
// deadline seconds of slack.
namespace {
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
}  // namespace

TEST(RuntimePoll, DeadlineExpiresOnAFiber) {
  HangGuard guard("poll deadline");
  Pipe pipe;
  rt::IoResult r;
  Clock::duration waited{};
  rt::run(
      [&] {
        char c;
        const auto start = Clock::now();
        r = rt::poll_read(pipe.r, &c, 1, start + milliseconds(150));
        waited = Clock::now() - start;
      },
      {.procs = 1});
  EXPECT_EQ(r.err, ETIMEDOUT);
  EXPECT_GE(waited, milliseconds(150));
}

// Other fibers run while one waits with a deadline, and a write before the
// deadline wakes it with the data, not a timeout.
TEST(RuntimePoll, DataBeforeTheDeadlineWins) {
  HangGuard guard("poll deadline data");
  Pipe pipe;
  rt::IoResult r;
  char got = 0;
  rt::run(
      [&] {
        read_then_write(
            [&] { r = rt::poll_read(pipe.r, &got, 1, Clock::now() + std::chrono::seconds(30)); },
            [&] {
              rt::sleep_for(milliseconds(20));
              EXPECT_EQ(rt::poll_write(pipe.w, "d", 1).value, 1);
            });
      },
      {.procs = 1});
  EXPECT_EQ(r.value, 1) << r.err;
  EXPECT_EQ(got, 'd');
}

// A deadline already past fails a call that would wait at once, but not a
// call that can complete.
TEST(RuntimePoll, PastDeadline) {
  Pipe pipe;
  rt::run([&] {
    char c;
    EXPECT_EQ(rt::poll_read(pipe.r, &c, 1, Clock::now() - milliseconds(1)).err, ETIMEDOUT);
    ASSERT_TRUE(pipe.put('p'));
    EXPECT_EQ(rt::poll_read(pipe.r, &c, 1, Clock::time_point{}).value, 1);
    EXPECT_EQ(rt::wait_readable(pipe.r, Clock::now()), ETIMEDOUT);
  });
}

// poll_close wakes a waiter that has a deadline with EBADF, well before it.
TEST(RuntimePoll, PollCloseWakesADeadlineWaiter) {
  HangGuard guard("poll deadline close");
  Pipe pipe;
  rt::IoResult r;
  rt::run(
      [&] {
        read_then_write(
            [&] {
              char c;
              r = rt::poll_read(pipe.r, &c, 1, Clock::now() + std::chrono::seconds(60));
            },
            [&] {
              for (int i = 0; i < 50; ++i) rt::yield();
              EXPECT_EQ(rt::poll_close(pipe.r), 0);
              pipe.r = -1;
            });
      },
      {.procs = 1});
  EXPECT_EQ(r.err, EBADF);
}

// A writer on a full pipe whose reader never reads (a slow client) gives
// up at its deadline; and after a timeout the fd still works: the timed-out
// waiter left the fd's list, and the next edge is not lost.
TEST(RuntimePoll, WriteDeadlineAndTheFdStillWorksAfterwards) {
  HangGuard guard("poll write deadline");
  Pipe pipe;
  rt::IoResult r;
  Clock::duration waited{};
  std::size_t drained = 0;
  rt::run(
      [&] {
        std::string chunk(4096, 'w');
        for (;;) {  // fill the pipe
          r = rt::poll_write(pipe.w, chunk.data(), chunk.size(), Clock::now());
          if (!r.ok()) break;
        }
        ASSERT_EQ(r.err, ETIMEDOUT);
        const auto start = Clock::now();
        r = rt::poll_write(pipe.w, chunk.data(), chunk.size(), start + milliseconds(100));
        waited = Clock::now() - start;
        EXPECT_EQ(r.err, ETIMEDOUT);
        // Now a reader drains it from another fiber while we wait again.
        rt::WaitGroup wg;
        wg.add(1);
        rt::go([&] {
          // On the heap: 64 KiB is a whole fiber stack.
          std::vector<char> buf(65536);
          rt::sleep_for(milliseconds(20));
          const rt::IoResult rr = rt::poll_read(pipe.r, buf.data(), buf.size());
          drained = rr.ok() ? static_cast<std::size_t>(rr.value) : 0;
          wg.done();
        });
        r = rt::poll_write(pipe.w, chunk.data(), chunk.size(),
                           Clock::now() + std::chrono::seconds(30));
        wg.wait();
      },
      {.procs = 2});
  EXPECT_GE(waited, milliseconds(100));
  EXPECT_GT(drained, 0u);
  EXPECT_EQ(r.value, 4096) << r.err;
}

// Many fibers with staggered deadlines on one fd: the ones that time out
// leave; a later write still reaches the ones left (their deadline far off).
TEST(RuntimePoll, ConcurrencyManyDeadlinesOnOneFd) {
  HangGuard guard("poll many deadlines");
  constexpr int kShort = 16, kLong = 4;
  Pipe pipe;
  std::atomic<int> timed_out{0}, got{0};
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(kShort + kLong);
        for (int i = 0; i < kShort + kLong; ++i) {
          rt::go([&, i] {
            const auto d = i < kShort ? milliseconds(10 + 5 * i) : milliseconds(60'000);
            char c;
            const rt::IoResult r = rt::poll_read(pipe.r, &c, 1, Clock::now() + d);
            if (r.err == ETIMEDOUT) ++timed_out;
            if (r.value == 1) ++got;
            wg.done();
          });
        }
        while (timed_out.load() < kShort) rt::sleep_for(milliseconds(5));
        EXPECT_EQ(rt::poll_write(pipe.w, "abcd", kLong).value, kLong);
        wg.wait();
      },
      {.procs = 2});
  EXPECT_EQ(timed_out.load(), kShort);
  EXPECT_EQ(got.load(), kLong);
}

TEST(RuntimePoll, PlainThreadDeadline) {
  Pipe pipe;
  char c;
  const auto start = Clock::now();
  const rt::IoResult r = rt::poll_read(pipe.r, &c, 1, start + milliseconds(100));
  EXPECT_EQ(r.err, ETIMEDOUT);
  EXPECT_GE(Clock::now() - start, milliseconds(100));
  std::thread writer([&] {
    std::this_thread::sleep_for(milliseconds(20));
    EXPECT_TRUE(pipe.put('t'));
  });
  const rt::IoResult r2 = rt::poll_read(pipe.r, &c, 1, Clock::now() + std::chrono::seconds(30));
  writer.join();
  EXPECT_EQ(r2.value, 1);
}
