// Everything of vfs's model and backends in one include.
#pragma once

#include "vfs/dir_fs.h"
#include "vfs/error.h"
#include "vfs/fd_file.h"
#include "vfs/file_info.h"
#include "vfs/file_mode.h"
#include "vfs/fs.h"
#include "vfs/glob.h"
#include "vfs/map_fs.h"
#include "vfs/read_dir.h"
#include "vfs/read_file.h"
#include "vfs/read_link.h"
#include "vfs/reader.h"
#include "vfs/result.h"
#include "vfs/stat.h"
#include "vfs/sub.h"
#include "vfs/walk.h"
