// Blocking system calls hand off the P: other fibers keep running.
#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/clock.h"
#include "runtime/sched.h"
#include "runtime_test_util.h"
#include "sys/sys.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/stats.h"
#include "vfs/runtime/syscall.h"
#include "vfs/runtime/wait_group.h"

namespace rt = vfs::runtime;
namespace detail = vfs::runtime::detail;
using rt::testing::HangGuard;
using rt::testing::Pipe;
using rt::testing::read_then_write;
using rt::testing::tid;

namespace {

// Reads one byte from `fd` the way the named variant does.
enum class Via { kSyscall, kSyscallBlocking, kSysRead };

char read_byte(int fd, Via via) {
  char c = 0;
  switch (via) {
    case Via::kSyscall:
      EXPECT_EQ(rt::syscall([&] { return ::read(fd, &c, 1); }), 1);
      break;
    case Via::kSyscallBlocking:
      EXPECT_EQ(rt::syscall_blocking([&] { return ::read(fd, &c, 1); }), 1);
      break;
    case Via::kSysRead: {
      const vfs::sys::Ret r = vfs::sys::read(fd, &c, 1);
      EXPECT_TRUE(r.ok()) << r.err;
      EXPECT_EQ(r.value, 1);
      break;
    }
  }
  return c;
}

// With one P, a fiber blocked in read() on an empty pipe must not stop the
// fiber that will write to that pipe: only a handoff lets it run (of the P
// to another thread, or of the reader's call, the P staying).
void blocked_reader_does_not_stop_writer(Via via) {
  HangGuard guard("pipe handoff");
  Pipe pipe;
  char got = 0;
  rt::run(
      [&] {
        read_then_write([&] { got = read_byte(pipe.r, via); }, [&] { EXPECT_TRUE(pipe.put('x')); });
        const rt::Stats stats = rt::stats();
        EXPECT_GE(stats.handoffs + stats.moved_syscalls, 1u);
      },
      {.procs = 1});
  EXPECT_EQ(got, 'x');
}

}  // namespace

TEST(RuntimeSyscall, BlockedReadHandsOffThePViaSysmon) {
  blocked_reader_does_not_stop_writer(Via::kSyscall);
}

TEST(RuntimeSyscall, BlockedReadHandsOffThePAtOnce) {
  blocked_reader_does_not_stop_writer(Via::kSyscallBlocking);
}

// Item 3: the backends' door (sys::blocking) goes through the wrapper on a fiber.
TEST(RuntimeSyscall, SysReadOnAFiberHandsOffTheP) {
  blocked_reader_does_not_stop_writer(Via::kSysRead);
}

// Beyond Go: a call known to block, made while the P has other fibers to
// run, moves to another thread with its fiber; the thread that ran the fiber
// keeps the P and runs the next fiber at once, without waiting for another
// thread to wake up and take the P.
TEST(RuntimeSyscall, BlockingCallMovesItsFiberAndThePStays) {
  HangGuard guard("moved call");
  Pipe pipe;
  pid_t before = 0, in_call = 0, writer = 0;
  rt::Stats stats;
  rt::run(
      [&] {
        read_then_write(
            [&] {
              before = tid();
              char c = 0;
              EXPECT_EQ(rt::syscall_blocking([&] {
                          in_call = tid();
                          return ::read(pipe.r, &c, 1);
                        }),
                        1);
              EXPECT_EQ(c, 'm');
            },
            [&] {
              writer = tid();
              EXPECT_TRUE(pipe.put('m'));
            });
        stats = rt::stats();
      },
      {.procs = 1});
  EXPECT_NE(in_call, before);  // the call ran on another thread...
  EXPECT_EQ(writer, before);   // ...and the P stayed with the first one
  EXPECT_GE(stats.moved_syscalls, 1u);
  EXPECT_EQ(stats.handoffs, 0u);
}

