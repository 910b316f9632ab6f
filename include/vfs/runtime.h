// The fiber runtime in one include: scheduler, syscall wrapper, channels,
// select, mutex, wait group, sleep, stats.
#pragma once

#include "vfs/runtime/channel.h"
#include "vfs/runtime/config.h"
#include "vfs/runtime/lock_os_thread.h"
#include "vfs/runtime/mutex.h"
#include "vfs/runtime/poll.h"
#include "vfs/runtime/scheduler.h"
#include "vfs/runtime/select.h"
#include "vfs/runtime/sleep.h"
#include "vfs/runtime/stats.h"
#include "vfs/runtime/syscall.h"
#include "vfs/runtime/timer.h"
#include "vfs/runtime/wait_group.h"
