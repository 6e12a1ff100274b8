"""The listing of a spare, in a process of its own or here: every file once, links not followed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from feeds import _listing, publish


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "a" / "b").mkdir(parents=True)
    (root / "index.html").write_text("x")
    (root / "a" / "b" / "deep.xml").write_text("y")
    (root / "a" / "line\nbreak.html").write_text("z")
    (root / os.fsdecode(b"a/latin-\xe9.html")).write_text("w")  # not UTF-8: kept as the same bytes
    (root / "a" / "to-b").symlink_to(root / "a" / "b")  # a link to a folder: listed, not entered
    os.mkfifo(root / "a" / "pipe")
    return root


def expected(root: Path) -> set[tuple[str, int]]:
    return {("index.html", (root / "index.html").stat().st_mtime_ns),
            ("a/b/deep.xml", (root / "a" / "b" / "deep.xml").stat().st_mtime_ns),
            ("a/line\nbreak.html", (root / "a" / "line\nbreak.html").stat().st_mtime_ns),
            (os.fsdecode(b"a/latin-\xe9.html"), (root / os.fsdecode(b"a/latin-\xe9.html")).stat().st_mtime_ns),
            ("a/to-b", -1), ("a/pipe", -1)}


def test_the_listing_process_lists_every_file_once(tree: Path) -> None:
    listed = publish._listing(tree)
    assert len(listed) == len(set(listed))
    assert set(listed) == expected(tree)


def test_without_the_process_the_listing_is_the_same(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tree / "no-such-python"))
    assert set(publish._listing(tree)) == expected(tree)
    assert {(os.fsdecode(p), m) for m, p in _listing.listing(str(tree))} == expected(tree)


LATER = str(2**62)  # in 2116: every file was written before


def test_the_linking_process_links_the_regular_files_but_those_left_out(tree: Path, tmp_path: Path) -> None:
    (tree / "keep-out").write_text("m")
    copy = tmp_path / "copy"
    copy.mkdir()
    linking = publish._Listing.start(["--link", str(tree), str(copy), LATER, "a", "keep-out"])  # top-level names only
    assert linking is not None
    found = linking.result()
    assert found is not None
    there, linked = found
    assert there == []
    regular = {(path, mtime) for path, mtime in expected(tree) if mtime >= 0}
    assert set(linked) == regular
    assert len(linked) == len(regular)
    for path, _ in regular:
        assert (copy / path).stat().st_ino == (tree / path).stat().st_ino
    assert not (copy / "keep-out").exists()
    assert not (copy / "a" / "to-b").exists()  # a link is not followed, nor copied
    assert not (copy / "a" / "pipe").exists()


def test_a_file_changed_after_the_build_that_wrote_it_is_not_linked(tree: Path, tmp_path: Path) -> None:
    later = 2**62 + 10**9
    os.utime(tree / "index.html", ns=(later, later))
    copy = tmp_path / "copy"
    copy.mkdir()
    linking = publish._Listing.start(["--link", str(tree), str(copy), LATER])
    assert linking is not None
    found = linking.result()
    assert found is not None
    assert "index.html" not in {path for path, _ in found[1]}
    assert not (copy / "index.html").exists()
    assert (copy / "a" / "b" / "deep.xml").exists()


def test_into_a_folder_that_holds_files_it_links_only_what_is_missing(tree: Path, tmp_path: Path) -> None:
    spare = tmp_path / "spare"
    (spare / "a" / "b").mkdir(parents=True)
    (spare / "index.html").write_text("the spare's")
    (spare / "a" / "b" / "deep.xml").mkdir()  # a folder where the tree has a file
    (spare / "a" / "b" / "deep.xml" / "old").write_text("old")
    (spare / "a" / "line\nbreak.html").write_text("the spare's")
    (spare / "gone.html").write_text("not in the tree")
    (spare / "a" / "latin-").mkdir()
    linking = publish._Listing.start(["--link", str(tree), str(spare), LATER])
    assert linking is not None
    found = linking.result()
    assert found is not None
    there, linked = found
    assert {path for path, _ in there} == {"index.html", "a/b/deep.xml/old", "a/line\nbreak.html", "gone.html"}
    assert [path for path, _ in linked] == [os.fsdecode(b"a/latin-\xe9.html")]  # the only one missing
    assert (spare / "index.html").read_text() == "the spare's"
    assert (spare / "a" / "b" / "deep.xml" / "old").read_text() == "old"


def test_a_linking_process_that_fails_lists_nothing(tree: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.write_text("not a folder")
    linking = publish._Listing.start(["--link", str(tree), str(copy), LATER])
    assert linking is not None
    assert linking.result() is None


def test_stopped_it_has_listed_every_file_it_linked(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    linked: list[bytes] = []

    def linking(*_: object) -> Iterator[tuple[int, bytes] | None]:
        yield 1, b"found"
        yield None
        for n in range(10):
            linked.append(b"file-%d" % n)
            if n == 3:
                os.kill(os.getpid(), signal.SIGTERM)  # between a link and its listing
            yield 1, linked[-1]

    monkeypatch.setattr(_listing, "topped_up", linking)
    monkeypatch.setattr(_listing, "_stopping", [])
    before = signal.getsignal(signal.SIGTERM)
    try:
        _listing.main(["--link", "from", "to", LATER])
    finally:
        signal.signal(signal.SIGTERM, before)
    assert 4 <= len(linked) < 10
    found, listed = publish._split(capsysbinary.readouterr().out)
    assert publish._listed(found) == [("found", 1)]
    assert listed is not None
    assert publish._listed(listed) == [(os.fsdecode(path), 1) for path in linked]


INTERMEDIATE = """
import subprocess, sys, time
listing = subprocess.Popen([sys.executable, "-I", "-S", sys.argv[1], "--parent=%d" % __import__("os").getpid(),
                            sys.argv[2]], stdout=int(sys.argv[3]))