namespace {

// Blocking sleeps of `ms` through syscall_blocking(), as the relay tests
// make them: each is one call another thread makes.
void blocking_sleep(int ms) {
  const timespec t{0, ms * 1'000'000L};
  rt::syscall_blocking([&] { return ::clock_nanosleep(CLOCK_MONOTONIC, 0, &t, nullptr); });
}

// Makes the runtime believe threads come back from calls every nanosecond
// (the last a second from now), so the next timed call queues for a relay
// that never comes: only a deadline check can start it.
void pretend_threads_return_constantly() {
  detail::Sched& s = *detail::sched();
  std::lock_guard lock(s.lock);
  s.return_gap = 1;
  s.last_return = detail::nanotime() + 1'000'000'000;
}

// Fibers that keep the only P busy until `stop`, yielding between units: a
// blocking call made meanwhile moves to another thread and the P stays.
void keep_the_p_busy(int fibers, std::atomic<bool>& stop, rt::WaitGroup& done) {
  done.add(fibers);
  for (int i = 0; i < fibers; ++i) {
    rt::go([&] {
      while (!stop.load()) rt::yield();
      done.done();
    });
  }
}

}  // namespace

// Beyond Go: with many fibers in short blocking calls, a thread that comes
// back from one call, finding no P, makes the next queued call instead of
// going to sleep while another thread is woken for that call.
TEST(RuntimeSyscall, ThreadsBackFromCallsMakeTheQueuedOnes) {
  HangGuard guard("relayed calls");
  constexpr int kSleepers = 64;
  constexpr int kRounds = 15;
  std::atomic<int> calls{0};
  rt::Stats stats;
  rt::run(
      [&] {
        std::atomic<bool> stop{false};
        rt::WaitGroup busy, sleepers;
        keep_the_p_busy(2, stop, busy);
        sleepers.add(kSleepers);
        for (int i = 0; i < kSleepers; ++i) {
          rt::go([&] {
            for (int r = 0; r < kRounds; ++r) {
              blocking_sleep(20);
              ++calls;
            }
            sleepers.done();
          });
        }
        sleepers.wait();
        stop = true;
        busy.wait();
        stats = rt::stats();
      },
      {.procs = 1});
  EXPECT_EQ(calls.load(), kSleepers * kRounds);
  EXPECT_GT(stats.relayed_syscalls, 0u);
  EXPECT_LE(stats.relayed_syscalls, stats.moved_syscalls);
}

// A queued call waits for a returning thread only a share of its own
// duration. Here the runtime is made to believe that threads come back from
// calls every nanosecond, the last one a second from now (so the call
// queues however late this fiber runs), and none does: a thread must still
// be woken for the call, although the P never idles (so only the deadline
// can do it).
TEST(RuntimeSyscall, AQueuedCallDoesNotWaitForReturnsThatNeverCome) {
  HangGuard guard("queued call");
  std::int64_t took_ms = -1;
  rt::Stats stats;
  rt::run(
      [&] {
        std::atomic<bool> stop{false};
        rt::WaitGroup busy;
        keep_the_p_busy(2, stop, busy);
        blocking_sleep(20);  // its calls take 20 ms: it may queue for 1 ms (x2)
        pretend_threads_return_constantly();
        const auto start = std::chrono::steady_clock::now();
        blocking_sleep(20);
        took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
        stop = true;
        busy.wait();
        stats = rt::stats();
      },
      {.procs = 1});
  EXPECT_GE(took_ms, 20);
  EXPECT_LT(took_ms, 1000);  // 20 ms and 2 ms of waiting, on a loaded machine
  EXPECT_EQ(stats.relayed_syscalls, 0u);
}

