#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_zip_index into OUTDIR, at fuzz time (no
binary seeds are committed): the small archives zip_fixtures.py makes for
zip_index_test (Info-ZIP's zip and Python's zipfile: zip64, data
descriptors, modes, CP437 and hostile names, prefixes), plus a few more
shapes: each extra field a parser reads, and archives cut or padded.

Usage: make_zip_corpus.py OUTDIR
"""
import io
import os
import struct
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import zip_fixtures  # noqa: E402


def extras_archive():
    """One entry per extra field the parser reads."""
    fields = {
        'ut': struct.pack('<HHBI', 0x5455, 5, 1, 1_600_000_000),
        'ux': struct.pack('<HHII', 0x5855, 8, 1, 1_500_000_000),
        'unix': struct.pack('<HHII', 0x000d, 8, 1, 1_400_000_000),
        'ntfs': struct.pack('<HHIHHQQQ', 0x000a, 32, 0, 1, 24, 132_000_000_000_000_000, 0, 0),
        'zip64': struct.pack('<HHQ', 0x0001, 8, 5),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as z:
        for name, extra in fields.items():
            zi = zipfile.ZipInfo(name, date_time=zip_fixtures.DATE)
            zi.extra = extra
            z.writestr(zi, b'data')
    return out.getvalue()


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    seeds = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in zip_fixtures.ARCHIVES.items():
            path = os.path.join(tmp, name + '.zip')
            try:
                make(path)
            except (OSError, subprocess.CalledProcessError) as e:  # no Info-ZIP zip
                print(f'make_zip_corpus: skipping {name}: {e}', file=sys.stderr)
                continue
            with open(path, 'rb') as f:
                seeds[name] = f.read()
    seeds['extras'] = extras_archive()
    seeds['mixed_cut'] = seeds['py_mixed'][:-30]  # the end record cut short
    seeds['mixed_junk'] = seeds['py_mixed'] + b'trailing junk'
    seeds['empty_record'] = b'PK\x05\x06' + b'\0' * 18
    for name, data in seeds.items():
        with open(os.path.join(outdir, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
