#!/usr/bin/env python3
"""Writes the seed corpora of fuzz_gzip and fuzz_gzip_index, at fuzz time
(no binary seeds are committed): the small streams gzip_fixtures.py makes
for gzip_test, a few cut or padded; and index files of them, in GZIDX
(written by indexed_gzip if it is installed) and in our format (converted
from the GZIDX ones here), each also with fuzz_gzip_index's 'C' prefix.

Usage: make_gzip_corpus.py GZIP_OUTDIR INDEX_OUTDIR
"""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import gzip_fixtures  # noqa: E402

SMALL = ["small", "small_members", "headers_only_crc", "empty", "zlib_fixed", "zlib_stored",
         "headers", "zero_padded"]


def streams():
    table = gzip_fixtures.fixtures()
    out = {}
    for name in SMALL:
        gz = table[name]()
        out[name] = gz[:20_000] if len(gz) > 20_000 else gz
    s = out["small"]
    out["small_cut"] = s[: len(s) // 2]
    out["small_garbage"] = s + b"garbage"
    out["small_twice"] = s + s
    return out


def gzidx_to_vfs(gzidx):
    """Our format, from indexed_gzip's (version 1, 32 KiB windows)."""
    comp, uncomp, spacing, wsize, n = struct.unpack("<QQIII", gzidx[7:35])
    points, windows, pos = [], [], 35 + 18 * n
    for i in range(n):
        off, out, bits, data = struct.unpack("<QQBB", gzidx[35 + 18 * i:35 + 18 * i + 18])
        w = b""
        if data:
            w, pos = gzidx[pos + wsize - 32768:pos + wsize], pos + wsize
        points.append(struct.pack("<QQII", off * 8 - bits, out, len(w), 0 if data else 1))
        windows.append(w)
    body = (b"VFSGZIX1" + struct.pack("<IIQQQQ", 1, 0, comp, uncomp, spacing, n)
            + b"".join(points) + b"".join(windows))
    return body + struct.pack("<I", zlib.crc32(body))


def minimal_indexes(gz):
    """Without indexed_gzip: a GZIDX of two points (a member start, and one
    with a window at the end) and its conversion, for the stream `gz`."""
    points = struct.pack("<QQBB", 10, 0, 0, 0) + struct.pack("<QQBB", len(gz) - 8, 1, 3, 1)
    gzidx = (b"GZIDX" + bytes([1, 0]) + struct.pack("<QQIII", len(gz), 2, 65536, 32768, 2)
             + points + bytes(32768))
    return {"minimal.gzidx": gzidx, "minimal.vfsidx": gzidx_to_vfs(gzidx)}


def indexes(gz_streams):
    out = minimal_indexes(gz_streams["small"])
    try:
        import indexed_gzip
    except ImportError:
        return out
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("small", "small_members", "zlib_fixed"):
            path = os.path.join(tmp, name + ".gz")
            with open(path, "wb") as f:
                f.write(gz_streams[name])
            idx = os.path.join(tmp, name + ".gzidx")
            with indexed_gzip.IndexedGzipFile(path, spacing=65536) as f:
                f.build_full_index()
                f.export_index(idx)
            with open(idx, "rb") as f:
                out[name + ".gzidx"] = f.read()
            out[name + ".vfsidx"] = gzidx_to_vfs(out[name + ".gzidx"])
    return out


def main():
    gz_dir, idx_dir = sys.argv[1], sys.argv[2]
    gz = streams()
    for name, data in gz.items():
        with open(os.path.join(gz_dir, name), "wb") as f:
            f.write(data)
    for name, data in indexes(gz).items():
        for prefix in (b"", b"C"):
            with open(os.path.join(idx_dir, prefix.decode() + name), "wb") as f:
                f.write(prefix + data)


if __name__ == "__main__":
    main()
