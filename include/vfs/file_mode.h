// FileMode: a file's type and permission bits, with Go's fs.FileMode layout
// so that modes print and compare the same way ("drwxr-xr-x").
#pragma once

#include <cstdint>
#include <string>

namespace vfs {

class FileMode {
 public:
  using Bits = std::uint32_t;

  // Type bits, most significant first, in the order to_string() prints them.
  static constexpr Bits dir = 1u << 31;          // d
  static constexpr Bits append = 1u << 30;       // a
  static constexpr Bits exclusive = 1u << 29;    // l
  static constexpr Bits temporary = 1u << 28;    // T
  static constexpr Bits symlink = 1u << 27;      // L
  static constexpr Bits device = 1u << 26;       // D
  static constexpr Bits named_pipe = 1u << 25;   // p
  static constexpr Bits socket = 1u << 24;       // S
  static constexpr Bits setuid = 1u << 23;       // u
  static constexpr Bits setgid = 1u << 22;       // g
  static constexpr Bits char_device = 1u << 21;  // c
  static constexpr Bits sticky = 1u << 20;       // t
  static constexpr Bits irregular = 1u << 19;    // ?

  // The bits that say what kind of file this is (none set: a regular file).
  static constexpr Bits type_mask =
      dir | symlink | named_pipe | socket | device | char_device | irregular;
  static constexpr Bits perm_mask = 0777;

  constexpr FileMode() = default;
  constexpr FileMode(Bits bits) : bits_(bits) {}  // NOLINT: modes are built from bit masks

  constexpr Bits bits() const { return bits_; }
  constexpr bool is_dir() const { return (bits_ & dir) != 0; }
  constexpr bool is_regular() const { return (bits_ & type_mask) == 0; }
  constexpr bool is_symlink() const { return (bits_ & symlink) != 0; }
  constexpr FileMode perm() const { return bits_ & perm_mask; }
  constexpr FileMode type() const { return bits_ & type_mask; }

  // Go's FileMode.String(): type letters (or "-"), then rwxrwxrwx.
  std::string to_string() const;

  // The mode of a POSIX st_mode value.
  static FileMode from_posix(unsigned st_mode);

  friend constexpr bool operator==(FileMode, FileMode) = default;

 private:
  Bits bits_ = 0;
};

}  // namespace vfs
