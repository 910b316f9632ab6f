// Mutex, WaitGroup, sleep: they park fibers, never threads.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "runtime_test_util.h"
#include "vfs/runtime/mutex.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/select.h"
#include "vfs/runtime/sleep.h"
#include "vfs/runtime/timer.h"
#include "vfs/runtime/wait_group.h"

namespace rt = vfs::runtime;
using namespace std::chrono_literals;
using rt::testing::HangGuard;

// Holders yield inside the critical section, so waiters really park; the
// count is exact only if the lock excludes.
TEST(RuntimeSync, MutexExcludesAcrossPs) {
  HangGuard guard("mutex");
  long counter = 0;
  rt::run(
      [&] {
        rt::Mutex mu;
        rt::WaitGroup wg;
        wg.add(50);
        for (int f = 0; f < 50; ++f) {
          rt::go([&] {
            for (int i = 0; i < 200; ++i) {
              std::lock_guard lock(mu);
              const long seen = counter;
              if (i % 8 == 0) rt::yield();
              counter = seen + 1;
            }
            wg.done();
          });
        }
        wg.wait();
      },
      {.procs = 2});
  EXPECT_EQ(counter, 50 * 200);
}

// With one P, a fiber waiting for the mutex must not hold the thread, or
// the holder (which yields while holding it) could never finish.
TEST(RuntimeSync, MutexWaiterParksInsteadOfBlockingTheThread) {
  HangGuard guard("mutex park");
  std::vector<int> order;
  rt::run(
      [&] {
        rt::Mutex mu;
        rt::WaitGroup wg;
        wg.add(2);
        mu.lock();
        rt::go([&] {
          mu.lock();  // parks: main holds it
          order.push_back(2);
          mu.unlock();
          wg.done();
        });
        rt::go([&] {
          order.push_back(1);
          wg.done();
        });
        for (int i = 0; i < 5; ++i) rt::yield();
        order.push_back(0);
        mu.unlock();
        wg.wait();
      },
      {.procs = 1});
  EXPECT_EQ(order, (std::vector<int>{1, 0, 2}));
}

TEST(RuntimeSync, MutexTryLockAndMisuse) {
  rt::Mutex mu;
  EXPECT_TRUE(mu.try_lock());
  EXPECT_FALSE(mu.try_lock());
  mu.unlock();
  EXPECT_THROW(mu.unlock(), std::logic_error);
}

TEST(RuntimeSync, MutexBetweenPlainThreadAndFibers) {
  HangGuard guard("mutex thread");
  long counter = 0;
  rt::run(
      [&] {
        rt::Mutex mu;
        std::thread t([&] {
          for (int i = 0; i < 5000; ++i) {
            std::lock_guard lock(mu);
            ++counter;
          }
        });
        rt::WaitGroup wg;
        wg.add(4);
        for (int f = 0; f < 4; ++f) {
          rt::go([&] {
            for (int i = 0; i < 5000; ++i) {
              std::lock_guard lock(mu);
              ++counter;
            }
            wg.done();
          });
        }
        wg.wait();
        t.join();
      },
      {.procs = 2});
  EXPECT_EQ(counter, 25000);
}

TEST(RuntimeSync, WaitGroupRejectsNegativeCounter) {
  rt::WaitGroup wg;
  wg.add(1);
  wg.done();
  EXPECT_THROW(wg.done(), std::logic_error);
  wg.wait();  // zero: returns at once
}

TEST(RuntimeSync, WaitGroupWakesEveryWaiter) {
  HangGuard guard("wg waiters");
  std::atomic<int> woken{0};
  rt::run([&] {
    rt::WaitGroup gate, all;
    gate.add(1);
    all.add(10);
    for (int i = 0; i < 10; ++i) {
      rt::go([&] {
        gate.wait();
        woken++;
        all.done();
      });
    }
    for (int i = 0; i < 20; ++i) rt::yield();
    EXPECT_EQ(woken.load(), 0);
    gate.done();
    all.wait();
  });
  EXPECT_EQ(woken.load(), 10);
}

TEST(RuntimeSync, SleepLastsAtLeastTheDuration) {
  HangGuard guard("sleep");
  std::chrono::steady_clock::duration slept{};
  rt::run([&] {
    const auto start = std::chrono::steady_clock::now();
    rt::sleep_for(20ms);
    slept = std::chrono::steady_clock::now() - start;
  });
  EXPECT_GE(slept, 20ms);
}

