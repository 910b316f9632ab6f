// open_beneath: resolve a name inside a directory and never outside it,
// either refusing what would leave it (Resolve::beneath) or treating the
// directory as "/" (Resolve::in_root).
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <deque>
#include <string>
#include <vector>

#include "sys/sys.h"

namespace vfs::sys {
namespace {

std::atomic<bool> g_force_fallback{false};
std::atomic<bool> g_no_openat2{false};  // set once the kernel says ENOSYS

// openat2 fails with EAGAIN when a rename or a mount anywhere on the system
// lands while it resolves a name with "..": it can no longer be sure that
// ".." stayed beneath the root, and the kernel asks the caller to try again.
// A name that keeps losing that race (renames are frequent, or its walk is
// long) is left to the component walk, which holds each directory it has
// passed and so has no such race.
constexpr int kOpenat2Tries = 32;

Ret openat2_confined(int root, const char* path, int flags, Resolve scope) noexcept {
  open_how how{};
  how.flags = static_cast<unsigned>(flags | O_CLOEXEC);
  how.resolve =
      (scope == Resolve::in_root ? RESOLVE_IN_ROOT : RESOLVE_BENEATH) | RESOLVE_NO_MAGICLINKS;
  Ret r;
  for (int i = 0; i < kOpenat2Tries; ++i) {
    r = blocking([&] { return ::syscall(SYS_openat2, root, path, &how, sizeof how); });
    if (r.err != EAGAIN) break;
  }
  return r;
}

Ret openat(int dirfd, const char* name, int flags) noexcept {
  return blocking([&] { return static_cast<long>(::openat(dirfd, name, flags | O_CLOEXEC)); });
}

// Queues the components of `path` (the name, or a symlink's target) before
// those still pending. Empty ones go, but "." stays and a trailing slash
// counts as one: both ask for a directory where they follow a component.
void push_front_components(std::deque<std::string>& pending, std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty()) parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
    if (path.empty()) parts.emplace_back(".");
  }
  pending.insert(pending.begin(), parts.begin(), parts.end());
}

// readlinkat(fd, "") says ENOENT, not readlink(2)'s EINVAL, when `fd` is
// no symlink: `failed` (that ENOENT), or EINVAL if fd is indeed no link.
Ret not_a_link_or(int fd, Ret failed) noexcept {
  struct ::stat st {};
  if (sys::fstat(fd, &st).ok() && !S_ISLNK(st.st_mode)) return {-1, EINVAL};
  return failed;
}

// The chain of directories from root to where the walk stands, each held
// open with O_PATH, so ".." is popping a descriptor, not a path lookup that
// a concurrent rename could redirect.
class DirChain {
 public:
  explicit DirChain(int root) : root_(root) {}
  ~DirChain() {
    for (int fd : fds_) ::close(fd);
  }
  int current() const { return fds_.empty() ? root_ : fds_.back(); }
  bool at_root() const { return fds_.empty(); }
  void push(int fd) { fds_.push_back(fd); }
  void pop() {
    ::close(fds_.back());
    fds_.pop_back();
  }
  // Back to the root, where an absolute symlink starts over in Resolve::in_root.
  void reset() {
    while (!fds_.empty()) pop();
  }

 private:
  int root_;
  std::vector<int> fds_;
};

// `fd`, an O_PATH | O_NOFOLLOW descriptor of a file that is no symlink
// (`st`), as an O_PATH open with `flags` would give it.
Ret keep_as_path(int fd, const struct ::stat& st, int flags) noexcept {
  if ((flags & O_DIRECTORY) && !S_ISDIR(st.st_mode)) {
    ::close(fd);
    return {-1, ENOTDIR};
  }
  return {fd, 0};
}

