#!/usr/bin/env python3
"""indexed_gzip (python3-indexed-gzip) as an oracle for gzip_test: random
reads through its own index, and its GZIDX index files.

  gzip_oracle.py read   FILE.gz OUT SPAN LEN OFFSET...   # builds its index
  gzip_oracle.py import FILE.gz INDEX OUT LEN OFFSET...  # reads through INDEX
  gzip_oracle.py export FILE.gz INDEX SPAN               # writes its index

OUT receives, for each OFFSET in turn, the LEN bytes (fewer at the end) that
seek(OFFSET) + read(LEN) return.
"""
import sys

import indexed_gzip


def reads(f, out, length, offsets):
    with open(out, "wb") as o:
        for off in offsets:
            f.seek(int(off))
            o.write(f.read(length))


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "read":
        out, span, length, offsets = sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6:]
        with indexed_gzip.IndexedGzipFile(path, spacing=span) as f:
            reads(f, out, length, offsets)
    elif cmd == "import":
        index, out, length, offsets = sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6:]
        with indexed_gzip.IndexedGzipFile(path) as f:
            f.import_index(index)
            reads(f, out, length, offsets)
    elif cmd == "export":
        index, span = sys.argv[3], int(sys.argv[4])
        with indexed_gzip.IndexedGzipFile(path, spacing=span) as f:
            f.build_full_index()
            f.export_index(index)
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
