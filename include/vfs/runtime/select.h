// select: wait on several channel operations, do exactly one (Go's select).
//
//   std::optional<int> a;  std::string b = "x";
//   switch (vfs::runtime::select({on_recv(in, a), on_send(out, b)})) {
//     case 0: /* a holds a value, or nullopt: `in` is closed */ break;
//     case 1: /* b was sent (moved from) */ break;
//   }
//   if (vfs::runtime::try_select({on_recv(in, a)}) == -1) { /* default: nothing ready */ }
//
// Among cases ready at once, one is chosen uniformly at random (so no case
// starves). Only the chosen case's value is moved / written. A send case on a
// closed channel throws ClosedChannelError, as does a blocked send case
// whose channel is closed while waiting.
#pragma once

#include <initializer_list>
#include <optional>

#include "vfs/runtime/channel.h"

namespace vfs::runtime {

using SelectCase = detail::SelectCase;

template <class T>
SelectCase on_recv(Channel<T>& ch, std::optional<T>& out) {
  return {&ch, false, &out};
}

template <class T>
SelectCase on_send(Channel<T>& ch, T& value) {
  return {&ch, true, &value};
}

// Blocks until a case can proceed; returns its index.
inline int select(std::initializer_list<SelectCase> cases) {
  return detail::select_cases(cases.begin(), cases.size(), true);
}

// Returns the index of a case that could proceed at once, or -1 (the
// `default:` case) without blocking.
inline int try_select(std::initializer_list<SelectCase> cases) {
  return detail::select_cases(cases.begin(), cases.size(), false);
}

}  // namespace vfs::runtime
