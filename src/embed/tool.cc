// vfs-embed: the generator behind the CMake function vfs_embed
// (cmake/vfsEmbed.cmake). It reads the manifest vfs_embed wrote (the options
// and the directory's listing) and writes the C++ source that embeds the
// selected files: a top-level asm statement that .incbin's every file into
// read-only data, and the EmbedFS index over it (names sorted, sizes,
// modification times, SHA-256s, media types, precompressed copies).
//
// A C++ tool rather than a cmake -P script or Python: it hashes and
// compresses (zlib, zstd, brotli), which CMake's language cannot, and a
// consumer of the installed package needs neither Python nor anything but
// this program, which the package installs.
//
// Every output is rewritten only when its content changes, so a build step
// that changes nothing recompiles nothing. Compressed copies are cached by
// the SHA-256 of their input: a rebuild recompresses only changed files.
//
//   vfs-embed MANIFEST
#include "embed/compress.h"
#include "embed/order.h"
#include "embed/sha256.h"
#include "vfs/glob.h"
#include "vfs/media_type.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fsys = std::filesystem;
namespace order = vfs::internal::embed;
using vfs::internal::Sha256;

struct Fail : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Manifest {
  std::string name;
  std::string directory;
  std::string output;
  bool include_hidden = false;
  std::vector<std::string> encodings;
  std::vector<std::string> patterns;
  std::vector<std::string> files;  // relative to directory, every file found
};

Manifest read_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Fail("cannot read manifest " + path);
  Manifest m;
  std::string line;
  if (!std::getline(in, line) || line != "vfs-embed-manifest 1") {
    throw Fail(path + ": not a vfs-embed manifest (version 1)");
  }
  while (std::getline(in, line)) {
    const std::size_t sp = line.find(' ');
    const std::string key = line.substr(0, sp);
    const std::string value = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (key == "name")
      m.name = value;
    else if (key == "directory")
      m.directory = value;
    else if (key == "output")
      m.output = value;
    else if (key == "include_hidden")
      m.include_hidden = value == "1";
    else if (key == "compress")
      m.encodings.push_back(value);
    else if (key == "pattern")
      m.patterns.push_back(value);
    else if (key == "file")
      m.files.push_back(value);
    else
      throw Fail(path + ": unknown line: " + line);
  }
  if (m.name.empty() || m.directory.empty() || m.output.empty()) {
    throw Fail(path + ": name, directory and output are required");
  }
  return m;
}

bool hidden(std::string_view elem) { return !elem.empty() && (elem[0] == '.' || elem[0] == '_'); }

// Go's embed rule: a file is in if some pattern matches it or one of its
// parent directories, and (unless include_hidden) no name below the matched
// one starts with '.' or '_'. So "img/*" takes "img/.keep" but "img" does
// not. No patterns: the whole directory, as if the root were matched.
// Every pattern must take at least one file (it catches typos, as Go does).
std::vector<std::string> select(const Manifest& m) {
  std::vector<std::string> out;
  std::vector<bool> used(m.patterns.size(), false);
  for (const std::string& file : m.files) {
    if (!vfs::valid_path(file) || file == ".")
      throw Fail("cannot embed " + file + ": invalid name");
    for (char c : file) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        throw Fail("cannot embed " + file + ": control character in name");
      }
    }
    // The path's prefixes that end at a name, shortest first: "a", "a/b", "a/b/c".
    std::vector<std::size_t> ends;
    for (std::size_t i = 0; i <= file.size(); ++i) {
      if (i == file.size() || file[i] == '/') ends.push_back(i);
    }
    // hidden_below[k]: some name after prefix k starts with '.' or '_'.
    std::vector<bool> hidden_below(ends.size() + 1, false);
    for (std::size_t k = ends.size(); k-- > 0;) {
      const std::size_t start = k == 0 ? 0 : ends[k - 1] + 1;
      hidden_below[k] =
          hidden_below[k + 1] || hidden(std::string_view(file).substr(start, ends[k] - start));
    }
    // Prefix k (0-based) matched: the names after it are k+1 ... : hidden_below[k+1].
    bool in = false;
    if (m.patterns.empty()) {
      in = m.include_hidden || !hidden_below[0];
    }
    for (std::size_t p = 0; p < m.patterns.size(); ++p) {
      for (std::size_t k = 0; k < ends.size(); ++k) {
        auto matched = vfs::match(m.patterns[p], std::string_view(file).substr(0, ends[k]));
        if (!matched) throw Fail("bad pattern " + m.patterns[p]);
        if (*matched && (m.include_hidden || !hidden_below[k + 1])) {
          in = true;
          used[p] = true;
          break;
        }
      }
    }
    if (in) out.push_back(file);
  }
  for (std::size_t p = 0; p < m.patterns.size(); ++p) {
    if (!used[p]) throw Fail("pattern " + m.patterns[p] + " matches no files in " + m.directory);
  }
  return out;
}

