#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_archive into OUTDIR, at fuzz time (no
binary seeds are committed): small archives of every format and filter
ArchiveFS enables, made with Python's tarfile and the real tools when they
are installed (bsdtar, 7z, xorriso, cpio, ar), with symlinks, hard links,
long names, hostile names and sparse files among the entries, plus a few
cut short.

Usage: make_archive_corpus.py OUTDIR
"""
import io
import os
import subprocess
import sys
import tarfile
import tempfile


def tar_bytes(fmt, mode="w"):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode, format=fmt) as t:
        def add(name, data=b"", type_=tarfile.REGTYPE, linkname=""):
            ti = tarfile.TarInfo(name)
            ti.type = type_
            ti.linkname = linkname
            ti.size = len(data) if type_ == tarfile.REGTYPE else 0
            ti.mode = 0o644
            t.addfile(ti, io.BytesIO(data) if type_ == tarfile.REGTYPE else None)
        add("dir/", type_=tarfile.DIRTYPE)
        add("dir/a.txt", b"hello\n")
        add("dir/" + "long" * 40, b"long name\n")
        add("../up", b"climb\n")
        add("/abs", b"abs\n")
        add("dup", b"1")
        add("dup", b"2")
        add("dir/link", type_=tarfile.SYMTYPE, linkname="a.txt")
        add("hard", type_=tarfile.LNKTYPE, linkname="dir/a.txt")
        add("zeros", bytes(3000))
    return out.getvalue()


def tool(cmd, cwd):
    try:
        subprocess.run(cmd, cwd=cwd, check=True, shell=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return True
    except (subprocess.CalledProcessError, FileNotFoundError):
        return False


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {
        "gnu.tar": tar_bytes(tarfile.GNU_FORMAT),
        "pax.tar": tar_bytes(tarfile.PAX_FORMAT),
        "cut.tar": tar_bytes(tarfile.GNU_FORMAT)[:3072],
        "gnu.tar.gz": tar_bytes(tarfile.GNU_FORMAT, "w:gz"),
        "pax.tar.bz2": tar_bytes(tarfile.PAX_FORMAT, "w:bz2"),
        "pax.tar.xz": tar_bytes(tarfile.PAX_FORMAT, "w:xz"),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    with tempfile.TemporaryDirectory() as tmp:
        tree = os.path.join(tmp, "t")
        os.makedirs(os.path.join(tree, "d"))
        with open(os.path.join(tree, "d", "f.txt"), "wb") as f:
            f.write(b"file\n" * 20)
        with open(os.path.join(tree, "sparse"), "wb") as f:
            f.seek(1 << 14)
            f.write(b"end")
        os.symlink("d/f.txt", os.path.join(tree, "l"))
        os.link(os.path.join(tree, "d", "f.txt"), os.path.join(tree, "h"))
        made = {
            "t.7z": "7z a -snl ../t.7z . ",
            "t.iso": "xorriso -as mkisofs -R -quiet -o ../t.iso .",
            "t.cpio": "find . | cpio -o -H newc > ../t.cpio",
            "t.odc.cpio": "find . | cpio -o -H odc > ../t.odc.cpio",
            "t.a": "ar rc ../t.a d/f.txt sparse",
            "t.tar.zst": "tar --zstd -cf ../t.tar.zst .",
            "t.sparse.tar": "tar -S -cf ../t.sparse.tar .",
        }
        for name, cmd in made.items():
            if tool(cmd, tree):
                data = open(os.path.join(tmp, name), "rb").read()
                if len(data) <= 600 * 1024:
                    with open(os.path.join(out, name), "wb") as f:
                        f.write(data)
                    with open(os.path.join(out, name + ".cut"), "wb") as f:
                        f.write(data[: len(data) * 2 // 3])


if __name__ == "__main__":
    main()
