// archive_run's contender: one job per process, timed from outside like the
// tar and bsdtar commands it is compared with (see bench/archive_run).
//
//   archive_bench walk ARCHIVE          ArchiveFS::make (index + gzip checkpoints),
//                                       then walk_dir + stat of every entry
//   archive_bench plain ARCHIVE         one plain pass: inflate (no checkpoints)
//                                       and read every header with the tar
//                                       reader make() uses, nothing kept
//   archive_bench plain-libarchive ARCHIVE   the same with libarchive's reader
//   archive_bench random ARCHIVE N      make, then open + read N random entries
//                                       (timed inside: per-entry cost)
//
// Each prints one JSON object: the work done, so archive_run can check that
// every contender did the same. For diagnosis: ARCHIVE_BENCH_PHASES=1 prints
// make's and the walk's times apart (stderr), ARCHIVE_BENCH_SPAN=N sets the
// gzip checkpoint span.
#include <archive_entry.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "archive/handle.h"
#include "archive/tar_reader.h"
#include "archive_source.h"
#include "gzip/gzip_reader.h"
#include "vfs/archive_fs.h"
#include "vfs/stat.h"
#include "vfs/walk.h"

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "archive_bench: %s\n", what.c_str());
  std::exit(1);
}

std::shared_ptr<vfs::ArchiveFS> open_fs(const char* path) {
  vfs::ArchiveOptions options;
  if (const char* span = std::getenv("ARCHIVE_BENCH_SPAN"))
    options.gzip_span = std::strtoull(span, nullptr, 10);
  auto fs = vfs::ArchiveFS::make(path, options);
  if (!fs) die(fs.error().message());
  return *fs;
}

// Every regular file of `fs` (if `keep`), by a walk that also stats every
// entry.
std::vector<std::string> walk_all(vfs::ArchiveFS& fs, std::uint64_t& entries, bool keep,
                                  std::uint64_t& files_seen) {
  std::vector<std::string> files;
  auto st = vfs::walk_dir(fs, ".",
                          [&](std::string_view path, const vfs::DirEntry* e,
                              const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
                            if (err) return *err;
                            auto info = vfs::stat(fs, path);
                            if (!info) return std::move(info).error();
                            ++entries;
                            if (!e->is_dir()) {
                              ++files_seen;
                              if (keep) files.emplace_back(path);
                            }
                            return vfs::WalkAction::proceed;
                          });
  if (!st) die(st.error().message());
  return files;
}

int walk(const char* path) {
  const auto t0 = std::chrono::steady_clock::now();
  auto fs = open_fs(path);
  const auto t1 = std::chrono::steady_clock::now();
  std::uint64_t entries = 0, files = 0;
  walk_all(*fs, entries, /*keep=*/false, files);
  const auto t2 = std::chrono::steady_clock::now();
  const auto points = fs->stats().gzip_points;
  fs.reset();
  const auto t3 = std::chrono::steady_clock::now();
  if (std::getenv("ARCHIVE_BENCH_PHASES")) {
    std::fprintf(stderr, "make %.3f s, walk + stat %.3f s, destroy %.3f s\n",
                 std::chrono::duration<double>(t1 - t0).count(),
                 std::chrono::duration<double>(t2 - t1).count(),
                 std::chrono::duration<double>(t3 - t2).count());
  }
  std::printf("{\"files\": %llu, \"entries\": %llu, \"gzip_points\": %llu}\n",
              static_cast<unsigned long long>(files), static_cast<unsigned long long>(entries),
              static_cast<unsigned long long>(points));
  return 0;
}

// Calls f(gzip reader) over the archive at `path` (no checkpoints).
template <class F>
int with_gunzip(const char* path, F&& f) {
  auto disk = vfs::internal::open_on_disk(path);
  if (!disk) die(disk.error().message());
  vfs::FilePtr& file = disk->file;
  auto* at = dynamic_cast<vfs::ReaderAt*>(file.get());
  vfs::SectionReader raw(*at, 0, file->stat()->size);
  auto gz = vfs::gzip::GzipReader::open(raw);
  if (!gz) die(gz.error().message());
  return f(*gz);
}

// The pass make() does, minus what it keeps: the same inflater and the same
// tar reader, no checkpoints, no index.
int plain(const char* path) {
  return with_gunzip(path, [](vfs::gzip::GzipReader& gz) {
    vfs::archive::TarReader tar(gz);
    std::uint64_t files = 0;
    while (const vfs::archive::TarEntry* e = tar.next()) files += (e->mode & 0170000) == 0100000;
    if (tar.unsupported()) die("the tar reader does not take this archive");
    std::printf("{\"files\": %llu}\n", static_cast<unsigned long long>(files));
    return 0;
  });
}

// The same with libarchive's tar reader (what make() used before it had
// its own, and still uses for what that one does not take).
int plain_libarchive(const char* path) {
  return with_gunzip(path, [&](vfs::gzip::GzipReader& gz) {
    auto h = vfs::archive::Handle::open(vfs::archive::Input{nullptr, 0, &gz}, {}, path);
    if (!h) die(h.error().message());
    std::uint64_t files = 0;
    for (;;) {
      auto e = (*h)->next();
      if (!e) die(e.error().message());
      if (!*e) break;
      files += archive_entry_filetype(*e) == AE_IFREG;
    }
    std::printf("{\"files\": %llu}\n", static_cast<unsigned long long>(files));
    return 0;
  });
}

int random_reads(const char* path, int n) {
  auto fs = open_fs(path);
  std::uint64_t entries = 0, seen = 0;
  const auto files = walk_all(*fs, entries, /*keep=*/true, seen);
  std::mt19937_64 rng(42);
  std::vector<char> buf(64 * 1024);
  std::uint64_t bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    auto f = fs->open(files[rng() % files.size()]);
    if (!f) die(f.error().message());
    for (;;) {
      auto k = (*f)->read(buf);
      if (!k) die(k.error().message());
      if (*k == 0) break;
      bytes += *k;
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"reads\": %d, \"bytes\": %llu, \"seconds\": %.6f, \"per_entry_s\": %.9f}\n", n,
              static_cast<unsigned long long>(bytes), s, s / n);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) die("usage: archive_bench walk|plain|plain-libarchive|random ARCHIVE [N]");
  const std::string mode = argv[1];
  if (mode == "walk") return walk(argv[2]);
  if (mode == "plain") return plain(argv[2]);
  if (mode == "plain-libarchive") return plain_libarchive(argv[2]);
  if (mode == "random" && argc == 4) return random_reads(argv[2], std::atoi(argv[3]));
  die("unknown mode " + mode);
}
