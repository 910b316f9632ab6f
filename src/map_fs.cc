#include "vfs/map_fs.h"

#include "path.h"
#include "resolve.h"

#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

namespace vfs {
namespace internal {

// The hash of a name, kept as a running state so that the hash of a longer
// name follows from a prefix's state and the extra bytes alone: add() hashes
// every parent directory of a name in one pass over it, and a child's hash
// comes from its parent's state, so a path n levels deep costs n, not n^2.
// 8-byte words through xxHash64's round, finished with murmur3's fmix64.
class NameHash {
 public:
  void append(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t n = s.size();
    for (; n > 0 && (len_ & 7) != 0; --n) add_byte(*p++);  // complete a partial word
    for (; n >= 8; n -= 8, p += 8) {
      acc_ = round(acc_, load<std::uint64_t>(p));
      len_ += 8;
    }
    if (n > 0) {
      tail_ = load_short(p, n);
      len_ += n;
    }
  }

  std::size_t value() const noexcept {
    std::uint64_t h = round(acc_, tail_) ^ len_;
    h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdULL;
    h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ULL;
    return static_cast<std::size_t>(h ^ (h >> 33));
  }

 private:
  static std::uint64_t round(std::uint64_t acc, std::uint64_t word) noexcept {
    return std::rotl(acc + word * 0xC2B2AE3D27D4EB4FULL, 31) * 0x9E3779B185EBCA87ULL;
  }
  // A Word's bytes (8 or 4), the first in the low bits whatever the byte order.
  template <class Word>
  static std::uint64_t load(const unsigned char* p) noexcept {
    Word w;
    std::memcpy(&w, p, sizeof w);
    if constexpr (std::endian::native == std::endian::big) {
      if constexpr (sizeof w == 8) {
        w = __builtin_bswap64(w);
      } else {
        w = __builtin_bswap32(w);
      }
    }
    return w;
  }
  // 1 to 7 bytes, as load() would put them, by whole loads that overlap
  // rather than a byte loop: a word written a byte at a time and then read
  // whole stalls the read (store forwarding fails).
  static std::uint64_t load_short(const unsigned char* p, std::size_t n) noexcept {
    if (n >= 4) return load<std::uint32_t>(p) | load<std::uint32_t>(p + n - 4) << (8 * (n - 4));
    return std::uint64_t{p[0]} | std::uint64_t{p[n / 2]} << (8 * (n / 2)) |
           std::uint64_t{p[n - 1]} << (8 * (n - 1));
  }
  void add_byte(unsigned char c) noexcept {
    tail_ |= std::uint64_t{c} << (8 * (len_ & 7));
    if ((++len_ & 7) == 0) {
      acc_ = round(acc_, tail_);
      tail_ = 0;
    }
  }

  std::uint64_t acc_ = 0x27D4EB2F165667C5ULL;  // the whole words so far
  std::uint64_t tail_ = 0;                     // the bytes after them
  std::uint64_t len_ = 0;
};

}  // namespace internal

using internal::NameHash;

struct MapFS::Node {
  // The full name ("." for the root). The directories that add() makes for
  // a name keep prefixes of one copy of it (`shared`, `len`; `own` empty):
  // a path n levels deep is stored once, not n times (n^2 bytes). Every
  // other node owns its name, so a lookup compares it with no further
  // pointer to follow; it and `file` come first, in the cache line that
  // open + read touch.
  std::string own;
  MapFile file;  // file.mode has FileMode::dir for a directory
  std::shared_ptr<const std::string> shared;
  std::size_t len = 0;
  std::size_t hash = 0;  // NameHash of the name: the index's key
  NameHash prefix;       // NameHash state of the name and a "/" ("" for the root)
  std::set<std::string, std::less<>> children;  // entry names, for a directory

  std::string_view name() const noexcept {
    return own.empty() ? std::string_view(shared->data(), len) : std::string_view(own);
  }
  bool is_root() const noexcept { return name() == "."; }
  bool is_dir() const { return file.mode.is_dir(); }
  bool is_symlink() const { return file.mode.is_symlink(); }
  FileInfo info() const {
    return FileInfo{std::string(path::base(name())), static_cast<std::int64_t>(file.data.size()),
                    file.mode, file.mod_time};
  }
};

namespace {

using Node = MapFS::Node;

constexpr FileMode kSynthesizedDirMode = FileMode::dir | 0555;  // as fstest.MapFS

// The node for entry `base` of directory `dir`, its name not yet set.
std::shared_ptr<Node> make_child(const Node& dir, std::string_view base, MapFile file) {
  auto node = std::make_shared<Node>();
  node->prefix = dir.prefix;
  node->prefix.append(base);
  node->hash = node->prefix.value();
  node->prefix.append("/");
  node->file = std::move(file);
  return node;
}

// A regular file: a read position over bytes shared with the FS.
class MapOpenFile final : public ContentsFile, public ReaderAt, public Seeker {
 public:
  explicit MapOpenFile(std::shared_ptr<const Node> node) : node_(std::move(node)) {}

