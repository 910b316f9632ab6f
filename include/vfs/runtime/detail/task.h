// Task: a type-erased, move-only callable - the body of a fiber.
// Internal to the runtime's templates; not part of the API.
#pragma once

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

}  // namespace vfs::runtime::detail
