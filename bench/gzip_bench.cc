// bench/gzip_run's C++ contenders: one run per process, timed by the
// driver from outside (like the gzip and igzip commands it races), or, for
// the rows that compare two of our own operations, timed here in rounds.
//
//   gzip_bench stream FILE.gz   # our GzipReader, output discarded
//   gzip_bench zlib FILE.gz     # zlib's inflate, the same way
//   gzip_bench inproc FILE.gz ROUNDS
//       # index build vs plain stream; 1 MiB read_at with vs without the index
//
// Every mode reads FILE.gz through a vfs::DirFS file, prints one JSON line
// with the bytes it inflated (the driver checks every contender made the
// same) and exits non-zero on any error.
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gzip/gzip_reader.h"
#include "gzip/index.h"
#include "gzip/indexed_reader.h"
#include "vfs/dir_fs.h"
#include "vfs/file_info.h"

namespace {

constexpr std::size_t kOut = 1 << 20;  // output buffer: what `gzip -dc` would write in

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "gzip_bench: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(vfs::Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message());
  return std::move(r).value();
}

struct Input {
  std::shared_ptr<vfs::DirFS> fs;
  vfs::FilePtr file;
  vfs::ReaderAt* at = nullptr;
  std::int64_t size = 0;
};

Input open_input(const std::string& path) {
  const std::filesystem::path p(path);
  Input in;
  in.fs = must(vfs::DirFS::make(p.parent_path().empty() ? "." : p.parent_path().string()), "open");
  in.file = must(in.fs->open(p.filename().string()), "open");
  in.at = dynamic_cast<vfs::ReaderAt*>(in.file.get());
  if (in.at == nullptr) die("a DirFS file is not a ReaderAt");
  in.size = must(in.file->stat(), "stat").size;
  return in;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU seconds this process has used: on a shared machine, what others'
// load disturbs least.
double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Our streaming inflate of the whole file; returns the bytes out.
std::uint64_t ours(Input& in) {
  vfs::SectionReader source(*in.at, 0, in.size);
  auto r = must(vfs::gzip::GzipReader::open(source), "gzip");
  const auto buf = std::make_unique_for_overwrite<char[]>(kOut);
  std::uint64_t total = 0;
  for (;;) {
    const std::size_t n = must(r.read({buf.get(), kOut}), "gzip read");
    if (n == 0) return total;
    total += n;
  }
}

// zlib 1.2.13's inflate, members back to back, CRC checked by zlib (so it
// pays for its own, slower CRC as we pay for ISA-L's).
std::uint64_t zlib(Input& in) {
  vfs::SectionReader source(*in.at, 0, in.size);
  z_stream zs{};
  if (inflateInit2(&zs, 16 + 15) != Z_OK) die("inflateInit2");
  const auto inbuf = std::make_unique_for_overwrite<char[]>(128 * 1024);
  const auto out = std::make_unique_for_overwrite<char[]>(kOut);
  std::uint64_t total = 0;
  for (bool eof = false;;) {
    if (zs.avail_in == 0 && !eof) {
      const std::size_t n = must(source.read({inbuf.get(), 128 * 1024}), "read");
      eof = n == 0;
      zs.next_in = reinterpret_cast<Bytef*>(inbuf.get());
      zs.avail_in = static_cast<uInt>(n);
    }
    zs.next_out = reinterpret_cast<Bytef*>(out.get());
    zs.avail_out = kOut;
    const int ret = inflate(&zs, Z_NO_FLUSH);
    total += kOut - zs.avail_out;
    if (ret == Z_STREAM_END) {
      if (zs.avail_in == 0 && eof) break;
      if (zs.avail_in == 0) {  // another member may follow: read on
        const std::size_t n = must(source.read({inbuf.get(), 128 * 1024}), "read");
        if (n == 0) break;
        zs.next_in = reinterpret_cast<Bytef*>(inbuf.get());
        zs.avail_in = static_cast<uInt>(n);
      }
      inflateReset(&zs);
    } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
      die("zlib inflate failed");
    } else if (eof && zs.avail_in == 0 && zs.avail_out != 0) {
      die("zlib: truncated");
    }
  }
  inflateEnd(&zs);
  return total;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// A 1 MiB read at `offset` without an index: inflate from the start.
double read_without_index(Input& in, std::uint64_t offset) {
  const auto start = std::chrono::steady_clock::now();
  vfs::SectionReader source(*in.at, 0, in.size);
  auto r = must(vfs::gzip::GzipReader::open(source), "gzip");
  const auto buf = std::make_unique_for_overwrite<char[]>(kOut);
  std::uint64_t at = 0;
  while (at < offset) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kOut, offset - at));
    const std::size_t n = must(r.read({buf.get(), want}), "gzip read");
    if (n == 0) die("offset past the end");
    at += n;
  }
  std::size_t got = 0;
  while (got < kOut) {
    const std::size_t n = must(r.read({buf.get() + got, kOut - got}), "gzip read");
    if (n == 0) break;
    got += n;
  }
  return seconds_since(start);
}

