"""Unchanged files are hard-linked from the previous output instead of written again."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds.publish import MANIFEST, publish, read_manifest
from feeds.render import Rendered


def files(**contents: str) -> list[Rendered]:
    return [Rendered(path=p.replace("__", "/"), data=c.encode()) for p, c in contents.items()]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and inode."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_ino)
            for p in sorted(root.rglob("*")) if p.is_file()}


def inode(path: Path) -> int:
    return path.stat().st_ino


def test_an_unchanged_file_is_a_hard_link_of_the_previous_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(files(same="1", sub__same="2", changed="old", gone="x"), out)
    before = {name: inode(out / name) for name in ("same", "sub/same", "changed")}
    second = publish(files(same="1", sub__same="2", changed="new", added="+"), out)
    assert inode(out / "same") == before["same"]
    assert inode(out / "sub/same") == before["sub/same"]
    assert inode(out / "changed") != before["changed"]
    assert (out / "changed").read_text() == "new"
    assert (out / "same").stat().st_nlink == 2  # the other name is the spare's (the previous tree)
    assert second.changed == ("added", "changed")
    assert second.removed == ("gone",)
    assert set(read_manifest(out)) == {"same", "sub/same", "changed", "added"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.spare", "out"]


def test_a_failing_build_leaves_the_previous_tree_byte_identical(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(files(a="1", b="2", c="3"), out)
    before = snapshot(out)

    def broken_files() -> Iterator[Rendered]:
        yield Rendered(path="a", data=b"1")  # linked into the staging tree
        yield Rendered(path="b", data=b"changed")  # written
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        publish(broken_files(), out)
    assert snapshot(out) == before
    assert all(p.stat().st_nlink == 1 for p in out.iterdir())  # the staging links are gone
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("previous", ["absent", "empty"])
def test_publishing_without_a_previous_build(tmp_path: Path, previous: str) -> None:
    out = tmp_path / "out"
    if previous == "empty":
        out.mkdir()
    first = publish(files(a="1", sub__b="2"), out)
    assert first.changed == ("a", "sub/b")
    assert (out / "a").read_text() == "1"
    a = inode(out / "a")
    publish(files(a="1", sub__b="2"), out)
    assert inode(out / "a") == a


def test_a_file_missing_from_the_previous_output_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(files(a="1", b="2"), out)
    (out / "a").unlink()
    second = publish(files(a="1", b="2"), out)
    assert (out / "a").read_text() == "1"
    assert second.changed == ()


def test_a_file_changed_in_place_since_the_last_build_is_written_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(files(a="1111", b="2"), out)
    a = out / "a"
    a.write_text("XXXX")  # same size, newer than the manifest
    manifest = (out / MANIFEST).stat()
    os.utime(a, ns=(manifest.st_atime_ns, manifest.st_mtime_ns + 1_000_000_000))
    publish(files(a="1111", b="2"), out)
    assert a.read_text() == "1111"


def test_a_link_in_the_previous_output_is_not_linked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(files(a="1", b="2"), out)
    (tmp_path / "elsewhere").write_text("1")
    (out / "a").unlink()
    (out / "a").symlink_to(tmp_path / "elsewhere")
    publish(files(a="1", b="2"), out)
    assert not (out / "a").is_symlink()
    assert (out / "a").read_text() == "1"


def test_without_hard_links_files_are_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    publish(files(a="1", b="2"), out)
    before = snapshot(out)
    calls: list[str] = []

    def no_link(src: str, dst: str, *, follow_symlinks: bool = True) -> None:
        calls.append(dst)
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(os, "link", no_link)
    second = publish(files(a="1", b="2"), out)
    assert len(calls) == 1  # tried once, then never again in this build
    assert {k: v[0] for k, v in snapshot(out).items()} == {k: v[0] for k, v in before.items()}
    assert inode(out / "a") != before["a"][1]
    assert second.changed == ()
