// Deadlock detection (Config::on_deadlock): every fiber parked and nothing
// that could wake one. run() used to hang silently here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "runtime_test_util.h"
#include "vfs/runtime/channel.h"
#include "vfs/runtime/mutex.h"
#include "vfs/runtime/poll.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/select.h"
#include "vfs/runtime/sleep.h"
#include "vfs/runtime/stats.h"
#include "vfs/runtime/syscall.h"
#include "vfs/runtime/wait_group.h"

namespace rt = vfs::runtime;
using namespace std::chrono_literals;
using rt::testing::HangGuard;
using rt::testing::Pipe;

namespace {

// The HangGuard is a thread outside the runtime: these tests declare that
// it never wakes a fiber.
constexpr rt::Config kFailAlways{.on_deadlock = rt::OnDeadlock::fail_even_with_threads};

// run(main) must end with a DeadlockError whose message names `reason`.
void expect_deadlock(const std::function<void()>& main, const char* reason,
                     rt::Config config = kFailAlways) {
  try {
    rt::run(main, config);
    ADD_FAILURE() << "run() returned without reporting the deadlock";
  } catch (const rt::DeadlockError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("all fibers are asleep - deadlock!"), std::string::npos) << what;
    EXPECT_NE(what.find(reason), std::string::npos) << what;
  }
}

}  // namespace

TEST(RuntimeDeadlock, ReceiveNobodySends) {
  HangGuard guard("deadlock chan");
  expect_deadlock(
      [] {
        rt::Channel<int> ch;
        ch.recv();
      },
      "fiber 1 [Channel::recv]");
}

TEST(RuntimeDeadlock, WaitGroupNeverDone) {
  HangGuard guard("deadlock wg");
  expect_deadlock(
      [] {
        rt::WaitGroup wg;
        wg.add(2);
        rt::go([&] { wg.done(); });
        wg.wait();
      },
      "[WaitGroup::wait]");
}

TEST(RuntimeDeadlock, MutexLockedTwice) {
  HangGuard guard("deadlock mutex");
  expect_deadlock(
      [] {
        rt::Mutex mu;
        mu.lock();
        mu.lock();
      },
      "[Mutex::lock]");
}

TEST(RuntimeDeadlock, EmptySelect) {
  HangGuard guard("deadlock select");
  expect_deadlock([] { rt::select({}); }, "[select {}]");
}

// Many fibers, on two Ps, each waiting for the next: all are listed (the
// first few by name) and all are dropped.
TEST(RuntimeDeadlock, ManyFibersInACycle) {
  HangGuard guard("deadlock many");
  std::vector<rt::Channel<int>> chans(100);
  expect_deadlock(
      [&] {
        for (int i = 0; i < 99; ++i) rt::go([&, i] { chans[i].recv(); });
        std::optional<int> a, b;
        rt::select({rt::on_recv(chans[99], a), rt::on_recv(chans[0], b)});
      },
      "(100 parked)", {.procs = 2, .on_deadlock = rt::OnDeadlock::fail_even_with_threads});
}

// A sleeping fiber, one in a system call and one waiting for I/O can each
// still wake the others: no deadlock, though every other fiber is parked.
TEST(RuntimeDeadlock, TimersSyscallsAndPollWaitsAreNotDeadlocks) {
  HangGuard guard("not deadlocks");
  Pipe blocking, polled;
  std::atomic<bool> go_on{false};
  std::thread writer([&] {
    while (!go_on.load()) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(blocking.put('a'));
    std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(polled.put('b'));
  });
  rt::run(
      [&] {
        rt::sleep_for(100ms);  // only a timer
        rt::WaitGroup wg;
        wg.add(2);
        rt::go([&] {
          char c;
          rt::syscall_blocking([&] { return ::read(blocking.r, &c, 1); });
          wg.done();
        });
        rt::go([&] {
          char c;
          go_on = true;
          rt::poll_read(polled.r, &c, 1);
          wg.done();
        });
        wg.wait();
      },
      kFailAlways);
  writer.join();
}

// The default: a thread outside the runtime may still wake the fibers, so
// they wait for it (after one report if it takes a while).
TEST(RuntimeDeadlock, AnOutsideThreadMayStillWakeThem) {
  HangGuard guard("outside waker");
  rt::Channel<int> ch;
  std::atomic<bool> parked{false};
  std::thread waker([&] {
    while (!parked.load()) std::this_thread::sleep_for(1ms);
    // Wait for the report, so both halves of the rule are seen.
    while (rt::stats().deadlock_reports == 0) std::this_thread::sleep_for(5ms);
    ch.send(42);
  });
  std::optional<int> got;
  ::testing::internal::CaptureStderr();
  rt::run([&] {
    parked = true;
    got = ch.recv();
  });
  const std::string err = ::testing::internal::GetCapturedStderr();
  waker.join();
  EXPECT_EQ(got, 42);
  EXPECT_NE(err.find("all fibers are asleep"), std::string::npos) << err;
  EXPECT_NE(err.find("fiber 1 [Channel::recv]"), std::string::npos) << err;
}

// With no thread but the runtime's, the default fails as Go does. The
// death-test child has no HangGuard thread; TSan always has a thread of its
// own, so there the default waits (and this test would hang).
TEST(RuntimeDeadlockDeathTest, TheDefaultFailsWhenNoOtherThreadExists) {
  if (rt::testing::kTsan) GTEST_SKIP() << "TSan's own thread is an outside thread";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        try {
          rt::run([] {
            rt::Channel<int> ch;
            ch.recv();
          });
        } catch (const rt::DeadlockError& e) {
          std::fputs(e.what(), stderr);
          std::_Exit(42);
        }
        std::_Exit(1);
      },
      ::testing::ExitedWithCode(42), "all fibers are asleep - deadlock!");
}

// After a DeadlockError the next run() starts afresh.
TEST(RuntimeDeadlock, RunWorksAgainAfterADeadlock) {
  HangGuard guard("after deadlock");
  expect_deadlock([] { rt::select({}); }, "[select {}]");
  int ran = 0;
  rt::run([&] { ++ran; });
  EXPECT_EQ(ran, 1);
}
