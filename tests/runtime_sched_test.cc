// The scheduler: run, go, yield, Ps, stealing, parallelism.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <atomic>
#include <cstring>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "runtime_test_util.h"
#include "vfs/runtime/channel.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/stats.h"
#include "vfs/runtime/wait_group.h"

namespace rt = vfs::runtime;
using rt::testing::HangGuard;

TEST(RuntimeSched, RunsMainOnAFiberAndReturns) {
  HangGuard guard("main");
  bool ran = false;
  EXPECT_FALSE(rt::on_fiber());
  rt::run([&] {
    ran = true;
    EXPECT_TRUE(rt::on_fiber());
    EXPECT_EQ(rt::fiber_id(), 1u);
  });
  EXPECT_TRUE(ran);
  EXPECT_FALSE(rt::on_fiber());
  EXPECT_EQ(rt::procs(), 0);
}

TEST(RuntimeSched, RunsAgainAfterReturning) {
  HangGuard guard("run twice");
  int runs = 0;
  for (int i = 0; i < 3; ++i) rt::run([&] { ++runs; }, {.procs = 1 + i});
  EXPECT_EQ(runs, 3);
}

TEST(RuntimeSched, ProcsComeFromConfigThenEnvironment) {
  HangGuard guard("procs");
  int seen = 0;
  rt::run([&] { seen = rt::procs(); }, {.procs = 3});
  EXPECT_EQ(seen, 3);
  ::setenv("VFS_MAXPROCS", "5", 1);
  rt::run([&] { seen = rt::procs(); });
  EXPECT_EQ(seen, 5);
  rt::run([&] { seen = rt::procs(); }, {.procs = 2});  // explicit config wins
  EXPECT_EQ(seen, 2);
  ::unsetenv("VFS_MAXPROCS");
  rt::run([&] { seen = rt::procs(); });
  EXPECT_GE(seen, 1);
}

// idle_procs(): the Ps with nothing to run. With P=2 and main alone, one
// P goes idle; while a second fiber spins, none is.
TEST(RuntimeSched, IdleProcsCountsPsWithNothingToRun) {
  HangGuard guard("idle procs");
  EXPECT_EQ(rt::idle_procs(), 0);  // no runtime
  rt::run(
      [&] {
        while (rt::idle_procs() != 1) rt::yield();
        std::atomic<bool> stop{false};
        rt::WaitGroup wg;
        wg.add(1);
        rt::go([&] {
          while (!stop.load()) {
          }
          wg.done();
        });
        while (rt::idle_procs() != 0) rt::yield();
        stop = true;
        wg.wait();
      },
      {.procs = 2});
}

// Fewer under TSan, where a fiber costs ~1000x more (see below).
TEST(RuntimeSched, SpawnedFibersAllRun) {
  HangGuard guard("spawn");
  const int n = rt::testing::kTsan ? 2000 : 10000;
  std::atomic<int> count{0};
  rt::run([&] {
    rt::WaitGroup wg;
    for (int i = 0; i < n; ++i) {
      wg.add(1);
      rt::go([&] {
        count.fetch_add(1);
        wg.done();
      });
    }
    wg.wait();
  });
  EXPECT_EQ(count.load(), n);
}

// The "1M fibers spawned and joined". Stacks are mapped when a fiber
// first runs and return to a pool when it ends, so queued fibers cost only
// their descriptor. The full million under ASan too (~2 s); 10k under TSan,
// whose per-fiber state (__tsan_create_fiber/destroy_fiber) makes each
// fiber ~1000x more expensive: 50k took 80 s of CPU there, and 10k took
// 150 s next to two CPU hogs; 3k races spawn against join as well.
TEST(RuntimeSched, OneMillionFibersSpawnedAndJoined) {
  HangGuard guard("1M fibers", std::chrono::seconds(240));
  const int n = rt::testing::kTsan ? 3'000 : 1'000'000;
  std::atomic<int> count{0};
  std::uint64_t spawned = 0;
  rt::run([&] {
    rt::WaitGroup wg;
    wg.add(n);
    for (int i = 0; i < n; ++i) {
      rt::go([&] {
        count.fetch_add(1, std::memory_order_relaxed);
        wg.done();
      });
    }
    wg.wait();
    spawned = rt::stats().spawned;
  });
  EXPECT_EQ(count.load(), n);
  EXPECT_EQ(spawned, static_cast<std::uint64_t>(n) + 1);
}

