// Glob and Match: Go's path.Match pattern syntax.
//
//   pattern: { term }
//   term:    '*'  any sequence of non-'/' characters
//            '?'  any single non-'/' character
//            '[' [ '^' ] { lo [ '-' hi ] } ']'  a character class (non-empty)
//            c    the character c (not '*', '?', '\\', '[')
//            '\\' c  the character c
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vfs/fs.h"

namespace vfs {

// True if `name` matches the whole of `pattern`. A malformed pattern gives
// errc::bad_pattern (Go's path.ErrBadPattern), even when a prefix of it
// already failed to match.
Result<bool> match(std::string_view pattern, std::string_view name);

// An FS with its own glob (Go's fs.GlobFS).
class GlobFS : public virtual FS {
 public:
  virtual Result<std::vector<std::string>> glob(std::string_view pattern) = 0;
};

// The names of all files matching `pattern`, in lexical order per directory;
// an empty list if none. I/O errors while reading directories are ignored,
// as in Go; the only error is errc::bad_pattern.
Result<std::vector<std::string>> glob(FS& fs, std::string_view pattern);

}  // namespace vfs
