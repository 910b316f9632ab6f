#include "vfs/file_mode.h"

#include <sys/stat.h>

namespace vfs {

std::string FileMode::to_string() const {
  static constexpr char kTypeLetters[] = "dalTLDpSugct?";
  std::string out;
  out.reserve(22);
  for (int i = 0; kTypeLetters[i] != '\0'; ++i) {
    if (bits_ & (Bits{1} << (31 - i))) out += kTypeLetters[i];
  }
  if (out.empty()) out += '-';
  static constexpr char kPermLetters[] = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) out += (bits_ & (Bits{1} << (8 - i))) ? kPermLetters[i] : '-';
  return out;
}

FileMode FileMode::from_posix(unsigned st_mode) {
  Bits bits = st_mode & perm_mask;
  switch (st_mode & S_IFMT) {
    case S_IFREG:
      break;
    case S_IFDIR:
      bits |= dir;
      break;
    case S_IFLNK:
      bits |= symlink;
      break;
    case S_IFIFO:
      bits |= named_pipe;
      break;
    case S_IFSOCK:
      bits |= socket;
      break;
    case S_IFBLK:
      bits |= device;
      break;
    case S_IFCHR:
      bits |= device | char_device;
      break;
    default:
      bits |= irregular;
      break;
  }
  if (st_mode & S_ISUID) bits |= setuid;
  if (st_mode & S_ISGID) bits |= setgid;
  if (st_mode & S_ISVTX) bits |= sticky;
  return bits;
}

}  // namespace vfs
