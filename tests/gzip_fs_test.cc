// GzipFS: gzip files made at test time (gzip_fixtures.py: gzip, igzip,
// Python's gzip and zlib) as one-file directories, checked against what
// `gzip -dc` makes of them, indexed_gzip's random reads and index files,
// and the conformance checker.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gzip/gzip_error.h"
#include "gzip_test_util.h"
#include "runtime_test_util.h"
#include "test_util.h"
#include "vfs/dir_fs.h"
#include "vfs/gzip_fs.h"
#include "vfs/map_fs.h"
#include "vfs/read_file.h"
#include "vfs/runtime.h"
#include "vfs/testing/gtest.h"
#include "vfs/zip_fs.h"

namespace {

using vfs::GzipFS;
using vfs::GzipOptions;
using vfs::gzip::gzip_errc;
using vfs_test::fails_with;
using vfs_test::fixture;
using vfs_test::fixture_out;
using BuildIndex = GzipOptions::BuildIndex;

std::shared_ptr<GzipFS> open_gz(const std::string& path, const GzipOptions& options = {}) {
  auto gz = GzipFS::make(path, options);
  if (!gz) ADD_FAILURE() << gz.error().message();
  return gz ? *gz : nullptr;
}

// Reads `file` to its end with read() in `chunk`-byte reads.
std::string read_stream(vfs::File& file, std::size_t chunk = 100'000) {
  auto data = vfs_test::drain(file, chunk);
  EXPECT_TRUE(data) << data.error().message();
  return data ? *data : "";
}

// A File that counts the read_at calls made on it.
class CountingFile final : public vfs::File, public vfs::ReaderAt {
 public:
  explicit CountingFile(vfs::FilePtr inner) : inner_(std::move(inner)) {}
  vfs::Result<vfs::FileInfo> stat() override { return inner_->stat(); }
  vfs::Result<std::size_t> read(std::span<char> b) override { return inner_->read(b); }
  vfs::Status close() override { return inner_->close(); }
  vfs::Result<std::size_t> read_at(std::span<char> b, std::int64_t off) override {
    ++reads;
    return dynamic_cast<vfs::ReaderAt&>(*inner_).read_at(b, off);
  }
  std::atomic<int> reads{0};

 private:
  vfs::FilePtr inner_;
};

class GzipFSTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!vfs_test::have_fixture_tools()) GTEST_SKIP() << "needs python3, gzip, igzip";
  }
  // A copy of fixture `name` in a directory of the test's own, as `as`.
  std::string copy(const std::string& name, const std::string& as) {
    std::filesystem::copy_file(fixture(name) + ".gz", dir_ / as);
    return dir_ / as;
  }
  vfs_test::TempDir dir_;
};

TEST_F(GzipFSTest, ReadsWhatGzipDecompresses) {
  for (const char* name : {"text_gzip6", "text_igzip3", "text_python", "binary", "empty",
                           "zero_padded", "members", "many_members", "small_members"}) {
    SCOPED_TRACE(name);
    auto gz = open_gz(fixture(name) + ".gz");
    ASSERT_TRUE(gz);
    EXPECT_EQ(gz->member_name(), name);  // no FNAME (gzip -n): the archive's name less .gz
    const std::string want = fixture_out(name);
    auto got = vfs::read_file(*gz, name);
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, want);
    auto file = gz->open(name);
    ASSERT_TRUE(file);
    EXPECT_EQ(read_stream(**file, 4096), want);
    // After a read to the end, the size is exact whatever the members.
    EXPECT_EQ(vfs::stat(*gz, name)->size, static_cast<std::int64_t>(want.size()));
    EXPECT_TRUE(gz->has_index());  // recorded while streaming
  }
}

// Before any read, the size is the trailer's ISIZE: right for one member,
// the last member's for several (the documented caveat), exact with an index.
TEST_F(GzipFSTest, SizeBeforeReadingIsTheTrailersUnlessIndexed) {
  auto one = open_gz(fixture("text_gzip6") + ".gz");
  EXPECT_EQ(one->stat("text_gzip6")->size,
            static_cast<std::int64_t>(fixture_out("text_gzip6").size()));
  EXPECT_FALSE(one->has_index());

  const std::string path = fixture("members") + ".gz";
  auto several = open_gz(path);
  EXPECT_EQ(several->stat("members")->size, 0);  // its last member is empty
  GzipOptions exact;
  exact.build_index = BuildIndex::on_open;
  auto indexed = open_gz(path, exact);
  EXPECT_TRUE(indexed->has_index());
  EXPECT_EQ(indexed->stat("members")->size,
            static_cast<std::int64_t>(fixture_out("members").size()));
}

