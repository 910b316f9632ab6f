// lock_os_thread: wired fibers, exit-while-locked, template thread, and the
// spawn-while-locked policy.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>

#include "runtime_test_util.h"
#include "vfs/runtime/channel.h"
#include "vfs/runtime/lock_os_thread.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/sleep.h"
#include "vfs/runtime/stats.h"
#include "vfs/runtime/syscall.h"
#include "vfs/runtime/wait_group.h"

namespace rt = vfs::runtime;
using namespace std::chrono_literals;
using rt::testing::HangGuard;
using rt::testing::tid;

namespace {

bool thread_alive(pid_t t) {
  return std::filesystem::exists("/proc/self/task/" + std::to_string(t));
}

bool sigusr2_blocked_here() {
  sigset_t set;
  ::pthread_sigmask(SIG_BLOCK, nullptr, &set);
  return sigismember(&set, SIGUSR2) == 1;
}

// Busy fibers that record the threads they run on, to tempt the scheduler
// into migrating the wired fiber and to catch its thread running others.
struct Witnesses {
  std::mutex mu;
  std::set<pid_t> tids;
  std::atomic<bool> stop{false};

  void start(rt::WaitGroup& wg, int n) {
    wg.add(n);
    for (int i = 0; i < n; ++i) {
      rt::go([this, &wg] {
        while (!stop.load()) {
          {
            std::lock_guard lock(mu);
            tids.insert(tid());
          }
          rt::yield();
        }
        wg.done();
      });
    }
  }
};

}  // namespace

TEST(RuntimeLock, NestingCounts) {
  rt::run([] {
    EXPECT_FALSE(rt::os_thread_locked());
    rt::lock_os_thread();
    rt::lock_os_thread();
    rt::unlock_os_thread();
    EXPECT_TRUE(rt::os_thread_locked());
    rt::unlock_os_thread();
    EXPECT_FALSE(rt::os_thread_locked());
    rt::unlock_os_thread();  // extra unlock: no-op
    EXPECT_FALSE(rt::os_thread_locked());
  });
  rt::lock_os_thread();  // off a fiber: no-op
  EXPECT_FALSE(rt::os_thread_locked());
}

// A wired fiber keeps its thread across yield, sleep, channel waits and
// blocking syscalls, and no other fiber runs on that thread meanwhile.
TEST(RuntimeLock, WiredFiberKeepsItsThreadAndTheThreadRunsNothingElse) {
  HangGuard guard("wired");
  std::atomic<int> moved{0};
  pid_t wired_tid = 0;
  Witnesses witnesses;
  rt::run(
      [&] {
        rt::WaitGroup wg;
        witnesses.start(wg, 4);
        rt::Channel<int> ping;
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        rt::go([&] { ping.send(1); });
        wg.add(1);
        rt::go([&] {
          rt::lock_os_thread();
          wired_tid = tid();
          {
            std::lock_guard lock(witnesses.mu);
            witnesses.tids.clear();  // from here on, nobody else may use wired_tid
          }
          for (int i = 0; i < 50; ++i) {
            rt::yield();
            if (tid() != wired_tid) moved++;
            if (i % 10 == 0) {
              rt::sleep_for(1ms);
              if (tid() != wired_tid) moved++;
            }
          }
          EXPECT_EQ(ping.recv(), 1);
          if (tid() != wired_tid) moved++;
          rt::go([&] {
            char c = 'k';
            EXPECT_EQ(::write(fds[1], &c, 1), 1);
          });
          char c = 0;
          EXPECT_EQ(rt::syscall([&] { return ::read(fds[0], &c, 1); }), 1);
          if (tid() != wired_tid) moved++;
          // A call known to block moves an unwired fiber to another thread
          // when its P has work; a wired one makes it on its own thread.
          rt::go([&] {
            char d = 'l';
            EXPECT_EQ(::write(fds[1], &d, 1), 1);
          });
          EXPECT_EQ(rt::syscall_blocking([&] {
                      if (tid() != wired_tid) moved++;
                      return ::read(fds[0], &c, 1);
                    }),
                    1);
          if (tid() != wired_tid) moved++;
          {
            std::lock_guard lock(witnesses.mu);
            EXPECT_EQ(witnesses.tids.count(wired_tid), 0u);
          }
          rt::unlock_os_thread();
          witnesses.stop = true;
          wg.done();
        });
        wg.wait();
        ::close(fds[0]);
        ::close(fds[1]);
      },
      {.procs = 2});
  EXPECT_EQ(moved.load(), 0);
}

// A fiber that exits wired takes its thread down: the thread ends and no
// later fiber runs on it.
TEST(RuntimeLock, ExitWhileLockedEndsTheThread) {
  HangGuard guard("exit locked");
  pid_t dead_tid = 0;
  std::atomic<int> ran_on_dead{0};
  rt::run(
      [&] {
        // Main wires itself to the caller's thread (m0, which cannot end), so
        // the fiber below runs on, and ends, another thread.
        rt::lock_os_thread();
        rt::Channel<pid_t> tid_ch(1);
        rt::go([&] {
          rt::lock_os_thread();
          tid_ch.send(tid());
        });  // exits wired
        dead_tid = *tid_ch.recv();
        while (thread_alive(dead_tid)) rt::sleep_for(1ms);
        rt::WaitGroup wg;
        wg.add(100);
        for (int i = 0; i < 100; ++i) {
          rt::go([&] {
            if (tid() == dead_tid) ran_on_dead++;
            wg.done();
          });
        }
        wg.wait();
      },
      {.procs = 2});
  EXPECT_NE(dead_tid, 0);
  EXPECT_FALSE(thread_alive(dead_tid));
  EXPECT_EQ(ran_on_dead.load(), 0);
}