// 64 x 64 fibers; 24 x 24 under TSan, where the full tree took 9 s on a
// quiet machine and over the guard's minute next to two CPU hogs.
TEST(RuntimeSched, NestedFibersAllRun) {
  HangGuard guard("nested");
  const int k = rt::testing::kTsan ? 24 : 64;
  std::atomic<int> leaves{0};
  rt::run([&] {
    rt::WaitGroup wg;
    wg.add(k);
    for (int i = 0; i < k; ++i) {
      rt::go([&] {
        rt::WaitGroup inner;
        inner.add(k);
        for (int j = 0; j < k; ++j) {
          rt::go([&] {
            leaves.fetch_add(1);
            inner.done();
          });
        }
        inner.wait();
        wg.done();
      });
    }
    wg.wait();
  });
  EXPECT_EQ(leaves.load(), k * k);
}

// With one P, yield() lets the other fiber run: two fibers take turns 100
// times, each yielding until it is its turn (a hang if yield did not switch).
TEST(RuntimeSched, YieldLetsOthersRunOnOneP) {
  HangGuard guard("yield");
  int turn = 0;
  int turns[2] = {0, 0};
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(2);
        for (int id = 0; id < 2; ++id) {
          rt::go([&, id] {
            for (int i = 0; i < 100; ++i) {
              while (turn != id) rt::yield();
              ++turns[id];
              turn = 1 - id;
            }
            wg.done();
          });
        }
        wg.wait();
      },
      {.procs = 1});
  EXPECT_EQ(turns[0], 100);
  EXPECT_EQ(turns[1], 100);
}

// The first fiber busy-waits (never switching) until another fiber has
// started. Every fiber sits in the spawning P's local queue, and that P is
// busy, so the only way the second can start is another P stealing it.
TEST(RuntimeSched, IdlePStealsFromBusyOne) {
  HangGuard guard("steal");
  std::atomic<int> started{0};
  std::uint64_t steals = 0;
  std::set<std::thread::id> threads;
  std::mutex threads_mu;
  rt::run(
      [&] {
        rt::WaitGroup wg;
        constexpr int kFibers = 100;  // < 256: all fit in the local ring
        wg.add(kFibers);
        for (int i = 0; i < kFibers; ++i) {
          rt::go([&] {
            {
              std::lock_guard lock(threads_mu);
              threads.insert(std::this_thread::get_id());
            }
            started.fetch_add(1);
            while (started.load() < 2) {
            }
            wg.done();
          });
        }
        wg.wait();
        steals = rt::stats().steals;
      },
      {.procs = 2});
  EXPECT_EQ(started.load(), 100);
  EXPECT_GE(steals, 1u);
  EXPECT_GE(threads.size(), 2u);
}

TEST(RuntimeSched, GoFromAPlainThreadWhileRunning) {
  HangGuard guard("go from thread");
  std::atomic<int> count{0};
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(100);
        std::thread t([&] {
          for (int i = 0; i < 100; ++i) {
            rt::go([&] {
              count.fetch_add(1);
              wg.done();
            });
          }
        });
        wg.wait();
        t.join();
      },
      {.procs = 2});
  EXPECT_EQ(count.load(), 100);
}

TEST(RuntimeSched, MisuseIsAnError) {
  EXPECT_THROW(rt::go([] {}), std::logic_error);
  bool nested_threw = false;
  rt::run([&] {
    try {
      rt::run([] {});
    } catch (const std::logic_error&) {
      nested_threw = true;
    }
  });
  EXPECT_TRUE(nested_threw);
}