// A trailer that claims 4 GiB for a few bytes is cut to what max_ratio
// allows (callers size buffers from stat); the bytes still read right.
TEST_F(GzipFSTest, LyingTrailerIsBounded) {
  std::string bytes = vfs_test::fixture_gz("small");
  for (int i = 1; i <= 4; ++i) bytes[bytes.size() - i] = '\xff';
  vfs::MapFS mem{{"lie.gz", {bytes}}};
  auto gz = *GzipFS::make(mem, "lie.gz");
  const std::int64_t bound = std::max<std::int64_t>(bytes.size() * 1100, 1 << 20);
  EXPECT_EQ(gz->stat("lie")->size, bound);
  GzipOptions out;
  out.max_output = 5000;
  EXPECT_EQ((*GzipFS::make(mem, "lie.gz", out))->stat("lie")->size, 5000);
  auto data = vfs::read_file(*gz, "lie");  // ISIZE is checked: the stream says so
  EXPECT_TRUE(fails_with(data, gzip_errc::size_mismatch));
}

TEST_F(GzipFSTest, Conforms) {
  for (const char* name : {"text_gzip1", "text_igzip0", "small", "empty", "binary"}) {
    SCOPED_TRACE(name);
    auto gz = open_gz(fixture(name) + ".gz");
    EXPECT_TRUE(vfs::testing::conforms(*gz, {name}));
  }
  GzipOptions exact;
  exact.build_index = BuildIndex::on_open;
  for (const char* name : {"many_members", "zero_padded"}) {
    SCOPED_TRACE(name);
    auto gz = open_gz(fixture(name) + ".gz", exact);
    EXPECT_TRUE(vfs::testing::conforms(*gz, {name}));
  }
  // Without any index random access streams from the start: slow, correct.
  GzipOptions never;
  never.build_index = BuildIndex::never;
  never.record_while_streaming = false;
  auto gz = open_gz(fixture("small") + ".gz", never);
  EXPECT_TRUE(vfs::testing::conforms(*gz, {"small"}));
  EXPECT_FALSE(gz->has_index());
}

