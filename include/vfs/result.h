// Result<T>: a value or an Error, the return type of every fallible call.
//
// Why not exceptions: file systems fail routinely and on hot paths (a stat
// that finds nothing, a walk that meets an unreadable directory), and the
// fiber runtime parks and migrates code between threads; errors as values
// cost nothing when they do not happen, are visible in every signature, and
// match Go's io/fs one for one. Callers who prefer exceptions call value(),
// which throws vfs::FsError (a std::system_error).
//
// C++20 has no std::expected; this is the small subset of it we need.
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "vfs/error.h"

namespace vfs {

template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Result<Error> is ambiguous");

 public:
  using value_type = T;

  template <class U = T, std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                              !std::is_same_v<std::remove_cvref_t<U>, Result> &&
                                              !std::is_same_v<std::remove_cvref_t<U>, Error>,
                                          int> = 0>
  Result(U&& value)
      : v_(std::in_place_index<0>, std::forward<U>(value)) {}        // NOLINT: implicit by design
  Result(Error err) : v_(std::in_place_index<1>, std::move(err)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // The value; throws FsError if this holds an error.
  T& value() & {
    check();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check();
    return std::get<0>(v_);
  }
  // By value from an rvalue: `for (auto& x : *f())` and `auto&& x =
  // f().value()` would otherwise bind to the temporary Result, which dies
  // at the end of the full-expression.
  T value() && {
    check();
    return std::get<0>(std::move(v_));
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(v_) : T(std::forward<U>(fallback));
  }

  // Unchecked access: the caller has tested ok().
  T& operator*() & noexcept {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  const T& operator*() const& noexcept {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  T operator*() && noexcept(std::is_nothrow_move_constructible_v<T>) {
    assert(ok());
    return std::move(*std::get_if<0>(&v_));
  }
  T* operator->() noexcept {
    assert(ok());
    return std::get_if<0>(&v_);
  }
  const T* operator->() const noexcept {
    assert(ok());
    return std::get_if<0>(&v_);
  }

  const Error& error() const& noexcept {
    assert(!ok());
    return *std::get_if<1>(&v_);
  }
  Error&& error() && noexcept {
    assert(!ok());
    return std::move(*std::get_if<1>(&v_));
  }

 private:
  void check() const {
    if (!ok()) throw FsError(*std::get_if<1>(&v_));
  }
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  // User-provided, so `return {};` only disengages err_: a defaulted one would
  // make value-initialization zero all of the (88-byte) Error first.
  Result() noexcept {}
  Result(Error err) : err_(std::move(err)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return !err_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  // Throws FsError if this holds an error.
  void value() const {
    if (err_) throw FsError(*err_);
  }

  const Error& error() const& noexcept {
    assert(!ok());
    return *err_;
  }
  Error&& error() && noexcept {
    assert(!ok());
    return std::move(*err_);
  }

 private:
  std::optional<Error> err_;
};

using Status = Result<void>;

}  // namespace vfs