void inproc(Input& in, int rounds) {
  std::vector<double> stream_wall, build_wall, stream_cpu, build_cpu;
  std::shared_ptr<const vfs::gzip::GzipIndex> index;
  std::uint64_t bytes = 0;
  for (int i = 0; i < rounds; ++i) {
    // Alternate which goes first, so neither always meets a warmer cache.
    for (int j = 0; j < 2; ++j) {
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = cpu_seconds();
      if ((i + j) % 2 == 0) {
        bytes = ours(in);
        stream_wall.push_back(seconds_since(start));
        stream_cpu.push_back(cpu_seconds() - cpu_start);
      } else {
        index = std::make_shared<const vfs::gzip::GzipIndex>(
            must(vfs::gzip::GzipIndex::build(*in.at, in.size), "index build"));
        build_wall.push_back(seconds_since(start));
        build_cpu.push_back(cpu_seconds() - cpu_start);
      }
    }
  }
  auto reader = must(vfs::gzip::IndexedGzipReader::open(*in.at, in.size, index), "indexed");
  std::mt19937_64 rng(42);
  const auto buf = std::make_unique_for_overwrite<char[]>(kOut);
  std::vector<double> with_index;
  for (int i = 0; i < 50; ++i) {
    const std::uint64_t off = rng() % (bytes - kOut);
    const auto start = std::chrono::steady_clock::now();
    if (must(reader->read_at({buf.get(), kOut}, static_cast<std::int64_t>(off)), "read_at") !=
        kOut) {
      die("short read_at");
    }
    with_index.push_back(seconds_since(start));
  }
  std::vector<double> without_index;
  for (int i = 0; i < 5; ++i)
    without_index.push_back(read_without_index(in, rng() % (bytes - kOut)));
  std::printf(
      "{\"bytes\": %llu, \"points\": %zu, \"stream_wall\": %.6f, \"build_wall\": %.6f, "
      "\"stream_cpu\": %.6f, \"build_cpu\": %.6f, \"read_at_index_s\": %.6f, "
      "\"read_at_no_index_s\": %.6f}\n",
      static_cast<unsigned long long>(bytes), index->points().size(), median(stream_wall),
      median(build_wall), median(stream_cpu), median(build_cpu), median(with_index),
      median(without_index));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) die("usage: gzip_bench stream|zlib|inproc FILE.gz [ROUNDS]");
  const std::string mode = argv[1];
  Input in = open_input(argv[2]);
  if (mode == "stream") {
    std::printf("{\"bytes\": %llu}\n", static_cast<unsigned long long>(ours(in)));
  } else if (mode == "zlib") {
    std::printf("{\"bytes\": %llu}\n", static_cast<unsigned long long>(zlib(in)));
  } else if (mode == "inproc") {
    inproc(in, argc > 3 ? std::atoi(argv[3]) : 3);
  } else {
    die("unknown mode " + mode);
  }
  return 0;
}
