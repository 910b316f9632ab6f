#!/usr/bin/env python3
"""Makes the zip archives zip_index_test reads, at test time (no binary
files are committed), and a manifest of each: Python's zipfile reading the
archive back, one line per central directory record, as an oracle for the
C++ parser.

Usage: zip_fixtures.py OUTDIR [NAME...]   (all archives if no NAME)

Manifest OUTDIR/NAME.tsv, tab-separated, one record per line:
  hex(raw name) hex(UTF-8 of zipfile's decoded name) flags method crc32
  compressed_size file_size header_offset data_offset external_attr
  create_system
data_offset is where zipfile found the entry's data after reading its local
header (-1 when it could not open the entry).
"""
import io
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile

DATE = (2020, 1, 2, 3, 4, 6)
TOOL_MTIME = 1_700_000_000  # the mtime of the files the zip tool archives


def info(name, attr=None, date=DATE, system=3):
    """A ZipInfo for a raw name, with a Unix mode or MS-DOS attributes."""
    zi = zipfile.ZipInfo('x', date_time=date)
    zi.filename = name  # after __init__, which would cut a name at NUL
    zi.create_system = system
    if attr is not None:
        zi.external_attr = attr
    return zi


class RawNames:
    """While active, names are written as the bytes of their code points
    below 256 (latin-1), with flag bit 11 clear: legacy CP437 names, and
    any byte string, can be written. The names in `utf8` are written as
    UTF-8 with the flag."""

    def __init__(self, utf8=()):
        self.utf8 = set(utf8)

    def encode(self, zi):
        if zi.filename in self.utf8:
            return zi.filename.encode('utf-8'), zi.flag_bits | 0x800
        return zi.filename.encode('latin-1'), zi.flag_bits & ~0x800

    def __enter__(self):
        self.saved = zipfile.ZipInfo._encodeFilenameFlags
        zipfile.ZipInfo._encodeFilenameFlags = lambda zi: self.encode(zi)

    def __exit__(self, *exc):
        zipfile.ZipInfo._encodeFilenameFlags = self.saved


class Unseekable(io.RawIOBase):
    """A write-only stream without tell or seek: zipfile then streams,
    with data descriptors (flag bit 3)."""

    def __init__(self, f):
        self.f = f

    def writable(self):
        return True

    def write(self, b):
        return self.f.write(b)


def write_tree(root):
    os.makedirs(os.path.join(root, 'sub', 'deep'))
    os.makedirs(os.path.join(root, 'empty'))
    files = {'a.txt': 'alpha\n', 'sub/b.txt': 'bravo\n' * 50, 'sub/deep/c.txt': 'c'}
    for name, data in files.items():
        path = os.path.join(root, name)
        with open(path, 'w') as f:
            f.write(data)
        os.utime(path, (TOOL_MTIME, TOOL_MTIME))
    os.symlink('a.txt', os.path.join(root, 'link'))


def tool_zip(path, *flags, stream=False):
    """An archive by Info-ZIP's zip, of a small tree."""
    with tempfile.TemporaryDirectory() as tree:
        write_tree(tree)
        names = ['a.txt', 'sub', 'empty', 'link']
        if stream:  # to a pipe: data descriptors (and no symlink, which zip cannot pipe)
            with open(path, 'wb') as out:
                proc = subprocess.Popen(['zip', '-q', '-r', '-', *names[:3]], cwd=tree,
                                        stdout=subprocess.PIPE)
                shutil.copyfileobj(proc.stdout, out)
                assert proc.wait() == 0
        else:
            subprocess.run(['zip', '-q', '-r', '-y', *flags, os.path.abspath(path), *names],
                           cwd=tree, check=True)


def py_mixed(path):
    with zipfile.ZipFile(path, 'w') as z:
        z.comment = b'archive comment'
        z.writestr(info('dir/', 0o40755 << 16 | 0x10), b'')
        z.writestr(info('dir/stored.txt', 0o100644 << 16), b'stored data', zipfile.ZIP_STORED)
        z.writestr(info('dir/deflated.txt', 0o100600 << 16), b'deflate me ' * 100,
                   zipfile.ZIP_DEFLATED)
        zi = info('commented.txt', 0o100444 << 16)
        zi.comment = b'entry comment'
        z.writestr(zi, b'x')
        z.writestr(info('dos.txt', 0x01, system=0), b'read-only on MS-DOS')
        z.writestr(info('dosdir/', 0x10, system=0), b'')
        z.writestr(info('empty.txt', 0o100644 << 16), b'')


def py_zip64(path):
    """Zip64 everywhere: central extras for sizes and offsets, and the zip64
    end records, by lowering zipfile's thresholds."""
    saved = zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 8, 2
    try:
        with zipfile.ZipFile(path, 'w') as z:
            z.writestr(info('small', 0o100644 << 16), b'tiny')  # offset 0: no zip64
            z.writestr(info('big.txt', 0o100644 << 16), b'0123456789' * 10)
            with z.open(info('forced.txt', 0o100644 << 16), 'w', force_zip64=True) as f:
                f.write(b'forced zip64 local header')
            z.writestr(info('deflated.bin', 0o100644 << 16), b'z' * 1000, zipfile.ZIP_DEFLATED)
    finally:
        zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = saved


