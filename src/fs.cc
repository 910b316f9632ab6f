#include "vfs/fs.h"

#include <cstdio>
#include <cstdlib>

namespace vfs {

FS::~FS() {
  // A view borrowing this FS would go on calling into freed memory: stop
  // here, where the mistake is, rather than somewhere after it.
  if (const int n = borrowers_.load(std::memory_order_acquire); n != 0) {
    std::fprintf(stderr,
                 "vfs: fatal: an FS was destroyed while %d view(s) or wrapper(s) still borrowed "
                 "it (made from an FS&); they would dangle. Keep the FS alive longer, or give "
                 "them an FSPtr to share.\n",
                 n);
    std::abort();
  }
}

}  // namespace vfs
