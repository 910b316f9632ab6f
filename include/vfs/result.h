// Result<T>: a value or an Error, the return type of every fallible call.
//
// Why not exceptions: file systems fail routinely and on hot paths (a stat
// that finds nothing, a walk that meets an unreadable directory), and the
// fiber runtime parks and migrates code between threads; errors as values
// cost nothing when they do not happen, are visible in every signature, and
// match Go's io/fs one for one. Callers who prefer exceptions call value(),
// which throws vfs::FsError (a std::system_error).
//
// The names are std::expected's (C++23), so code written for it reads the
// same: has_value, value, value_or, error, and_then, transform, or_else.
// An Error is one pointer, so Result<std::size_t> - what every read()
// returns - is two words.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "vfs/error.h"

namespace vfs {

template <class T>
class Result;

namespace detail {
template <class R>
struct IsResult : std::false_type {};
template <class T>
struct IsResult<Result<T>> : std::true_type {};
}  // namespace detail

template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Result<Error> is ambiguous");
  static_assert(!std::is_reference_v<T>, "Result<T&> is not supported; use a pointer");

 public:
  using value_type = T;
  using error_type = Error;

  template <class U = T, std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                              !std::is_same_v<std::remove_cvref_t<U>, Result> &&
                                              !std::is_same_v<std::remove_cvref_t<U>, Error>,
                                          int> = 0>
  Result(U&& value)
      : v_(std::in_place_index<0>, std::forward<U>(value)) {}        // NOLINT: implicit by design
  Result(Error err) : v_(std::in_place_index<1>, std::move(err)) {}  // NOLINT: implicit by design

  bool has_value() const noexcept { return v_.index() == 0; }
  bool ok() const noexcept { return has_value(); }
  explicit operator bool() const noexcept { return has_value(); }

  // The value; throws FsError if this holds an error.
  T& value() & {
    check();
    return *std::get_if<0>(&v_);
  }
  const T& value() const& {
    check();
    return *std::get_if<0>(&v_);
  }
  // By value from an rvalue: `for (auto& x : *f())` and `auto&& x =
  // f().value()` would otherwise bind to the temporary Result, which dies
  // at the end of the full-expression.
  T value() && {
    check();
    return std::move(*std::get_if<0>(&v_));
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? *std::get_if<0>(&v_) : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  T value_or(U&& fallback) && {
    return has_value() ? std::move(*std::get_if<0>(&v_))
                       : static_cast<T>(std::forward<U>(fallback));
  }

  // Unchecked access: the caller has tested has_value().
  T& operator*() & noexcept {
    assert(has_value());
    return *std::get_if<0>(&v_);
  }
  const T& operator*() const& noexcept {
    assert(has_value());
    return *std::get_if<0>(&v_);
  }
  T operator*() && noexcept(std::is_nothrow_move_constructible_v<T>) {
    assert(has_value());
    return std::move(*std::get_if<0>(&v_));
  }
  T* operator->() noexcept {
    assert(has_value());
    return std::get_if<0>(&v_);
  }
  const T* operator->() const noexcept {
    assert(has_value());
    return std::get_if<0>(&v_);
  }

  const Error& error() const& noexcept {
    assert(!has_value());
    return *std::get_if<1>(&v_);
  }
  Error error() && noexcept {
    assert(!has_value());
    return std::move(*std::get_if<1>(&v_));
  }

  // f(value) -> Result<U>, or this error.
  template <class F>
  auto and_then(F&& f) & {
    return bind(*this, std::forward<F>(f));
  }
  template <class F>
  auto and_then(F&& f) const& {
    return bind(*this, std::forward<F>(f));
  }
  template <class F>
  auto and_then(F&& f) && {
    return bind(std::move(*this), std::forward<F>(f));
  }

  // Result<U> holding f(value), or this error.
  template <class F>
  auto transform(F&& f) & {
    return map(*this, std::forward<F>(f));
  }
  template <class F>
  auto transform(F&& f) const& {
    return map(*this, std::forward<F>(f));
  }
  template <class F>
  auto transform(F&& f) && {
    return map(std::move(*this), std::forward<F>(f));
  }

  // This value, or f(error) -> Result<T>.
  template <class F>
  Result or_else(F&& f) const& {
    if (has_value()) return *this;
    return std::forward<F>(f)(error());
  }
  template <class F>
  Result or_else(F&& f) && {
    if (has_value()) return std::move(*this);
    return std::forward<F>(f)(std::move(*this).error());
  }

 private:
  template <class Self, class F>
  static auto bind(Self&& self, F&& f) {
    using R = std::remove_cvref_t<decltype(std::forward<F>(f)(*std::forward<Self>(self)))>;
    static_assert(detail::IsResult<R>::value, "and_then: f must return a Result");
    if (!self.has_value()) return R(std::forward<Self>(self).error());
    return std::forward<F>(f)(*std::forward<Self>(self));
  }

  template <class Self, class F>
  static auto map(Self&& self, F&& f) {
    using U = std::remove_cvref_t<decltype(std::forward<F>(f)(*std::forward<Self>(self)))>;
    if (!self.has_value()) return Result<U>(std::forward<Self>(self).error());
    if constexpr (std::is_void_v<U>) {
      std::forward<F>(f)(*std::forward<Self>(self));
      return Result<U>();
    } else {
      return Result<U>(std::forward<F>(f)(*std::forward<Self>(self)));
    }
  }

  void check() const {
    if (!has_value()) throw FsError(*std::get_if<1>(&v_));
  }

  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;
  using error_type = Error;

  Result() noexcept = default;
  Result(Error err) noexcept : err_(std::move(err)), failed_(true) {}  // NOLINT: implicit by design

  bool has_value() const noexcept { return !failed_; }
  bool ok() const noexcept { return has_value(); }
  explicit operator bool() const noexcept { return has_value(); }

  // Throws FsError if this holds an error.
  void value() const {
    if (failed_) throw FsError(err_);
  }

  const Error& error() const& noexcept {
    assert(failed_);
    return err_;
  }
  Error error() && noexcept {
    assert(failed_);
    return std::move(err_);
  }

  // f() -> Result<U>, or this error.
  template <class F>
  auto and_then(F&& f) const {
    using R = std::remove_cvref_t<decltype(std::forward<F>(f)())>;
    static_assert(detail::IsResult<R>::value, "and_then: f must return a Result");
    if (failed_) return R(err_);
    return std::forward<F>(f)();
  }

  // Result<U> holding f(), or this error.
  template <class F>
  auto transform(F&& f) const {
    using U = std::remove_cvref_t<decltype(std::forward<F>(f)())>;
    if (failed_) return Result<U>(err_);
    if constexpr (std::is_void_v<U>) {
      std::forward<F>(f)();
      return Result<U>();
    } else {
      return Result<U>(std::forward<F>(f)());
    }
  }

  // Success, or f(error) -> Result<void>.
  template <class F>
  Result or_else(F&& f) const {
    if (!failed_) return {};
    return std::forward<F>(f)(err_);
  }

 private:
  Error err_;
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace vfs