std::string read_whole(const std::string& path, struct stat& st) {
  // O_NOFOLLOW: a symlink is refused, as Go's embed refuses one.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    throw Fail("cannot embed " + path + ": " +
               (errno == ELOOP ? std::string("a symlink") : std::strerror(errno)));
  }
  std::string data;
  try {
    if (::fstat(fd, &st) != 0) throw Fail("fstat " + path + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw Fail("cannot embed " + path + ": not a regular file");
    data.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < data.size()) {
      const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Fail("read " + path + ": " + std::strerror(errno));
      if (n == 0) throw Fail(path + " shrank while being read");
      got += static_cast<std::size_t>(n);
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return data;
}

// Writes `data` to `path` unless it already holds exactly that, through a
// temporary file and a rename, so a reader never sees half a file.
void write_if_changed(const fsys::path& path, std::string_view data) {
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream old;
      old << in.rdbuf();
      if (old.str() == data) return;
    }
  }
  const fsys::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) throw Fail("cannot write " + tmp.string());
  }
  fsys::rename(tmp, path);
}

// The media type by extension, else a two-way sniff: UTF-8 text with no
// control characters but whitespace is text/plain, anything else binary.
std::string_view media_type_of(std::string_view name, std::string_view data) {
  if (auto t = vfs::media_type(name); !t.empty()) return t;
  for (std::size_t i = 0; i < data.size();) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f) {
        return "application/octet-stream";
      }
      ++i;
      continue;
    }
    const std::size_t len = c >= 0xf0 && c < 0xf5   ? 4
                            : c >= 0xe0             ? 3
                            : c >= 0xc2 && c < 0xe0 ? 2
                                                    : 0;
    if (len == 0 || i + len > data.size()) return "application/octet-stream";
    for (std::size_t j = 1; j < len; ++j) {
      if ((static_cast<unsigned char>(data[i + j]) & 0xc0) != 0x80)
        return "application/octet-stream";
    }
    i += len;
  }
  return "text/plain; charset=utf-8";
}

// A string for the assembler: printable ASCII as is, every other byte, '"'
// and '\' as a three-digit octal escape (GNU as reads \ooo in strings).
std::string as_string(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += ch;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    }
  }
  return out + "\"";
}

// A C++ string literal, by the same rule (so no escape sequence can run
// into the next character, and no trigraph or line break can form).
std::string cpp_string(std::string_view s) { return as_string(s); }

struct Copy {
  std::string encoding;
  std::string path;  // the cached compressed file
  std::size_t size;
  std::string sha256;
};

struct Entry {
  std::string name;
  bool dir = false;
  std::string path;  // the source file
  std::size_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;
  std::string media_type;
  std::vector<Copy> copies;
};

void cached_copy(const fsys::path& cache, const std::string& sha, const std::string& encoding,
                 std::string_view data, std::set<std::string>& keep, std::optional<Copy>& copy) {
  const fsys::path file = cache / (sha + "." + encoding);
  const fsys::path skip = cache / (sha + "." + encoding + ".skip");
  keep.insert(file.filename().string());
  keep.insert(skip.filename().string());
  copy.reset();
  if (fsys::exists(skip)) return;
  std::string bytes;
  if (fsys::exists(file)) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    bytes = s.str();
  } else {
    std::string error;
    auto out = order::compress(encoding, data, error);
    if (!out) throw Fail(encoding + ": " + error);
    // A copy no smaller than the file would only cost a client time.
    if (out->size() >= data.size()) {
      write_if_changed(skip, "");
      return;
    }
    bytes = std::move(*out);
    write_if_changed(file, bytes);
  }
  copy = Copy{encoding, file.string(), bytes.size(), Sha256::hex(bytes)};
  return;
}

