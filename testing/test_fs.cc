#include "vfs/testing/test_fs.h"
