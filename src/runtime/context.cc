#include "runtime/context.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VFS_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define VFS_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(VFS_ASAN)
#define VFS_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__) && !defined(VFS_TSAN)
#define VFS_TSAN 1
#endif

#ifdef VFS_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef VFS_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace vfs::runtime::detail {

namespace ctx = boost::context::detail;

Jumped jump(Fctx to, void* data, StackRange to_stack, void* to_tsan,
            bool leaving_for_good) noexcept {
  Jumped out;
#ifdef VFS_ASAN
  void* fake_stack = nullptr;
  __sanitizer_start_switch_fiber(leaving_for_good ? nullptr : &fake_stack, to_stack.bottom,
                                 to_stack.size);
#else
  (void)to_stack;
  (void)leaving_for_good;
#endif
#ifdef VFS_TSAN
  __tsan_switch_to_fiber(to_tsan, 0);
#else
  (void)to_tsan;
#endif
  out.transfer = ctx::jump_fcontext(to, data);
#ifdef VFS_ASAN
  __sanitizer_finish_switch_fiber(fake_stack, &out.from.bottom, &out.from.size);
#endif
  return out;
}

StackRange entered_new_context() noexcept {
  StackRange from;
#ifdef VFS_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &from.bottom, &from.size);
#endif
  return from;
}

Fctx make_context(void* bottom, std::size_t size, void (*entry)(Transfer)) noexcept {
  // fcontext wants the top of the stack (it grows down).
  return ctx::make_fcontext(static_cast<char*>(bottom) + size, size, entry);
}

void* tsan_current_fiber() noexcept {
#ifdef VFS_TSAN
  return __tsan_get_current_fiber();
#else
  return nullptr;
#endif
}

void* tsan_create_fiber() noexcept {
#ifdef VFS_TSAN
  return __tsan_create_fiber(0);
#else
  return nullptr;
#endif
}

void tsan_destroy_fiber(void* fiber) noexcept {
#ifdef VFS_TSAN
  if (fiber) __tsan_destroy_fiber(fiber);
#else
  (void)fiber;
#endif
}

void unpoison_stack(void* bottom, std::size_t size) noexcept {
#ifdef VFS_ASAN
  ASAN_UNPOISON_MEMORY_REGION(bottom, size);
#else
  (void)bottom;
  (void)size;
#endif
}

}  // namespace vfs::runtime::detail
