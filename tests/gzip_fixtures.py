#!/usr/bin/env python3
"""Makes the gzip files gzip_test reads, at test time (no binary files are
committed): NAME.gz, and NAME.out, what `gzip -dc` makes of it (the oracle
for our bytes), plus NAME.hdr for fixtures whose first header matters:
hex(name) hex(comment) hex(extra) mtime os, one line.

Usage: gzip_fixtures.py OUTDIR NAME...
"""
import functools
import gzip
import os
import random
import struct
import subprocess
import sys
import zlib

MTIME = 1_700_000_000


@functools.lru_cache(maxsize=None)
def text(size, seed=1):
    """Deterministic text, no two lines alike (each has its number), so a
    read from a wrong place cannot pass for a right one."""
    rnd = random.Random(seed)
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    vocab = ["".join(rnd.choices(letters, k=rnd.randint(1, 9))) for _ in range(3000)]
    cum = []
    total = 0.0
    for i in range(len(vocab)):
        total += 1.0 / (i + 1)
        cum.append(total)
    sentences = [" ".join(rnd.choices(vocab, cum_weights=cum, k=rnd.randint(4, 14)))
                 for _ in range(4000)]
    out, size_now, line = [], 0, 0
    while size_now < size:
        s = f"{line:08d} {sentences[(line * 2654435761) % 4000]}.\n"
        out.append(s)
        size_now += len(s)
        line += 1
    return "".join(out).encode()[:size]


def tool(argv, data):
    return subprocess.run(argv, input=data, stdout=subprocess.PIPE, check=True).stdout


def member(payload, body, flags=0, extra=b"", name=b"", comment=b"", hcrc=False, mtime=MTIME):
    """A gzip member around the raw deflate data `body` of `payload`."""
    if extra:
        flags |= 4
    if name:
        flags |= 8
    if comment:
        flags |= 16
    if hcrc:
        flags |= 2
    h = bytes([0x1F, 0x8B, 8, flags]) + struct.pack("<I", mtime) + bytes([0, 3])
    if extra:
        h += struct.pack("<H", len(extra)) + extra
    if name:
        h += name + b"\0"
    if comment:
        h += comment + b"\0"
    if hcrc:
        h += struct.pack("<H", zlib.crc32(h) & 0xFFFF)
    trailer = struct.pack("<II", zlib.crc32(payload), len(payload) & 0xFFFFFFFF)
    return h + body + trailer