// m0 is the caller's thread: a wired fiber exiting there retires it from
// scheduling, and run() still returns once main is done.
TEST(RuntimeLock, ExitWhileLockedOnTheCallersThread) {
  HangGuard guard("exit locked m0");
  const pid_t caller = tid();
  std::atomic<int> ran{0};
  rt::run(
      [&] {
        rt::Channel<int> done(1);
        rt::go([&] {  // main is parked below, so this runs on m0 first
          rt::lock_os_thread();
          done.send(tid() == caller ? 1 : 0);
        });
        done.recv();
        rt::WaitGroup wg;
        wg.add(10);
        for (int i = 0; i < 10; ++i) {
          rt::go([&] {
            ran++;
            wg.done();
          });
        }
        wg.wait();
      },
      {.procs = 2});
  EXPECT_EQ(ran.load(), 10);
  EXPECT_EQ(tid(), caller);
}

TEST(RuntimeLock, MainExitingWiredReturnsFromRun) {
  HangGuard guard("main wired");
  rt::run([] { rt::lock_os_thread(); }, {.procs = 2});
  SUCCEED();
}

// New Ms are cloned by the template thread, not by the wired one: a signal
// mask the wired fiber set on its thread (standing in for a namespace) does
// not leak into threads created while it is wired.
TEST(RuntimeLock, NewThreadsDoNotInheritAWiredThreadsState) {
  HangGuard guard("template thread");
  std::atomic<int> leaked{0}, checked{0};
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(1);
        rt::go([&] {
          rt::lock_os_thread();
          sigset_t set;
          sigemptyset(&set);
          sigaddset(&set, SIGUSR2);
          ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &set, nullptr), 0);
          const int before = rt::stats().threads;
          // Each blocking call hands our P to a thread; with none idle, one
          // is created - on our behalf, while we are wired.
          int fds[2];
          ASSERT_EQ(::pipe(fds), 0);
          rt::WaitGroup readers;
          readers.add(1);
          rt::go([&] {  // runs on the new thread: report its mask, then unblock us
            if (sigusr2_blocked_here()) leaked++;
            checked++;
            char c = 'u';
            EXPECT_EQ(::write(fds[1], &c, 1), 1);
            readers.done();
          });
          char c = 0;
          EXPECT_EQ(rt::syscall_blocking([&] { return ::read(fds[0], &c, 1); }), 1);
          EXPECT_GT(rt::stats().threads, before);
          readers.wait();
          ::close(fds[0]);
          ::close(fds[1]);
          wg.done();
        });  // exits wired: the tainted thread ends
        wg.wait();
      },
      // One P: nothing but the new thread can run the child while the wired
      // fiber sits in read(), and no thread exists yet to take the P.
      {.procs = 1});
  EXPECT_EQ(checked.load(), 1);
  EXPECT_EQ(leaked.load(), 0);
}

class RuntimeLockedSpawn : public ::testing::Test {
 protected:
  void TearDown() override { rt::set_locked_spawn_policy(rt::LockedSpawn::allow); }
};

TEST_F(RuntimeLockedSpawn, AllowSpawnsSilently) {
  rt::set_locked_spawn_policy(rt::LockedSpawn::allow);
  std::atomic<int> ran{0};
  std::uint64_t counted = 0;
  ::testing::internal::CaptureStderr();
  rt::run([&] {
    rt::WaitGroup wg;
    wg.add(1);
    rt::lock_os_thread();
    rt::go([&] {
      ran++;
      wg.done();
    });
    rt::unlock_os_thread();
    wg.wait();
    counted = rt::stats().locked_spawns;
  });
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(ran.load(), 1);
  EXPECT_EQ(counted, 1u);
  EXPECT_EQ(err.find("lock_os_thread"), std::string::npos) << err;
}

TEST_F(RuntimeLockedSpawn, ReportNamesTheSpawnSiteOnce) {
  rt::set_locked_spawn_policy(rt::LockedSpawn::report);
  std::atomic<int> ran{0};
  ::testing::internal::CaptureStderr();
  rt::run([&] {
    rt::WaitGroup wg;
    wg.add(3);
    rt::lock_os_thread();
    for (int i = 0; i < 3; ++i) {
      rt::go([&] {  // one site, three spawns
        ran++;
        wg.done();
      });
    }
    rt::unlock_os_thread();
    wg.wait();
  });
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(ran.load(), 3);
  const std::string site = "runtime_lock_test.cc:";
  const auto first = err.find(site);
  ASSERT_NE(first, std::string::npos) << err;
  EXPECT_EQ(err.find(site, first + 1), std::string::npos) << "reported more than once:\n" << err;
  EXPECT_NE(err.find("outside any namespace"), std::string::npos) << err;
}

TEST_F(RuntimeLockedSpawn, RefuseThrowsAndSpawnsNothing) {
  rt::set_locked_spawn_policy(rt::LockedSpawn::refuse);
  std::atomic<int> ran{0};
  std::string what;
  std::uint64_t spawned_before = 0, spawned_after = 0;
  rt::run([&] {
    rt::lock_os_thread();
    spawned_before = rt::stats().spawned;
    try {
      rt::go([&] { ran++; });
    } catch (const rt::LockedSpawnError& e) {
      what = e.what();
    }
    spawned_after = rt::stats().spawned;
    rt::unlock_os_thread();
    // Unwired, spawning is fine again.
    rt::WaitGroup wg;
    wg.add(1);
    rt::go([&] { wg.done(); });
    wg.wait();
  });
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(spawned_after, spawned_before);
  EXPECT_NE(what.find("runtime_lock_test.cc"), std::string::npos) << what;
}