// The walk for kernels without openat2 (before Linux 5.6), and for what
// openat2 refuses (magic links, EAGAIN). It starts from the root every time:
// a name n levels deep costs about 2n calls (an openat and a close a level),
// which a deep tree's walk pays at every level. `scope` decides only what an
// absolute target and a ".." at the root do; the rest is the same walk.
Ret walk_confined(int root, std::string_view path, int flags, Resolve scope) noexcept {
  constexpr int kMaxSymlinks = 40;  // Linux's own limit
  constexpr int kMaxRaces = 10000;  // then EAGAIN, as openat2 says when renames race it
  const bool follow_last = (flags & O_NOFOLLOW) == 0;
  DirChain chain(root);
  std::deque<std::string> pending;
  push_front_components(pending, path);
  int links = 0;
  int races = 0;
  while (!pending.empty()) {
    const std::string name = std::move(pending.front());
    pending.pop_front();
    const bool last = pending.empty();
    if (name == "..") {
      if (!chain.at_root()) {
        chain.pop();
      } else if (scope == Resolve::beneath) {
        return {-1, EXDEV};
      }  // else in_root: the root is its own parent, as "/" is
      continue;
    }
    // Where we stand is a directory: the root, or one checked below as not last.
    if (name == ".") continue;
    if (last && !follow_last) return openat(chain.current(), name.c_str(), flags);
    if (!last) {
      // Most components are plain directories: one call opens them, and
      // only what it refuses (a symlink, or not a directory) needs a look.
      Ret dir = openat(chain.current(), name.c_str(), O_PATH | O_NOFOLLOW | O_DIRECTORY);
      if (dir.ok()) {
        chain.push(static_cast<int>(dir.value));
        continue;
      }
      if (dir.err != ENOTDIR) return dir;
    }
    Ret step = openat(chain.current(), name.c_str(), O_PATH | O_NOFOLLOW);
    if (!step.ok()) return step;
    const int fd = static_cast<int>(step.value);
    struct ::stat st {};
    if (Ret r = sys::fstat(fd, &st); !r.ok()) {
      ::close(fd);
      return r;
    }
    if (S_ISLNK(st.st_mode)) {
      std::string target;
      const Ret r = read_link(fd, target);
      ::close(fd);
      if (!r.ok()) return r;
      if (++links > kMaxSymlinks) return {-1, ELOOP};
      if (target.empty()) return {-1, ENOENT};
      if (target[0] == '/') {
        // RESOLVE_BENEATH refuses every absolute target; RESOLVE_IN_ROOT
        // starts it over at the root.
        if (scope == Resolve::beneath) return {-1, EXDEV};
        chain.reset();
      }
      push_front_components(pending, target);
      continue;
    }
    if (last) {
      // An O_PATH open is the descriptor we hold: opening the name again
      // could find what a rename put there since (a symlink: stat would
      // then describe the link, not what it points to).
      if (flags & O_PATH) return keep_as_path(fd, st, flags);
      ::close(fd);
      // O_NOFOLLOW: if the name became a symlink since we looked, ELOOP,
      // and the name is looked at again, as the symlink it is now. Such
      // retries are not links followed: a rename racing with us at our own
      // pace could otherwise use up the symlink budget and make it ELOOP.
      Ret r = openat(chain.current(), name.c_str(), flags | O_NOFOLLOW);
      if (r.err != ELOOP) return r;
      if (++races > kMaxRaces) return {-1, EAGAIN};
      pending.push_front(name);
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      ::close(fd);
      return {-1, ENOTDIR};
    }
    chain.push(fd);
  }
  // The name ended on a directory reached through "." or ".." (inside a symlink target).
  return openat(chain.current(), ".", flags);
}

}  // namespace

Ret open_beneath(int root, std::string_view path, int flags, Resolve how) noexcept {
  if (!g_force_fallback.load(std::memory_order_relaxed) &&
      !g_no_openat2.load(std::memory_order_relaxed)) {
    // Names are NUL-free (valid_path); a longer one than PATH_MAX could not open anyway.
    char buf[PATH_MAX];
    if (path.size() >= sizeof buf) return {-1, ENAMETOOLONG};
    path.copy(buf, path.size());
    buf[path.size()] = '\0';
    Ret r = openat2_confined(root, buf, flags, how);
    // ELOOP may be a magic link (/proc/<pid>/fd/N, cwd...), which openat2
    // refuses to jump through and the walk follows by the text readlink
    // gives, as any symlink: the walk answers, so both ways answer alike.
    if (r.err != ENOSYS && r.err != EAGAIN && r.err != ELOOP) return r;
    if (r.err == ENOSYS) g_no_openat2.store(true, std::memory_order_relaxed);
  }
  // Two or three calls per component: one door call for the walk.
  return as_one_call([&]() noexcept { return walk_confined(root, path, flags, how); });
}

Ret read_link(int fd, std::string& target) {
  target.resize(256);
  for (;;) {
    const Ret r = blocking([&] { return ::readlinkat(fd, "", target.data(), target.size()); });
    if (r.err == ENOENT) return not_a_link_or(fd, r);
    if (!r.ok()) return r;
    const auto n = static_cast<std::size_t>(r.value);
    if (n < target.size()) {  // else it may have been cut short
      target.resize(n);
      return r;
    }
    target.resize(target.size() * 2);
  }
}

void force_open_beneath_fallback(bool on) noexcept { g_force_fallback.store(on); }

}  // namespace vfs::sys