  Result<FileInfo> stat() override {
    if (closed_.load(std::memory_order_relaxed)) return closed("stat");
    return node_->info();
  }

  Result<std::size_t> read(std::span<char> buf) override {
    if (closed_.load(std::memory_order_relaxed)) return closed("read");
    const std::size_t n = copy_at(buf, offset_);
    offset_ += static_cast<std::int64_t>(n);
    return n;
  }

  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    if (closed_.load(std::memory_order_relaxed)) return closed("read");
    if (offset < 0) return Error("read", std::string(node_->name()), errc::invalid);
    return copy_at(buf, offset);
  }

  Result<std::int64_t> seek(std::int64_t offset, Whence whence) override {
    if (closed_.load(std::memory_order_relaxed)) return closed("seek");
    const std::int64_t base = whence == Whence::begin     ? 0
                              : whence == Whence::current ? offset_
                                                          : size();
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0) {
      return Error("seek", std::string(node_->name()), errc::invalid);
    }
    offset_ = base + offset;
    return offset_;
  }

  Status close() override {
    if (closed_.exchange(true, std::memory_order_relaxed)) return closed("close");
    return {};
  }

  // The node is ours while the file object lives: valid after close too.
  std::string_view contents() const noexcept override { return node_->file.data; }

 private:
  std::int64_t size() const { return static_cast<std::int64_t>(node_->file.data.size()); }

  std::size_t copy_at(std::span<char> buf, std::int64_t offset) const {
    // An empty span may have a null data(), and memcpy from or to null is
    // undefined even for zero bytes.
    if (offset >= size() || buf.empty()) return 0;
    const std::size_t n = std::min(buf.size(), static_cast<std::size_t>(size() - offset));
    std::memcpy(buf.data(), node_->file.data.data() + offset, n);
    return n;
  }

  Error closed(std::string_view op) const {
    return Error(std::string(op), std::string(node_->name()), errc::closed);
  }

  std::shared_ptr<const Node> node_;  // the bytes stay while the file is open, closed or not
  std::int64_t offset_ = 0;
  // Atomic: close() may run while read_at() calls are in flight on other
  // threads (reader.h); they read the shared bytes, which stay valid.
  std::atomic<bool> closed_{false};
};

// A directory: its entries as of open, handed out by read_dir(n).
class MapDirFile final : public ReadDirFile {
 public:
  MapDirFile(std::shared_ptr<const Node> node, std::vector<DirEntry> entries)
      : node_(std::move(node)), entries_(std::move(entries)) {}

  Result<FileInfo> stat() override {
    if (closed_) return closed("stat");
    return node_->info();
  }

  Result<std::size_t> read(std::span<char>) override {
    if (closed_) return closed("read");
    return Error::from_errno("read", std::string(node_->name()), EISDIR);
  }

  Result<std::vector<DirEntry>> read_dir(int n) override {
    if (closed_) return closed("readdir");
    const std::size_t left = entries_.size() - next_;
    const std::size_t count = n <= 0 ? left : std::min(left, static_cast<std::size_t>(n));
    std::vector<DirEntry> out(entries_.begin() + static_cast<std::ptrdiff_t>(next_),
                              entries_.begin() + static_cast<std::ptrdiff_t>(next_ + count));
    next_ += count;
    return out;
  }

  Status close() override {
    if (closed_) return closed("close");
    closed_ = true;
    return {};
  }

 private:
  Error closed(std::string_view op) const {
    return Error(std::string(op), std::string(node_->name()), errc::closed);
  }

  std::shared_ptr<const Node> node_;
  std::vector<DirEntry> entries_;
  std::size_t next_ = 0;
  bool closed_ = false;
};

}  // namespace

