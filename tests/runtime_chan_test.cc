// Channel and select semantics, on fibers and on plain threads.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime_test_util.h"
#include "vfs/runtime/channel.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/select.h"
#include "vfs/runtime/wait_group.h"

namespace rt = vfs::runtime;
using rt::Channel;
using rt::testing::HangGuard;

TEST(RuntimeChan, UnbufferedDeliversInOrder) {
  HangGuard guard("unbuffered");
  std::vector<int> got;
  rt::run([&] {
    Channel<int> ch;
    rt::go([&] {
      for (int i = 0; i < 1000; ++i) ch.send(i);
      ch.close();
    });
    while (auto v = ch.recv()) got.push_back(*v);
  });
  ASSERT_EQ(got.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(got[i], i);
}

// An unbuffered send completes only when a receiver takes the value.
TEST(RuntimeChan, UnbufferedSendWaitsForReceiver) {
  HangGuard guard("rendezvous");
  rt::run(
      [&] {
        Channel<int> ch;
        std::atomic<bool> sent{false};
        rt::go([&] {
          ch.send(7);
          sent = true;
        });
        for (int i = 0; i < 10; ++i) rt::yield();
        EXPECT_FALSE(sent.load());
        EXPECT_EQ(ch.recv(), 7);
        while (!sent.load()) rt::yield();
      },
      {.procs = 1});
}

TEST(RuntimeChan, BufferedHoldsCapacityWithoutAReceiver) {
  rt::run([&] {
    Channel<int> ch(3);
    EXPECT_EQ(ch.capacity(), 3u);
    int v = 0;
    for (int i = 0; i < 3; ++i) {
      v = i;
      EXPECT_EQ(rt::try_select({rt::on_send(ch, v)}), 0);
    }
    EXPECT_EQ(ch.size(), 3u);
    EXPECT_EQ(rt::try_select({rt::on_send(ch, v)}), -1);  // full: the default case
    for (int i = 0; i < 3; ++i) EXPECT_EQ(ch.recv(), i);
  });
}

TEST(RuntimeChan, BlockedSenderOnFullBufferMovesIn) {
  HangGuard guard("full buffer");
  std::vector<int> got;
  rt::run([&] {
    Channel<int> ch(2);
    rt::go([&] {
      for (int i = 0; i < 100; ++i) ch.send(i);
      ch.close();
    });
    while (auto v = ch.recv()) got.push_back(*v);
  });
  std::vector<int> want(100);
  std::iota(want.begin(), want.end(), 0);
  EXPECT_EQ(got, want);
}

TEST(RuntimeChan, CloseDrainsBufferThenReportsClosed) {
  rt::run([&] {
    Channel<std::string> ch(4);
    ch.send("a");
    ch.send("b");
    ch.close();
    EXPECT_EQ(ch.recv(), "a");
    EXPECT_EQ(ch.recv(), "b");
    EXPECT_EQ(ch.recv(), std::nullopt);
    EXPECT_EQ(ch.recv(), std::nullopt);
    EXPECT_THROW(ch.send("c"), rt::ClosedChannelError);
    EXPECT_THROW(ch.close(), rt::ClosedChannelError);
  });
}

TEST(RuntimeChan, CloseWakesEveryBlockedReceiverAndSender) {
  HangGuard guard("close wakes");
  std::atomic<int> receivers_woken{0}, senders_threw{0};
  rt::run([&] {
    Channel<int> in;   // receivers block here
    Channel<int> out;  // senders block here
    rt::WaitGroup wg;
    wg.add(20);
    for (int i = 0; i < 10; ++i) {
      rt::go([&] {
        if (!in.recv()) receivers_woken++;
        wg.done();
      });
      rt::go([&] {
        try {
          out.send(1);
        } catch (const rt::ClosedChannelError&) {
          senders_threw++;
        }
        wg.done();
      });
    }
    for (int i = 0; i < 50; ++i) rt::yield();  // let them block
    in.close();
    out.close();
    wg.wait();
  });
  EXPECT_EQ(receivers_woken.load(), 10);
  EXPECT_EQ(senders_threw.load(), 10);
}

TEST(RuntimeChan, TrySelectTakesTheDefaultWhenNothingIsReady) {
  rt::run([&] {
    Channel<int> a, b;
    std::optional<int> va, vb;
    EXPECT_EQ(rt::try_select({rt::on_recv(a, va), rt::on_recv(b, vb)}), -1);
    EXPECT_EQ(rt::try_select({}), -1);
  });
}

TEST(RuntimeChan, SelectReceivesFromTheReadyChannel) {
  HangGuard guard("select recv");
  rt::run([&] {
    Channel<int> a, b(1);
    b.send(5);
    std::optional<int> va, vb;
    EXPECT_EQ(rt::select({rt::on_recv(a, va), rt::on_recv(b, vb)}), 1);
    EXPECT_EQ(vb, 5);
    EXPECT_EQ(va, std::nullopt);
  });
}

TEST(RuntimeChan, SelectBlocksUntilAnySenderArrives) {
  HangGuard guard("select block");
  rt::run([&] {
    Channel<int> a, b;
    rt::go([&] { b.send(9); });
    std::optional<int> va, vb;
    EXPECT_EQ(rt::select({rt::on_recv(a, va), rt::on_recv(b, vb)}), 1);
    EXPECT_EQ(vb, 9);
    // The select left a's queue: a later sender to a finds a real receiver.
    rt::go([&] { a.send(3); });
    EXPECT_EQ(a.recv(), 3);
  });
}

TEST(RuntimeChan, SelectSendCase) {
  HangGuard guard("select send");
  rt::run([&] {
    Channel<std::string> a, b;
    std::string va = "to a", vb = "to b";
    std::optional<std::string> got;
    rt::WaitGroup received;
    received.add(1);
    rt::go([&] {
      got = b.recv();
      received.done();
    });
    EXPECT_EQ(rt::select({rt::on_send(a, va), rt::on_send(b, vb)}), 1);
    EXPECT_EQ(va, "to a");  // the case that did not fire keeps its value
    received.wait();
    EXPECT_EQ(got, "to b");
  });
}

TEST(RuntimeChan, SelectSeesClose) {
  HangGuard guard("select close");
  rt::run([&] {
    Channel<int> a, b;
    rt::go([&] { a.close(); });
    std::optional<int> va = 1, vb;
    EXPECT_EQ(rt::select({rt::on_recv(a, va), rt::on_recv(b, vb)}), 0);
    EXPECT_EQ(va, std::nullopt);
    int x = 0;
    EXPECT_THROW(rt::select({rt::on_send(a, x)}), rt::ClosedChannelError);
  });
}

TEST(RuntimeChan, SelectChoosesFairlyAmongReadyCases) {
  rt::run([&] {
    Channel<int> a(1000), b(1000);
    for (int i = 0; i < 1000; ++i) {
      a.send(i);
      b.send(i);
    }
    int picks[2] = {0, 0};
    std::optional<int> va, vb;
    for (int i = 0; i < 1000; ++i) picks[rt::select({rt::on_recv(a, va), rt::on_recv(b, vb)})]++;
    EXPECT_GT(picks[0], 100);
    EXPECT_GT(picks[1], 100);
  });
}

// Many producers and consumers over several channels with selects, on two
// Ps: every value arrives exactly once.
TEST(RuntimeChan, ManyProducersConsumersAndSelectsRace) {
  HangGuard guard("race", std::chrono::seconds(120));
  constexpr int kProducers = 16, kPerProducer = 2000, kConsumers = 8;
  std::atomic<long> sum{0};
  std::atomic<int> received{0};
  rt::run(
      [&] {
        Channel<int> a, b(8);
        rt::WaitGroup producers, consumers;
        producers.add(kProducers);
        consumers.add(kConsumers);
        for (int p = 0; p < kProducers; ++p) {
          rt::go([&, p] {
            for (int i = 1; i <= kPerProducer; ++i) {
              int v = i;
              if (p % 2) {
                rt::select({rt::on_send(a, v), rt::on_send(b, v)});
              } else {
                (i % 2 ? a : b).send(v);
              }
            }
            producers.done();
          });
        }
        for (int c = 0; c < kConsumers; ++c) {
          rt::go([&] {
            std::optional<int> va, vb;
            bool a_open = true, b_open = true;
            while (a_open || b_open) {
              int which = a_open && b_open ? rt::select({rt::on_recv(a, va), rt::on_recv(b, vb)})
                          : a_open         ? rt::select({rt::on_recv(a, va)})
                                           : 1 + rt::select({rt::on_recv(b, vb)});
              std::optional<int>& v = which == 0 ? va : vb;
              if (!v) {
                (which == 0 ? a_open : b_open) = false;
                continue;
              }
              sum += *v;
              received++;
            }
            consumers.done();
          });
        }
        producers.wait();
        a.close();
        b.close();
        consumers.wait();
      },
      {.procs = 2});
  EXPECT_EQ(received.load(), kProducers * kPerProducer);
  EXPECT_EQ(sum.load(), long{kProducers} * kPerProducer * (kPerProducer + 1) / 2);
}

TEST(RuntimeChan, WorksBetweenPlainThreadsWithoutARuntime) {
  HangGuard guard("threads");
  Channel<int> ch;
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) ch.send(i);
    ch.close();
  });
  int n = 0;
  while (auto v = ch.recv()) EXPECT_EQ(*v, n++);
  producer.join();
  EXPECT_EQ(n, 100);
}

