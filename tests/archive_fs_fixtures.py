#!/usr/bin/env python3
"""Makes the archives archive_fs_test reads, at test time, with the real
tools (no binary files are committed).

Usage: archive_fs_fixtures.py OUTDIR
  OUTDIR/tree/              the tree on disk (the oracle): files, an empty
                            file, a 2 MiB file, symlinks, a hard link
  OUTDIR/tree.tar           GNU tar; .tar.gz .tar.bz2 .tar.xz .tar.zst the same
  OUTDIR/tree.pax.tar       bsdtar, pax format
  OUTDIR/tree.7z            7z (symlinks stored as links)
  OUTDIR/tree.iso           xorriso, Rock Ridge
  OUTDIR/tree.cpio          cpio newc; .cpio.gz and .cpio.xz the same, compressed
  OUTDIR/flat.a             ar of three files
  OUTDIR/hostile.tar        python tarfile: ../ and absolute names,
                            duplicates, a file/directory collision
  OUTDIR/gnulong.tar        a GNU long name; truncated variants are cut by the test
  OUTDIR/nested.zip         a zip holding tree.tar.gz
  OUTDIR/zeros.tar.gz       a tar of 64 MiB of zeros (a ratio bomb), .tar.xz too
"""
import io
import os
import subprocess
import sys
import tarfile
import zipfile

MTIME = 1620284890  # 2021-05-06 07:08:10 UTC

FILES = {
    "README.md": b"# tree\n",
    "empty.txt": b"",
    "docs/guide.txt": b"guide " * 1000,
    "docs/api/index.html": b"<html>" + b"x" * 5000 + b"</html>",
    "src/main.c": b"int main(void) { return 0; }\n",
    "src/deep/er/file.bin": bytes(range(256)) * 64,
}
LINKS = {"docs/latest": "api", "src/entry": "main.c", "escape": "../outside", "abs": "/etc/passwd"}


def big_blob():
    # 2 MiB that compress a little: above the default max_cached_entry, so
    # compressed formats stream it.
    out = bytearray()
    x = 12345
    while len(out) < 2 << 20:
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out += b"%08x line of the big blob\n" % x
    return bytes(out[: 2 << 20])


def run(cmd, cwd=None):
    subprocess.run(cmd, cwd=cwd, check=True, shell=isinstance(cmd, str),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write_tree(root):
    for name, data in FILES.items():
        p = os.path.join(root, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
    os.makedirs(os.path.join(root, "big"), exist_ok=True)
    with open(os.path.join(root, "big/blob.bin"), "wb") as f:
        f.write(big_blob())
    for name, target in LINKS.items():
        os.symlink(target, os.path.join(root, name))
    os.link(os.path.join(root, "src/main.c"), os.path.join(root, "src/hard.c"))
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            os.utime(os.path.join(dirpath, n), (MTIME, MTIME), follow_symlinks=False)
    os.utime(root, (MTIME, MTIME))


def hostile_tar(path):
    def add(t, name, data=b"", type_=tarfile.REGTYPE, linkname=""):
        ti = tarfile.TarInfo(name)
        ti.type = type_
        ti.size = len(data) if type_ == tarfile.REGTYPE else 0
        ti.linkname = linkname
        ti.mtime = MTIME
        t.addfile(ti, io.BytesIO(data) if type_ == tarfile.REGTYPE else None)

    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        add(t, "../../etc/evil", b"climbed\n")     # cleaned to etc/evil
        add(t, "/abs/file", b"absolute\n")         # cleaned to abs/file
        add(t, "./dot/./x", b"dots\n")             # cleaned to dot/x
        add(t, "dup", b"first\n")                  # the first of two wins
        add(t, "dup", b"second\n")
        add(t, "both", b"a file\n")                # a directory of the same name wins
        add(t, "both/inner", b"inner\n")
        add(t, "..", b"root?\n")                   # names the root: dropped
        add(t, "link-out", type_=tarfile.SYMTYPE, linkname="../../etc/passwd")
        add(t, "hard-missing", type_=tarfile.LNKTYPE, linkname="no/such/file")
        add(t, "hard-ok", type_=tarfile.LNKTYPE, linkname="dup")


def main():
    out = sys.argv[1]
    tree = os.path.join(out, "tree")
    write_tree(tree)
    top = sorted(os.listdir(tree))
    env = dict(os.environ, GZIP="-n")
    run(["tar", "--format=gnu", "-cf", os.path.join(out, "tree.tar"), "-C", tree] + top)
    run(["tar", "--format=gnu", "-czf", os.path.join(out, "tree.tar.gz"), "-C", tree] + top)
    run(["tar", "--format=gnu", "-cjf", os.path.join(out, "tree.tar.bz2"), "-C", tree] + top)
    run(["tar", "--format=gnu", "-cJf", os.path.join(out, "tree.tar.xz"), "-C", tree] + top)
    run(["tar", "--format=gnu", "--zstd", "-cf", os.path.join(out, "tree.tar.zst"), "-C", tree] + top)
    run(["bsdtar", "--format=pax", "-cf", os.path.join(out, "tree.pax.tar"), "-C", tree] + top)
    run(["7z", "a", "-snl", os.path.join(out, "tree.7z")] + top, cwd=tree)
    run(["xorriso", "-as", "mkisofs", "-R", "-quiet", "-o", os.path.join(out, "tree.iso"), tree])
    run("find " + " ".join(top) + " | sort | cpio -o -H newc > ../tree.cpio", cwd=tree)
    run("gzip -nc tree.cpio > tree.cpio.gz", cwd=out)
    run("xz -0 -T1 -c tree.cpio > tree.cpio.xz", cwd=out)
    run(["ar", "rc", os.path.join(out, "flat.a"), "README.md", "src/main.c",
         "src/deep/er/file.bin"], cwd=tree)
    hostile_tar(os.path.join(out, "hostile.tar"))
    with tarfile.open(os.path.join(out, "gnulong.tar"), "w", format=tarfile.GNU_FORMAT) as t:
        ti = tarfile.TarInfo("long/" + "n" * 300)
        ti.size = 5
        t.addfile(ti, io.BytesIO(b"long\n"))
    with zipfile.ZipFile(os.path.join(out, "nested.zip"), "w", zipfile.ZIP_STORED) as z:
        z.write(os.path.join(out, "tree.tar.gz"), "inner/tree.tar.gz")
    with open(os.path.join(out, "zeros"), "wb") as f:
        f.write(bytes(64 << 20))
    run("tar -cf - zeros | gzip -1n > zeros.tar.gz", cwd=out)
    run("tar -cf - zeros | xz -0 -T1 > zeros.tar.xz", cwd=out)
    os.remove(os.path.join(out, "zeros"))


if __name__ == "__main__":
    main()
