#include "vfs/map_fs.h"

#include "path.h"

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

namespace vfs {

struct MapFS::Node {
  std::string name;                             // full name, "." for the root
  MapFile file;                                 // file.mode has FileMode::dir for a directory
  std::set<std::string, std::less<>> children;  // entry names, for a directory

  bool is_dir() const { return file.mode.is_dir(); }
  FileInfo info() const {
    return FileInfo{std::string(path::base(name)), static_cast<std::int64_t>(file.data.size()),
                    file.mode, file.mod_time};
  }
};

namespace {

using Node = MapFS::Node;

constexpr FileMode kSynthesizedDirMode = FileMode::dir | 0555;  // as fstest.MapFS

// A regular file: a read position over bytes shared with the FS.
class MapOpenFile final : public File, public ReaderAt, public Seeker {
 public:
  explicit MapOpenFile(std::shared_ptr<const Node> node) : node_(std::move(node)) {}

  Result<FileInfo> stat() override {
    if (closed_) return closed("stat");
    return node_->info();
  }

  Result<std::size_t> read(std::span<char> buf) override {
    if (closed_) return closed("read");
    const std::size_t n = copy_at(buf, offset_);
    offset_ += static_cast<std::int64_t>(n);
    return n;
  }

  Result<std::size_t> read_at(std::span<char> buf, std::int64_t offset) override {
    if (closed_) return closed("read");
    if (offset < 0) return Error("read", node_->name, errc::invalid);
    return copy_at(buf, offset);
  }

  Result<std::int64_t> seek(std::int64_t offset, Whence whence) override {
    if (closed_) return closed("seek");
    const std::int64_t base = whence == Whence::begin     ? 0
                              : whence == Whence::current ? offset_
                                                          : size();
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0) {
      return Error("seek", node_->name, errc::invalid);
    }
    offset_ = base + offset;
    return offset_;
  }

  Status close() override {
    if (closed_) return closed("close");
    closed_ = true;
    return {};
  }

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
    return Error(std::string(op), node_->name, errc::closed);
  }

  std::shared_ptr<const Node> node_;
  std::int64_t offset_ = 0;
  bool closed_ = false;
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
    return Error::from_errno("read", node_->name, EISDIR);
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
    return Error(std::string(op), node_->name, errc::closed);
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
// itself, which the caller needs anyway. The key is the node's own name.
// Abseil's flat_hash_map was measured in its place (bench/, MapFS row): 18-21
// M ops/s against 24 M for this index, with the margin over the 2x-Go target
// gone, and a dependency added; this index is small and covered by a
// randomized model test (MapFS.ChurnMatchesModel).
class MapFS::Index {
 public:
  const std::shared_ptr<Node>* find(std::string_view name) const {
    const std::size_t i = slot_of(name);
    return i == kNone ? nullptr : &slots_[i].node;
  }
  std::shared_ptr<Node>* find(std::string_view name) {
    return const_cast<std::shared_ptr<Node>*>(std::as_const(*this).find(name));
  }

  // Adds a node whose name is not in the index yet.
  const std::shared_ptr<Node>& insert(std::shared_ptr<Node> node) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    ++size_;
    const std::size_t h = hash(node->name);
    return place(h, std::move(node));
  }

