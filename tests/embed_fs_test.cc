// EmbedFS as vfs_embed makes it (tests/CMakeLists.txt embeds tests/embed_assets
// three ways), its build-time metadata against independent tools (sha256sum,
// zlib, zstd, brotli), and the contents extension of EmbedFS and MapFS.
#include "embed/sha256.h"
#include "vfs/embedded/test_assets.h"
#include "vfs/embedded/test_assets_all.h"
#include "vfs/embedded/test_assets_some.h"
#include "vfs/media_type.h"
#include "vfs/testing/gtest.h"
#include "vfs/vfs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#if VFS_TEST_HAVE_ZSTD
#include <zstd.h>
#endif
#if VFS_TEST_HAVE_BROTLI
#include <brotli/decode.h>
#endif

// Counts allocations, to show that read_file allocates only its result.
namespace {
std::atomic<long> g_allocations{0};
}
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

const std::string kAssets = VFS_TEST_EMBED_ASSETS;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> all_names(vfs::FS& fs) {
  std::vector<std::string> names;
  EXPECT_TRUE(vfs::walk_dir(fs, ".",
                            [&](std::string_view path, const vfs::DirEntry*,
                                const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
                              if (err) return *err;
                              if (path != ".") names.emplace_back(path);
                              return vfs::WalkAction::proceed;
                            }));
  return names;
}

TEST(EmbedFS, HiddenFilesLeftOutByDefault) {
  EXPECT_EQ(all_names(vfs::embedded::test_assets()),
            (std::vector<std::string>{"css", "css/site.css", "data", "data/blob", "docs",
                                      "docs/guide.md", "empty.txt", "img", "img/logo.png",
                                      "index.html", "js", "js/app.js", "notes"}));
}

TEST(EmbedFS, IncludeHiddenTakesEverything) {
  EXPECT_EQ(all_names(vfs::embedded::test_assets_all()),
            (std::vector<std::string>{".hidden", "_private", "_private/secret.txt", "css",
                                      "css/site.css", "data", "data/blob", "docs", "docs/.keep",
                                      "docs/guide.md", "empty.txt", "img", "img/logo.png",
                                      "index.html", "js", "js/app.js", "notes"}));
}

// PATTERNS "css" "docs/*": a directory's subtree, and a hidden file that the
// pattern names itself (as Go's "image/*" takes "image/.tempfile").
TEST(EmbedFS, PatternsSelectAsGoDoes) {
  EXPECT_EQ(
      all_names(vfs::embedded::test_assets_some()),
      (std::vector<std::string>{"css", "css/site.css", "docs", "docs/.keep", "docs/guide.md"}));
}

TEST(EmbedFS, PassesTheConformanceChecker) {
  EXPECT_TRUE(vfs::testing::conforms(vfs::embedded::test_assets(),
                                     {"index.html", "css/site.css", "js/app.js", "img/logo.png",
                                      "data/blob", "notes", "empty.txt", "docs/guide.md"}));
  EXPECT_TRUE(vfs::testing::conforms(vfs::embedded::test_assets_all(),
                                     {".hidden", "_private/secret.txt", "docs/.keep"}));
  vfs::EmbedFS empty;
  EXPECT_TRUE(vfs::testing::conforms(empty, {}));
}

TEST(EmbedFS, BytesAndSizesAreTheFiles) {
  auto& fs = vfs::embedded::test_assets_all();
  for (const std::string& name : all_names(fs)) {
    auto info = vfs::stat(fs, name);
    ASSERT_TRUE(info) << name;
    if (info->is_dir()) continue;
    const std::string want = slurp(kAssets + "/" + name);
    EXPECT_EQ(*vfs::read_file(fs, name), want) << name;
    EXPECT_EQ(info->size, static_cast<std::int64_t>(want.size())) << name;
    EXPECT_EQ(info->mode, vfs::FileMode(0444)) << name;
  }
}

