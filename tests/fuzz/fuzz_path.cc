// libFuzzer target for valid_path, match and glob: no input may crash, hang
// or break their invariants. Input: "pattern\nname".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vfs/glob.h"
#include "vfs/map_fs.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

vfs::MapFS& tree() {
  static vfs::MapFS fs{{"a/b.txt", {"1"}}, {"a/c/d.go", {"2"}}, {"e", {"3"}}, {"[x]", {"4"}}};
  return fs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  const std::string_view pattern = in.substr(0, nl);
  const std::string_view name =
      nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);

  if (vfs::valid_path(name) && name != ".") {
    // A valid name has no empty, "." or ".." element and no NUL.
    check(name.find("//") == std::string_view::npos && name.front() != '/' && name.back() != '/');
    check(name.find('\0') == std::string_view::npos);
  }
  auto m = vfs::match(pattern, name);
  if (!m) check(m.error().is(vfs::errc::bad_pattern));
  // Without meta characters a pattern is a literal that matches itself.
  if (pattern.find_first_of("*?[\\") == std::string_view::npos)
    check(*vfs::match(pattern, pattern));

  auto g = vfs::glob(tree(), pattern);
  if (g) {
    // Every hit matches the pattern (except through a leading "./": like Go,
    // glob reads "." and names its entries without the prefix).
    if (!pattern.starts_with("./")) {
      for (const std::string& hit : *g) check(*vfs::match(pattern, hit));
    }
  } else {
    check(g.error().is(vfs::errc::bad_pattern));
  }
  return 0;
}