  // Removes `name`, which is in the index. Later entries of its probe run
  // shift back into the hole (no tombstones, so lookups stay short).
  void erase(std::string_view name) {
    std::size_t hole = slot_of(name);
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
  static constexpr std::size_t kNone = ~std::size_t{0};

  static std::size_t hash(std::string_view name) noexcept {
    return std::hash<std::string_view>{}(name);
  }
  std::size_t mask() const noexcept { return slots_.size() - 1; }
  std::size_t next(std::size_t i) const noexcept { return (i + 1) & mask(); }

  std::size_t slot_of(std::string_view name) const noexcept {
    const std::size_t h = hash(name);
    for (std::size_t i = h & mask(); slots_[i].node; i = next(i)) {
      if (slots_[i].hash == h && slots_[i].node->name == name) return i;
    }
    return kNone;
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
  index_->insert(std::make_shared<Node>(Node{".", MapFile{{}, kSynthesizedDirMode, {}}, {}}));
}

MapFS::MapFS(std::initializer_list<std::pair<std::string, MapFile>> files) : MapFS() {
  for (const auto& [name, file] : files) add(name, file).value();
}

MapFS::~MapFS() = default;

MapFS::MapFS(const MapFS& other) : MapFS() {
  // Every node is reachable from the root; a stack, not recursion, so a deep
  // tree cannot overflow ours.
  std::vector<const Node*> pending{other.find(".")};
  while (!pending.empty()) {
    const Node* node = pending.back();
    pending.pop_back();
    if (node->name == ".") {
      **index_->find(".") = *node;
    } else {
      index_->insert(std::make_shared<Node>(*node));
    }
    for (const std::string& child : node->children)
      pending.push_back(other.find(path::join(node->name, child)));
  }
}

MapFS& MapFS::operator=(const MapFS& other) {
  if (this != &other) *this = MapFS(other);
  return *this;
}

MapFS::MapFS(MapFS&& other) : MapFS() { index_.swap(other.index_); }

MapFS& MapFS::operator=(MapFS&& other) {
  if (this != &other) {
    MapFS taken(std::move(other));  // leaves `other` empty
    index_.swap(taken.index_);
  }
  return *this;
}

std::size_t MapFS::size() const noexcept { return index_->size() - 1; }

const MapFS::Node* MapFS::find(std::string_view name) const {
  const auto* node = std::as_const(*index_).find(name);
  return node ? node->get() : nullptr;
}

Result<std::shared_ptr<const MapFS::Node>> MapFS::lookup(std::string_view op,
                                                         std::string_view name) const {
  // Every name in the index passed valid_path when it was added, so only a
  // name that is not there needs checking, to tell invalid from not_exist.
  const auto* node = std::as_const(*index_).find(name);
  if (node) return std::shared_ptr<const Node>(*node);
  const errc why = valid_path(name) ? errc::not_exist : errc::invalid;
  return Error(std::string(op), std::string(name), why);
}

std::vector<DirEntry> MapFS::entries(const Node& dir) const {
  std::vector<DirEntry> out;
  out.reserve(dir.children.size());
  for (const std::string& child : dir.children)
    out.emplace_back(find(path::join(dir.name, child))->info());
  return out;
}

Status MapFS::add(std::string_view name, MapFile file) {
  if (!valid_path(name) || name == ".") return Error("add", std::string(name), errc::invalid);
  // Make sure every parent is a directory, synthesizing the missing ones.
  Node* parent = index_->find(".")->get();
  for (std::size_t slash = name.find('/'); slash != std::string_view::npos;
       slash = name.find('/', slash + 1)) {
    const std::string_view dir = name.substr(0, slash);
    Node* node = nullptr;
    if (auto* found = index_->find(dir)) {
      node = found->get();
      if (!node->is_dir()) return Error::from_errno("add", std::string(name), ENOTDIR);
    } else {
      parent->children.emplace(path::base(dir));
      auto synthesized =
          std::make_shared<Node>(Node{std::string(dir), MapFile{{}, kSynthesizedDirMode, {}}, {}});
      node = index_->insert(std::move(synthesized)).get();
    }
    parent = node;
  }
  auto* existing = index_->find(name);
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
  auto node = std::make_shared<Node>(Node{std::string(name), std::move(file), {}});
  if (existing) {
    *existing = std::move(node);
  } else {
    parent->children.emplace(path::base(name));
    index_->insert(std::move(node));
  }
  return {};
}

// Erasing moves other entries between slots, never the nodes themselves, so
// `node` stays valid while its children go.
void MapFS::erase_tree(const std::string& name) {
  const Node* node = find(name);
  for (const std::string& child : node->children) erase_tree(path::join(name, child));
  index_->erase(name);
}

Status MapFS::remove(std::string_view name) {
  if (!valid_path(name) || name == ".") return Error("remove", std::string(name), errc::invalid);
  if (!find(name)) return Error("remove", std::string(name), errc::not_exist);
  auto& siblings = (*index_->find(path::dir(name)))->children;
  siblings.erase(siblings.find(path::base(name)));
  erase_tree(std::string(name));
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

Result<std::string> MapFS::read_file(std::string_view name) {
  auto node = lookup("read", name);
  if (!node) return std::move(node).error();
  if ((*node)->is_dir()) return Error::from_errno("read", std::string(name), EISDIR);
  return (*node)->file.data;
}

}  // namespace vfs
