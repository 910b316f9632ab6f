#!/usr/bin/env python3
"""Makes the archives zip_fs_test reads, at test time (no binary files are
committed).

Usage: zip_fs_fixtures.py OUTDIR
  OUTDIR/tree.zip     stored and deflated files, an empty file, a nested
                      zip, explicit and implicit directories, symlinks
  OUTDIR/tree/        the same files on disk (the oracle)
  OUTDIR/tool.zip     the same tree by Info-ZIP's zip, symlinks kept (-y)
  OUTDIR/stream.zip   written to a pipe: data descriptors everywhere
  OUTDIR/zip64.zip    zip64 records and extras
  OUTDIR/big.zip      one 64 MiB deflated entry of repeated text
"""
import io
import os
import subprocess
import sys
import zipfile

DATE = (2021, 5, 6, 7, 8, 10)


def entry(name, mode=0o100644, date=DATE):
    zi = zipfile.ZipInfo(name, date_time=date)
    zi.create_system = 3
    zi.external_attr = mode << 16
    zi.compress_type = zipfile.ZIP_DEFLATED  # ZipInfo's own default is stored
    return zi


FILES = {
    "README.md": b"# tree\n",
    "empty.txt": b"",
    "docs/guide.txt": b"guide " * 1000,
    "docs/api/index.html": b"<html>" + b"x" * 5000 + b"</html>",
    "src/main.c": b"int main(void) { return 0; }\n",
    "src/deep/er/file.bin": bytes(range(256)) * 64,
}
LINKS = {"docs/latest": "api", "src/entry": "main.c", "escape": "../outside", "abs": "/etc/passwd"}


def inner_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(entry("inner/hello.txt"), b"hello from inside\n")
    return buf.getvalue()


def write_tree(out):
    root = os.path.join(out, "tree")
    for name, data in FILES.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with open(os.path.join(root, "nested.zip"), "wb") as f:
        f.write(inner_zip())
    for name, target in LINKS.items():
        os.symlink(target, os.path.join(root, name))
    os.makedirs(os.path.join(root, "emptydir"), exist_ok=True)
    return root


def tree_zip(path):
    with zipfile.ZipFile(path, "w") as z:
        for i, (name, data) in enumerate(FILES.items()):
            method = zipfile.ZIP_STORED if i % 2 else zipfile.ZIP_DEFLATED
            z.writestr(entry(name), data, compress_type=method)
        z.writestr(entry("nested.zip"), inner_zip(), compress_type=zipfile.ZIP_STORED)
        for name, target in LINKS.items():
            z.writestr(entry(name, 0o120777), target.encode())
        z.writestr(entry("emptydir/", 0o040755), b"")


class Unseekable(io.RawIOBase):
    def __init__(self, f):
        self.f = f

    def writable(self):
        return True

    def write(self, b):
        return self.f.write(b)


def stream_zip(path):
    with open(path, "wb") as f:
        with zipfile.ZipFile(Unseekable(f), "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in FILES.items():
                with z.open(entry(name), "w") as w:
                    w.write(data)


def zip64_zip(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        for name, data in FILES.items():
            with z.open(entry(name), "w", force_zip64=True) as w:
                w.write(data)


def big_zip(path):
    line = b"the quick brown fox jumps over the lazy dog 0123456789\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open(entry("big.txt"), "w") as w:
            chunk = line * (1 << 14)
            for _ in range((64 << 20) // len(chunk)):
                w.write(chunk)


def main():
    out = os.path.abspath(sys.argv[1])
    root = write_tree(out)
    tree_zip(os.path.join(out, "tree.zip"))
    subprocess.run(["zip", "-q", "-r", "-y", os.path.join(out, "tool.zip"), "."], cwd=root,
                   check=True)
    stream_zip(os.path.join(out, "stream.zip"))
    zip64_zip(os.path.join(out, "zip64.zip"))
    big_zip(os.path.join(out, "big.zip"))


main()
