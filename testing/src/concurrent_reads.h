// The concurrency check: several threads read the same files at once and must
// all see the bytes a single thread saw. Internal to vfs::testing.
#pragma once

#include <string>
#include <vector>

#include "vfs/fs.h"

namespace vfs::testing::internal {

// A regular file and the content a single-threaded read returned.
struct Sample {
  std::string name;
  std::string content;
};

struct Finding {
  std::string name;
  std::string message;
};

// Starts `threads` threads that each read every sample with read_file, with
// open + read, and with read_at on one handle per file shared by all threads
// (ReaderAt promises that is safe). Each thread starts at a different file,
// so a backend that shares state between files gets caught. Returns at most
// one finding per file and way of reading.
std::vector<Finding> check_concurrent_reads(FS& fs, const std::vector<Sample>& samples,
                                            int threads);

}  // namespace vfs::testing::internal
