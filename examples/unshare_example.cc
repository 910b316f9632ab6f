// Enter a new network namespace on a fiber wired to its thread, and see why
// a fiber spawned from there does not share it.
//
// unshare(2) changes the namespace of the calling *thread*. On a fiber that
// is only safe after lock_os_thread(): the fiber stays on that thread, and
// the thread runs no other fiber. A fiber spawned from there, though, runs on
// another thread - in the original namespace. With LockedSpawn::report the
// runtime names the spawn site on stderr; with ::refuse, go() throws.
//
// Needs CAP_SYS_ADMIN (root, or a user namespace); without it, it says so
// and exits 0 (its ctest is then reported as skipped).
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "vfs/runtime.h"

namespace rt = vfs::runtime;

namespace {

// "net:[4026531840]": the network namespace of the calling thread.
std::string thread_net_ns() {
  char buf[64] = {};
  const ssize_t n = ::readlink("/proc/thread-self/ns/net", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "?";
}

}  // namespace

int main() {
  int status = 0;
  rt::set_locked_spawn_policy(rt::LockedSpawn::report);
  rt::run([&] {
    const std::string before = thread_net_ns();
    rt::lock_os_thread();  // from here the fiber and its thread are one
    if (::unshare(CLONE_NEWNET) != 0) {
      const int err = errno;
      std::printf("SKIPPED: unshare(CLONE_NEWNET) needs CAP_SYS_ADMIN (%s)\n", std::strerror(err));
      rt::unlock_os_thread();
      return;
    }
    const std::string inside = thread_net_ns();
    std::printf("parent fiber: %s -> %s (new namespace)\n", before.c_str(), inside.c_str());

    rt::Channel<std::string> child_ns(1);
    rt::go([&] { child_ns.send(thread_net_ns()); });  // reported on stderr
    const std::string child = *child_ns.recv();
    std::printf("child fiber:  %s (%s)\n", child.c_str(),
                child == inside ? "same namespace" : "NOT in the parent's namespace");
    if (child == inside) status = 1;  // would mean the child ran on the wired thread
    // Exiting while wired: the runtime retires this thread instead of
    // reusing it in the wrong namespace.
  });
  return status;
}
