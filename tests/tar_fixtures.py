#!/usr/bin/env python3
"""Makes the tars tar_reader_test compares the tar reader and libarchive on,
at test time, with the real writers: GNU tar in each of its formats, bsdtar,
and Python's tarfile (no binary files are committed).

Usage: tar_fixtures.py OUTDIR
Writes OUTDIR/NAME.tar for each case and OUTDIR/expected.txt: one line
"NAME fast" (the tar reader must take it) or "NAME libarchive" (it must
decline it: old, sparse or otherwise unusual headers).
"""
import io
import os
import subprocess
import sys
import tarfile

MTIME = 1620284890


def run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    os.utime(path, (MTIME, MTIME))


def make_tree(root, long_names):
    write(f"{root}/a.txt", b"alpha\n")
    write(f"{root}/empty", b"")
    write(f"{root}/dir/b.bin", bytes(range(256)) * 4)
    write(f"{root}/dir/run.sh", b"#!/bin/sh\n", 0o4755)
    write(f"{root}/\u00fcnic\u00f6de/\u00f1.txt", "\u00f1\n".encode())
    os.symlink("a.txt", f"{root}/link")
    os.link(f"{root}/a.txt", f"{root}/hard")
    os.mkfifo(f"{root}/fifo")
    if long_names:
        deep = "/".join(["d" * 40] * 4)  # 164 bytes: a prefix in ustar, 'L' in GNU
        write(f"{root}/{deep}/file.txt", b"deep\n")
        write(f"{root}/{'n' * 150}.txt", b"long base name\n")  # no ustar split fits
        os.symlink("t" * 150, f"{root}/longlink")
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            os.utime(os.path.join(dirpath, n), (MTIME, MTIME), follow_symlinks=False)


def header(name=b"f", size=0, typ=b"0", link=b"", mode=b"0000644", mtime=b"00000000000",
           magic=b"ustar\x0000"):
    """One ustar header, checksummed."""
    h = bytearray(512)

    def put(at, value, n):
        h[at:at + min(len(value), n)] = value[:n]
    put(0, name, 100)
    put(100, mode, 8)
    put(108, b"0001750", 8)
    put(116, b"0001750", 8)
    put(124, b"%011o" % size, 12)
    put(136, mtime, 12)
    h[156:157] = typ
    put(157, link, 100)
    put(257, magic, 8)
    put(329, b"0000000", 8)
    put(337, b"0000000", 8)
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\x00 " % sum(h)
    return bytes(h)


def padded(data):
    return data + b"\0" * (-len(data) % 512)


def pax_record(key, value):
    body = b" " + key + b"=" + value + b"\n"
    n = len(body) + 1
    while len(str(n)) + len(body) != n:
        n += 1
    return str(n).encode() + body


def special(typ, body, magic=b"ustar\x0000"):
    return header(b"././@LongLink" if typ in (b"L", b"K") else b"././@PaxHeader",
                  len(body), typ, magic=magic) + padded(body)


def file_entry(name, data=b"", **kw):
    return header(name, len(data), **kw) + padded(data)


# Hand-made headers where libarchive 3.6 reads something other than the
# obvious (found by attacking the tar reader): each either read as
# libarchive reads it, or declined.
END = b"\0" * 1024
HAND_MADE = {
    # A "regular" name ending in '/' with data: libarchive reads the next
    # header from the data.
    "regdir_data": ("libarchive", file_entry(b"d/", file_entry(b"inner", b"x")) +
                    file_entry(b"after", b"y") + END),
    # Two 'x' headers before one entry: only the last counts.
    "two_x": ("fast", special(b"x", pax_record(b"mtime", b"5")) +
              special(b"x", pax_record(b"uid", b"3")) + file_entry(b"f", b"z") + END),
    "two_x_path": ("fast", special(b"x", pax_record(b"path", b"p1")) +
                   special(b"x", pax_record(b"uid", b"1")) + file_entry(b"f", b"z") + END),
    # A key twice, the second empty: the header's name and link stay.
    "pax_path_reset": ("fast", special(b"x", pax_record(b"path", b"long/name") +
                                       pax_record(b"path", b"")) +
                       file_entry(b"short", b"s") + END),
    "pax_link_reset": ("fast", file_entry(b"tgt", b"t") +
                       special(b"x", pax_record(b"linkpath", b"tgt2") +
                               pax_record(b"linkpath", b"")) +
                       header(b"l", typ=b"2", link=b"tgt") + END),
    # A long link over an empty link field: libarchive drops the link.
    "long_link_empty_field": ("libarchive", file_entry(b"a", b"a") +
                              special(b"K", b"a\0", magic=b"ustar  \0") +
                              header(b"h", typ=b"1", magic=b"ustar  \0") + END),
    "pax_link_empty_field": ("libarchive", file_entry(b"a", b"a") +
                             special(b"x", pax_record(b"linkpath", b"longtarget")) +
                             header(b"s", typ=b"2") + END),
    # A first name that is a compressor's magic: the Handle decodes it.
    "bzh_name": ("libarchive", file_entry(b"BZh91AY&SY", b"b") + END),
    # ar's magic first, under a ustar magic without its version: ar bids more.
    "ar_magic": ("libarchive", file_entry(b"!<arch>\nfoo", b"a", magic=b"ustar\0\0\0") + END),
    # An mtime past what a nanosecond clock holds (year 4147): read, saturated.
    "huge_mtime": ("fast", file_entry(b"late", b"l", mtime=b"777777777777") + END),
}