TEST(RuntimeChan, PlainThreadAndFibersShareAChannel) {
  HangGuard guard("thread+fiber");
  long sum = 0;
  rt::run(
      [&] {
        Channel<int> ch;
        std::thread producer([&] {
          for (int i = 1; i <= 1000; ++i) ch.send(i);
          ch.close();
        });
        while (auto v = ch.recv()) sum += *v;
        producer.join();
      },
      {.procs = 2});
  EXPECT_EQ(sum, 1000L * 1001 / 2);
}

namespace {

// A value whose move throws while `armed` is set.
struct Touchy {
  static inline std::atomic<bool> armed{false};
  int v = 0;
  Touchy() = default;
  explicit Touchy(int x) : v(x) {}
  Touchy(const Touchy&) = default;
  Touchy(Touchy&& o) : v(o.v) {
    if (armed.load()) throw std::runtime_error("move threw");
  }
  Touchy& operator=(const Touchy&) = default;
  Touchy& operator=(Touchy&&) = default;
};

// Parks `waiter` on one P, then runs `thrower` with moves armed: it must
// throw, and the parked waiter must still be there for `rescue`, not
// stranded (it used to wait forever, even across close()).
void expect_partner_not_stranded(const std::function<void()>& waiter,
                                 const std::function<void()>& thrower,
                                 const std::function<void()>& rescue) {
  HangGuard guard("throwing move");
  std::atomic<bool> finished{false};
  rt::run(
      [&] {
        rt::WaitGroup wg;
        wg.add(1);
        rt::go([&] {
          waiter();
          finished = true;
          wg.done();
        });
        for (int i = 0; i < 10; ++i) rt::yield();  // it parks
        Touchy::armed = true;
        EXPECT_THROW(thrower(), std::runtime_error);
        Touchy::armed = false;
        EXPECT_FALSE(finished.load());
        rescue();
        wg.wait();
      },
      {.procs = 1});
  EXPECT_TRUE(finished.load());
}

}  // namespace

