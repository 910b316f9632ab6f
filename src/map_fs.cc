#include "vfs/map_fs.h"

#include <cerrno>
#include <cstring>

namespace vfs {

struct MapFS::Node {
  std::string name;                             // full name, "." for the root
  MapFile file;                                 // file.mode has FileMode::dir for a directory
  std::set<std::string, std::less<>> children;  // entry names, for a directory

  bool is_dir() const { return file.mode.is_dir(); }
  FileInfo info() const {
    const std::size_t slash = name.rfind('/');
    return FileInfo{slash == std::string::npos ? name : name.substr(slash + 1),
                    static_cast<std::int64_t>(file.data.size()), file.mode, file.mod_time};
  }
};

namespace {

using Node = MapFS::Node;

constexpr FileMode kSynthesizedDirMode = FileMode::dir | 0555;  // as fstest.MapFS

std::string_view parent_of(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? std::string_view(".") : name.substr(0, slash);
}

std::string_view base_of(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

std::string join(std::string_view dir, std::string_view name) {
  if (dir == ".") return std::string(name);
  std::string out;
  out.reserve(dir.size() + 1 + name.size());
  out.append(dir).append(1, '/').append(name);
  return out;
}

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

MapFS::MapFS() {
  nodes_.emplace(".", std::make_shared<Node>(Node{".", {{}, kSynthesizedDirMode, {}}, {}}));
}

MapFS::MapFS(std::initializer_list<std::pair<std::string, MapFile>> files) : MapFS() {
  for (const auto& [name, file] : files) add(name, file).value();
}

MapFS::~MapFS() = default;

MapFS::MapFS(const MapFS& other) : FS(other) {
  nodes_.reserve(other.nodes_.size());
  for (const auto& [name, node] : other.nodes_) nodes_.emplace(name, std::make_shared<Node>(*node));
}

MapFS& MapFS::operator=(const MapFS& other) {
  if (this != &other) *this = MapFS(other);
  return *this;
}

MapFS::MapFS(MapFS&& other) : MapFS() { nodes_.swap(other.nodes_); }

MapFS& MapFS::operator=(MapFS&& other) {
  if (this != &other) {
    MapFS taken(std::move(other));  // leaves `other` empty
    nodes_.swap(taken.nodes_);
  }
  return *this;
}

std::size_t MapFS::size() const noexcept { return nodes_.size() - 1; }

const MapFS::Node* MapFS::find(std::string_view name) const {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : it->second.get();
}

Result<std::shared_ptr<const MapFS::Node>> MapFS::lookup(std::string_view op,
                                                         std::string_view name) const {
  if (!valid_path(name)) return Error(std::string(op), std::string(name), errc::invalid);
  auto it = nodes_.find(name);
  if (it == nodes_.end()) return Error(std::string(op), std::string(name), errc::not_exist);
  return std::shared_ptr<const Node>(it->second);
}

std::vector<DirEntry> MapFS::entries(const Node& dir) const {
  std::vector<DirEntry> out;
  out.reserve(dir.children.size());
  for (const std::string& child : dir.children)
    out.emplace_back(find(join(dir.name, child))->info());
  return out;
}

Status MapFS::add(std::string_view name, MapFile file) {
  if (!valid_path(name) || name == ".") return Error("add", std::string(name), errc::invalid);
  // Make sure every parent is a directory, synthesizing the missing ones.
  Node* parent = nodes_.at(".").get();
  for (std::size_t slash = name.find('/'); slash != std::string_view::npos;
       slash = name.find('/', slash + 1)) {
    const std::string_view dir = name.substr(0, slash);
    auto it = nodes_.find(dir);
    if (it == nodes_.end()) {
      parent->children.emplace(base_of(dir));
      auto node =
          std::make_shared<Node>(Node{std::string(dir), MapFile{{}, kSynthesizedDirMode, {}}, {}});
      it = nodes_.emplace(std::string(dir), std::move(node)).first;
    } else if (!it->second->is_dir()) {
      return Error::from_errno("add", std::string(name), ENOTDIR);
    }
    parent = it->second.get();
  }
  auto it = nodes_.find(name);
  if (it != nodes_.end() && it->second->is_dir()) {
    if (!file.mode.is_dir() && !it->second->children.empty()) {
      return Error("add", std::string(name), errc::exist);
    }
    if (file.mode.is_dir()) {  // an explicit mode for a directory that already exists
      it->second->file = std::move(file);
      return {};
    }
  }
  // A new node, so files already open keep the bytes they were opened with.
  auto node = std::make_shared<Node>(Node{std::string(name), std::move(file), {}});
  if (it != nodes_.end()) {
    it->second = std::move(node);
  } else {
    parent->children.emplace(base_of(name));
    nodes_.emplace(std::string(name), std::move(node));
  }
  return {};
}

void MapFS::erase_tree(const std::string& name) {
  auto it = nodes_.find(name);
  for (const std::string& child : it->second->children) erase_tree(join(name, child));
  nodes_.erase(it);
}

Status MapFS::remove(std::string_view name) {
  if (!valid_path(name) || name == ".") return Error("remove", std::string(name), errc::invalid);
  if (!find(name)) return Error("remove", std::string(name), errc::not_exist);
  auto& siblings = nodes_.at(std::string(parent_of(name)))->children;
  siblings.erase(siblings.find(base_of(name)));
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
