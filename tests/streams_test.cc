// Streams: SectionReader, LimitReader, copy, read_all's cap, istream, and the
// concurrency contract of read_at against close.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"
#include "vfs/dir_fs.h"
#include "vfs/istream.h"
#include "vfs/map_fs.h"
#include "vfs/read_file.h"
#include "vfs/reader.h"

namespace {

using vfs::errc;

std::string digits(std::size_t n) {
  std::string s(n, '0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('0' + i % 10);
  return s;
}

// A Reader over a string, read in pieces of at most `chunk` bytes.
class ChunkReader final : public vfs::Reader {
 public:
  ChunkReader(std::string data, std::size_t chunk) : data_(std::move(data)), chunk_(chunk) {}
  vfs::Result<std::size_t> read(std::span<char> buf) override {
    const std::size_t n = std::min({buf.size(), chunk_, data_.size() - pos_});
    data_.copy(buf.data(), n, pos_);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  std::size_t chunk_;
  std::size_t pos_ = 0;
};

// A Reader that never ends.
class Endless final : public vfs::Reader {
 public:
  vfs::Result<std::size_t> read(std::span<char> buf) override {
    std::fill(buf.begin(), buf.end(), 'z');
    return buf.size();
  }
};

TEST(Streams, SectionReaderIsAWindow) {
  vfs::MapFS fs{{"f", {digits(100)}}};
  auto file = fs.open("f");
  ASSERT_TRUE(file);
  auto* at = dynamic_cast<vfs::ReaderAt*>(file->get());
  ASSERT_NE(at, nullptr);
  vfs::SectionReader section(*at, 10, 20);
  EXPECT_EQ(section.size(), 20);
  auto all = vfs::read_all(section);
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, digits(100).substr(10, 20));
  char buf[8];
  EXPECT_EQ(*section.read_at(buf, 15), 5u);  // clipped at the window's end
  EXPECT_EQ(std::string(buf, 5), digits(100).substr(25, 5));
  EXPECT_EQ(*section.read_at(buf, 20), 0u);
  EXPECT_TRUE(section.read_at(buf, -1).error().is(errc::invalid));
  EXPECT_EQ(*section.seek(-4, vfs::Whence::end), 16);
  EXPECT_EQ(*section.read(buf), 4u);
  EXPECT_TRUE(section.seek(-1, vfs::Whence::begin).error().is(errc::invalid));
  // A window past the end of the source reads what there is.
  vfs::SectionReader beyond(*at, 95, 50);
  EXPECT_EQ(vfs::read_all(beyond)->size(), 5u);
}

TEST(Streams, LimitReaderAndCopy) {
  ChunkReader src(digits(1000), 7);
  vfs::LimitReader limited(src, 300);
  vfs::StringWriter out;
  auto n = vfs::copy(out, limited);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 300);
  EXPECT_EQ(out.data, digits(1000).substr(0, 300));
  EXPECT_EQ(limited.left(), 0);
}

// read_all of a stream that never ends stops at the cap with EFBIG instead
// of growing until memory runs out.
TEST(Streams, ReadAllStopsAtItsCap) {
  Endless endless;
  auto r = vfs::read_all(endless, 0, 1 << 20);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), std::errc::file_too_large);
  ChunkReader exact(digits(1000), 64);
  EXPECT_EQ(vfs::read_all(exact, 0, 1000)->size(), 1000u);
  ChunkReader over(digits(1001), 64);
  EXPECT_FALSE(vfs::read_all(over, 1001, 1000));
  ChunkReader empty("", 64);
  EXPECT_EQ(vfs::read_all(empty, 0, 0)->size(), 0u);
}

TEST(Streams, ReadFileWithACapOnMapFSAndDirFS) {
  vfs::MapFS fs{{"f", {digits(1000)}}};
  EXPECT_EQ(vfs::read_file(fs, "f", 1000)->size(), 1000u);
  auto over = vfs::read_file(fs, "f", 999);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().path(), "f");
  EXPECT_EQ(over.error().code(), std::errc::file_too_large);

  // A FIFO whose writer never stops: an endless file in a real tree.
  vfs_test::TempDir dir;
  const std::string fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  ::signal(SIGPIPE, SIG_IGN);  // the writer's end: EPIPE, not a signal
  // A reader end held open, so the writer can open and is connected before
  // read_file opens (a FIFO with no writer yet reads as empty).
  const int holder = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(holder, 0);
  std::atomic<bool> stop{false}, connected{false};
  std::thread writer([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    connected = true;
    ASSERT_GE(fd, 0);
    const std::string chunk(4096, 'x');
    while (!stop.load() && ::write(fd, chunk.data(), chunk.size()) > 0) {
    }
    ::close(fd);
  });
  while (!connected.load()) std::this_thread::yield();
  auto disk = vfs::DirFS::make(dir.path());
  ASSERT_TRUE(disk);
  auto endless = vfs::read_file(**disk, "fifo", 1 << 20);
  stop = true;
  ::close(holder);  // no reader left: the writer's next write fails
  writer.join();
  ASSERT_FALSE(endless);
  EXPECT_EQ(endless.error().code(), std::errc::file_too_large);
}