TEST(RuntimeChan, ThrowingMoveIntoAParkedReceiverLeavesItWaiting) {
  Channel<Touchy> ch;
  std::optional<Touchy> got;
  expect_partner_not_stranded([&] { got = ch.recv(); }, [&] { ch.send(Touchy(1)); },
                              [&] { ch.send(Touchy(2)); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->v, 2);
}

TEST(RuntimeChan, ThrowingMoveFromAParkedSenderLeavesItWaiting) {
  Channel<Touchy> ch;
  std::optional<Touchy> got;
  expect_partner_not_stranded([&] { ch.send(Touchy(3)); }, [&] { ch.recv(); },
                              [&] { got = ch.recv(); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->v, 3);
}

// The same with the buffer full: the parked sender's value must end in the
// buffer exactly once, whichever move throws.
TEST(RuntimeChan, ThrowingMoveWithAFullBufferLosesNothing) {
  Channel<Touchy> ch(1);
  std::vector<int> got;
  expect_partner_not_stranded(
      [&] {
        ch.send(Touchy(1));  // fills the buffer
        ch.send(Touchy(2));  // parks
      },
      [&] { ch.recv(); },
      [&] {
        while (got.size() < 2) got.push_back(ch.recv()->v);
      });
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
}

TEST(RuntimeChan, ThrowingMoveIntoAParkedSelectLeavesItWaiting) {
  Channel<Touchy> a, b;
  std::optional<Touchy> ra, rb;
  int fired = -1;
  expect_partner_not_stranded(
      [&] {
        fired = rt::select({rt::on_recv(a, ra), rt::on_recv(b, rb)});
      },
      [&] { a.send(Touchy(1)); }, [&] { b.close(); });
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(ra.has_value());
}

TEST(RuntimeChan, CloseWakesAReceiverAfterAThrowingMove) {
  Channel<Touchy> ch;
  std::optional<Touchy> got{Touchy(9)};
  expect_partner_not_stranded([&] { got = ch.recv(); }, [&] { ch.send(Touchy(1)); },
                              [&] { ch.close(); });
  EXPECT_FALSE(got.has_value());
}
