// How a user swaps a real disk for a MapFS in a unit test.
//
// load_configs() is production code: it takes a vfs::FS& instead of a path,
// so production hands it a DirFS over /etc/myapp and this test hands it a
// MapFS built in memory - no temp dirs, no cleanup, any error case on demand.
#include <gtest/gtest.h>

#include <map>

#include "vfs/testing/gtest.h"
#include "vfs/vfs.h"

namespace {

// Reads every "conf.d/*.conf" file, in name order, into name -> contents.
vfs::Result<std::map<std::string, std::string>> load_configs(vfs::FS& fs) {
  auto names = vfs::glob(fs, "conf.d/*.conf");
  if (!names) return std::move(names).error();
  std::map<std::string, std::string> out;
  for (const std::string& name : *names) {
    auto data = vfs::read_file(fs, name);
    if (!data) return std::move(data).error();
    out.emplace(name, std::move(*data));
  }
  return out;
}

TEST(LoadConfigs, ReadsOnlyConfFiles) {
  vfs::MapFS fs{
      {"conf.d/10-base.conf", {"port=80"}},
      {"conf.d/20-tls.conf", {"tls=on"}},
      {"conf.d/README", {"not a config"}},
  };
  auto configs = load_configs(fs);
  ASSERT_TRUE(configs.ok()) << configs.error().message();
  EXPECT_EQ(configs->size(), 2u);
  EXPECT_EQ(configs->at("conf.d/20-tls.conf"), "tls=on");
}

TEST(LoadConfigs, AnUnreadableFileIsAnError) {
  // A MapFS directory entry named like a config: read_file fails with EISDIR.
  vfs::MapFS fs{{"conf.d/bad.conf/x", {""}}};
  auto configs = load_configs(fs);
  ASSERT_FALSE(configs.ok());
  EXPECT_EQ(configs.error().path(), "conf.d/bad.conf");
}

TEST(LoadConfigs, TheFixtureItselfIsAWellBehavedFS) {
  // The conformance checker works on any backend, the test double included.
  vfs::MapFS fs{{"conf.d/10-base.conf", {"port=80"}}};
  EXPECT_TRUE(vfs::testing::conforms(fs, {"conf.d/10-base.conf"}));
}

}  // namespace