TEST(Streams, IStreamReadsLinesAndSeeks) {
  vfs::MapFS fs{{"conf", {"a=1\nb=2\nc=3\n"}}};
  auto in = vfs::FileIStream::open(fs, "conf");
  ASSERT_TRUE(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(**in, line);) lines.push_back(line);
  EXPECT_EQ(lines, (std::vector<std::string>{"a=1", "b=2", "c=3"}));
  EXPECT_FALSE((*in)->error());
  (*in)->clear();
  (*in)->seekg(4);
  std::string line;
  std::getline(**in, line);
  EXPECT_EQ(line, "b=2");
  (*in)->seekg(-2, std::ios_base::end);
  std::getline(**in, line);
  EXPECT_EQ(line, "3");
}

TEST(Streams, IStreamReadsLargeBlocksAndReportsErrors) {
  const std::string data = digits(300'000);
  vfs::MapFS fs{{"big", {data}}};
  auto in = vfs::FileIStream::open(fs, "big");
  ASSERT_TRUE(in);
  std::string got(data.size(), '\0');
  (*in)->read(got.data(), 5);
  (*in)->read(got.data() + 5, static_cast<std::streamsize>(data.size() - 5));
  EXPECT_EQ((*in)->gcount(), static_cast<std::streamsize>(data.size() - 5));
  EXPECT_EQ(got, data);

  // A read error is badbit, and error() says what it was.
  auto dir = vfs::FileIStream::open(fs, ".");
  ASSERT_TRUE(dir);
  std::string line;
  std::getline(**dir, line);
  EXPECT_TRUE((*dir)->bad());
  ASSERT_TRUE((*dir)->error());
  EXPECT_EQ((*dir)->error()->code(), std::errc::is_a_directory);
}

// read_at is safe concurrently with itself and with close(): every call
// returns the file's own bytes or errc::closed, never bytes of the file that
// got the closed descriptor's number next (before, a read_at that had read
// the number just before close() went on to pread whatever reused it).
TEST(ConcurrencyDirFS, ReadAtRacingCloseNeverReadsAReusedDescriptor) {
  vfs_test::TempDir dir;
  dir.write("a", std::string(4096, 'a'));
  dir.write("b", std::string(4096, 'b'));
  auto fs = vfs::DirFS::make(dir.path());
  ASSERT_TRUE(fs);
  constexpr int kRounds = 300;
  constexpr int kReaders = 3;
  std::atomic<long> wrong{0}, closed{0}, good{0};
  for (int round = 0; round < kRounds; ++round) {
    auto file = (*fs)->open("a");
    ASSERT_TRUE(file);
    auto* at = dynamic_cast<vfs::ReaderAt*>(file->get());
    std::atomic<int> started{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < kReaders; ++t) {
      readers.emplace_back([&] {
        started.fetch_add(1);
        char buf[64];
        for (int i = 0;; ++i) {
          auto n = at->read_at(buf, (i * 64) % 4096);
          if (!n) {
            if (n.error().is(errc::closed)) ++closed;
            return;
          }
          if (std::string(buf, *n) != std::string(*n, 'a')) ++wrong;
          ++good;
        }
      });
    }
    while (started.load() < kReaders) std::this_thread::yield();
    auto st = (*file)->close();
    ASSERT_TRUE(st) << st.error().message();
    // Take the freed number (and a few more) while reads may be in flight.
    std::vector<vfs::FilePtr> others;
    for (int i = 0; i < 4; ++i) others.push_back(std::move((*fs)->open("b").value()));
    for (auto& t : readers) t.join();
  }
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(closed.load(), kRounds * kReaders);
  EXPECT_GT(good.load(), 0);
}

TEST(ConcurrencyMapFS, ReadAtRacingClose) {
  vfs::MapFS fs{{"a", {std::string(4096, 'a')}}};
  for (int round = 0; round < 200; ++round) {
    auto file = fs.open("a");
    ASSERT_TRUE(file);
    auto* at = dynamic_cast<vfs::ReaderAt*>(file->get());
    std::thread reader([&] {
      char buf[64];
      while (at->read_at(buf, 0)) {
      }
    });
    ASSERT_TRUE((*file)->close());
    reader.join();
  }
}

}  // namespace
