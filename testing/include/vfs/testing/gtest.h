// A GoogleTest assertion over test_fs, header-only so that vfs::testing
// itself does not depend on GoogleTest:
//
//   EXPECT_TRUE(vfs::testing::conforms(fs, {"a.txt", "dir/b.txt"}));
//
// On failure the assertion message is the report, one problem per line.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vfs/testing/test_fs.h"

namespace vfs::testing {

inline ::testing::AssertionResult conforms(FS& fs, const std::vector<std::string>& expected,
                                           const Options& options = {}) {
  const Report report = test_fs(fs, expected, options);
  if (report.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << report.to_string();
}

}  // namespace vfs::testing
