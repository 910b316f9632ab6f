// The file server's text helpers: Go's path.Clean, HTTP dates, escaping.
#include <gtest/gtest.h>

#include "http/text.h"

namespace d = vfs::http::detail;

TEST(HttpText, CleanPathNeverClimbsAboveTheRoot) {
  EXPECT_EQ(d::clean_path("/"), "/");
  EXPECT_EQ(d::clean_path("/a/./b/../../c//"), "/c");
  EXPECT_EQ(d::clean_path("/../../etc/passwd"), "/etc/passwd");
  EXPECT_EQ(d::clean_path("/a/.."), "/");
  EXPECT_EQ(d::clean_path("//a//b/"), "/a/b");
  EXPECT_EQ(d::clean_path("/..."), "/...");
}

TEST(HttpText, PercentDecode) {
  EXPECT_EQ(d::percent_decode("/a%20b%2F%2e%2E").value(), "/a b/..");
  EXPECT_FALSE(d::percent_decode("/%zz"));
  EXPECT_FALSE(d::percent_decode("/%2"));
  EXPECT_FALSE(d::percent_decode("/%"));
  EXPECT_EQ(d::percent_decode("/%00").value(), std::string("/\0", 2));
}

TEST(HttpText, Escaping) {
  EXPECT_EQ(d::html_escape("<a&b\"c'>"), "&lt;a&amp;b&#34;c&#39;&gt;");
  EXPECT_EQ(d::escape_path("a b/%<\"?#\r\n"), "a%20b/%25%3C%22%3F%23%0D%0A");
  EXPECT_EQ(d::escape_path("ok-._~/"), "ok-._~/");
}

TEST(HttpText, Dates) {
  EXPECT_EQ(d::format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(d::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(d::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(d::parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_FALSE(d::parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
  EXPECT_FALSE(d::parse_http_date("yesterday"));
  // Times that do not exist are not dates (Go's time.Parse agrees).
  EXPECT_FALSE(d::parse_http_date("Sun, 31 Feb 2099 00:00:00 GMT"));
  EXPECT_FALSE(d::parse_http_date("Fri, 01 Jan 2100 23:59:60 GMT"));
  EXPECT_FALSE(d::parse_http_date("Tue, 29 Feb 2100 00:00:00 GMT"));
  EXPECT_EQ(d::parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"), 1709164800);
  EXPECT_FALSE(d::parse_http_date(""));
}

TEST(HttpText, MediaTypes) {
  EXPECT_EQ(d::media_type_by_extension("a/b.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(d::media_type_by_extension("x.css"), "text/css; charset=utf-8");
  EXPECT_EQ(d::media_type_by_extension("x.png"), "image/png");
  EXPECT_EQ(d::media_type_by_extension("x.unknown"), "");
  EXPECT_EQ(d::media_type_by_extension("dir.d/noext"), "");
}
