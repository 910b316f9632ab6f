# vfs_embed: compile a directory into a program as a vfs::EmbedFS (Go's
# //go:embed, plus what a server needs: content hashes, modification times,
# media types and precompressed copies, all computed at build time).
#
#   vfs_embed(<target> NAME <name> DIRECTORY <dir>
#             [PATTERNS <pattern>...] [INCLUDE_HIDDEN] [COMPRESS gzip|zstd|br...])
#
#   #include "vfs/embedded/<name>.h"
#   vfs::EmbedFS& fs = vfs::embedded::<name>();
#
# NAME      a C identifier; one per program (it names the accessor and symbols).
# DIRECTORY the root of the embedded FS (relative to CMAKE_CURRENT_SOURCE_DIR).
# PATTERNS  vfs::match (Go path.Match) patterns relative to DIRECTORY; a file
#           is embedded if a pattern matches it or one of its directories.
#           Default: everything. Each pattern must match a file.
# INCLUDE_HIDDEN  also files and directories whose names start with '.' or
#           '_', which are left out by default, as Go does (a pattern that
#           names such a file itself still takes it: "img/*" takes "img/.keep").
# COMPRESS  precompressed copies (kept when smaller than the file), for
#           servers: see vfs/asset_info.h. br (quality 11) is slow on large
#           files; copies are cached, so only changed files are recompressed.
#
# Makes the static library vfs_embed_<name> and links it PRIVATE into
# <target>. Calling vfs_embed again with the same arguments for another
# target links the same library into it.
#
# Rebuilds: the directory is globbed with CONFIGURE_DEPENDS, so adding or
# removing a file re-runs CMake's configure step at the next build; the
# listing goes into a manifest rewritten only when it changes, on which the
# generator depends, as it does on every file. SOURCE_DATE_EPOCH, when set in
# the build's environment, replaces every file's modification time.
#
# ELF targets with a GNU-compatible compiler (GCC, Clang): the bytes go in
# with the assembler's .incbin from a top-level asm statement, so a project
# needs no ASM language enabled and the compiler never parses the data.

include_guard(GLOBAL)

# Writes `content` to `path` unless it already holds it (no substitutions,
# unlike file(CONFIGURE): a file name may contain '@').
function(_vfs_embed_write path content)
  file(WRITE "${path}.new" "${content}")
  file(COPY_FILE "${path}.new" "${path}" ONLY_IF_DIFFERENT)
  file(REMOVE "${path}.new")
endfunction()

