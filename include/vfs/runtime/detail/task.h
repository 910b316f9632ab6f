// Task: a type-erased, move-only callable - the body of a fiber.
// Internal to the runtime's templates; not part of the API.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace vfs::runtime::detail {

struct Task {
  virtual ~Task() = default;
  virtual void run() = 0;
};

template <class F>
class TaskOf final : public Task {
 public:
  explicit TaskOf(F&& f) : f_(std::move(f)) {}
  explicit TaskOf(const F& f) : f_(f) {}
  void run() override { f_(); }

 private:
  F f_;
};

template <class F>
Task* make_task(F&& f) {
  return new TaskOf<std::decay_t<F>>(std::forward<F>(f));
}

// Room in each fiber's descriptor for its closure: a closure that fits (most
// capture a few references) costs no allocation. Descriptors are cached and
// reused, and a closure on the heap is allocated by the spawning thread and
// freed by whichever thread the fiber ends on, which kept glibc's arenas
// busy: a third of a spawn's time.
struct TaskSlot {
  alignas(std::max_align_t) unsigned char bytes[48];
};

// `f` as a Task in `slot` if it fits, else on the heap.
template <class F>
Task* make_task(F&& f, TaskSlot& slot) {
  using T = TaskOf<std::decay_t<F>>;
  if constexpr (sizeof(T) <= sizeof(slot.bytes) && alignof(T) <= alignof(TaskSlot)) {
    return ::new (static_cast<void*>(slot.bytes)) T(std::forward<F>(f));
  } else {
    return new T(std::forward<F>(f));
  }
}

// Destroys a Task that make_task(f, slot) made.
inline void destroy_task(Task* task, TaskSlot& slot) noexcept {
  if (static_cast<void*>(task) == static_cast<void*>(slot.bytes)) {
    task->~Task();
  } else {
    delete task;
  }
}

// Builds a fiber's Task in its descriptor's slot: how go() hands its closure
// to the runtime, which has the descriptor only once the spawn is under way.
using TaskBuilder = Task* (*)(void* closure, TaskSlot& slot);

}  // namespace vfs::runtime::detail
