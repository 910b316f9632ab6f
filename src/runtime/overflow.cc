#include "runtime/overflow.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "runtime/sched.h"

namespace vfs::runtime::detail {
namespace {

constexpr std::size_t kAltStackSize = 64 * 1024;
std::atomic<bool> installed{false};
struct sigaction previous {};  // the handler ours was installed over

// Async-signal-safe decimal formatting.
char* put_number(char* out, std::uint64_t v) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *out++ = digits[--n];
  return out;
}

char* put_text(char* out, const char* s) {
  while (*s) *out++ = *s++;
  return out;
}

void name_overflowed_fiber(const G* g) noexcept {
  char line[256];
  char* p = put_text(line, "vfs runtime: fiber ");
  p = put_number(p, g->id.load(std::memory_order_relaxed));
  p = put_text(p, " overflowed its stack (");
  p = put_number(p, g->stack.usable());
  p = put_text(p, " bytes); raise vfs::runtime::Config::stack_size\n");
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line, static_cast<std::size_t>(p - line));
}

// Hands the fault to whoever handled SIGSEGV before us (a sanitizer, the
// application), as Go forwards signals it does not own; with nobody, the
// default action.
void forward(int sig, siginfo_t* info, void* context) {
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction) {
      previous.sa_sigaction(sig, info, context);
      return;
    }
  } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
    return;
  }
  // Returning re-executes the faulting access, which now kills.
  ::signal(sig, SIG_DFL);
}

void on_segv(int sig, siginfo_t* info, void* context) {
  // current_g() reads the thread pointer only: safe here.
  if (G* g = current_g(); g && g->stack) {
    const auto* addr = static_cast<const char*>(info->si_addr);
    const auto* guard = static_cast<const char*>(g->stack.mapping);
    if (addr >= guard && addr < guard + g->stack.guard) name_overflowed_fiber(g);
  }
  forward(sig, info, context);
}

}  // namespace

void install_overflow_handler() noexcept {
  if (installed.exchange(true)) return;
  struct sigaction sa {};
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGSEGV, &sa, &previous);
}

void* add_signal_stack() noexcept {
  stack_t current{};
  if (::sigaltstack(nullptr, &current) != 0 || !(current.ss_flags & SS_DISABLE)) return nullptr;
  void* mem =
      ::mmap(nullptr, kAltStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return nullptr;
  stack_t ss{};
  ss.ss_sp = mem;
  ss.ss_size = kAltStackSize;
  if (::sigaltstack(&ss, nullptr) != 0) {
    ::munmap(mem, kAltStackSize);
    return nullptr;
  }
  return mem;
}

void drop_signal_stack(void* token) noexcept {
  if (!token) return;
  stack_t off{};
  off.ss_flags = SS_DISABLE;
  ::sigaltstack(&off, nullptr);
  ::munmap(token, kAltStackSize);
}

}  // namespace vfs::runtime::detail