def py_stream(path):
    with open(path, 'wb') as f, zipfile.ZipFile(Unseekable(f), 'w') as z:
        z.writestr(info('one.txt', 0o100644 << 16), b'first', zipfile.ZIP_DEFLATED)
        z.writestr(info('two/three.txt', 0o100644 << 16), b'second' * 30, zipfile.ZIP_STORED)
        with z.open(info('four.txt', 0o100644 << 16), 'w') as w:
            w.write(b'streamed ' * 40)


def py_modes(path):
    with zipfile.ZipFile(path, 'w') as z:
        z.writestr(info('link', 0o120777 << 16), b'target/file')
        z.writestr(info('target/', 0o40700 << 16), b'')
        z.writestr(info('target/file', 0o100755 << 16), b'#!/bin/sh\n')
        z.writestr(info('setuid', 0o104755 << 16), b'')
        z.writestr(info('fifo', 0o10644 << 16), b'')
        z.writestr(info('nomode', 0x20), b'')  # Unix host, no st_mode (0 would get 0o600)
        z.writestr(info('dirbits', 0o40755 << 16), b'')  # a directory without the '/'


def py_cp437(path):
    flagged = 'na\u00efve-flagged.txt'
    with RawNames(utf8=[flagged]), zipfile.ZipFile(path, 'w') as z:
        z.writestr(info('caf\x82.txt'), b'e acute')  # CP437 0x82 = U+00E9
        z.writestr(info('\x9c5/\xb3box\xdb'), b'pound, box drawing, block')
        z.writestr(info('utf8-unflagged-\xc3\xbc'), b'valid UTF-8: kept as is')
        z.writestr(info('all-' + ''.join(map(chr, range(0x80, 0x100)))), b'every high byte')
        z.writestr(info(flagged), b'UTF-8 with flag 11')


HOSTILE = [
    ('../evil', b'climbs'),
    ('/abs', b'absolute'),
    ('a\\b', b'backslash'),
    ('a/../../b2', b'climbs inside'),
    ('./x', b'dot'),
    ('c//d', b'empty element'),
    ('.', b'root'),
    ('..', b'parent'),
    ('', b'empty'),
    ('/', b'slash'),
    ('x/./y', b'dot element'),
    ('nul\0name', b'NUL'),
    ('dup', b'first'),
    ('dup', b'second'),
    ('fd', b'file before its directory'),
    ('fd/child', b'child'),
    ('sd/', b''),
    ('sd', b'file after the directory'),
    ('dd/', b''),
    ('dd/', b''),
    ('lnk', b'/etc'),  # a symlink, then a name through it
    ('lnk/passwd', b'through the link'),
    ('../../etc/passwd', b'zip slip'),
    ('C:\\win\\x.txt', b'drive letter'),
]


def py_hostile(path):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # duplicate names
        with RawNames(), zipfile.ZipFile(path, 'w') as z:
            for name, data in HOSTILE:
                z.writestr(info(name, (0o120777 if name == 'lnk' else 0o100644) << 16), data)


def py_prefixed(path, adjust):
    """A self-extractor's layout: a stub before the archive proper, with the
    offsets left relative to the archive (adjust=False) or made absolute by
    `zip -A` (adjust=True)."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, 'w') as z:
        z.writestr(info('in/side.txt', 0o100644 << 16), b'after the stub')
        z.writestr(info('two.txt', 0o100644 << 16), b'2')
    with open(path, 'wb') as f:
        f.write(b'#!/bin/sh\necho "self-extracting stub"\nexit 0\n' + b'\0' * 100)
        f.write(inner.getvalue())
    if adjust:
        subprocess.run(['zip', '-q', '-A', path], check=True)


def py_empty(path):
    with zipfile.ZipFile(path, 'w') as z:
        z.comment = b'nothing inside'


ARCHIVES = {
    'tool': lambda p: tool_zip(p),
    'tool_zip64': lambda p: tool_zip(p, '-fz'),
    'tool_stream': lambda p: tool_zip(p, stream=True),
    'py_mixed': py_mixed,
    'py_zip64': py_zip64,
    'py_stream': py_stream,
    'py_modes': py_modes,
    'py_cp437': py_cp437,
    'py_hostile': py_hostile,
    'py_prefixed': lambda p: py_prefixed(p, adjust=False),
    'py_prefixed_adjusted': lambda p: py_prefixed(p, adjust=True),
    'py_empty': py_empty,
}


def data_offset(z, zi):
    try:
        with z.open(zi) as f:
            return f._orig_compress_start
    except Exception:
        return -1


def write_manifest(path, out):
    with zipfile.ZipFile(path) as z:
        for zi in z.infolist():
            raw = zi.orig_filename.encode('utf-8' if zi.flag_bits & 0x800 else 'cp437')
            fields = [raw.hex(), zi.orig_filename.encode().hex(), zi.flag_bits, zi.compress_type, zi.CRC, zi.compress_size,
                      zi.file_size, zi.header_offset, data_offset(z, zi), zi.external_attr,
                      zi.create_system]
            out.write('\t'.join(map(str, fields)) + '\n')


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name in sys.argv[2:] or ARCHIVES:
        path = os.path.join(outdir, name + '.zip')
        ARCHIVES[name](path)
        with open(os.path.join(outdir, name + '.tsv'), 'w') as out:
            write_manifest(path, out)


if __name__ == '__main__':
    main()