// Name -> node, the one lookup of every open and stat: open addressing with
// linear probing over a power-of-two array of {hash, node}, at most 3/4 full.
// std::unordered_map walks two dependent pointers before it reaches an entry
// (bucket -> the node *before* the entry -> the entry), each a cache miss in
// a large FS; here a lookup is a probe into a compact array, then the node
// itself, which the caller needs anyway. The key is the node's name, by
// NameHash, so a child's slot can be found from its directory's node.
// Abseil's flat_hash_map was measured in its place (bench/, MapFS row): 18-21
// M ops/s against 24 M for this index, with the margin over the 2x-Go target
// gone, and a dependency added; this index is small and covered by a
// randomized model test (MapFS.ChurnMatchesModel).
class MapFS::Index {
 public:
  const std::shared_ptr<Node>* find(std::string_view name) const {
    NameHash h;
    h.append(name);
    return find_if(h.value(), [name](const Node& node) { return node.name() == name; });
  }

  // The entry `base` of directory `dir`, hashed from dir's state. When the
  // two share a name buffer (see Node::shared) only `base` is compared, so
  // going down a path n levels deep costs about its length, not n times it.
  const std::shared_ptr<Node>* find_child(const Node& dir, std::string_view base) const {
    NameHash h = dir.prefix;
    h.append(base);
    const std::string_view dir_name = dir.is_root() ? std::string_view() : dir.name();
    const std::size_t start = dir_name.empty() ? 0 : dir_name.size() + 1;  // after a "/"
    return find_if(h.value(), [&](const Node& node) {
      const std::string_view name = node.name();
      if (name.size() != start + base.size() || name.substr(start) != base) return false;
      if (start == 0) return true;
      if (name[start - 1] != '/') return false;
      return (node.shared && node.shared == dir.shared) || name.substr(0, start - 1) == dir_name;
    });
  }

  std::shared_ptr<Node>* find(std::string_view name) {
    return const_cast<std::shared_ptr<Node>*>(std::as_const(*this).find(name));
  }
  std::shared_ptr<Node>* find_child(const Node& dir, std::string_view base) {
    return const_cast<std::shared_ptr<Node>*>(std::as_const(*this).find_child(dir, base));
  }

  // Adds a node whose name is not in the index yet.
  const std::shared_ptr<Node>& insert(std::shared_ptr<Node> node) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    ++size_;
    const std::size_t h = node->hash;
    return place(h, std::move(node));
  }

  // Removes `node`, which is in the index. Later entries of its probe run
  // shift back into the hole (no tombstones, so lookups stay short).
  void erase(const Node& node) {
    std::size_t hole = node.hash & mask();
    while (slots_[hole].node.get() != &node) hole = next(hole);
    for (std::size_t j = next(hole); slots_[j].node; j = next(j)) {
      // slots_[j] may fill the hole unless its home slot lies in (hole, j].
      const std::size_t home = slots_[j].hash & mask();
      if (((j - home) & mask()) >= ((j - hole) & mask())) {
        slots_[hole] = std::move(slots_[j]);
        hole = j;
      }
    }
    slots_[hole] = Slot{};
    --size_;
  }

  std::size_t size() const noexcept { return size_; }

 private:
  struct Slot {
    std::size_t hash = 0;
    std::shared_ptr<Node> node;  // null: empty
  };

  std::size_t mask() const noexcept { return slots_.size() - 1; }
  std::size_t next(std::size_t i) const noexcept { return (i + 1) & mask(); }

  // The slot holding a node with hash `h` for which `is` holds.
  template <class Is>
  const std::shared_ptr<Node>* find_if(std::size_t h, const Is& is) const {
    for (std::size_t i = h & mask(); slots_[i].node; i = next(i)) {
      if (slots_[i].hash == h && is(*slots_[i].node)) return &slots_[i].node;
    }
    return nullptr;
  }

  const std::shared_ptr<Node>& place(std::size_t h, std::shared_ptr<Node> node) {
    std::size_t i = h & mask();
    while (slots_[i].node) i = next(i);
    slots_[i] = Slot{h, std::move(node)};
    return slots_[i].node;
  }

  void grow() {
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(slots_.size() * 2));
    for (Slot& s : old) {
      if (s.node) place(s.hash, std::move(s.node));
    }
  }

  std::vector<Slot> slots_ = std::vector<Slot>(16);
  std::size_t size_ = 0;
};