TEST(RuntimeSched, ExceptionFromMainIsRethrownByRun) {
  EXPECT_THROW(rt::run([] { throw std::runtime_error("boom"); }), std::runtime_error);
  // And the runtime is usable again afterwards.
  bool ran = false;
  rt::run([&] { ran = true; });
  EXPECT_TRUE(ran);
}

// Fibers left parked when main returns are dropped, not run, and their
// closures are freed (LSan would flag a leak otherwise).
namespace {
std::atomic<int> function_runs{0};
void count_a_run() { ++function_runs; }
}  // namespace

// A plain function is a fiber body too, by reference or by pointer.
TEST(RuntimeSched, GoTakesAFunction) {
  rt::run([] {
    rt::go(count_a_run);
    rt::go(&count_a_run);
    while (function_runs.load() < 2) rt::yield();
  });
  EXPECT_EQ(function_runs.load(), 2);
}

// A closure small enough lives in its fiber's descriptor, a bigger one on
// the heap: both run once and are destroyed once, whether the fiber ends or
// is dropped when main returns; and a closure whose copy throws leaves the
// runtime as it was.
TEST(RuntimeSched, SmallAndLargeClosuresRunAndAreDestroyedOnce) {
  HangGuard guard("closures");
  auto token = std::make_shared<int>(1);
  std::atomic<int> ran{0};
  struct CopyThrows {
    CopyThrows() = default;
    CopyThrows(const CopyThrows&) { throw std::runtime_error("copy"); }
    void operator()() const {}
  };
  rt::WaitGroup never;
  never.add(1);
  rt::run([&] {
    rt::WaitGroup wg;
    std::array<char, 256> big{};
    big[255] = 1;
    for (int i = 0; i < 100; ++i) {
      wg.add(2);
      rt::go([&ran, &wg, token] {
        ++ran;
        wg.done();
      });
      rt::go([&ran, &wg, token, big] {
        ran += big[255];
        wg.done();
      });
    }
    wg.wait();
    const CopyThrows throws;
    EXPECT_THROW(rt::go(throws), std::runtime_error);
    wg.add(1);
    rt::go([&wg] { wg.done(); });  // spawning still works
    wg.wait();
    rt::go([&never, token] { never.wait(); });  // dropped, small
    rt::go([&never, token, big] {
      never.wait();
      (void)big;
    });  // dropped, large
    for (int i = 0; i < 10; ++i) rt::yield();
  });
  EXPECT_EQ(ran.load(), 200);
  EXPECT_EQ(token.use_count(), 1);
}

TEST(RuntimeSched, FibersLeftWhenMainReturnsAreDropped) {
  HangGuard guard("drop");
  auto token = std::make_shared<int>(1);
  rt::WaitGroup never;  // outlives run(): other threads may still touch it while main exits
  never.add(1);
  rt::run([&] {
    for (int i = 0; i < 10; ++i) rt::go([&never, token] { never.wait(); });
    for (int i = 0; i < 10; ++i) rt::yield();
  });
  EXPECT_EQ(token.use_count(), 1);
}

TEST(RuntimeSched, StacksAreUsableToTheirConfiguredSize) {
  HangGuard guard("stack");
  std::size_t touched = 0;
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(1);
        rt::go([&] {
          volatile char big[96 * 1024];
          for (std::size_t i = 0; i < sizeof big; i += 4096) big[i] = 1;
          touched = sizeof big;
          wg.done();
        });
        wg.wait();
      },
      {.stack_size = 512 * 1024});
  EXPECT_EQ(touched, 96u * 1024);
}

