// Run queues: P's local ring (Go's runqput/runqget/runqsteal) and the global
// FIFO (globrunqput/globrunqget, sched.lock held).
#pragma once

#include "runtime/sched.h"

namespace vfs::runtime::detail {

// Owner only. With `next`, g goes to runnext and the previous occupant, if
// any, to the tail (Go: a fiber readied by the running one runs next and
// inherits its time slice). A full ring moves half of itself plus g to the
// global queue.
void runqput(Sched& s, P* p, G* g, bool next) noexcept;

// Owner only. `*inherit` is set when the G came from runnext.
G* runqget(P* p, bool* inherit) noexcept;

// Steals half of victim's queue into p's (p owned by the caller); returns one
// of the stolen Gs to run. `steal_runnext` also takes victim's runnext.
G* runqsteal(P* p, P* victim, bool steal_runnext) noexcept;

// sched.lock held.
void globrunqput(Sched& s, G* g) noexcept;
// sched.lock held. Takes a fair share of the global queue into p's (which
// must be empty unless max == 1) and returns one G.
G* globrunqget(Sched& s, P* p, int max) noexcept;

}  // namespace vfs::runtime::detail