function(vfs_embed target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "INCLUDE_HIDDEN" "NAME;DIRECTORY" "PATTERNS;COMPRESS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "vfs_embed: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "vfs_embed: ${target} is not a target")
  endif()
  if(NOT arg_NAME MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "vfs_embed: NAME must be a C identifier, not '${arg_NAME}'")
  endif()
  if(NOT arg_DIRECTORY)
    message(FATAL_ERROR "vfs_embed: DIRECTORY is required")
  endif()
  get_filename_component(dir "${arg_DIRECTORY}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "vfs_embed: ${dir} is not a directory")
  endif()
  foreach(encoding IN LISTS arg_COMPRESS)
    if(NOT encoding MATCHES "^(gzip|zstd|br)$")
      message(FATAL_ERROR "vfs_embed: COMPRESS takes gzip, zstd or br, not '${encoding}'")
    endif()
  endforeach()

  set(name ${arg_NAME})
  # The same NAME again with the same arguments links the same files into
  # another target; with others it is a mistake (one program, one NAME).
  set(args "${dir}|${arg_PATTERNS}|${arg_INCLUDE_HIDDEN}|${arg_COMPRESS}")
  if(TARGET vfs_embed_${name})
    get_target_property(previous vfs_embed_${name} VFS_EMBED_ARGS)
    if(NOT previous STREQUAL args)
      message(FATAL_ERROR "vfs_embed: NAME ${name} is already used for other files (${previous})")
    endif()
    target_link_libraries(${target} PRIVATE vfs_embed_${name})
    return()
  endif()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/vfs_embed/${name}")
  # Every file; the generator selects (a superset costs at most a rerun of
  # the generator that changes nothing, and with make a relink).
  file(GLOB_RECURSE files CONFIGURE_DEPENDS LIST_DIRECTORIES false RELATIVE "${dir}" "${dir}/*")
  list(SORT files)
  set(newline "\n")
  set(manifest "vfs-embed-manifest 1\nname ${name}\ndirectory ${dir}\noutput ${out}\n")
  if(arg_INCLUDE_HIDDEN)
    string(APPEND manifest "include_hidden 1\n")
  endif()
  foreach(encoding IN LISTS arg_COMPRESS)
    string(APPEND manifest "compress ${encoding}\n")
  endforeach()
  foreach(pattern IN LISTS arg_PATTERNS)
    string(APPEND manifest "pattern ${pattern}\n")
  endforeach()
  if(dir MATCHES "[\";]")
    message(FATAL_ERROR "vfs_embed: DIRECTORY ${dir}: a '\"' or ';' in its path is not supported")
  endif()
  set(deps "")
  foreach(f IN LISTS files)
    # Without PATTERNS (which may name a hidden file) or INCLUDE_HIDDEN, a
    # hidden file cannot be embedded: leaving it out of the manifest and the
    # dependencies means adding or editing one rebuilds nothing (an editor's
    # swap file, .DS_Store). The generator applies every rule again.
    if(NOT arg_PATTERNS AND NOT arg_INCLUDE_HIDDEN AND f MATCHES "(^|/)[._]")
      continue()
    endif()
    # Go's embed refuses names with " * < > ? ` ' | \ : (they do not travel
    # well between systems and tools); so do we, and also ';' and newlines.
    # CMake forces it: a ';' splits a name in a list, its glob turns '\'
    # into '/', and CONFIGURE_DEPENDS's check script does not escape '"'
    # (CMake 3.25 would then reconfigure at every build).
    string(FIND "${f}" "${newline}" nl)
    if(f MATCHES "[\"*<>?`'|:]" OR NOT nl EQUAL -1 OR NOT EXISTS "${dir}/${f}")
      message(FATAL_ERROR "vfs_embed: cannot embed '${f}' in ${dir}: names with "
              "\" * < > ? ` ' | \\ : ; or a newline are not supported (rename or move it)")
    endif()
    string(APPEND manifest "file ${f}\n")
    list(APPEND deps "${dir}/${f}")
  endforeach()
  # Both rewritten only when they change, so an unchanged listing rebuilds nothing.
  _vfs_embed_write("${out}/manifest" "${manifest}")
  _vfs_embed_write("${out}/include/vfs/embedded/${name}.h"
"// Generated by vfs_embed(... NAME ${name} DIRECTORY ${dir}). Do not edit.
#pragma once

#include \"vfs/embed_fs.h\"

namespace vfs::embedded {

// The files of ${arg_DIRECTORY}, compiled into the program.
vfs::EmbedFS& ${name}();

}  // namespace vfs::embedded
")

  add_custom_command(
    OUTPUT "${out}/stamp"
    BYPRODUCTS "${out}/embed.cc"
    COMMAND vfs::embed_tool "${out}/manifest"
    DEPENDS vfs::embed_tool "${out}/manifest" ${deps}
    COMMENT "Embedding ${arg_DIRECTORY} as vfs::embedded::${name}()"
    VERBATIM)
  add_library(vfs_embed_${name} STATIC "${out}/embed.cc" "${out}/stamp")
  # The assembler reads the files (.incbin), which no compiler depfile
  # records. No OBJECT_DEPENDS on them: embed.cc holds every embedded file's
  # SHA-256 and mtime, so it changes (and is recompiled) whenever one does,
  # while a file that is not embedded (hidden, not matched) costs no rebuild.
  target_include_directories(vfs_embed_${name} PUBLIC "${out}/include")
  target_link_libraries(vfs_embed_${name} PUBLIC vfs::vfs)
  set_target_properties(vfs_embed_${name} PROPERTIES VFS_EMBED_ARGS "${args}")
  target_link_libraries(${target} PRIVATE vfs_embed_${name})
endfunction()