// Many fibers parked at once, each holding its own guarded stack: with
// MADV_GUARD_INSTALL (Linux >= 6.13) this needs no VMA per stack, so it goes
// far beyond the ~32k stacks vm.max_map_count allows with mprotect guards.
// (1M parked fibers measure ~4.3 KB resident each in a release build; that
// run is too heavy for the suite; ASan uses 50k, still above 32k; TSan less,
// as it dies beyond 8128 live fibers, each being one of its thread contexts,
// and 4k took 150 s next to two CPU hogs; 1.5k there.)
TEST(RuntimeSched, HundredThousandParkedFibers) {
  HangGuard guard("parked", std::chrono::seconds(240));
  const int n = rt::testing::kTsan ? 1'500 : rt::testing::kAsan ? 50'000 : 100'000;
  std::atomic<int> resumed{0};
  rt::run(
      [&] {
        rt::WaitGroup gate, started, finished;
        gate.add(1);
        started.add(n);
        finished.add(n);
        for (int i = 0; i < n; ++i) {
          rt::go([&] {
            started.done();
            gate.wait();
            resumed.fetch_add(1, std::memory_order_relaxed);
            finished.done();
          });
        }
        started.wait();  // every fiber is now parked on `gate`, stack and all
        EXPECT_EQ(rt::stats().live_fibers, static_cast<std::uint64_t>(n) + 1);
        gate.done();
        finished.wait();
      },
      {.procs = 2});
  EXPECT_EQ(resumed.load(), n);
}

namespace {
int recurse(int depth) {
  volatile char pad[1024];
  pad[0] = static_cast<char>(depth);
  return depth > 1'000'000 ? pad[0] : recurse(depth + 1) + pad[0];
}
}  // namespace

// A fiber running off its stack hits the guard and the crash names it (then
// a sanitizer's own handler, if any, reports too; TSan's may come first).
TEST(RuntimeSchedDeathTest, StackOverflowNamesTheFiber) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(rt::run([] {
                 rt::WaitGroup wg;
                 wg.add(1);
                 rt::go([&] {
                   recurse(0);
                   wg.done();
                 });
                 wg.wait();
               }),
               rt::testing::kTsan ? "overflowed its stack|stack-overflow|SEGV"
                                  : "fiber [0-9]+ overflowed its stack");
}

namespace {

// An ordinary function with a 64 KiB buffer on its stack, called a few KiB
// deep: on a 64 KiB fiber stack its frame reaches past the stack's end.
[[gnu::noinline]] void use_big_buffer(const char* src, std::size_t n) {
  char buf[64 * 1024];
  std::memcpy(buf, src, n);  // writes from buf[0], the frame's lowest address, up
  asm volatile("" ::"r"(buf) : "memory");
}

[[gnu::noinline]] void some_frames_then_big_buffer(std::size_t depth) {
  char* pad = static_cast<char*>(__builtin_alloca(depth));
  pad[0] = 1;
  asm volatile("" ::"r"(pad) : "memory");
  static const char payload[1024] = {'X'};
  use_big_buffer(payload, sizeof payload);
}

}  // namespace

// A frame larger than a one-page guard used to step over it and write into
// the stack mapped below - another fiber's - with no fault at all. The
// guard is now 64 KiB, and code is built with -fstack-clash-protection
// (the runtime's CMake target passes it on): the overflow faults in the
// guard, and the crash names the fiber.
TEST(RuntimeSchedDeathTest, LargeFrameOverflowFaultsAndNamesTheFiber) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(rt::run(
                   [] {
                     rt::WaitGroup parked, done;
                     rt::Channel<int> release;
                     // Neighbours whose stacks are mapped around the overflowing one's.
                     for (int i = 0; i < 8; ++i) {
                       parked.add(1);
                       rt::go([&] {
                         parked.done();
                         release.recv();
                       });
                     }
                     parked.wait();
                     done.add(1);
                     rt::go([&] {
                       some_frames_then_big_buffer(8000);
                       done.done();
                     });
                     done.wait();
                     release.close();
                   },
                   {.procs = 1, .stack_size = 64 * 1024}),
               rt::testing::kTsan ? "overflowed its stack|stack-overflow|SEGV"
                                  : "fiber [0-9]+ overflowed its stack");
}