print(listing.pid, flush=True)
time.sleep(60)
"""


def test_it_dies_with_the_build(tmp_path: Path) -> None:
    """A build killed while it lists leaves no process behind, even one that cannot go on."""
    for n in range(3000):  # more than a pipe holds: it waits to write, for a reader that never reads
        (tmp_path / f"file-{n:04}.html").write_text("x")
    read_end, write_end = os.pipe()
    try:
        with subprocess.Popen([sys.executable, "-c", INTERMEDIATE, _listing.__file__, str(tmp_path), str(write_end)],
                              stdout=subprocess.PIPE, pass_fds=(write_end,), text=True) as build:
            os.close(write_end)
            assert build.stdout is not None
            pid = int(build.stdout.readline())
            time.sleep(0.5)
            assert _alive(pid)  # waiting to write
            build.kill()
        deadline = time.monotonic() + 10
        while _alive(pid):
            assert time.monotonic() < deadline, "the listing outlived the build"
            time.sleep(0.01)
    finally:
        os.close(read_end)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"  # a zombie is dead, waiting for its parent to reap it
    except FileNotFoundError:
        return False


def test_it_does_not_begin_for_a_build_that_is_gone(tree: Path) -> None:
    done = subprocess.run([sys.executable, "-I", "-S", _listing.__file__, "--parent=1", str(tree)],
                          capture_output=True, check=False)
    assert done.returncode == 1
    assert done.stdout == b""


def test_asked_to_stop_while_it_passes_over_files_it_has_it_stops(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    have = frozenset(os.fsencode(path) for path, _ in expected(tree))
    folders: list[str] = []
    real = os.scandir

    def scandir(path: str) -> Any:
        folders.append(path)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert list(_listing.linked(str(tree), str(tree), 2**62, frozenset(), have)) == []
    assert len(folders) == 3  # the tree, a, a/b
    folders.clear()
    monkeypatch.setattr(_listing, "_stopping", [signal.SIGTERM])
    assert list(_listing.linked(str(tree), str(tree), 2**62, frozenset(), have)) == []
    assert len(folders) < 3
