// The end of run(), and what outlives it: go() racing the end, primitives
// that dropped fibers were parked on, and fork().
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime_test_util.h"
#include "vfs/runtime/channel.h"
#include "vfs/runtime/mutex.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/select.h"
#include "vfs/runtime/sleep.h"
#include "vfs/runtime/syscall.h"
#include "vfs/runtime/wait_group.h"

namespace rt = vfs::runtime;
using namespace std::chrono_literals;
using rt::testing::HangGuard;
using rt::testing::Pipe;

namespace {

// Lets the fibers main just spawned run until they park.
void let_them_park() {
  for (int i = 0; i < 20; ++i) rt::yield();
}

}  // namespace

// A plain thread cannot know when run() ends: go() from it either spawns on
// the live runtime or throws, and never touches one being torn down (ASan
// reported a use-after-free in the run queue here before).
TEST(RuntimeShutdown, GoFromAPlainThreadRacingTheEndOfRun) {
  HangGuard guard("go racing run's end");
  std::atomic<bool> stop{false};
  std::atomic<long> accepted{0}, refused{0};
  std::thread spawner([&] {
    while (!stop.load()) {
      try {
        rt::go([] {});
        ++accepted;
      } catch (const std::logic_error&) {
        ++refused;
      }
      std::this_thread::yield();  // a few thousand fibers a round, not a flood
    }
  });
  const int rounds = rt::testing::kTsan ? 30 : 500;
  for (int i = 0; i < rounds; ++i) rt::run([] { rt::yield(); });
  stop = true;
  spawner.join();
  EXPECT_GT(accepted.load() + refused.load(), 0);
}

// Wakeups from a plain thread racing the end of run(): a fiber being
// dropped is never woken, and nothing of the dying runtime is touched.
TEST(RuntimeShutdown, PlainThreadWakingFibersRacingTheEndOfRun) {
  HangGuard guard("wake racing run's end");
  rt::Channel<int> ch;  // unbuffered: every send meets a parked fiber or waits
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    int one = 1;
    while (!stop.load()) rt::try_select({rt::on_send(ch, one)});
  });
  const int rounds = rt::testing::kTsan ? 30 : 300;
  for (int i = 0; i < rounds; ++i) {
    rt::run([&] {
      for (int j = 0; j < 4; ++j) rt::go([&] { ch.recv(); });
      rt::yield();
    });
  }
  stop = true;
  sender.join();
}

// A channel declared before run() outlives a fiber that was parked on it
// when main returned: close() then finds nobody to wake (it used to wake the
// dropped fiber's freed waiter), and the channel keeps working.
TEST(RuntimeShutdown, ChannelOutlivesAFiberDroppedWhileReceiving) {
  HangGuard guard("channel after run");
  rt::Channel<int> ch, full;
  rt::Channel<int> other(1);
  rt::run(
      [&] {
        rt::go([&] { ch.recv(); });
        rt::go([&] { full.send(7); });  // a parked sender too
        std::optional<int> a, b;
        rt::go([&] { rt::select({rt::on_recv(ch, a), rt::on_recv(other, b)}); });
        let_them_park();
      },
      {.procs = 1});
  ch.close();
  EXPECT_EQ(ch.recv(), std::nullopt);
  full.close();
  EXPECT_EQ(full.recv(), std::nullopt);
  other.send(1);  // the dropped select is not queued on `other` either
  EXPECT_EQ(other.recv(), 1);
}

TEST(RuntimeShutdown, WaitGroupOutlivesAFiberDroppedWhileWaiting) {
  HangGuard guard("wait group after run");
  rt::WaitGroup wg;
  wg.add(1);
  rt::run(
      [&] {
        for (int i = 0; i < 3; ++i) rt::go([&] { wg.wait(); });
        let_them_park();
      },
      {.procs = 1});
  wg.done();
  wg.wait();  // zero: returns at once
}

TEST(RuntimeShutdown, MutexOutlivesAFiberDroppedWhileLocking) {
  HangGuard guard("mutex after run");
  rt::Mutex mu;
  rt::run(
      [&] {
        mu.lock();
        for (int i = 0; i < 3; ++i) rt::go([&] { mu.lock(); });
        let_them_park();
      },
      {.procs = 1});
  mu.unlock();  // nobody queued: it is free now
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
}