TEST(EmbedFS, ModTimeIsTheSourceFiles) {
  if (std::getenv("SOURCE_DATE_EPOCH")) GTEST_SKIP() << "SOURCE_DATE_EPOCH replaces mtimes";
  auto& fs = vfs::embedded::test_assets();
  vfs::Time newest_css{}, newest_all{};
  for (const std::string& name : all_names(fs)) {
    auto info = *vfs::stat(fs, name);
    if (info.is_dir()) continue;
    struct stat st;
    ASSERT_EQ(::stat((kAssets + "/" + name).c_str(), &st), 0);
    const auto want = vfs::Time(std::chrono::duration_cast<vfs::Clock::duration>(
        std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
    EXPECT_EQ(info.mod_time, want) << name;
    EXPECT_GT(info.mod_time.time_since_epoch().count(), 0);
    newest_all = std::max(newest_all, want);
    if (name.starts_with("css/")) newest_css = std::max(newest_css, want);
  }
  // A synthesized directory carries its newest file's time; the root, the FS's.
  EXPECT_EQ(vfs::stat(fs, "css")->mod_time, newest_css);
  EXPECT_EQ(vfs::stat(fs, ".")->mod_time, newest_all);
  EXPECT_EQ(vfs::stat(fs, "css")->mode, vfs::FileMode(vfs::FileMode::dir | 0555));
}

std::string sha256sum(const std::string& path) {
  FILE* p = ::popen(("sha256sum '" + path + "'").c_str(), "r");
  char buf[65] = {};
  const std::size_t n = std::fread(buf, 1, 64, p);
  ::pclose(p);
  return std::string(buf, n);
}

TEST(EmbedFS, HashIsSha256OfTheBytes) {
  auto& fs = vfs::embedded::test_assets();
  for (const char* name : {"index.html", "empty.txt", "img/logo.png", "data/blob"}) {
    auto info = fs.asset_info(name);
    ASSERT_TRUE(info) << name;
    EXPECT_EQ(info->sha256, sha256sum(kAssets + "/" + name)) << name;
  }
}

TEST(EmbedFS, MediaTypes) {
  auto& fs = vfs::embedded::test_assets();
  auto type = [&](const char* name) { return std::string(fs.asset_info(name)->media_type); };
  EXPECT_EQ(type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(type("css/site.css"), "text/css; charset=utf-8");
  EXPECT_EQ(type("js/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(type("img/logo.png"), "image/png");
  EXPECT_EQ(type("docs/guide.md"), "text/markdown; charset=utf-8");
  EXPECT_EQ(type("notes"), "text/plain; charset=utf-8");     // sniffed: text
  EXPECT_EQ(type("data/blob"), "application/octet-stream");  // sniffed: binary
  EXPECT_EQ(vfs::media_type("A/B.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(vfs::media_type("x.woff2"), "font/woff2");
  EXPECT_EQ(vfs::media_type("dir.d/noext"), "");
  EXPECT_EQ(vfs::media_type(".htaccess"), "");
  EXPECT_EQ(vfs::media_type("x."), "");
}

std::string gunzip(std::string_view in) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

TEST(EmbedFS, PrecompressedCopiesDecodeToTheFile) {
  auto& fs = vfs::embedded::test_assets();
  const std::string html = slurp(kAssets + "/index.html");
  auto info = *fs.asset_info("index.html");
  ASSERT_NE(info.find("gzip"), nullptr);
  EXPECT_EQ(gunzip(info.find("gzip")->data), html);
  EXPECT_LT(info.find("gzip")->data.size(), html.size());
  EXPECT_EQ(info.find("gzip")->sha256, vfs::internal::Sha256::hex(info.find("gzip")->data));
#if VFS_TEST_HAVE_ZSTD
  ASSERT_NE(info.find("zstd"), nullptr);
  std::string z(html.size(), '\0');
  auto zc = info.find("zstd")->data;
  EXPECT_EQ(ZSTD_decompress(z.data(), z.size(), zc.data(), zc.size()), html.size());
  EXPECT_EQ(z, html);
#endif
#if VFS_TEST_HAVE_BROTLI
  ASSERT_NE(info.find("br"), nullptr);
  std::string b(html.size(), '\0');
  std::size_t n = b.size();
  auto bc = info.find("br")->data;
  EXPECT_EQ(BrotliDecoderDecompress(bc.size(), reinterpret_cast<const std::uint8_t*>(bc.data()), &n,
                                    reinterpret_cast<std::uint8_t*>(b.data())),
            BROTLI_DECODER_RESULT_SUCCESS);
  EXPECT_EQ(b.substr(0, n), html);
#endif
  // Only copies that are smaller: random bytes and an empty file get none.
  EXPECT_TRUE(fs.asset_info("data/blob")->encoded.empty());
  EXPECT_TRUE(fs.asset_info("empty.txt")->encoded.empty());
  EXPECT_EQ(fs.asset_info("empty.txt")->sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // The FS built without COMPRESS has none.
  EXPECT_TRUE(vfs::embedded::test_assets_all().asset_info("index.html")->encoded.empty());
}

// The line of /proc/self/maps that holds `p`.
std::string mapping_of(const void* p) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  while (std::getline(maps, line)) {
    unsigned long lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &lo, &hi) == 2 && addr >= lo && addr < hi) return line;
  }
  return "";
}

TEST(EmbedFS, ContentsPointIntoTheProgramsReadOnlyData) {
  auto& fs = vfs::embedded::test_assets();
  auto view = fs.contents("css/site.css");
  ASSERT_TRUE(view);
  EXPECT_EQ(*view, slurp(kAssets + "/css/site.css"));
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(view->data()) % 16, 0u);  // aligned
  const std::string map = mapping_of(view->data());
  EXPECT_EQ(map.substr(map.find(' ') + 1, 2), "r-") << map;        // read-only
  EXPECT_NE(map.find("embed_fs_test"), std::string::npos) << map;  // the program's image

  auto file = *fs.open("css/site.css");
  auto* c = dynamic_cast<vfs::ContentsFile*>(file.get());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->contents().data(), view->data());  // the same bytes, no copy
  auto* a = dynamic_cast<vfs::AssetInfoFile*>(file.get());
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->asset_info().sha256, fs.asset_info("css/site.css")->sha256);
  ASSERT_TRUE(file->close());
  EXPECT_EQ(c->contents().data(), view->data());  // still valid after close

  EXPECT_EQ(fs.contents("css").error().code(), std::errc::is_a_directory);
  EXPECT_EQ(fs.asset_info("css").error().code(), std::errc::is_a_directory);
  EXPECT_TRUE(fs.contents("nope").error().is(vfs::errc::not_exist));
  EXPECT_TRUE(fs.contents("../x").error().is(vfs::errc::invalid));
}

TEST(EmbedFS, ReadFileAllocatesOnlyItsResult) {
  auto& fs = vfs::embedded::test_assets();
  (void)vfs::read_file(fs, "index.html");  // warm up anything lazy
  const long before = g_allocations.load();
  auto data = vfs::read_file(fs, "index.html");
  const long after = g_allocations.load();
  ASSERT_TRUE(data);
  EXPECT_GT(data->size(), 100u);
  EXPECT_EQ(after - before, 1);
}

TEST(EmbedFS, SubAndGlobWork) {
  auto& fs = vfs::embedded::test_assets();
  auto css = vfs::sub(fs, "css");
  ASSERT_TRUE(css);
  EXPECT_EQ(*vfs::read_file(**css, "site.css"), slurp(kAssets + "/css/site.css"));
  EXPECT_EQ(*vfs::glob(fs, "*/*.js"), std::vector<std::string>{"js/app.js"});
}

TEST(Sha256, KnownVectors) {
  using vfs::internal::Sha256;
  EXPECT_EQ(Sha256::hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256::hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256::hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Split updates at every offset agree with one update.
  const std::string text(200, 'x');
  for (std::size_t cut = 0; cut <= text.size(); cut += 7) {
    Sha256 s;
    s.update(std::string_view(text).substr(0, cut));
    s.update(std::string_view(text).substr(cut));
    auto d = s.finish();
    EXPECT_EQ(d, [&] {
      Sha256 t;
      t.update(text);
      return t.finish();
    }());
  }
}

TEST(MapFSContents, ViewsTheStoredBytes) {
  vfs::MapFS fs{{"a.txt", {"alpha bytes long enough to leave SSO"}}, {"d/b.txt", {"b"}}};
  auto view = fs.contents("a.txt");
  ASSERT_TRUE(view);
  EXPECT_EQ(*view, "alpha bytes long enough to leave SSO");
  EXPECT_EQ(fs.contents("a.txt")->data(), view->data());  // no copy
  EXPECT_EQ(fs.contents("d").error().code(), std::errc::is_a_directory);
  EXPECT_TRUE(fs.contents("zz").error().is(vfs::errc::not_exist));

  auto file = *fs.open("a.txt");
  auto* c = dynamic_cast<vfs::ContentsFile*>(file.get());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->contents().data(), view->data());
  // The open file keeps its bytes when the name is replaced.
  ASSERT_TRUE(fs.add("a.txt", {"new"}));
  EXPECT_EQ(c->contents(), "alpha bytes long enough to leave SSO");
  EXPECT_EQ(*fs.contents("a.txt"), "new");
  EXPECT_TRUE(vfs::testing::conforms(fs, {"a.txt", "d/b.txt"}));
}

}  // namespace
