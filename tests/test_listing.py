"""The listing of a spare, in a process of its own or here: every file once, links not followed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