def python_tar(path, fmt, pax_headers=None, extra=None):
    with tarfile.open(path, "w", format=fmt, pax_headers=pax_headers or {}) as t:
        for name, data, kw in extra or []:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            for k, v in kw.items():
                setattr(info, k, v)
            t.addfile(info, io.BytesIO(data))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    full, short = f"{out}/tree", f"{out}/short"
    make_tree(full, long_names=True)
    make_tree(short, long_names=False)
    expected = []

    def case(name, kind, cmd=None, cwd=full):
        if cmd:
            run(cmd, cwd)
        expected.append(f"{name} {kind}")

    gnutar = ["tar", "--sort=name", "--owner=1000", "--group=1000"]
    case("gnu", "fast", gnutar + ["--format=gnu", "-cf", f"{out}/gnu.tar", "."])
    case("oldgnu", "fast", gnutar + ["--format=oldgnu", "-cf", f"{out}/oldgnu.tar", "."])
    case("posix", "fast", gnutar + ["--format=posix", "-cf", f"{out}/posix.tar", "."])
    case("ustar", "fast", gnutar + ["--format=ustar", "-cf", f"{out}/ustar.tar", "."], short)
    case("v7", "libarchive",
         gnutar + ["--format=v7", "--exclude=./fifo", "-cf", f"{out}/v7.tar", "."], short)
    case("bsd_pax", "fast", ["bsdtar", "--format", "pax", "-cf", f"{out}/bsd_pax.tar", "."])
    case("bsd_ustar", "fast", ["bsdtar", "--format", "ustar", "-cf", f"{out}/bsd_ustar.tar", "."],
         short)
    case("bsd_gnutar", "fast",
         ["bsdtar", "--format", "gnutar", "-cf", f"{out}/bsd_gnutar.tar", "."])

    # Python's writers, with what pax carries: big ids, fractional mtimes,
    # long names and links, non-ASCII names, and global headers.
    files = [
        ("big/ids.txt", b"ids\n", {"uid": 1 << 30, "gid": 1 << 31, "mtime": MTIME}),
        ("frac.txt", b"frac\n", {"mtime": MTIME + 0.25}),
        ("x" * 120 + "/long.txt", b"long\n", {"mtime": MTIME}),
        ("caf\u00e9.txt", b"cafe\n", {"mtime": MTIME}),
        ("sym", b"", {"type": tarfile.SYMTYPE, "linkname": "y" * 120}),
        ("hardlink", b"", {"type": tarfile.LNKTYPE, "linkname": "frac.txt"}),
        ("adir", b"", {"type": tarfile.DIRTYPE, "mode": 0o755}),
        ("chr", b"", {"type": tarfile.CHRTYPE, "devmajor": 1, "devminor": 3}),
    ]
    python_tar(f"{out}/py_pax.tar", tarfile.PAX_FORMAT, extra=files)
    case("py_pax", "fast")
    small_ids = [f for f in files if f[2].get("uid", 0) < 1 << 20]
    python_tar(f"{out}/py_gnu.tar", tarfile.GNU_FORMAT, extra=small_ids)
    case("py_gnu", "fast")
    # GNU's base-256 numbers (ids beyond 8 octal digits): libarchive's.
    python_tar(f"{out}/py_gnu_base256.tar", tarfile.GNU_FORMAT, extra=files)
    case("py_gnu_base256", "libarchive")
    python_tar(f"{out}/py_ustar.tar", tarfile.USTAR_FORMAT, extra=[f for f in files
                                                                   if len(f[0]) < 100 and
                                                                   f[0].isascii() and
                                                                   f[2].get("uid", 0) < 1 << 20
                                                                   and len(f[2].get("linkname", "")) < 100])
    case("py_ustar", "fast")
    # `git archive` writes a global header holding only a comment.
    python_tar(f"{out}/py_comment.tar", tarfile.PAX_FORMAT, {"comment": "0123abcd"}, files)
    case("py_comment", "fast")
    # A global default for every entry: libarchive's.
    python_tar(f"{out}/py_global.tar", tarfile.PAX_FORMAT, {"uname": "g"}, files)
    case("py_global", "libarchive")

    # Sparse members (GNU 'S', and pax GNU.sparse.*): libarchive's.
    sparse = f"{out}/sparsetree"
    os.makedirs(sparse)
    with open(f"{sparse}/holes", "wb") as f:
        f.seek(1 << 20)
        f.write(b"end")
    case("sparse_gnu", "libarchive",
         gnutar + ["--format=gnu", "-S", "-cf", f"{out}/sparse_gnu.tar", "."], sparse)
    case("sparse_pax", "libarchive",
         gnutar + ["--format=posix", "-S", "-cf", f"{out}/sparse_pax.tar", "."], sparse)

    for name, (kind, data) in HAND_MADE.items():
        with open(f"{out}/{name}.tar", "wb") as f:
            f.write(data)
        case(name, kind)

    with open(f"{out}/expected.txt", "w") as f:
        f.write("\n".join(expected) + "\n")


if __name__ == "__main__":
    main()
