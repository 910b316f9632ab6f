#!/usr/bin/env bash
# vfs_embed in a real CMake project, built again after each change to its
# assets: a file changed in place (same size), one added, one removed, a
# hidden one added (no change), nothing changed (nothing rebuilt), and
# SOURCE_DATE_EPOCH. The project finds this build of vfs with find_package
# (the build tree is a package), as an installed one would be found.
#
#   embed_rebuild_test.sh VFS_BUILD_DIR GENERATOR [SANITIZE]
set -euo pipefail
vfs_build=$1
generator=$2
sanitize=${3:-}

work=$(mktemp -d)
[ -n "${VFS_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT; echo "work: $work"
proj=$work/proj
# Names the assembler and the build tools must quote or escape: spaces,
# '$', '#', '&', '(', '%', '=', non-ASCII. (Names with " * < > ? ` ' | \ :
# are refused, as Go refuses them: see the last step.)
assets="$proj/as sets \$x (1)"
mkdir -p "$assets/sub dir"
printf 'one\n' >"$assets/a.txt"
printf 'weird\n' >"$assets/sub dir/we&ird #%=\$y näme.txt"
printf 'x\n' >"$assets/_skip.txt"

cat >"$proj/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(embed_rebuild LANGUAGES CXX)
find_package(vfs REQUIRED)
add_executable(show main.cc)
target_link_libraries(show PRIVATE vfs::vfs)
file(GLOB assets_dir LIST_DIRECTORIES true "${CMAKE_CURRENT_SOURCE_DIR}/as sets*")
vfs_embed(show NAME assets DIRECTORY "${assets_dir}" COMPRESS gzip)
CMAKE
cat >"$proj/main.cc" <<'CPP'
#include <cstdio>
#include <string>

#include "vfs/embedded/assets.h"
#include "vfs/vfs.h"

// One line per entry: name, size, mtime (s), SHA-256 prefix, contents.
int main() {
  auto& fs = vfs::embedded::assets();
  auto st = vfs::walk_dir(fs, ".", [&](std::string_view path, const vfs::DirEntry* e,
                                       const vfs::Error* err) -> vfs::Result<vfs::WalkAction> {
    if (err) return *err;
    if (path == "." || e->is_dir()) return vfs::WalkAction::proceed;
    auto info = *vfs::stat(fs, path);
    auto sum = *fs.asset_info(path);
    std::string data(*fs.contents(path));
    if (!data.empty() && data.back() == '\n') data.pop_back();
    std::printf("%.*s|%lld|%lld|%.8s|%s\n", int(path.size()), path.data(),
                static_cast<long long>(info.size),
                static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(
                                           info.mod_time.time_since_epoch()).count()),
                sum.sha256.data(), data.c_str());
    return vfs::WalkAction::proceed;
  });
  return st ? 0 : 1;
}
CPP

flags=()
if [ -n "$sanitize" ]; then
  flags=(-DCMAKE_CXX_FLAGS="-fsanitize=$sanitize" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$sanitize")
fi
cmake -S "$proj" -B "$work/build" -G "$generator" -Dvfs_DIR="$vfs_build" "${flags[@]}" >/dev/null

step=0
build() {
  step=$((step + 1))
  cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
}
# expect LINE...: the program prints exactly these name|size|contents lines.
expect() {
  local got want
  got=$("$work/build/show" | cut -d'|' -f1,2,5)
  want=$(printf '%s\n' "$@")
  if [ "$got" != "$want" ]; then
    echo "step $step: got"; echo "$got"; echo "want"; echo "$want"
    exit 1
  fi
}
hash_of() { sha256sum "$1" | cut -c1-8; }
line_of() {  # the full line for one file: name|size|mtime|hash|contents
  "$work/build/show" | grep -F "$1|"
}

build
weird="sub dir/we&ird #%=\$y näme.txt"
expect "a.txt|4|one" "$weird|6|weird"
mtime=$(stat -c %Y "$assets/a.txt")
[ "$(line_of a.txt)" = "a.txt|4|$mtime|$(hash_of "$assets/a.txt")|one" ] || { echo "a.txt: $(line_of a.txt)"; exit 1; }

# Changed in place, same size (a second later, for file systems with coarse
# timestamps).
sleep 1.1
printf 'two\n' >"$assets/a.txt"
build
expect "a.txt|4|two" "$weird|6|weird"
mtime=$(stat -c %Y "$assets/a.txt")
[ "$(line_of a.txt)" = "a.txt|4|$mtime|$(hash_of "$assets/a.txt")|two" ] || { echo "step $step: $(line_of a.txt)"; exit 1; }

# Added.
printf 'bee\n' >"$assets/b.txt"
build
expect "a.txt|4|two" "b.txt|4|bee" "$weird|6|weird"

# Removed (and its directory with it).
rm -r "$assets/sub dir"
build
expect "a.txt|4|two" "b.txt|4|bee"

# A hidden file: the program does not change, nothing is relinked.
before=$(stat -c %Y.%y "$work/build/show")
sleep 1.1
printf 'h\n' >"$assets/.hidden"
build
expect "a.txt|4|two" "b.txt|4|bee"
[ "$(stat -c %Y.%y "$work/build/show")" = "$before" ] || { echo "step $step: relinked for a hidden file"; exit 1; }

# Nothing changed: nothing runs, not even the generator.
build
[ "$(stat -c %Y.%y "$work/build/show")" = "$before" ] || { echo "step $step: relinked with no change"; exit 1; }
if grep -q "Embedding" "$work/build.log"; then echo "step $step: the generator ran with no change"; exit 1; fi

# SOURCE_DATE_EPOCH replaces every mtime (here after a change, so the
# generator runs).
printf 'three\n' >"$assets/b.txt"
SOURCE_DATE_EPOCH=1234567890 build
line_of a.txt | grep -q "^a.txt|4|1234567890|" || { echo "step $step: $(line_of a.txt)"; exit 1; }
line_of b.txt | grep -q "^b.txt|6|1234567890|" || { echo "step $step: $(line_of b.txt)"; exit 1; }
expect "a.txt|4|two" "b.txt|6|three"
# A name Go's embed refuses: the build fails and says why.
printf 'q\n' >"$assets/bad\"name.txt"
if cmake --build "$work/build" >"$work/build.log" 2>&1; then
  echo "a name with a quote was embedded"; exit 1
fi
grep -q "cannot embed 'bad\"name.txt'" "$work/build.log" || { cat "$work/build.log"; exit 1; }
echo "embed rebuild test passed ($generator, $step builds)"
