// valid_path, match, FileMode and the error model.
#include <gtest/gtest.h>

#include <string>

#include "vfs/vfs.h"

namespace {

using vfs::errc;

TEST(ValidPath, GoCases) {
  struct Case {
    std::string name;
    bool ok;
  };
  const Case cases[] = {
      {".", true},       {"x", true},     {"x/y", true},  {"", false},       {"..", false},
      {"/", false},      {"x/", false},   {"/x", false},  {"x/y/", false},   {"/x/y", false},
      {"./", false},     {"./.", false},  {"x/.", false}, {"x/./y", false},  {"x/..", false},
      {"x/../y", false}, {"x//y", false}, {"x\\", true},  {"x\\y", true},    {"x:y", true},
      {"\\x", true},     {"a/b/c", true}, {"...", true},  {"a/.../b", true}, {".hidden", true},
      {"a/.b", true},
  };
  for (const Case& c : cases) EXPECT_EQ(vfs::valid_path(c.name), c.ok) << '"' << c.name << '"';
}

TEST(ValidPath, RejectsNulAndInvalidUtf8) {
  EXPECT_FALSE(vfs::valid_path(std::string("a\0b", 3)));
  EXPECT_FALSE(vfs::valid_path(std::string("\0", 1)));
  EXPECT_FALSE(vfs::valid_path("a\xff"));                         // not UTF-8 at all
  EXPECT_FALSE(vfs::valid_path("\xc0\xaf"));                      // overlong '/'
  EXPECT_FALSE(vfs::valid_path("\xed\xa0\x80"));                  // surrogate
  EXPECT_FALSE(vfs::valid_path("\xe2\x98"));                      // truncated
  EXPECT_TRUE(vfs::valid_path("\xe2\x98\xba/\xf0\x9f\x98\x80"));  // ☺/😀
}

TEST(ValidPath, LongNamesAreValidButFailToOpen) {
  const std::string long_name(64 * 1024, 'a');
  EXPECT_TRUE(vfs::valid_path(long_name));  // validity is syntax; the backend says not_exist
  vfs::MapFS fs{{"a", {"x"}}};
  auto f = fs.open(long_name);
  ASSERT_FALSE(f.ok());
  EXPECT_TRUE(f.error().is(errc::not_exist));
}

struct MatchCase {
  const char* pattern;
  const char* name;
  bool match;
  bool bad;
};

TEST(Match, GoCases) {
  const MatchCase cases[] = {
      {"abc", "abc", true, false},
      {"*", "abc", true, false},
      {"*c", "abc", true, false},
      {"a*", "a", true, false},
      {"a*", "abc", true, false},
      {"a*", "ab/c", false, false},
      {"a*/b", "abc/b", true, false},
      {"a*/b", "a/c/b", false, false},
      {"a*b*c*d*e*/f", "axbxcxdxe/f", true, false},
      {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false},
      {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false},
      {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false},
      {"a*b?c*x", "abxbbxdbxebxczzx", true, false},
      {"a*b?c*x", "abxbbxdbxebxczzy", false, false},
      {"ab[c]", "abc", true, false},
      {"ab[b-d]", "abc", true, false},
      {"ab[e-g]", "abc", false, false},
      {"ab[^c]", "abc", false, false},
      {"ab[^b-d]", "abc", false, false},
      {"ab[^e-g]", "abc", true, false},
      {"a\\*b", "a*b", true, false},
      {"a\\*b", "ab", false, false},
      {"a?b",
       "a\xe2\x98\xba"
       "b",
       true, false},
      {"a[^a]b",
       "a\xe2\x98\xba"
       "b",
       true, false},
      {"a???b",
       "a\xe2\x98\xba"
       "b",
       false, false},
      {"a[^a][^a][^a]b",
       "a\xe2\x98\xba"
       "b",
       false, false},
      {"[a-\xce\xb6]*", "\xce\xb1", true, false},
      {"*[a-\xce\xb6]", "A", false, false},
      {"a?b", "a/b", false, false},
      {"a*b", "a/b", false, false},
      {"[\\]a]", "]", true, false},
      {"[\\-]", "-", true, false},
      {"[x\\-]", "x", true, false},
      {"[x\\-]", "-", true, false},
      {"[x\\-]", "z", false, false},
      {"[\\-x]", "x", true, false},
      {"[\\-x]", "-", true, false},
      {"[\\-x]", "a", false, false},
      {"[]a]", "]", false, true},
      {"[-]", "-", false, true},
      {"[x-]", "x", false, true},
      {"[x-]", "-", false, true},
      {"[x-]", "z", false, true},
      {"[-x]", "x", false, true},
      {"[-x]", "-", false, true},
      {"[-x]", "a", false, true},
      {"\\", "a", false, true},
      {"[a-b-c]", "a", false, true},
      {"[", "a", false, true},
      {"[^", "a", false, true},
      {"[^bc", "a", false, true},
      {"a[", "a", false, true},
      {"a[", "ab", false, true},
      {"a[", "x", false, true},
      {"a/b[", "x", false, true},
      {"*x", "xxx", true, false},
  };
  for (const MatchCase& c : cases) {
    auto r = vfs::match(c.pattern, c.name);
    if (c.bad) {
      ASSERT_FALSE(r.ok()) << c.pattern << " ~ " << c.name;
      EXPECT_TRUE(r.error().is(errc::bad_pattern));
    } else {
      ASSERT_TRUE(r.ok()) << c.pattern << " ~ " << c.name << ": " << r.error().message();
      EXPECT_EQ(*r, c.match) << c.pattern << " ~ " << c.name;
    }
  }
}

TEST(FileMode, PrintsLikeGo) {
  using M = vfs::FileMode;
  EXPECT_EQ(M(0644).to_string(), "-rw-r--r--");
  EXPECT_EQ(M(M::dir | 0755).to_string(), "drwxr-xr-x");
  EXPECT_EQ(M(M::symlink | 0777).to_string(), "Lrwxrwxrwx");
  EXPECT_EQ(M(M::device | M::char_device | 0600).to_string(), "Dcrw-------");
  EXPECT_EQ(M(M::dir | M::sticky | 0777).to_string(), "dtrwxrwxrwx");
  EXPECT_EQ(M(0).to_string(), "----------");
  EXPECT_TRUE(M(M::dir).is_dir());
  EXPECT_TRUE(M(0600).is_regular());
  EXPECT_FALSE(M(M::named_pipe).is_regular());
  EXPECT_EQ(M(M::dir | 0755).perm(), M(0755));
  EXPECT_EQ(M(M::dir | 0755).type(), M(M::dir));
}

TEST(FileMode, FromPosix) {
  EXPECT_EQ(vfs::FileMode::from_posix(S_IFDIR | 0750), vfs::FileMode(vfs::FileMode::dir | 0750));
  EXPECT_EQ(vfs::FileMode::from_posix(S_IFREG | 04755),
            vfs::FileMode(vfs::FileMode::setuid | 0755));
  EXPECT_EQ(vfs::FileMode::from_posix(S_IFIFO | 0600),
            vfs::FileMode(vfs::FileMode::named_pipe | 0600));
}

TEST(Error, ConditionsMatchAnyBackend) {
  const auto sys = [](int e) { return vfs::Error::from_errno("open", "x", e); };
  EXPECT_TRUE(sys(ENOENT).is(errc::not_exist));
  EXPECT_TRUE(sys(EACCES).is(errc::permission));
  EXPECT_TRUE(sys(EPERM).is(errc::permission));
  EXPECT_TRUE(sys(EEXIST).is(errc::exist));
  EXPECT_TRUE(sys(ENOTEMPTY).is(errc::exist));
  EXPECT_TRUE(sys(EINVAL).is(errc::invalid));
  EXPECT_FALSE(sys(ENOENT).is(errc::permission));
  EXPECT_FALSE(sys(EISDIR).is(errc::not_exist));

  const vfs::Error ours("read", "a/b", errc::closed);
  EXPECT_TRUE(ours.is(errc::closed));
  EXPECT_TRUE(ours == errc::closed);
  EXPECT_FALSE(ours.is(errc::not_exist));
  // An escape reads as what it is, and tests as a permission failure.
  const vfs::Error escape("open", "link", errc::escapes_root);
  EXPECT_TRUE(escape.is(errc::escapes_root));
  EXPECT_TRUE(escape.is(errc::permission));
  EXPECT_FALSE(escape.is(errc::not_exist));
  // std::errc conditions keep working for errno causes.
  EXPECT_TRUE(sys(ENOENT).code() == std::errc::no_such_file_or_directory);
}

TEST(Error, MessageHasOpPathAndCause) {
  EXPECT_EQ(vfs::Error::from_errno("open", "a/b.txt", ENOENT).message(),
            "open a/b.txt: No such file or directory");
  EXPECT_EQ(vfs::Error("read", "x", errc::closed).message(), "read x: file already closed");
  EXPECT_EQ(vfs::Error("", "", errc::bad_pattern).message(), "syntax error in pattern");
}

TEST(Result, ValueThrowsFsErrorWithTheError) {
  vfs::MapFS fs;
  auto r = vfs::read_file(fs, "missing");
  ASSERT_FALSE(r.ok());
  try {
    (void)r.value();
    FAIL() << "value() did not throw";
  } catch (const vfs::FsError& e) {
    EXPECT_EQ(e.error().path(), "missing");
    EXPECT_EQ(e.error().op(), "read");
    EXPECT_TRUE(e.code() == errc::not_exist);
    EXPECT_STREQ(e.what(), "read missing: file does not exist");
  }
  vfs::Status ok;
  EXPECT_NO_THROW(ok.value());
  EXPECT_EQ(vfs::Result<int>(7).value_or(3), 7);
  EXPECT_EQ(vfs::Result<int>(vfs::Error("x", "y", errc::invalid)).value_or(3), 3);
}

}  // namespace