def raw_deflate(payload, level=6, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    return c.compress(payload) + c.flush()


def zlib_member(payload, level, strategy=zlib.Z_DEFAULT_STRATEGY, **header):
    return member(payload, raw_deflate(payload, level, strategy), **header)


def many_members():
    rnd = random.Random(7)
    data = text(300_000, seed=3)
    out, pos = b"", 0
    while pos < len(data):
        n = rnd.choice([0, 1, 17, 300, 4000, 70_000])
        out += zlib_member(data[pos:pos + n], rnd.choice([0, 1, 6, 9]))
        pos += n
    return out


def gzip_with_name(name, data):
    """What `gzip -c NAME` makes: the file's name and mtime in the header."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (MTIME + 5, MTIME + 5))
        return subprocess.run(["gzip", "-9", "-c", name], cwd=d, stdout=subprocess.PIPE,
                              check=True).stdout


def fixtures():
    t = text(1 << 20)
    binary = random.Random(5).randbytes(300_000)
    return {
        "text_gzip1": lambda: tool(["gzip", "-1", "-c", "-n"], t),
        "text_gzip6": lambda: tool(["gzip", "-6", "-c", "-n"], t),
        "text_gzip9": lambda: tool(["gzip", "-9", "-c", "-n"], t),
        "text_igzip0": lambda: tool(["igzip", "-0", "-c"], t),
        "text_igzip3": lambda: tool(["igzip", "-3", "-c"], t),
        "text_python": lambda: gzip.compress(t, 6, mtime=MTIME),
        "zlib_stored": lambda: zlib_member(t[:200_000], 0),
        "zlib_fixed": lambda: zlib_member(t[:300_000], 6, zlib.Z_FIXED),
        "zlib_level1": lambda: zlib_member(t, 1),
        "zlib_level9": lambda: zlib_member(t, 9),
        "binary": lambda: tool(["gzip", "-6", "-c", "-n"], binary + t[:100_000] + binary),
        "empty": lambda: tool(["gzip", "-c", "-n"], b""),
        "members": lambda: (tool(["gzip", "-c", "-n"], b"") + tool(["gzip", "-1", "-c"], t[:500_000])
                            + tool(["gzip", "-c", "-n"], b"") + tool(["igzip", "-c"], t[500_000:])
                            + tool(["gzip", "-c", "-n"], b"")),
        "many_members": many_members,
        "headers": lambda: zlib_member(t[:100_000], 6, extra=b"AB\x04\x00data" + bytes(range(256)),
                                       name="naïve.txt".encode("latin-1"),
                                       comment=b"a comment", hcrc=True),
        "headers_only_crc": lambda: zlib_member(b"x", 6, hcrc=True),
        "zero_padded": lambda: tool(["gzip", "-c", "-n"], t[:50_000]) + bytes(1000),
        "small": lambda: tool(["gzip", "-9", "-c", "-n"], t[:3000]),
        "small_members": lambda: zlib_member(t[:300], 6, zlib.Z_FIXED) + zlib_member(t[:200], 0)
                                 + zlib_member(t[:1000], 9, name=b"n", comment=b"c"),
        # GzipFS names: FNAME in UTF-8, one that is no path element, none.
        "named_utf8": lambda: zlib_member(t[:20_000], 6, name="résumé.txt".encode()),
        "named_slash": lambda: zlib_member(t[:20_000], 6, name=b"../evil.txt"),
        "named_dotdot": lambda: zlib_member(t[:20_000], 6, name=b".."),
        "named_dot": lambda: zlib_member(t[:20_000], 6, name=b"."),
        "no_mtime": lambda: zlib_member(t[:20_000], 6, mtime=0),
        "gzip_named": lambda: gzip_with_name("hello.txt", t[:30_000]),
        "big": lambda: tool(["gzip", "-6", "-c", "-n"], text(8 << 20, seed=2)),
    }


def main():
    outdir, names = sys.argv[1], sys.argv[2:]
    table = fixtures()
    for name in names:
        gz = table[name]()
        path = os.path.join(outdir, name)
        with open(path + ".gz", "wb") as f:
            f.write(gz)
        # gzip exits 2 on a warning (trailing zeros): its output still stands.
        r = subprocess.run(["gzip", "-dc", path + ".gz"], stdout=subprocess.PIPE)
        if r.returncode not in (0, 2):
            sys.exit(f"gzip -dc {name}: exit {r.returncode}")
        with open(path + ".out", "wb") as f:
            f.write(r.stdout)
        with open(path + ".hdr", "w") as f:
            g = gzip_header(gz)
            f.write(" ".join([g[0].hex() or "-", g[1].hex() or "-", g[2].hex() or "-",
                              str(g[3]), str(g[4])]) + "\n")


def gzip_header(gz):
    """(name, comment, extra, mtime, os) of the first member, parsed here
    independently of the C++ parser."""
    flags, mtime, osb = gz[3], struct.unpack("<I", gz[4:8])[0], gz[9]
    pos, name, comment, extra = 10, b"", b"", b""
    if flags & 4:
        (n,) = struct.unpack("<H", gz[pos:pos + 2])
        extra = gz[pos + 2:pos + 2 + n]
        pos += 2 + n
    if flags & 8:
        end = gz.index(b"\0", pos)
        name, pos = gz[pos:end], end + 1
    if flags & 16:
        end = gz.index(b"\0", pos)
        comment, pos = gz[pos:end], end + 1
    return name, comment, extra, mtime, osb


if __name__ == "__main__":
    main()