// A primitive on main's stack dies when main returns, before run() drops
// the fibers parked on it: they forget it, and run() does not touch it.
TEST(RuntimeShutdown, PrimitivesDestroyedBeforeTheirParkedFibersAreDropped) {
  HangGuard guard("primitives die first");
  rt::Channel<int> survivor;
  rt::run(
      [&] {
        rt::Channel<int> ch;
        rt::WaitGroup wg;
        rt::Mutex mu;
        wg.add(1);
        mu.lock();
        rt::go([&] { ch.recv(); });
        rt::go([&] { wg.wait(); });
        rt::go([&] { mu.lock(); });
        std::optional<int> a, b;
        rt::go([&] { rt::select({rt::on_recv(ch, a), rt::on_recv(survivor, b)}); });
        let_them_park();
      },
      {.procs = 1});
  survivor.close();  // the select that also waited on the dead channel is gone from here too
  EXPECT_EQ(survivor.recv(), std::nullopt);
}

namespace {

// Runs `child` in a child of fork() made from a fiber, and returns what the
// child wrote to stderr and how it ended.
struct ChildResult {
  int status = 0;
  std::string err;
};

ChildResult fork_from_fiber(const std::function<void()>& child) {
  ChildResult out;
  rt::run([&] {
    Pipe err;
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(err.w, STDERR_FILENO);
      child();
      ::_exit(0);
    }
    ::close(err.w);
    err.w = -1;
    char buf[512];
    for (;;) {
      const long n = rt::syscall_blocking([&] { return ::read(err.r, buf, sizeof buf); });
      if (n <= 0) break;
      out.err.append(buf, static_cast<std::size_t>(n));
    }
    rt::syscall_blocking([&] { return ::waitpid(pid, &out.status, 0); });
  });
  return out;
}

}  // namespace

// In the child of fork() the runtime's threads do not exist: the child may
// exec or _exit, plain system calls go straight through, and go() says
// clearly that there is no runtime (it used to fail with "No such process"
// or hang).
TEST(RuntimeShutdown, ForkedChildHasNoRuntime) {
  HangGuard guard("fork");
  const ChildResult r = fork_from_fiber([] {
    if (rt::on_fiber()) ::_exit(3);
    const long pid = rt::syscall([] { return static_cast<long>(::getpid()); });
    if (pid <= 0) ::_exit(4);
    try {
      rt::go([] {});
      ::_exit(5);
    } catch (const std::logic_error& e) {
      if (std::string(e.what()).find("fork") == std::string::npos) ::_exit(6);
    }
    ::_exit(0);
  });
  ASSERT_TRUE(WIFEXITED(r.status)) << r.err;
  EXPECT_EQ(WEXITSTATUS(r.status), 0) << r.err;
}

// A wait in the child can never end (the fibers that would end it are in
// the parent): fatal, with a message, rather than a hang.
TEST(RuntimeShutdown, ForkedChildWaitingIsFatal) {
  HangGuard guard("fork wait");
  const ChildResult r = fork_from_fiber([] {
    rt::WaitGroup wg;
    wg.add(1);
    wg.wait();
  });
  EXPECT_TRUE(WIFSIGNALED(r.status));
  EXPECT_NE(r.err.find("child of a fork()"), std::string::npos) << r.err;
}

// Returning from the fiber in the child would return into the parent's
// scheduler, which is not there: fatal, with a message.
TEST(RuntimeShutdown, ForkedChildReturningFromItsFiberIsFatal) {
  HangGuard guard("fork return");
  ChildResult out;
  rt::run([&] {
    Pipe err;
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(err.w, STDERR_FILENO);
      return;  // from main, in the child
    }
    ::close(err.w);
    err.w = -1;
    char buf[512];
    for (;;) {
      const long n = rt::syscall_blocking([&] { return ::read(err.r, buf, sizeof buf); });
      if (n <= 0) break;
      out.err.append(buf, static_cast<std::size_t>(n));
    }
    rt::syscall_blocking([&] { return ::waitpid(pid, &out.status, 0); });
  });
  EXPECT_TRUE(WIFSIGNALED(out.status));
  EXPECT_NE(out.err.find("a fiber returned"), std::string::npos) << out.err;
}
