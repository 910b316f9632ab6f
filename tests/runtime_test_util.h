// Helpers for the runtime tests.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/wait_group.h"

namespace vfs::runtime::testing {

// Runs `read` on a fiber and, once that fiber has started, `write` on
// another, and waits for both: the shape of every test that a fiber blocked
// reading must not keep the writer from running. Nothing switches between
// the reader's start and its call, so with one P, `write` starts only once
// the reader has left the P (parked, or its call handed off or moved).
inline void read_then_write(const std::function<void()>& read, const std::function<void()>& write) {
  WaitGroup wg;
  wg.add(2);
  std::atomic<bool> reading{false};
  go([&] {
    reading = true;
    read();
    wg.done();
  });
  go([&] {
    while (!reading.load()) yield();
    write();
    wg.done();
  });
  wg.wait();
}

// The calling thread's kernel id: which thread a fiber runs on.
inline pid_t tid() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

// A hang guard: aborts the test binary with a message if the scope lasts
// longer than `limit`. Tests here assert on events and counts, never on
// time; this only turns a deadlock (the failure mode of a broken scheduler)
// into a prompt, named failure instead of a ctest timeout.
class HangGuard {
 public:
  explicit HangGuard(const char* what, std::chrono::seconds limit = std::chrono::seconds(60))
      : thread_([this, what, limit] {
          std::unique_lock lock(mu_);
          if (!cv_.wait_for(lock, limit, [this] { return done_; })) {
            std::fprintf(stderr, "HangGuard: '%s' still running after %llds - deadlock?\n", what,
                         static_cast<long long>(limit.count()));
            std::abort();
          }
        }) {}
  ~HangGuard() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

// A pipe, closed on scope exit (an end set to -1 is not closed).
struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int fds[2];
    if (::pipe(fds) != 0) std::abort();
    r = fds[0];
    w = fds[1];
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    if (r >= 0) ::close(r);
    if (w >= 0) ::close(w);
  }
  // Writes one byte; false if the write failed.
  bool put(char c) const { return ::write(w, &c, 1) == 1; }
  // A plain thread (outside the runtime) that writes `c` once `when` is set:
  // the tests' way to wake a fiber parked on the pipe from outside.
  std::thread put_when(const std::atomic<bool>& when, char c) const {
    return std::thread([this, &when, c] {
      while (!when.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      EXPECT_TRUE(put(c)) << "write to the pipe failed";
    });
  }
};

// GCC names sanitizers with macros, Clang with __has_feature.
#if defined(__has_feature)
#define VFS_TEST_HAS_FEATURE(x) __has_feature(x)
#else
#define VFS_TEST_HAS_FEATURE(x) 0
#endif

// True when built with ThreadSanitizer, whose per-fiber state makes a
// fiber cost far more (some tests use smaller counts there).
#if defined(__SANITIZE_THREAD__) || VFS_TEST_HAS_FEATURE(thread_sanitizer)
constexpr bool kTsan = true;
#else
constexpr bool kTsan = false;
#endif

// True when built with AddressSanitizer (a parked fiber costs ~30 KB there).
#if defined(__SANITIZE_ADDRESS__) || VFS_TEST_HAS_FEATURE(address_sanitizer)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif

}  // namespace vfs::runtime::testing
