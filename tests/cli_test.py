#!/usr/bin/env python3
"""The vfs tool, tested through its binary: outputs compared with the real
tools (find, unzip -Z1, bsdtar) on trees and archives made here, at test
time.

Usage: cli_test.py VFS_BINARY [unittest arguments, e.g. a class name]
"""
import gzip
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import zipfile

VFS = None


def vfs(*args, check=True, env=None, **kw):
    """Runs the tool; returns (stdout, stderr, status)."""
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    p = subprocess.run([VFS, *args], capture_output=True, env=e, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"vfs {' '.join(args)}: status {p.returncode}\n{p.stderr.decode()}")
    return p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), p.returncode


def lines(s):
    return [l for l in s.split("\n") if l]


class Tree(unittest.TestCase):
    """A small tree on disk and the same tree as a zip (Info-ZIP, -y keeps symlinks)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vfs-cli-")
        cls.dir = os.path.join(cls.tmp, "tree")
        files = {
            "a.txt": "alpha\n",
            "docs/readme.md": "# readme\n",
            "docs/guide/intro.md": "intro\n" * 100,
            "src/main.c": "int main(){}\n",
            "src/util/x.h": "",
            ".hidden": "h\n",
            "sp ace & <odd>.txt": "odd\n",
        }
        for name, data in files.items():
            p = os.path.join(cls.dir, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(data)
        os.makedirs(os.path.join(cls.dir, "empty"))
        os.symlink("../a.txt", os.path.join(cls.dir, "docs/link"))
        cls.files = files
        cls.zip = os.path.join(cls.tmp, "tree.zip")
        subprocess.run(["zip", "-qry", cls.zip, "."], cwd=cls.dir, check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)


class Listing(Tree):
    def test_find_matches_gnu_find(self):
        want = subprocess.run(["find", self.dir, "-mindepth", "1", "-printf", "%P\n"],
                              capture_output=True, text=True, check=True).stdout
        got, _, _ = vfs("find", self.dir)
        self.assertEqual(sorted(lines(got)), sorted(lines(want)))
        # Walk order: lexical, parents before children.
        self.assertEqual(lines(got), sorted(lines(got), key=lambda p: p.split("/")))
        par, _, _ = vfs("find", "--parallel", self.dir)
        self.assertEqual(par, got)

    def test_find_in_a_zip_matches_unzip(self):
        listed = subprocess.run(["unzip", "-Z1", self.zip], capture_output=True, text=True,
                                check=True).stdout
        want = sorted(l.rstrip("/") for l in lines(listed))
        got, _, _ = vfs("find", self.zip)
        self.assertEqual(sorted(lines(got)), want)

    def test_find_in_tar_archives_matches_bsdtar(self):
        for ext, flag in ((".tar", ""), (".tar.gz", "z"), (".tar.xz", "J"), (".tar.zst", "--zstd")):
            tar = os.path.join(self.tmp, "tree" + ext)
            opts = ["-c", "-f", tar] if flag.startswith("--") or not flag else [f"-c{flag}f", tar]
            if flag.startswith("--"):
                opts = ["--zstd", "-cf", tar]
            subprocess.run(["tar", *opts, "."], cwd=self.dir, check=True)
            listed = subprocess.run(["bsdtar", "-tf", tar], capture_output=True, text=True,
                                    check=True).stdout
            want = sorted({l.rstrip("/").removeprefix("./") for l in lines(listed)} - {"."})
            got, _, _ = vfs("find", tar)
            self.assertEqual(sorted(lines(got)), want, ext)
            got, _, _ = vfs("cat", tar + "/docs/guide/intro.md")
            self.assertEqual(got, "intro\n" * 100, ext)

    def test_gz_is_a_directory_of_one_file(self):
        gz = os.path.join(self.tmp, "a.txt.gz")
        subprocess.run(f"gzip -c '{self.dir}/a.txt' > '{gz}'", shell=True, check=True)
        got, _, _ = vfs("ls", gz)
        self.assertEqual(lines(got), ["a.txt"])
        want = subprocess.run(["zcat", gz], capture_output=True, check=True).stdout
        p = subprocess.run([VFS, "cat", gz + "/a.txt"], capture_output=True, check=True)
        self.assertEqual(p.stdout, want)
        p = subprocess.run([VFS, "cat", gz], capture_output=True, check=True)
        with open(gz, "rb") as f:
            self.assertEqual(p.stdout, f.read())  # the compressed bytes themselves

    def test_find_filters(self):
        got, _, _ = vfs("find", "--type", "f", "--name", "*.md", self.zip)
        self.assertEqual(lines(got), ["docs/guide/intro.md", "docs/readme.md"])
        got, _, _ = vfs("find", "--type", "d", self.dir)
        self.assertEqual(lines(got), ["docs", "docs/guide", "empty", "src", "src/util"])
        got, _, _ = vfs("find", "--type", "l", self.dir)
        self.assertEqual(lines(got), ["docs/link"])
        got, _, _ = vfs("find", "--max-depth", "1", self.dir)
        self.assertEqual(lines(got), sorted(os.listdir(self.dir)))
        got, _, _ = vfs("find", "-0", self.zip + "/src")
        self.assertEqual(got, "main.c\0util\0util/x.h\0")
        _, err, status = vfs("find", "--name", "[", self.dir, check=False)
        self.assertEqual(status, 1)
        self.assertIn("syntax error in pattern", err)

    def test_find_json(self):
        got, _, _ = vfs("find", "--json", self.dir)
        objs = [json.loads(l) for l in lines(got)]
        by = {o["path"]: o for o in objs}
        self.assertEqual(by["a.txt"]["type"], "file")
        self.assertEqual(by["a.txt"]["size"], 6)
        self.assertEqual(by["docs"]["type"], "dir")
        self.assertEqual(by["docs/link"]["type"], "symlink")
        self.assertEqual(by["docs/link"]["link"], "../a.txt")
        self.assertRegex(by["a.txt"]["mtime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{9})?Z$")
        self.assertEqual(by["a.txt"]["mode"], "-rw-r--r--")

    def test_ls(self):
        got, _, _ = vfs("ls", self.dir)
        self.assertEqual(lines(got), sorted(n for n in os.listdir(self.dir) if not n.startswith(".")))
        got, _, _ = vfs("ls", "-a", self.zip)
        self.assertIn(".hidden", lines(got))
        got, _, _ = vfs("ls", "-l", self.zip + "/docs")
        rows = lines(got)
        self.assertEqual(len(rows), 3)
        self.assertTrue(rows[0].startswith("drwx") and rows[0].endswith(" guide"), rows[0])
        self.assertTrue(rows[1].startswith("L") and rows[1].endswith(" link -> ../a.txt"), rows[1])
        self.assertIn(" 9 ", rows[2])
        got, _, _ = vfs("ls", self.zip + "/a.txt")
        self.assertEqual(lines(got), [self.zip + "/a.txt"])

    def test_colour_only_when_asked_or_on_a_terminal(self):
        plain, _, _ = vfs("ls", self.dir)
        self.assertNotIn("\033[", plain)
        coloured, _, _ = vfs("--color", "always", "ls", self.dir)
        self.assertIn("\033[01;34mdocs\033[0m", coloured)

    def test_tree(self):
        got, _, _ = vfs("tree", self.zip + "/docs")
        self.assertEqual(got, (f"{self.zip}/docs\n"
                               "├── guide\n"
                               "│   └── intro.md\n"
                               "├── link -> ../a.txt\n"
                               "└── readme.md\n"
                               "\n1 directory, 3 files\n"))
        got, _, _ = vfs("tree", "-L", "1", self.dir)
        self.assertNotIn("intro.md", got)
        self.assertTrue(got.endswith("\n3 directories, 2 files\n"), got)

    def test_stat(self):
        got, _, _ = vfs("stat", self.zip + "/docs/link")
        self.assertIn("    Type: symlink\n", got)
        self.assertIn("    Link: ../a.txt\n", got)
        got, _, _ = vfs("stat", "-L", "--json", self.zip + "/docs/link")
        o = json.loads(got)
        self.assertEqual((o["type"], o["size"]), ("file", 6))
        got, _, _ = vfs("stat", self.zip)  # the archive file itself
        self.assertIn(f"    Size: {os.path.getsize(self.zip)}\n", got)

    def test_slashes_after_an_archive(self):
        want = lines(vfs("ls", self.zip)[0])
        for path in (self.zip + "/", self.zip + "//", os.path.relpath(self.zip) + "/"):
            self.assertEqual(lines(vfs("ls", path)[0]), want, path)
        want = lines(vfs("ls", self.zip + "/docs")[0])
        for path in (self.zip + "//docs", self.zip + "/docs/", self.zip + "/./docs"):
            self.assertEqual(lines(vfs("ls", path)[0]), want, path)

    def test_stat_shows_a_link_whose_target_is_missing_or_outside(self):
        tar = os.path.join(self.tmp, "links.tar")
        with tarfile.open(tar, "w") as t:
            for name, target in (("dangling", "nope"), ("abs", "/etc/hostname")):
                info = tarfile.TarInfo(name)
                info.type, info.linkname = tarfile.SYMTYPE, target
                t.addfile(info)
        for name, target in (("dangling", "nope"), ("abs", "/etc/hostname")):
            got, _, _ = vfs("stat", tar + "/" + name)
            self.assertIn("    Type: symlink\n", got)
            self.assertIn(f"    Link: {target}\n", got)
            _, err, status = vfs("stat", "-L", tar + "/" + name, check=False)
            self.assertEqual(status, 1)
            self.assertIn(name, err)
        on_disk = os.path.join(self.tmp, "dangling")
        os.symlink("nope", on_disk)
        try:
            got, _, _ = vfs("stat", on_disk)
            self.assertIn("    Link: nope\n", got)
            _, err, status = vfs("cat", on_disk, check=False)
            self.assertEqual(status, 1)
            self.assertIn(on_disk, err)
        finally:
            os.unlink(on_disk)

    def test_glob(self):
        for src in (self.dir, self.zip):
            got, _, _ = vfs("glob", "*/*.md", src)
            self.assertEqual(lines(got), ["docs/readme.md"])
            got, _, _ = vfs("glob", "*.h", src + "/src/util")
            self.assertEqual(lines(got), ["x.h"])

    def test_du(self):
        got, _, _ = vfs("du", self.zip)
        sizes = {p: int(s) for s, p in (l.split("\t") for l in lines(got))}
        self.assertEqual(sizes["docs/guide"], 600)
        self.assertEqual(sizes["docs"], 600 + 9 + len("../a.txt"))
        total = sum(len(d) for d in self.files.values()) + len("../a.txt")
        self.assertEqual(sizes[self.zip], total)
        self.assertEqual(lines(got)[-1], f"{total}\t{self.zip}")
        got, _, _ = vfs("du", "-s", "-H", self.dir)
        self.assertEqual(lines(got), [f"{total}\t{self.dir}"])

    def test_check(self):
        for src in (self.dir, self.zip, self.zip + "/docs"):
            got, _, _ = vfs("check", src)
            self.assertRegex(got, r"ok: \d+ files")


class Cat(Tree):
    def test_cat_files_on_disk_and_in_archives(self):
        got, _, _ = vfs("cat", self.zip + "/docs/guide/intro.md", os.path.join(self.dir, "a.txt"))
        self.assertEqual(got, "intro\n" * 100 + "alpha\n")
        with open(self.zip, "rb") as f:
            raw = f.read()
        p = subprocess.run([VFS, "cat", self.zip], capture_output=True, check=True)
        self.assertEqual(p.stdout, raw)

    def test_nested_archives(self):
        outer = os.path.join(self.tmp, "outer.zip")
        with zipfile.ZipFile(outer, "w") as z:
            z.write(self.zip, "inner/tree.zip")
        got, _, _ = vfs("cat", outer + "/inner/tree.zip/src/main.c")
        self.assertEqual(got, "int main(){}\n")
        got, _, _ = vfs("find", outer + "/inner/tree.zip/docs")
        self.assertEqual(lines(got), ["guide", "guide/intro.md", "link", "readme.md"])

    def test_a_disk_symlink_is_followed(self):
        link = os.path.join(self.tmp, "zip-link")
        os.symlink(self.zip, link)
        got, _, _ = vfs("cat", link + "/a.txt")
        self.assertEqual(got, "alpha\n")

    def test_broken_pipe_ends_quietly(self):
        big = os.path.join(self.tmp, "big")
        os.makedirs(big, exist_ok=True)
        for i in range(6000):
            open(os.path.join(big, f"file-{i:05}-{'x' * 20}"), "w").close()
        p = subprocess.run(f"'{VFS}' find '{big}' | head -1; exit ${{PIPESTATUS[0]}}",
                           shell=True, executable="/bin/bash", capture_output=True, text=True)
        self.assertEqual(p.stdout, "file-00000-" + "x" * 20 + "\n")
        self.assertEqual(p.stderr, "")
        self.assertEqual(p.returncode, 141)


class SelfExtracting(Tree):
    """A zip after a stub is an archive to every command, as to open_archive."""

    def test_every_command_enters_it(self):
        sfx = os.path.join(self.tmp, "sfx.zip")
        with open(sfx, "wb") as out, open(self.zip, "rb") as z:
            out.write(b"#!/bin/sh\necho stub\nexit 0\n" + z.read())
        subprocess.run(["zip", "-qA", sfx], check=True)
        self.assertEqual(lines(vfs("ls", sfx)[0]), lines(vfs("ls", self.zip)[0]))
        self.assertEqual(lines(vfs("find", sfx)[0]), lines(vfs("find", self.zip)[0]))
        vfs("check", sfx)
        out = os.path.join(self.tmp, "sfx-out")
        vfs("extract", sfx, out)
        with open(os.path.join(out, "a.txt")) as f:
            self.assertEqual(f.read(), "alpha\n")


class Extract(Tree):
    def test_extract_round_trip(self):
        out = os.path.join(self.tmp, "out")
        vfs("extract", self.zip, out)
        got = subprocess.run(["diff", "-r", "--no-dereference", self.dir, out], capture_output=True,
                             text=True)
        self.assertEqual(got.returncode, 0, got.stdout + got.stderr)
        _, err, status = vfs("extract", self.zip, out, check=False)
        self.assertEqual(status, 1)
        self.assertIn(f"vfs: copy {self.zip}/a.txt: file already exists", err)
        vfs("extract", "--force", self.zip, out)

    def test_zip_slip_and_escaping_links(self):
        evil = os.path.join(self.tmp, "evil.zip")
        with zipfile.ZipFile(evil, "w") as z:
            z.writestr("ok.txt", "ok")
            z.writestr("../../slip.txt", "slip")
            z.writestr("/abs.txt", "abs")
            for name, target in (("up", "../../etc"), ("abs", "/etc/passwd"), ("in/l", "../ok.txt")):
                i = zipfile.ZipInfo(name)
                i.external_attr = 0o120777 << 16
                z.writestr(i, target)
        out = os.path.join(self.tmp, "evil-out")
        _, err, status = vfs("extract", evil, out, check=False)
        self.assertEqual(status, 1)
        self.assertIn(f"vfs: symlink {evil}/abs: path escapes from the file system root", err)
        self.assertIn(f"vfs: symlink {evil}/up: path escapes from the file system root", err)
        made = sorted(os.path.relpath(os.path.join(d, n), out)
                      for d, ds, fs in os.walk(out) for n in ds + fs)
        self.assertEqual(made, ["abs.txt", "in", "in/l", "ok.txt", "slip.txt"])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "slip.txt")))
        self.assertEqual(os.readlink(os.path.join(out, "in/l")), "../ok.txt")


class Embedded(unittest.TestCase):
    """No path: the demo assets compiled into the tool (cli/demo)."""

    DEMO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli", "demo")

    def test_find_and_cat_match_the_directory_they_came_from(self):
        want = subprocess.run(["find", self.DEMO, "-mindepth", "1", "-printf", "%P\n"],
                              capture_output=True, text=True, check=True).stdout
        got, _, _ = vfs("find")
        self.assertEqual(sorted(lines(got)), sorted(lines(want)))
        got, _, _ = vfs("find", "embed:docs")
        self.assertEqual(lines(got), ["formats.md", "quickstart.md"])
        with open(os.path.join(self.DEMO, "docs", "quickstart.md")) as f:
            want = f.read()
        got, _, _ = vfs("cat", "embed:docs/quickstart.md")
        self.assertEqual(got, want)

    def test_tree_and_check(self):
        got, _, _ = vfs("tree")
        self.assertIn("└── index.html\n", got)
        self.assertTrue(got.endswith("\n2 directories, 4 files\n"), got)
        got, _, _ = vfs("check")
        self.assertIn("ok: 4 files", got)
        _, err, status = vfs("cat", "embed:nope", check=False)
        self.assertEqual((status, err), (1, "vfs: stat embed:nope: file does not exist\n"))


class Serve(Tree):
    """vfs serve: the HTTP file server over a zip and over the embedded assets."""

    def serve(self, *args):
        p = subprocess.Popen([VFS, "serve", "--addr", "127.0.0.1:0", *args],
                             stderr=subprocess.PIPE, text=True)
        line = p.stderr.readline()  # "listening on http://127.0.0.1:PORT/"
        self.assertIn("listening on http://127.0.0.1:", line)
        return p, line.strip().split("listening on ")[1]

    def stop(self, p):
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=60), 0)

    def test_serves_a_zip_and_the_embedded_assets(self):
        p, base = self.serve(self.zip)
        try:
            with urllib.request.urlopen(base + "docs/guide/intro.md", timeout=60) as r:
                self.assertEqual(r.read().decode(), "intro\n" * 100)
            with urllib.request.urlopen(base + "docs/", timeout=60) as r:
                self.assertIn('<a href="readme.md">readme.md</a>', r.read().decode())
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(base + "nope", timeout=60)
            self.assertEqual(e.exception.code, 404)
        finally:
            self.stop(p)
        p, base = self.serve()
        try:
            req = urllib.request.Request(base + "css/site.css", headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(req, timeout=60) as r:
                self.assertEqual(r.headers["Content-Encoding"], "gzip")
                self.assertEqual(len(r.headers["ETag"]), 66)  # a quoted SHA-256
                body = gzip.decompress(r.read())
            css = os.path.join(Embedded.DEMO, "css", "site.css")
            with open(css, "rb") as f:
                self.assertEqual(body, f.read())
        finally:
            self.stop(p)

    def test_bad_address(self):
        _, err, status = vfs("serve", "--addr", "nonsense", check=False)
        self.assertEqual(status, 1)
        self.assertIn("bad --addr", err)


class IdleConnections(Tree):
    """vfs serve holds 10,000 idle keep-alive connections (its default cap),
    each a parked fiber with its socket on the poller: any of them is still
    answered at once, one more is refused with 503 until one leaves, and
    SIGTERM closes them all and exits 0. The server starts with a soft
    descriptor limit of 1024 and must raise it itself, as a Go server does."""

    IDLE = 10_000
    BATCH = 500  # connected, asked, answered: within the listen backlog

    @staticmethod
    def read_response(s):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                return None, data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        return int(head[9:12]), body

    def get(self, s, path):
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        return self.read_response(s)

    def connect(self, port):
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        return s

    def test_ten_thousand_idle_connections(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        need = self.IDLE + 200
        if hard < need:
            self.skipTest(f"the hard descriptor limit ({hard}) is below {need}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))

        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))

        p = subprocess.Popen([VFS, "serve", "--addr", "127.0.0.1:0", self.dir],
                             stderr=subprocess.PIPE, text=True, preexec_fn=low_limit)
        socks = []
        try:
            line = p.stderr.readline()
            self.assertIn("listening on http://127.0.0.1:", line)
            port = int(line.strip().rstrip("/").rsplit(":", 1)[1])
            for first in range(0, self.IDLE, self.BATCH):
                batch = [self.connect(port) for _ in range(self.BATCH)]
                for s in batch:
                    s.sendall(b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
                for s in batch:
                    self.assertEqual(self.read_response(s), (200, b"alpha\n"))
                socks += batch
            fds = len(os.listdir(f"/proc/{p.pid}/fd"))
            self.assertGreaterEqual(fds, self.IDLE)
            with open(f"/proc/{p.pid}/status") as f:
                rss = re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1)
            print(f"\n  {self.IDLE} idle connections: server RSS {int(rss) // 1024} MiB",
                  file=sys.stderr)
            for i in (self.IDLE - 1, self.IDLE // 2, 0):
                self.assertEqual(self.get(socks[i], "/docs/readme.md"), (200, b"# readme\n"))
            extra = self.connect(port)
            self.assertEqual(self.read_response(extra)[0], 503)
            extra.close()
            socks.pop(0).close()
            deadline = time.monotonic() + 60
            while len(os.listdir(f"/proc/{p.pid}/fd")) >= fds and time.monotonic() < deadline:
                time.sleep(0.01)
            last = self.connect(port)
            self.assertEqual(self.get(last, "/a.txt"), (200, b"alpha\n"))
            last.close()
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(timeout=120), 0)
            closed = sum(1 for s in socks if s.recv(1) == b"")
            self.assertEqual(closed, len(socks))
        finally:
            for s in socks:
                s.close()
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stderr.close()


class Errors(Tree):
    def test_missing_paths_name_the_path(self):
        _, err, status = vfs("cat", self.zip + "/nope", check=False)
        self.assertEqual(status, 1)
        self.assertEqual(err, f"vfs: stat {self.zip}/nope: file does not exist\n")
        _, err, status = vfs("ls", os.path.join(self.tmp, "nope"), check=False)
        self.assertEqual((status, err), (1, f"vfs: stat {self.tmp}/nope: file does not exist\n"))

    def test_the_rest_is_still_printed(self):
        got, err, status = vfs("cat", self.zip + "/nope", self.zip + "/a.txt", check=False)
        self.assertEqual((got, status), ("alpha\n", 1))

    def test_a_directory_is_no_file(self):
        _, err, status = vfs("cat", self.zip + "/docs", check=False)
        self.assertEqual(status, 1)
        self.assertIn("docs", err)

    def test_not_an_archive(self):
        _, err, status = vfs("ls", os.path.join(self.dir, "a.txt", "x"), check=False)
        self.assertEqual(status, 1)
        self.assertIn("a.txt", err)

    def test_usage_and_help(self):
        for args in ([], ["bogus"], ["find", "--type", "q"], ["cat"]):
            _, _, status = vfs(*args, check=False)
            self.assertEqual(status, 2, args)
        for cmd in ("ls", "tree", "find", "cat", "stat", "glob", "du", "check", "serve", "extract"):
            got, _, status = vfs(cmd, "--help", check=False)
            self.assertEqual(status, 0, cmd)
            self.assertIn("Usage", got)


if __name__ == "__main__":
    VFS = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0], *sys.argv[2:]], verbosity=1)
