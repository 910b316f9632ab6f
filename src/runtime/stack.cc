#include "runtime/stack.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace vfs::runtime::detail {
namespace {

// madvise advice from Linux 6.13's uapi; libc headers do not have it yet.
constexpr int kMadvGuardInstall = 102;

// Beyond this many idle stacks, freed ones are unmapped.
constexpr std::size_t kMaxPooled = 16384;

std::size_t page_size() noexcept {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

// Once madvise guards fail with EINVAL (an older kernel), stop trying them.
std::atomic<bool> madvise_guards_work{true};

bool install_guard(void* at, std::size_t len) noexcept {
  if (madvise_guards_work.load(std::memory_order_relaxed)) {
    if (::madvise(at, len, kMadvGuardInstall) == 0) return true;
    if (errno == EINVAL) madvise_guards_work.store(false, std::memory_order_relaxed);
  }
  return ::mprotect(at, len, PROT_NONE) == 0;
}

std::size_t round_to_pages(std::size_t bytes) noexcept {
  return (bytes + page_size() - 1) / page_size() * page_size();
}

}  // namespace

StackPool::StackPool(std::size_t usable, std::size_t guard)
    : usable_(round_to_pages(usable)), guard_(round_to_pages(guard)) {}

StackPool::~StackPool() {
  for (Stack s : free_) unmap(s);
}

Stack StackPool::get() noexcept {
  {
    std::lock_guard lock(mu_);
    if (!free_.empty()) {
      Stack s = free_.back();
      free_.pop_back();
      return s;
    }
  }
  return map_new();
}

void StackPool::put(Stack stack) noexcept {
  // A fiber that ended left ASan redzones of frames it never returned from.
  unpoison_stack(stack.bottom(), stack.usable());
  {
    std::lock_guard lock(mu_);
    if (free_.size() < kMaxPooled) {
      free_.push_back(stack);
      return;
    }
  }
  unmap(stack);
}

Stack StackPool::map_new() noexcept {
  const std::size_t guard = guard_;
  const std::size_t len = usable_ + guard;
  void* p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (p == MAP_FAILED) return {};
  if (guard && !install_guard(p, guard)) {
    ::munmap(p, len);
    return {};
  }
  return {p, len, guard};
}

void StackPool::unmap(Stack stack) noexcept { ::munmap(stack.mapping, stack.mapped); }

}  // namespace vfs::runtime::detail
