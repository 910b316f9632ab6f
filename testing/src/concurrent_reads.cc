#include "concurrent_reads.h"

#include <latch>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "format.h"
#include "vfs/read_file.h"

namespace vfs::testing::internal {
namespace {

struct Target {
  const Sample* sample;
  FilePtr shared;                 // kept open for the whole check
  ReaderAt* reader_at = nullptr;  // into `shared`, if the file has it
};

std::optional<std::string> compare(std::string_view what, const Result<std::string>& got,
                                   std::string_view want) {
  if (!got) return std::string(what) + ": " + got.error().message();
  if (auto d = diff(*got, want); !d.empty()) return std::string(what) + ": " + d;
  return std::nullopt;
}

Result<std::string> open_and_read(FS& fs, const std::string& name) {
  auto file = fs.open(name);
  if (!file) return std::move(file).error();
  return read_all(**file);
}

// Reads the whole file through the shared handle, in chunks whose size
// depends on the thread so that threads overlap at different offsets.
Result<std::string> read_at_chunks(ReaderAt& reader, std::size_t size, int thread) {
  const std::size_t chunk = size / 4 + 1 + static_cast<std::size_t>(thread);
  std::string out;
  std::string buf(chunk, '\0');
  for (std::size_t offset = 0; offset < size; offset += chunk) {
    auto n = reader.read_at(buf, static_cast<std::int64_t>(offset));
    if (!n) return std::move(n).error();
    out.append(buf.data(), *n);
    if (*n < chunk) break;
  }
  return out;
}

struct ThreadFinding {
  std::size_t target;
  std::string way;
  std::string message;
};

std::vector<ThreadFinding> read_all_targets(FS& fs, const std::vector<Target>& targets, int thread,
                                            int threads, std::latch& start) {
  std::vector<ThreadFinding> out;
  const std::size_t n = targets.size();
  const std::size_t first =
      n * static_cast<std::size_t>(thread) / static_cast<std::size_t>(threads);
  const auto note = [&](std::size_t i, std::string way, std::optional<std::string> problem) {
    if (problem) out.push_back({i, std::move(way), std::move(*problem)});
  };
  start.arrive_and_wait();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (first + k) % n;
    const Sample& s = *targets[i].sample;
    note(i, "read_file", compare("read_file", vfs::read_file(fs, s.name), s.content));
    note(i, "open+read", compare("open+read", open_and_read(fs, s.name), s.content));
    if (targets[i].reader_at != nullptr) {
      note(i, "read_at",
           compare("read_at on a shared handle",
                   read_at_chunks(*targets[i].reader_at, s.content.size(), thread), s.content));
    }
  }
  return out;
}

std::vector<Target> open_targets(FS& fs, const std::vector<Sample>& samples) {
  std::vector<Target> targets;
  for (const Sample& s : samples) {
    Target t{&s, nullptr};
    if (auto file = fs.open(s.name)) {
      t.shared = std::move(*file);
      t.reader_at = dynamic_cast<ReaderAt*>(t.shared.get());
    }
    targets.push_back(std::move(t));
  }
  return targets;
}

}  // namespace

std::vector<Finding> check_concurrent_reads(FS& fs, const std::vector<Sample>& samples,
                                            int threads) {
  if (threads < 2 || samples.empty()) return {};
  const std::vector<Target> targets = open_targets(fs, samples);
  std::vector<std::vector<ThreadFinding>> results(static_cast<std::size_t>(threads));
  std::latch start(threads);
  {
    std::vector<std::jthread> pool;
    try {
      for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
          results[static_cast<std::size_t>(t)] = read_all_targets(fs, targets, t, threads, start);
        });
      }
    } catch (...) {
      // Release the threads that did start, or joining them would hang.
      start.count_down(threads - static_cast<int>(pool.size()));
      throw;
    }
  }  // the jthreads join here
  std::vector<Finding> findings;
  std::set<std::pair<std::size_t, std::string>> seen;
  for (int t = 0; t < threads; ++t) {
    for (ThreadFinding& f : results[static_cast<std::size_t>(t)]) {
      if (!seen.emplace(f.target, f.way).second) continue;
      findings.push_back({targets[f.target].sample->name, "concurrent " + f.message + " (thread " +
                                                              std::to_string(t) + " of " +
                                                              std::to_string(threads) + ")"});
    }
  }
  return findings;
}

}  // namespace vfs::testing::internal