MapFS::MapFS() : index_(std::make_unique<Index>()) {
  auto root = std::make_shared<Node>();
  root->own = ".";
  NameHash h;
  h.append(".");
  root->hash = h.value();
  // root->prefix stays empty: its entries' names have no "./".
  root->file = MapFile{{}, kSynthesizedDirMode, {}};
  index_->insert(std::move(root));
}

MapFS::MapFS(std::initializer_list<std::pair<std::string, MapFile>> files) : MapFS() {
  for (const auto& [name, file] : files) add(name, file).value();
}

MapFS::~MapFS() = default;

MapFS::MapFS(const MapFS& other) : MapFS() {
  has_symlinks_ = other.has_symlinks_;
  // Every node is reachable from the root; a stack, not recursion, so a deep
  // tree cannot overflow ours.
  std::vector<const Node*> pending{other.find(".")};
  while (!pending.empty()) {
    const Node* node = pending.back();
    pending.pop_back();
    if (node->is_root()) {
      **index_->find(".") = *node;
    } else {
      index_->insert(std::make_shared<Node>(*node));
    }
    for (const std::string& child : node->children)
      pending.push_back(other.find_child(*node, child));
  }
}

MapFS& MapFS::operator=(const MapFS& other) {
  if (this != &other) *this = MapFS(other);
  return *this;
}

MapFS::MapFS(MapFS&& other) : MapFS() {
  index_.swap(other.index_);
  std::swap(has_symlinks_, other.has_symlinks_);
}

MapFS& MapFS::operator=(MapFS&& other) {
  if (this != &other) {
    MapFS taken(std::move(other));  // leaves `other` empty
    index_.swap(taken.index_);
    std::swap(has_symlinks_, taken.has_symlinks_);
  }
  return *this;
}

std::size_t MapFS::size() const noexcept { return index_->size() - 1; }

const MapFS::Node* MapFS::find(std::string_view name) const {
  const auto* node = std::as_const(*index_).find(name);
  return node ? node->get() : nullptr;
}

const MapFS::Node* MapFS::find_child(const Node& dir, std::string_view base) const {
  const auto* node = std::as_const(*index_).find_child(dir, base);
  return node ? node->get() : nullptr;
}

Result<std::shared_ptr<const MapFS::Node>> MapFS::lookup(std::string_view op, std::string_view name,
                                                         bool follow) const {
  // A name in the index is a path of real directories (add() refuses a name
  // below a symlink), so only a name that is not there, or is a link to
  // follow, takes the walk. Every name in the index passed valid_path when
  // it was added.
  const auto* node = std::as_const(*index_).find(name);
  if (node && !(follow && (*node)->is_symlink())) return std::shared_ptr<const Node>(*node);
  if (!valid_path(name)) return Error(std::string(op), std::string(name), errc::invalid);
  if (!node && !has_symlinks_) return Error(std::string(op), std::string(name), errc::not_exist);
  return resolve(op, name, follow);
}

// The index as a tree for internal::resolve.
class MapFS::Tree {
 public:
  using Node = const std::shared_ptr<MapFS::Node>*;
  explicit Tree(const Index& index) : index_(index) {}
  Node root() const { return index_.find("."); }
  bool is_root(Node n) const { return (*n)->is_root(); }
  Node parent(Node n) const { return index_.find(path::dir((*n)->name())); }
  std::optional<Node> child(Node dir, std::string_view elem) const {
    if (Node c = index_.find_child(**dir, elem)) return c;
    return std::nullopt;
  }
  bool is_dir(Node n) const { return (*n)->is_dir(); }
  bool is_symlink(Node n) const { return (*n)->is_symlink(); }
  Result<std::string> link_target(Node n) const { return (*n)->file.data; }

 private:
  const Index& index_;
};

Result<std::shared_ptr<const MapFS::Node>> MapFS::resolve(std::string_view op,
                                                          std::string_view name,
                                                          bool follow) const {
  auto node = internal::resolve(Tree(*index_), op, name, follow);
  if (!node) return std::move(node).error();
  return std::shared_ptr<const Node>(**node);
}

std::vector<DirEntry> MapFS::entries(const Node& dir) const {
  std::vector<DirEntry> out;
  out.reserve(dir.children.size());
  for (const std::string& child : dir.children) out.emplace_back(find_child(dir, child)->info());
  return out;
}