std::string generate(const Manifest& m, const std::vector<Entry>& entries,
                     std::int64_t root_mtime) {
  const std::string sym = "vfs_embed_" + m.name + "_";
  std::ostringstream cc;
  cc << "// Generated by vfs-embed for vfs_embed(... NAME " << m.name << " DIRECTORY "
     << m.directory << "). Do not edit.\n"
     << "#include \"vfs/embedded/" << m.name << ".h\"\n\n"
     << "// The bytes, assembled straight from the files (.incbin): the compiler never\n"
     << "// sees them. Each is 16-byte aligned; the assembler checks that each file\n"
     << "// still has the size recorded below.\n"
     << "asm(\".pushsection .rodata.vfs_embed." << m.name << ",\\\"a\\\",@progbits\\n\"\n";
  auto line = [&](const std::string& text) {
    std::string escaped;
    for (char c : text) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    cc << "    \"" << escaped << "\\n\"\n";
  };
  auto blob = [&](const std::string& label, const std::string& path, std::size_t size) {
    line(".balign 16");
    line(".globl " + label);
    line(".hidden " + label);
    line(".type " + label + ", @object");
    line(".size " + label + ", " + std::to_string(size));
    line(label + ":");
    line(".incbin " + as_string(path));
    line(".if . - " + label + " != " + std::to_string(size));
    line(".error " + as_string(path + " changed size since vfs-embed ran: build again"));
    line(".endif");
  };
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (e.dir) continue;
    blob(sym + std::to_string(i), e.path, e.size);
    for (const Copy& c : e.copies) blob(sym + std::to_string(i) + "_" + c.encoding, c.path, c.size);
  }
  line(".popsection");
  cc << ");\n\n";

  cc << "extern \"C\" {\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (e.dir) continue;
    cc << "__attribute__((visibility(\"hidden\"))) extern const char " << sym << i << "[];\n";
    for (const Copy& c : e.copies) {
      cc << "__attribute__((visibility(\"hidden\"))) extern const char " << sym << i << "_"
         << c.encoding << "[];\n";
    }
  }
  cc << "}\n\nnamespace {\n\n";

  std::size_t total_copies = 0;
  for (const Entry& e : entries) total_copies += e.copies.size();
  if (total_copies > 0) {
    cc << "constexpr vfs::EncodedCopy kEncoded[] = {\n";
    for (std::size_t i = 0; i < entries.size(); ++i) {
      for (const Copy& c : entries[i].copies) {
        cc << "    {" << cpp_string(c.encoding) << ", {" << sym << i << "_" << c.encoding << ", "
           << c.size << "}, " << cpp_string(c.sha256) << "},\n";
      }
    }
    cc << "};\n\n";
  }
  if (!entries.empty()) {
    cc << "constexpr vfs::EmbedEntry kEntries[] = {\n";
    std::size_t copy_index = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const Entry& e = entries[i];
      cc << "    {" << cpp_string(e.name) << ", ";
      if (e.dir) {
        cc << "{}, " << e.mtime_ns << ", vfs::FileMode::dir | 0555, {}},\n";
        continue;
      }
      cc << "{" << sym << i << ", " << e.size << "}, " << e.mtime_ns << ", 0444,\n     {"
         << cpp_string(e.sha256) << ", " << cpp_string(e.media_type) << ", ";
      if (e.copies.empty()) {
        cc << "{}";
      } else {
        cc << "{kEncoded + " << copy_index << ", " << e.copies.size() << "}";
      }
      cc << "}},\n";
      copy_index += e.copies.size();
    }
    cc << "};\n\n";
  }
  cc << "}  // namespace\n\n"
     << "vfs::EmbedFS& vfs::embedded::" << m.name << "() {\n"
     << "  // Never destroyed, so it can be used until the process ends, from any thread.\n"
     << "  static vfs::EmbedFS& fs = *new vfs::EmbedFS(" << (entries.empty() ? "{}" : "kEntries")
     << ", " << root_mtime << ");\n"
     << "  return fs;\n}\n";
  return cc.str();
}

void run(const std::string& manifest_path) {
  const Manifest m = read_manifest(manifest_path);
  for (const std::string& enc : m.encodings) {
    if (!order::have_encoder(enc)) {
      throw Fail("COMPRESS " + enc + ": this vfs-embed was built without that encoder");
    }
  }
  std::optional<std::int64_t> epoch;
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH"); sde && *sde) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(sde, &end, 10);
    if (*end != '\0' || errno != 0 || v < 0)
      throw Fail("SOURCE_DATE_EPOCH is not a number of seconds");
    epoch = static_cast<std::int64_t>(v) * 1'000'000'000;
  }

  const fsys::path out(m.output);
  const fsys::path cache = out / "z";
  fsys::create_directories(cache);
  std::set<std::string> keep;

  std::vector<Entry> entries;
  std::map<std::string, std::int64_t> dirs;  // name -> newest mtime below it
  std::int64_t root_mtime = epoch.value_or(0);
  for (const std::string& name : select(m)) {
    Entry e;
    e.name = name;
    e.path = (fsys::path(m.directory) / name).string();
    struct stat st;
    const std::string data = read_whole(e.path, st);
    e.size = data.size();
    e.mtime_ns =
        epoch ? *epoch
              : static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    e.sha256 = Sha256::hex(data);
    e.media_type = media_type_of(name, data);
    for (const std::string& enc : m.encodings) {
      std::optional<Copy> copy;
      cached_copy(cache, e.sha256, enc, data, keep, copy);
      if (copy) e.copies.push_back(std::move(*copy));
    }
    root_mtime = std::max(root_mtime, e.mtime_ns);
    for (std::string_view d = order::split(name).first; d != "."; d = order::split(d).first) {
      auto& t = dirs[std::string(d)];
      t = std::max(t, e.mtime_ns);
    }
    entries.push_back(std::move(e));
  }
  for (const auto& [name, mtime] : dirs) {
    Entry d;
    d.name = name;
    d.dir = true;
    d.mtime_ns = mtime;
    entries.push_back(std::move(d));
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return order::name_before(a.name, b.name); });

  write_if_changed(out / "embed.cc", generate(m, entries, root_mtime));
  // Copies of files that are gone or changed.
  for (const auto& f : fsys::directory_iterator(cache)) {
    if (!keep.count(f.path().filename().string())) fsys::remove(f.path());
  }
  // The build's record that this ran (embed.cc may be unchanged).
  std::ofstream(out / "stamp", std::ios::trunc) << "ok\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: vfs-embed MANIFEST (written by the CMake function vfs_embed)\n");
    return 2;
  }
  try {
    run(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vfs-embed: %s\n", e.what());
    return 1;
  }
  return 0;
}