TEST_F(GzipFSTest, MemberNames) {
  EXPECT_EQ(open_gz(fixture("named_utf8") + ".gz")->member_name(), "résumé.txt");
  // "naïve.txt" in ISO 8859-1 (RFC 1952's charset), served as UTF-8.
  auto latin1 = open_gz(fixture("headers") + ".gz");
  EXPECT_EQ(latin1->member_name(), "naïve.txt");
  EXPECT_EQ(latin1->header_name(), "na\xefve.txt");
  EXPECT_EQ(latin1->header_comment(), "a comment");
  EXPECT_TRUE(vfs::read_file(*latin1, "naïve.txt"));
  // A FNAME that is no single element is not used.
  EXPECT_EQ(open_gz(fixture("named_slash") + ".gz")->member_name(), "named_slash");
  EXPECT_EQ(open_gz(fixture("named_dotdot") + ".gz")->member_name(), "named_dotdot");
  // "." would be the root's own name.
  auto dot = open_gz(fixture("named_dot") + ".gz");
  EXPECT_EQ(dot->member_name(), "named_dot");
  EXPECT_TRUE(vfs::testing::conforms(*dot, {"named_dot"}));
  // What gzip stores for `gzip -c hello.txt`.
  auto real = open_gz(fixture("gzip_named") + ".gz");
  EXPECT_EQ(real->member_name(), "hello.txt");
  EXPECT_EQ(vfs::Clock::to_time_t(real->stat("hello.txt")->mod_time), 1'700'000'005);

  // Without FNAME, the archive's name decides.
  const std::pair<const char*, const char*> cases[] = {
      {"x.tgz", "x.tar"},    {"x.taz", "x.tar"}, {"d.svgz", "d.svg"},
      {"log.1.gz", "log.1"}, {"a-gz", "a"},      {"b.z", "b"},
      {"plain", "plain"},    {".gz", ".gz"},     {"noext.bin", "noext.bin"},
      {"..gz", "data"},  // "." is the root's name
  };
  for (const auto& [archive, member] : cases) {
    SCOPED_TRACE(archive);
    auto gz = open_gz(copy("small", archive));
    ASSERT_TRUE(gz);
    EXPECT_EQ(gz->member_name(), member);
    EXPECT_EQ(vfs_test::names(*vfs::read_dir(*gz, ".")), std::vector<std::string>{member});
    EXPECT_EQ(*vfs::read_file(*gz, member), fixture_out("small"));
  }
  // From a File alone, its name is all there is; "" leaves nothing: "data".
  vfs::MapFS mem{{"a", {vfs_test::fixture_gz("small")}}};
  EXPECT_EQ((*GzipFS::make(*mem.open("a"), ""))->member_name(), "data");
}

TEST_F(GzipFSTest, ModTimeFromHeaderElseArchive) {
  // text_python: MTIME 1700000000 in the header.
  auto gz = open_gz(fixture("text_python") + ".gz");
  EXPECT_EQ(vfs::Clock::to_time_t(gz->stat("text_python")->mod_time), 1'700'000'000);
  EXPECT_EQ(vfs::Clock::to_time_t(gz->stat(".")->mod_time), 1'700'000'000);
  // no_mtime: MTIME 0, so the archive file's own mtime.
  const std::string path = copy("no_mtime", "no_mtime.gz");
  std::filesystem::last_write_time(
      path, std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 400));
  const auto disk = vfs::stat(**vfs::DirFS::make(dir_.path()), "no_mtime.gz")->mod_time;
  EXPECT_EQ(open_gz(path)->stat("no_mtime")->mod_time, disk);
  EXPECT_TRUE(open_gz(path)->stat(".")->is_dir());
}

// Random reads against the bytes gzip -dc made and indexed_gzip's reads of
// the same offsets, under each way of getting an index.
TEST_F(GzipFSTest, RandomReadsAgreeWithIndexedGzip) {
  const std::string path = fixture("big") + ".gz";
  const std::string want = fixture_out("big");
  std::mt19937_64 rng(42);
  std::vector<std::int64_t> offsets;
  for (int i = 0; i < 40; ++i) offsets.push_back(static_cast<std::int64_t>(rng() % want.size()));
  offsets.push_back(static_cast<std::int64_t>(want.size()) - 10);
  constexpr std::size_t kLen = 5000;

  std::string oracle;
  if (!vfs_test::oracle_python().empty()) {
    std::string args =
        "read '" + path + "' '" + (dir_ / "oracle.out") + "' 65536 " + std::to_string(kLen);
    for (auto off : offsets) args += " " + std::to_string(off);
    vfs_test::oracle(args);
    oracle = vfs_test::read_whole(dir_ / "oracle.out");
  }

  for (BuildIndex mode : {BuildIndex::on_random_access, BuildIndex::on_open, BuildIndex::never}) {
    SCOPED_TRACE(static_cast<int>(mode));
    GzipOptions options;
    options.build_index = mode;
    options.index_span = 256 << 10;
    options.record_while_streaming = mode != BuildIndex::never;
    auto gz = open_gz(path, options);
    EXPECT_EQ(gz->has_index(), mode == BuildIndex::on_open);
    auto file = gz->open("big");
    ASSERT_TRUE(file);
    auto* at = dynamic_cast<vfs::ReaderAt*>(file->get());
    auto* seeker = dynamic_cast<vfs::Seeker*>(file->get());
    ASSERT_TRUE(at && seeker);
    std::string got;
    for (auto off : offsets) {
      std::string buf(kLen, '\0');
      auto n = at->read_at(buf, off);
      ASSERT_TRUE(n) << n.error().message();
      buf.resize(*n);
      EXPECT_EQ(buf, want.substr(static_cast<std::size_t>(off), kLen)) << off;
      got += buf;
    }
    if (!oracle.empty()) {
      EXPECT_EQ(got, oracle);
    }
    EXPECT_EQ(gz->has_index(), mode != BuildIndex::never);
    // seek + read: from the end, back, and on.
    EXPECT_EQ(*seeker->seek(-100, vfs::Whence::end), static_cast<std::int64_t>(want.size()) - 100);
    std::string tail(200, '\0');
    EXPECT_EQ(*(*file)->read(tail), 100u);
    EXPECT_EQ(tail.substr(0, 100), want.substr(want.size() - 100));
    EXPECT_EQ(*seeker->seek(1'000'000, vfs::Whence::begin), 1'000'000);
    std::string mid(300, '\0');
    ASSERT_EQ(*(*file)->read(mid), 300u);
    EXPECT_EQ(mid, want.substr(1'000'000, 300));
    EXPECT_EQ(*seeker->seek(0, vfs::Whence::begin), 0);
    EXPECT_EQ(read_stream(**file), want);
  }
}

TEST_F(GzipFSTest, ConcurrentReadAt) {
  auto gz = open_gz(fixture("big") + ".gz");
  const std::string want = fixture_out("big");
  auto file = *gz->open("big");
  auto* at = dynamic_cast<vfs::ReaderAt*>(file.get());
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t);
      for (int i = 0; i < 20; ++i) {
        const std::size_t off = rng() % want.size();
        std::string buf(3000, '\0');
        auto n = at->read_at(buf, static_cast<std::int64_t>(off));
        if (!n || std::string_view(buf.data(), *n) != std::string_view(want).substr(off, 3000)) {
          ++bad;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad, 0);
}

// Fibers on one P reading one fresh view at random: one builds the index
// (yielding as it inflates) while the others wait for it without holding
// the thread, so all finish.
TEST_F(GzipFSTest, FibersShareOneIndexBuildOnOneP) {
  vfs::runtime::testing::HangGuard guard("gzip_fs fibers", std::chrono::seconds(120));
  auto gz = open_gz(fixture("big") + ".gz");
  const std::string want = fixture_out("big");
  std::atomic<int> good{0};
  vfs::runtime::run(
      [&] {
        vfs::runtime::WaitGroup wg;
        for (int f = 0; f < 3; ++f) {
          wg.add(1);
          vfs::runtime::go([&, f] {
            auto file = *gz->open("big");
            auto* at = dynamic_cast<vfs::ReaderAt*>(file.get());
            std::string buf(1000, '\0');
            const std::int64_t off = 1'000'000 * (f + 1);
            if (auto n = at->read_at(buf, off); n && buf == want.substr(off, 1000)) ++good;
            std::string head(1000, '\0');  // and a stream from the start, one file each
            if (auto n = file->read(head); n && head.substr(0, *n) == want.substr(0, *n)) ++good;
            wg.done();
          });
        }
        wg.wait();
      },
      {.procs = 1});
  EXPECT_EQ(good, 6);
  EXPECT_TRUE(gz->has_index());
}

// A saved index next to the archive is used; one made by indexed_gzip too,
// and ours in GZIDX is one indexed_gzip can use.
TEST_F(GzipFSTest, SavedIndex) {
  const std::string path = copy("big", "big.gz");
  const std::string want = fixture_out("big");
  {
    auto gz = open_gz(path);
    vfs::StringWriter out;
    ASSERT_TRUE(gz->save_index(out));
    vfs_test::write_whole(path + ".gzidx", out.data);
    EXPECT_TRUE(gz->has_index());
  }
  GzipOptions no_build;
  no_build.build_index = BuildIndex::never;
  {
    auto gz = open_gz(path, no_build);
    EXPECT_TRUE(gz->has_index());  // loaded
    EXPECT_EQ(gz->stat("big")->size, static_cast<std::int64_t>(want.size()));
    auto file = *gz->open("big");
    std::string buf(1000, '\0');
    ASSERT_EQ(*dynamic_cast<vfs::ReaderAt*>(file.get())->read_at(buf, 7'000'000), 1000u);
    EXPECT_EQ(buf, want.substr(7'000'000, 1000));
  }
  GzipOptions ignore = no_build;
  ignore.load_saved_index = false;
  EXPECT_FALSE(open_gz(path, ignore)->has_index());

  if (vfs_test::oracle_python().empty()) GTEST_SKIP() << "no python3-indexed-gzip";
  // indexed_gzip's own index, loaded by us.
  vfs_test::oracle("export '" + path + "' '" + path + ".gzidx' 1048576");
  {
    auto gz = open_gz(path, no_build);
    ASSERT_TRUE(gz->has_index());
    auto file = *gz->open("big");
    std::string buf(1000, '\0');
    ASSERT_EQ(*dynamic_cast<vfs::ReaderAt*>(file.get())->read_at(buf, 5'555'555), 1000u);
    EXPECT_EQ(buf, want.substr(5'555'555, 1000));
    // Ours in GZIDX, read by indexed_gzip.
    vfs::StringWriter out;
    ASSERT_TRUE(gz->save_index(out, vfs::GzipIndexFormat::gzidx));
    vfs_test::write_whole(dir_ / "ours.gzidx", out.data);
  }
  vfs_test::oracle("import '" + path + "' '" + (dir_ / "ours.gzidx") + "' '" + (dir_ / "o.out") +
                   "' 1000 6000000");
  EXPECT_EQ(vfs_test::read_whole(dir_ / "o.out"), want.substr(6'000'000, 1000));
}

TEST_F(GzipFSTest, BadSavedIndexFailsOpen) {
  const std::string path = copy("big", "big.gz");
  std::string index;
  {
    vfs::StringWriter out;
    ASSERT_TRUE(open_gz(path)->save_index(out));
    index = out.data;
  }
  index[index.size() / 2] ^= 1;  // the CRC catches it
  vfs_test::write_whole(path + ".gzidx", index);
  EXPECT_TRUE(fails_with(GzipFS::make(path), gzip_errc::bad_index));
  // Another file's index.
  const std::string other = copy("text_gzip6", "other.gz");
  {
    vfs::StringWriter out;
    ASSERT_TRUE(open_gz(other)->save_index(out));
    vfs_test::write_whole(path + ".gzidx", out.data);
  }
  auto r = GzipFS::make(path);
  EXPECT_TRUE(fails_with(r, gzip_errc::index_mismatch));
  EXPECT_NE(r.error().message().find("big.gz.gzidx"), std::string::npos) << r.error().message();
}

TEST_F(GzipFSTest, LimitsAreNamed) {
  GzipOptions small;
  small.max_output = 1000;
  auto gz = open_gz(fixture("text_gzip6") + ".gz", small);
  auto r = vfs::read_file(*gz, "text_gzip6");
  EXPECT_TRUE(fails_with(r, gzip_errc::output_too_large));
  EXPECT_NE(r.error().message().find("max_output"), std::string::npos) << r.error().message();
  // Building the index meets the same limit.
  auto file = *gz->open("text_gzip6");
  std::string buf(10, '\0');
  EXPECT_TRUE(fails_with(dynamic_cast<vfs::ReaderAt*>(file.get())->read_at(buf, 500),
                         gzip_errc::output_too_large));

  // The index's memory: a build past it fails; a recording stream goes on
  // without one.
  GzipOptions index_cap;
  index_cap.index_span = 64 << 10;
  index_cap.max_index_bytes = 200 << 10;  // about 6 windows; big has 8 MiB / 64 KiB spans
  auto capped = open_gz(fixture("big") + ".gz", index_cap);
  EXPECT_EQ(*vfs::read_file(*capped, "big"), fixture_out("big"));
  EXPECT_FALSE(capped->has_index());
  auto cf = *capped->open("big");
  auto built = dynamic_cast<vfs::ReaderAt*>(cf.get())->read_at(buf, 5000);
  EXPECT_TRUE(fails_with(built, gzip_errc::index_too_large));
  EXPECT_NE(built.error().message().find("max_index_bytes"), std::string::npos);
  // The refusal stands: a second random access reads nothing of the archive.
  vfs::MapFS mem{{"big.gz", {vfs_test::fixture_gz("big")}}};
  auto counted = std::make_unique<CountingFile>(*mem.open("big.gz"));
  std::atomic<int>& reads = counted->reads;
  auto refused = *GzipFS::make(std::move(counted), "big.gz", index_cap);
  auto rf = *refused->open("big");
  auto* rat = dynamic_cast<vfs::ReaderAt*>(rf.get());
  EXPECT_TRUE(fails_with(rat->read_at(buf, 5000), gzip_errc::index_too_large));
  const int after_first = reads.load();
  EXPECT_TRUE(fails_with(rat->read_at(buf, 9000), gzip_errc::index_too_large));
  EXPECT_EQ(reads.load(), after_first);
  index_cap.max_index_bytes = 10 << 20;
  auto roomy = open_gz(fixture("big") + ".gz", index_cap);
  EXPECT_EQ(*vfs::read_file(*roomy, "big"), fixture_out("big"));
  EXPECT_TRUE(roomy->has_index());

  GzipOptions ratio;
  ratio.max_ratio = 2;  // text compresses about 3:1
  auto tight = open_gz(fixture("big") + ".gz", ratio);
  auto t = vfs::read_file(*tight, "big");
  EXPECT_TRUE(fails_with(t, gzip_errc::ratio_too_large));
  EXPECT_NE(t.error().message().find("max_ratio"), std::string::npos);
}

TEST_F(GzipFSTest, Errors) {
  dir_.write("text.gz", "just some text, not gzip at all\n");
  auto r = GzipFS::make(dir_ / "text.gz");
  EXPECT_TRUE(fails_with(r, gzip_errc::not_gzip));
  EXPECT_EQ(r.error().op(), "open");
  EXPECT_EQ(r.error().path(), dir_ / "text.gz");
  dir_.write("empty.gz", "");
  EXPECT_TRUE(GzipFS::make(dir_ / "empty.gz").error().is(vfs::errc::invalid));
  EXPECT_TRUE(GzipFS::make(dir_ / "missing.gz").error().is(vfs::errc::not_exist));

  auto gz = open_gz(fixture("small") + ".gz");
  EXPECT_TRUE(gz->open("other").error().is(vfs::errc::not_exist));
  EXPECT_TRUE(gz->open("small/x").error().is(vfs::errc::not_exist));
  EXPECT_TRUE(gz->open("../small").error().is(vfs::errc::invalid));
  EXPECT_EQ(gz->read_dir("small").error().code(), std::errc::not_a_directory);

  // A flipped byte in the data: the CRC (or the deflate decoder) objects.
  std::string bytes = vfs_test::fixture_gz("text_gzip6");
  bytes[bytes.size() - 8] ^= 0x55;  // the CRC-32 itself
  dir_.write("crc.gz", bytes);
  auto bad = open_gz(dir_ / "crc.gz");
  EXPECT_TRUE(fails_with(vfs::read_file(*bad, "crc"), gzip_errc::crc_mismatch));
}

// The archive is read through its File: from a MapFS, from a File with no
// read_at (held in memory), and a zip inside a .gz opens through the view.
TEST_F(GzipFSTest, ReadsThroughAnyFile) {
  vfs::MapFS mem{{"in/mem.gz", {vfs_test::fixture_gz("small")}}};
  auto gz = GzipFS::make(mem, "in/mem.gz");
  ASSERT_TRUE(gz);
  EXPECT_EQ(*vfs::read_file(**gz, "mem"), fixture_out("small"));

  class StreamOnly final : public vfs::File {
   public:
    explicit StreamOnly(std::string data) : r_(std::move(data)) {}
    vfs::Result<vfs::FileInfo> stat() override { return vfs::FileInfo{"s.gz", 0, {}, {}}; }
    vfs::Result<std::size_t> read(std::span<char> b) override { return r_.read(b); }
    vfs::Status close() override { return {}; }

   private:
    vfs_test::BytesReader r_;
  };
  auto streamed = GzipFS::make(std::make_unique<StreamOnly>(vfs_test::fixture_gz("big")), "s.gz");
  ASSERT_TRUE(streamed);
  EXPECT_EQ(*vfs::read_file(**streamed, "s"), fixture_out("big"));
  GzipOptions tiny;
  tiny.max_buffered_archive = 1000;
  EXPECT_EQ(GzipFS::make(std::make_unique<StreamOnly>(vfs_test::fixture_gz("big")), "s.gz", tiny)
                .error()
                .code(),
            std::errc::file_too_large);

  // site.zip.gz: a zip, gzipped; ZipFS reads it through GzipFS's read_at.
  ASSERT_TRUE(
      vfs_test::run("cd '" + dir_.path() +
                    "' && python3 -c \"import zipfile; z = zipfile.ZipFile('site.zip', 'w', "
                    "zipfile.ZIP_DEFLATED); z.writestr('a/b.txt', 'hello ' * 1000); "
                    "z.close()\" && gzip -k site.zip"));
  auto outer = open_gz(dir_ / "site.zip.gz");
  ASSERT_TRUE(outer);
  EXPECT_EQ(outer->member_name(), "site.zip");
  auto zip = vfs::ZipFS::make(*outer, "site.zip");
  ASSERT_TRUE(zip) << zip.error().message();
  std::string hello;
  for (int i = 0; i < 1000; ++i) hello += "hello ";
  EXPECT_EQ(*vfs::read_file(**zip, "a/b.txt"), hello);
}

}  // namespace
