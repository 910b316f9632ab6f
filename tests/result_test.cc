// Result<T> and Error: std::expected's names, and the cost of the error half.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "vfs/error.h"
#include "vfs/result.h"

namespace {

using vfs::errc;
using vfs::Error;
using vfs::Result;
using vfs::Status;

// Every read() returns a Result<std::size_t>: an Error is one pointer, and
// the Result two words (it was 88 bytes when Error held its strings inline).
static_assert(sizeof(Error) == sizeof(void*));
static_assert(sizeof(Result<std::size_t>) <= 24);
static_assert(sizeof(Status) <= 16);

Result<int> parse(const std::string& s) {
  if (s.empty()) return Error("parse", s, errc::invalid);
  return std::stoi(s);
}

TEST(Result, ExpectedNames) {
  Result<int> r = parse("41");
  EXPECT_TRUE(r.has_value());
  EXPECT_EQ(r.value(), 41);
  EXPECT_EQ(parse("").value_or(7), 7);
  EXPECT_EQ(r.transform([](int v) { return v + 1; }).value(), 42);
  EXPECT_EQ(r.and_then([](int v) { return parse(std::to_string(v * 2)); }).value(), 82);
  Result<int> bad = parse("");
  EXPECT_TRUE(bad.transform([](int v) { return v + 1; }).error().is(errc::invalid));
  EXPECT_EQ(bad.or_else([](const Error&) -> Result<int> { return 0; }).value(), 0);
  EXPECT_TRUE(bad.and_then([](int) -> Result<std::string> { return std::string("x"); })
                  .error()
                  .is(errc::invalid));
  EXPECT_THROW(bad.value(), vfs::FsError);
}

TEST(Result, StatusExpectedNames) {
  Status ok;
  EXPECT_TRUE(ok.has_value());
  EXPECT_EQ(ok.transform([] { return 3; }).value(), 3);
  Status bad = Error("close", "f", errc::closed);
  EXPECT_FALSE(bad.has_value());
  EXPECT_TRUE(bad.and_then([] { return Result<int>(1); }).error().is(errc::closed));
  EXPECT_TRUE(bad.or_else([](const Error&) { return Status(); }).has_value());
  EXPECT_THROW(bad.value(), vfs::FsError);
}

// A value taken out of a temporary Result must outlive it: range-for over
// *f() and auto&& x = f().value() used to bind a reference into the dying
// temporary (ASan: stack-use-after-scope).
TEST(Result, RvalueAccessorsReturnValues) {
  auto make = [] { return Result<std::vector<std::string>>(std::vector<std::string>{"a", "b"}); };
  std::string joined;
  for (const auto& s : *make()) joined += s;
  EXPECT_EQ(joined, "ab");
  auto&& v = make().value();
  EXPECT_EQ(v.size(), 2u);
}

TEST(Error, CarriesOpPathAndCauseAndSharesItsDetails) {
  Error e("open", "a/b.txt", errc::not_exist);
  EXPECT_EQ(e.message(), "open a/b.txt: file does not exist");
  Error copy = e;
  EXPECT_EQ(copy.op(), "open");
  EXPECT_EQ(copy.path(), "a/b.txt");
  EXPECT_TRUE(copy.is(errc::not_exist));
  Error moved = std::move(copy);
  EXPECT_EQ(moved.path(), "a/b.txt");
  EXPECT_EQ(e.with_path("b.txt").message(), "open b.txt: file does not exist");
  Error none;
  EXPECT_EQ(none.op(), "");
  EXPECT_FALSE(none.code());
  EXPECT_TRUE(Error::from_errno("read", "x", ENOENT).is(errc::not_exist));
}

}  // namespace
