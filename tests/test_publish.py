"""Publishing is all or nothing, and never outside the output folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from hashlib import sha256
from pathlib import Path

import pytest

from feeds.errors import PublishError
from feeds.publish import MANIFEST, Publication, Written, publish, read_manifest, starts_blank, write_new
from feeds.render import Rendered


def files(**contents: str) -> list[Rendered]:
    return [Rendered(path=p.replace("__", "/"), data=c.encode()) for p, c in contents.items()]


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def test_first_publish_and_replacement(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = publish(files(a="1", sub__b="2"), out)
    assert set(first.changed) == {"a", "sub/b"}
    second = publish(files(a="1", c="3"), out)
    assert second.changed == ("c",)
    assert second.removed == ("sub/b",)
    assert {k: v for k, v in tree(out).items() if k != MANIFEST} == {"a": "1", "c": "3"}
    assert set(read_manifest(out)) == {"a", "c"}
    # No staging folder left behind; the output before this one is kept as the next build's spare.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.spare", "out"]
    assert {k: v for k, v in tree(tmp_path / ".out.spare").items() if k != MANIFEST} == {"a": "1", "sub/b": "2"}


def test_a_tree_starts_blank_only_with_no_output_and_no_spare_to_start_from(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert starts_blank(out)
    publish(files(a="1"), out)
    with Publication(out) as publication:
        assert not starts_blank(out)
        assert publication.shared_folder is None  # the output is there to compare with
    publish(files(a="2"), out)  # the output before it is the spare now
    shutil.rmtree(out)
    assert not starts_blank(out)
    shutil.rmtree(tmp_path / ".out.spare")
    assert starts_blank(out)
    with Publication(out) as publication:
        assert publication.shared_folder is not None


def test_a_failing_build_leaves_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(files(a="old"), out)
    before = tree(out)

    def broken_files() -> Iterator[Rendered]:
        yield Rendered(path="a", data=b"new")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        publish(broken_files(), out)
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("builds_before", [0, 1, 2])  # a new folder; the output linked; the spare
def test_a_file_put_again_or_taken_back(tmp_path: Path, builds_before: int) -> None:
    out = tmp_path / "out"
    for _ in range(builds_before):
        publish(files(a="1", b="2", c="3"), out)
    with Publication(out) as publication:
        publication.put(Rendered(path="a", data=b"first"))
        publication.put(Rendered(path="a", data=b"1"), again=True)  # the bytes the output already has
        publication.put(Rendered(path="b", data=b"2"))
        publication.put(Rendered(path="b", data=b"second"), again=True)
        publication.put(Rendered(path="c", data=b"3"))
        publication.discard("c")
        published = publication.finish()
    assert {k: v for k, v in tree(out).items() if k != MANIFEST} == {"a": "1", "b": "second"}
    assert set(published.files) == set(read_manifest(out)) == {"a", "b"}


def test_a_file_is_put_again_only_after_it_was_put(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(files(a="1"), out)
    with Publication(out) as publication:
        publication.put(Rendered(path="a", data=b"1"))
        with pytest.raises(PublishError, match="Two outputs want the same file"):
            publication.put(Rendered(path="a", data=b"2"))
        with pytest.raises(PublishError, match="replaced before it was put"):
            publication.put(Rendered(path="b", data=b"2"), again=True)
        with pytest.raises(PublishError, match="not put"):
            publication.discard("b")
    assert tree(out) == {"a": "1", MANIFEST: (out / MANIFEST).read_text()}  # nothing finished: unchanged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_manifest_made_before_finishing_is_the_one_written(tmp_path: Path) -> None:
    """A build stores its hash while `finish` runs: after it, no file may come or go."""
    out = tmp_path / "out"
    with Publication(out) as publication:
        publication.put(Rendered(path="a", data=b"1"))
        publication.put(Rendered(path="b", data=b"2"))
        manifest = publication.seal()
        with pytest.raises(AssertionError, match="after the manifest was made"):
            publication.put(Rendered(path="c", data=b"3"))
        with pytest.raises(AssertionError, match="after the manifest was made"):
            publication.discard("b")
        publication.finish()
    assert (out / MANIFEST).read_bytes() == manifest
    assert set(read_manifest(out)) == {"a", "b"}


def test_files_written_into_a_new_trees_shared_folder_are_published(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Publication(out) as publication:
        shared = publication.shared_folder
        assert shared is not None
        written = write_new(shared, Rendered(path="2024/05/page.html", data=b"page"))  # as a worker process does
        assert written == Written(path="2024/05/page.html", digest=sha256(b"page").hexdigest())
        publication.put(written)
        publication.put(Rendered(path="2024/index.html", data=b"index"))  # beside it, from this process
        publication.put(Rendered(path="2024/05/page.html", data=b"moved"), again=True)
        publication.put(write_new(shared, Rendered(path="2024/06/page.html", data=b"june")))
        publication.put(write_new(shared, Rendered(path="2024/06/page.html", data=b"moved"), again=True), again=True)
        publication.put(write_new(shared, Rendered(path="gone.html", data=b"x")))
        publication.discard("gone.html")
        published = publication.finish()
    assert {k: v for k, v in tree(out).items() if k != MANIFEST} == {
        "2024/05/page.html": "moved", "2024/06/page.html": "moved", "2024/index.html": "index"}
    assert published.files == read_manifest(out)


@pytest.mark.parametrize("builds_before", [1, 2])  # the output linked from; the spare brought up to date
def test_only_a_tree_that_starts_empty_is_shared(tmp_path: Path, builds_before: int) -> None:
    out = tmp_path / "out"
    for _ in range(builds_before):
        publish(files(a="1"), out)
    with Publication(out) as publication:
        assert publication.shared_folder is None  # each file must be compared with what is there


@pytest.mark.parametrize("path", ["../evil", "/abs", "a/../../b", "", MANIFEST, ".feeds-writing"])
def test_write_new_refuses_what_put_refuses(tmp_path: Path, path: str) -> None:
    with Publication(tmp_path / "out") as publication:
        shared = publication.shared_folder
        assert shared is not None
        with pytest.raises(PublishError):
            write_new(shared, Rendered(path=path, data=b"x"))
    assert not (tmp_path / "evil").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_write_new_never_replaces_a_file(tmp_path: Path) -> None:
    with Publication(tmp_path / "out") as publication:
        shared = publication.shared_folder
        assert shared is not None
        write_new(shared, Rendered(path="a", data=b"first"))
        with pytest.raises(FileExistsError):
            write_new(shared, Rendered(path="a", data=b"second"))
        assert Path(shared, "a").read_bytes() == b"first"


@pytest.mark.parametrize("path", ["../evil", "/etc/passwd", "a/../../b", "", "a//b", "a\\..\\b", ".", MANIFEST])
def test_paths_that_leave_the_folder_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(PublishError):
        publish([Rendered(path=path, data=b"x")], tmp_path / "out")
    assert not (tmp_path / "evil").exists()
    assert not (tmp_path / "out").exists()


def test_a_folder_feeds_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(PublishError, match="refusing to replace it"):
        publish(files(a="1"), out)
    assert tree(out) == {"notes.txt": "mine"}


def test_an_empty_folder_may_be_used(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    publish(files(a="1"), out)
    assert tree(out)["a"] == "1"


def test_recovers_the_previous_output_set_aside_by_a_killed_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(files(a="old"), out)
    out.rename(tmp_path / ".out.old")  # as if killed between the two renames of the fallback
    (tmp_path / ".out.new-abc").mkdir()
    publish(files(a="new"), out)
    assert tree(out)["a"] == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.spare", "out"]


def test_two_builds_never_publish_to_one_output_at_once(tmp_path: Path) -> None:
    import fcntl
    import os

    out = tmp_path / "out"
    publish(files(a="old"), out)
    fd = os.open(tmp_path, os.O_RDONLY)  # what a build in progress holds
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(PublishError, match=r"Another build is publishing to .* right now"):
            publish(files(a="new"), out)
    finally:
        os.close(fd)
    assert tree(out)["a"] == "old"
    publish(files(a="new"), out)  # the lock went with its holder
    assert tree(out)["a"] == "new"


EXPECTED_FLUSH = {"works": ["syncfs", "swap"], "missing": ["sync", "swap"], "fails": ["syncfs", "sync", "swap"]}


@pytest.mark.parametrize("syncfs", sorted(EXPECTED_FLUSH))
def test_the_new_tree_is_flushed_before_the_swap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 syncfs: str) -> None:
    """One syncfs(2) for the file system (os.sync() where there is none, or it fails), then the swap."""
    import os

    from feeds import publish as module

    calls: list[str] = []
    original = module._libc_function
    real = original("syncfs")
    assert real is not None  # Linux with glibc

    def recorded(fd: int) -> int:
        calls.append("syncfs")
        return int(real(fd)) if syncfs == "works" else -1

    def libc_function(name: str) -> object:
        if name == "syncfs":
            return None if syncfs == "missing" else recorded
        return original(name)

    def sync() -> None:
        calls.append("sync")

    exchange = module._swap

    def swap(staging: Path, output: Path) -> None:
        calls.append("swap")
        exchange(staging, output)

    monkeypatch.setattr(module, "_libc_function", libc_function)
    monkeypatch.setattr(os, "sync", sync)
    monkeypatch.setattr(module, "_swap", swap)
    publish(files(a="0"), tmp_path / "out")  # the first publish renames; the second exchanges
    calls.clear()
    publish(files(a="1"), tmp_path / "out")
    assert calls == EXPECTED_FLUSH[syncfs]
    assert tree(tmp_path / "out")["a"] == "1"