// As above, but the only P runs a fiber that never switches, so no
// scheduling round looks at the queue either: sysmon must start the call.
TEST(RuntimeSyscall, AQueuedCallStartsWhileEveryPRunsOneFiber) {
  HangGuard guard("queued call beside a spinning fiber");
  std::int64_t waited_ms = -1;
  bool spinner_saw_the_call = false;
  rt::Stats stats;
  rt::run(
      [&] {
        blocking_sleep(20);  // its calls take 20 ms: it may queue for 1 ms (x2)
        std::atomic<bool> call_started{false};
        rt::WaitGroup spun;
        spun.add(1);
        rt::go([&] {
          // No yield: this fiber keeps the P until the queued call has
          // started on another thread (or 10 s have passed).
          const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
          while (!call_started.load() && std::chrono::steady_clock::now() < give_up) {
          }
          spinner_saw_the_call = call_started.load();
          spun.done();
        });
        pretend_threads_return_constantly();
        const auto queued = std::chrono::steady_clock::now();
        rt::syscall_blocking([&] {
          waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - queued)
                          .count();
          call_started = true;
          return 0;
        });
        spun.wait();
        stats = rt::stats();
      },
      {.procs = 1});
  EXPECT_TRUE(spinner_saw_the_call);
  // It did queue: nothing may start it before its deadline (queued + 2 ms).
  EXPECT_GE(waited_ms, 2);
  EXPECT_LT(waited_ms, 1000);  // sysmon's next looks: ~20 ms, on a loaded machine
  EXPECT_EQ(stats.relayed_syscalls, 0u);
}

// The writer here is outside the runtime and writes only after a compute
// fiber on the single P has finished: sysmon must have retaken the P from
// the thread stuck in read().
TEST(RuntimeSyscall, LongBlockingCallDoesNotStallComputeFiber) {
  HangGuard guard("long syscall");
  Pipe pipe;
  std::atomic<bool> computed{false};
  std::uint64_t retakes = 0;
  std::thread writer = pipe.put_when(computed, 'y');
  rt::run(
      [&] {
        read_then_write([&] { EXPECT_EQ(read_byte(pipe.r, Via::kSyscall), 'y'); },
                        [&] {  // the reader holds the thread in read() meanwhile
                          volatile unsigned long x = 0;
                          for (int i = 0; i < 1'000'000; ++i) x = x + i;
                          computed = true;
                        });
        retakes = rt::stats().retakes;
      },
      {.procs = 1});
  writer.join();
  EXPECT_GE(retakes, 1u);
}