// With one P, a sleeping fiber leaves the thread to the others: the other
// fiber finishes while the sleeper is still asleep.
// On one P: the sleeper starts sleeping before the other fiber is even
// spawned, so the other can only run first if the sleep gave the thread up
// (a sleep that blocked the thread gives {2, 1}).
TEST(RuntimeSync, SleepingFiberDoesNotHoldTheThread) {
  HangGuard guard("sleep parks");
  std::vector<int> order;
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(2);
        std::atomic<bool> sleeping{false};
        rt::go([&] {
          sleeping = true;
          rt::sleep_for(300ms);
          order.push_back(2);
          wg.done();
        });
        while (!sleeping.load()) rt::yield();
        rt::go([&] {
          order.push_back(1);
          wg.done();
        });
        wg.wait();
      },
      {.procs = 1});
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(RuntimeSync, ManySleepersAllWakeNoEarlierThanAsked) {
  HangGuard guard("sleepers");
  std::atomic<int> woke{0}, early{0};
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(200);
        for (int i = 0; i < 200; ++i) {
          rt::go([&, i] {
            const auto d = std::chrono::milliseconds(1 + i % 25);
            const auto start = std::chrono::steady_clock::now();
            rt::sleep_for(d);
            if (std::chrono::steady_clock::now() - start < d) early++;
            woke++;
            wg.done();
          });
        }
        wg.wait();
      },
      {.procs = 2});
  EXPECT_EQ(woke.load(), 200);
  EXPECT_EQ(early.load(), 0);
}

TEST(RuntimeSync, SleepOnAPlainThreadSleeps) {
  const auto start = std::chrono::steady_clock::now();
  rt::sleep_for(5ms);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 5ms);
}

TEST(RuntimeTimer, FiresOnceOnItsChannel) {
  HangGuard guard("timer");
  rt::run([] {
    const auto start = std::chrono::steady_clock::now();
    rt::Timer t(10ms);
    auto fired = t.channel().recv();
    ASSERT_TRUE(fired.has_value());
    EXPECT_GE(*fired - start, 10ms);
    EXPECT_FALSE(t.stop());  // already fired
  });
}

TEST(RuntimeTimer, TimesOutASelect) {
  HangGuard guard("timeout");
  rt::run([] {
    rt::Channel<int> never;
    rt::Timer timeout(5ms);
    std::optional<int> v;
    std::optional<rt::Timer::TimePoint> t;
    EXPECT_EQ(rt::select({rt::on_recv(never, v), rt::on_recv(timeout.channel(), t)}), 1);
    EXPECT_TRUE(t.has_value());
  });
}

TEST(RuntimeTimer, StopPreventsFiringAndResetRestarts) {
  HangGuard guard("stop/reset");
  rt::run([] {
    rt::Timer t(5ms);
    EXPECT_TRUE(t.stop());
    EXPECT_FALSE(t.stop());
    rt::sleep_for(20ms);
    std::optional<rt::Timer::TimePoint> got;
    EXPECT_EQ(rt::try_select({rt::on_recv(t.channel(), got)}), -1);  // never fired
    t.reset(1ms);
    EXPECT_TRUE(t.channel().recv().has_value());
  });
}

TEST(RuntimeTimer, ManyTimersDestroyedBeforeFiring) {
  HangGuard guard("timer churn");
  rt::run(
      [] {
        rt::WaitGroup wg;
        wg.add(100);
        for (int i = 0; i < 100; ++i) {
          rt::go([&wg, i] {
            for (int j = 0; j < 20; ++j) {
              rt::Timer t(std::chrono::microseconds(50 * ((i + j) % 7)));
              if (j % 2) t.channel().recv();
            }
            wg.done();
          });
        }
        wg.wait();
      },
      {.procs = 2});
}

TEST(RuntimeTimer, NeedsARuntime) { EXPECT_THROW(rt::Timer t(1ms), std::logic_error); }

// "Forever" durations saturate instead of overflowing into the past (they
// used to fire or return at once, and sleep_until(max) overflowed).
TEST(RuntimeTimer, ForeverTimersNeverFire) {
  HangGuard guard("forever timers");
  rt::run([] {
    rt::Timer forever(std::chrono::nanoseconds::max());
    rt::Timer big(std::chrono::hours(24 * 365 * 200));
    rt::Timer short_one(20ms);
    std::optional<rt::Timer::TimePoint> t;
    EXPECT_EQ(rt::select({rt::on_recv(forever.channel(), t), rt::on_recv(big.channel(), t),
                          rt::on_recv(short_one.channel(), t)}),
              2);
  });
}

TEST(RuntimeSync, ForeverSleepsNeverReturn) {
  HangGuard guard("forever sleeps");
  std::atomic<int> returned{0};
  rt::run([&] {
    rt::go([&] {
      rt::sleep_for(std::chrono::seconds::max());
      ++returned;
    });
    rt::go([&] {
      rt::sleep_for(std::chrono::hours::max());
      ++returned;
    });
    rt::go([&] {
      rt::sleep_until(std::chrono::steady_clock::time_point::max());
      ++returned;
    });
    rt::sleep_for(100ms);
    // main returns: the sleepers are dropped
  });
  EXPECT_EQ(returned.load(), 0);
}