Status MapFS::add(std::string_view name, MapFile file) {
  if (!valid_path(name) || name == ".") return Error("add", std::string(name), errc::invalid);
  std::shared_ptr<const std::string> shared;  // the name, for the directories made for it
  // Make sure every parent is a directory, synthesizing the missing ones.
  Node* parent = index_->find(".")->get();
  std::size_t start = 0;
  for (std::size_t slash = name.find('/'); slash != std::string_view::npos;
       slash = name.find('/', start)) {
    const std::string_view base = name.substr(start, slash - start);
    Node* node = nullptr;
    if (auto* found = index_->find_child(*parent, base)) {
      node = found->get();
      if (!node->is_dir()) return Error::from_errno("add", std::string(name), ENOTDIR);
    } else {
      parent->children.emplace(base);
      auto dir = make_child(*parent, base, MapFile{{}, kSynthesizedDirMode, {}});
      if (!shared) shared = std::make_shared<const std::string>(name);
      dir->shared = shared;
      dir->len = slash;
      node = index_->insert(std::move(dir)).get();
    }
    parent = node;
    start = slash + 1;
  }
  const std::string_view base = name.substr(start);
  auto* existing = index_->find_child(*parent, base);
  if (existing && (*existing)->is_dir()) {
    if (!file.mode.is_dir() && !(*existing)->children.empty()) {
      return Error("add", std::string(name), errc::exist);
    }
    if (file.mode.is_dir()) {  // an explicit mode for a directory that already exists
      (*existing)->file = std::move(file);
      return {};
    }
  }
  // A new node, so files already open keep the bytes they were opened with.
  if (file.mode.is_symlink()) has_symlinks_ = true;
  auto node = make_child(*parent, base, std::move(file));
  node->own = name;
  if (existing) {
    *existing = std::move(node);
  } else {
    parent->children.emplace(base);
    index_->insert(std::move(node));
  }
  return {};
}

// A loop, not recursion: a tree may be thousands of levels deep, and this
// may run on a fiber's small stack.
void MapFS::erase_tree(const Node& top) {
  std::vector<const Node*> pending{&top};
  while (!pending.empty()) {
    const Node* node = pending.back();
    pending.pop_back();
    for (const std::string& child : node->children) pending.push_back(find_child(*node, child));
    index_->erase(*node);  // may free `node`: its children were found first
  }
}

Status MapFS::remove(std::string_view name) {
  if (!valid_path(name) || name == ".") return Error("remove", std::string(name), errc::invalid);
  const Node* node = find(name);
  if (!node) return Error("remove", std::string(name), errc::not_exist);
  auto& siblings = (*index_->find(path::dir(name)))->children;
  siblings.erase(siblings.find(path::base(name)));
  erase_tree(*node);
  return {};
}

Result<FilePtr> MapFS::open(std::string_view name) {
  auto node = lookup("open", name);
  if (!node) return std::move(node).error();
  if (!(*node)->is_dir()) return FilePtr(std::make_unique<MapOpenFile>(std::move(*node)));
  auto list = entries(**node);
  return FilePtr(std::make_unique<MapDirFile>(std::move(*node), std::move(list)));
}

Result<FileInfo> MapFS::stat(std::string_view name) {
  auto node = lookup("stat", name);
  if (!node) return std::move(node).error();
  return (*node)->info();
}

Result<std::vector<DirEntry>> MapFS::read_dir(std::string_view name) {
  auto node = lookup("readdir", name);
  if (!node) return std::move(node).error();
  if (!(*node)->is_dir()) return Error::from_errno("readdir", std::string(name), ENOTDIR);
  return entries(**node);
}

Result<std::string> MapFS::read_link(std::string_view name) {
  auto node = lookup("readlink", name, /*follow=*/false);
  if (!node) return std::move(node).error();
  if (!(*node)->is_symlink()) return Error("readlink", std::string(name), errc::invalid);
  return (*node)->file.data;
}

Result<FileInfo> MapFS::lstat(std::string_view name) {
  auto node = lookup("lstat", name, /*follow=*/false);
  if (!node) return std::move(node).error();
  return (*node)->info();
}

Result<std::string> MapFS::read_file(std::string_view name) {
  return contents(name).transform([](std::string_view data) { return std::string(data); });
}

Result<std::string_view> MapFS::contents(std::string_view name) {
  auto node = lookup("read", name);
  if (!node) return std::move(node).error();
  if ((*node)->is_dir()) return Error::from_errno("read", std::string(name), EISDIR);
  // The index keeps the node (and its bytes) until the name is replaced or removed.
  return std::string_view((*node)->file.data);
}

}  // namespace vfs