// Beyond Go: a fiber looping on short blocking calls (10 ms sleeps) would keep
// its P between sysmon's looks once sysmon has backed off. Once sysmon has had
// to retake its P, its syscall()s hand the P off at once, so the retakes stay
// few while the handoffs follow the calls; a short call switches it back.
TEST(RuntimeSyscall, RepeatedBlockingCallsLearnToHandOffAtOnce) {
  HangGuard guard("repeated sleeps");
  constexpr int kSleeps = 20;
  rt::Stats stats;
  std::atomic<bool> done{false};
  std::uint64_t computed = 0;
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(2);
        rt::go([&] {
          for (int i = 0; i < kSleeps; ++i) {
            rt::syscall([] { return ::usleep(5'000); });
          }
          for (int i = 0; i < 3; ++i) rt::syscall([] { return ::getppid(); });  // short again
          done = true;
          wg.done();
        });
        rt::go([&] {
          while (!done.load()) {  // compute, yielding: it needs the P the sleeper holds
            ++computed;
            rt::yield();
          }
          wg.done();
        });
        wg.wait();
        stats = rt::stats();
      },
      {.procs = 1});
  EXPECT_GT(computed, 0u);
  EXPECT_GE(stats.retakes, 1u);                                    // sysmon had to notice once...
  EXPECT_LT(stats.retakes, kSleeps / 2u);                          // ...but not for every sleep
  EXPECT_GE(stats.handoffs + stats.moved_syscalls, kSleeps - 2u);  // the rest at once
}

// A short call through syscall_blocking() says nothing of the fiber's
// syscall() calls: having learned that those block, it keeps handing them
// off at once.
TEST(RuntimeSyscall, AShortBlockingCallDoesNotUnlearnSyscall) {
  HangGuard guard("learned sleeps");
  constexpr int kMaxLearn = 400;  // 2 s of sleeps for sysmon to retake one, on a busy machine
  constexpr int kSleeps = 12;
  std::uint64_t retakes_learning = 0;
  std::uint64_t retakes_after = 0;
  std::atomic<bool> done{false};
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(2);
        rt::go([&] {
          for (int i = 0; i < kMaxLearn && rt::stats().retakes == 0; ++i) {
            rt::syscall([] { return ::usleep(5'000); });
          }
          retakes_learning = rt::stats().retakes;
          for (int i = 0; i < kSleeps; ++i) {
            rt::syscall_blocking([] { return ::getppid(); });
            rt::syscall([] { return ::usleep(5'000); });
          }
          retakes_after = rt::stats().retakes - retakes_learning;
          done = true;
          wg.done();
        });
        rt::go([&] {
          while (!done.load()) rt::yield();  // wants the P, so sysmon retakes it from a held call
          wg.done();
        });
        wg.wait();
      },
      {.procs = 1});
  EXPECT_GE(retakes_learning, 1u);
  EXPECT_LT(retakes_after, kSleeps / 2u);  // one per sleep if each short call unlearned it
}

TEST(RuntimeSyscall, ErrnoIsCapturedOnTheCallingThread) {
  rt::run([&] {
    const vfs::sys::Ret r = vfs::sys::read(-1, nullptr, 0);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.err, EBADF);
    EXPECT_GE(rt::stats().syscalls, 1u);
  });
}

TEST(RuntimeSyscall, WithoutARuntimeCallsStraightThrough) {
  Pipe pipe;
  EXPECT_TRUE(pipe.put('z'));
  EXPECT_FALSE(rt::on_fiber());
  EXPECT_EQ(read_byte(pipe.r, Via::kSysRead), 'z');
  EXPECT_TRUE(pipe.put('w'));
  EXPECT_EQ(read_byte(pipe.r, Via::kSyscall), 'w');
  const vfs::sys::Ret r = vfs::sys::read(-1, nullptr, 0);
  EXPECT_EQ(r.err, EBADF);
}

TEST(RuntimeSyscall, NestedSyscallIsHarmless) {
  rt::run([&] {
    const long v = rt::syscall([] { return rt::syscall([] { return 42L; }); });
    EXPECT_EQ(v, 42);
  });
}

// One thread allowed, and main blocks in a call that only a queued fiber
// can end: no thread can ever run that fiber. As in Go, needing a thread
// beyond the limit is fatal, with a message naming the limit, never a hang.
TEST(RuntimeSyscallDeathTest, ExceedingTheThreadLimitIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Pipe pipe;
        rt::set_max_threads(1);
        rt::run(
            [&] {
              rt::go([&] { EXPECT_TRUE(pipe.put('x')); });
              char c;
              rt::syscall_blocking([&] { return ::read(pipe.r, &c, 1); });
            },
            {.procs = 1});
      },
      "exceeds the 1-thread limit");
}

// Under the limit nothing changes: 8 readers blocked at once get 8 threads.
TEST(RuntimeSyscall, BlockedCallsUnderTheThreadLimitRun) {
  HangGuard guard("thread limit");
  constexpr int kReaders = 8;
  std::vector<Pipe> pipes(kReaders);
  const int previous = rt::set_max_threads(kReaders + 4);
  EXPECT_EQ(previous, 10000);
  std::atomic<int> blocked{0}, done{0};
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(kReaders);
        for (int i = 0; i < kReaders; ++i) {
          rt::go([&, i] {
            ++blocked;
            read_byte(pipes[i].r, Via::kSyscallBlocking);
            ++done;
            wg.done();
          });
        }
        while (blocked.load() < kReaders) rt::yield();
        for (const Pipe& p : pipes) EXPECT_TRUE(p.put('q'));
        wg.wait();
      },
      {.procs = 2});
  rt::set_max_threads(previous);
  EXPECT_EQ(done.load(), kReaders);
}

// A syscall() body runs without a P: parking there is a bug, reported
// plainly instead of losing the fiber; yield() there just yields the thread.
TEST(RuntimeSyscallDeathTest, ParkingInsideSyscallIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(rt::run([] {
                 rt::syscall([] {
                   rt::yield();  // harmless
                   rt::WaitGroup wg;
                   wg.add(1);
                   wg.wait();  // would park
                   return 0;
                 });
               }),
               "parked inside runtime::syscall");
}
