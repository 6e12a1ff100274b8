"""The spare: the output before the current one, kept beside it and brought up to date by the
next build instead of writing (or linking) every file again. Whatever happened to it, the
published tree is exactly the files the build rendered."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from feeds import publish as publish_module
from feeds.errors import PublishError
from feeds.publish import MANIFEST, Publication, Reused, _Linker, publish, read_manifest
from feeds.render import Rendered


def files(**contents: str) -> list[Rendered]:
    return [Rendered(path=p.replace("__", "/"), data=c.encode()) for p, c in contents.items()]


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def builds(out: Path, *contents: dict[str, str]) -> None:
    for content in contents:
        publish(files(**content), out)
        assert tree(out) == {k.replace("__", "/"): v for k, v in content.items()}
        assert set(read_manifest(out)) == set(tree(out))


def test_every_build_from_the_spare_publishes_exactly_its_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    builds(out, {"a": "1", "b": "1", "sub__c": "1"},
           {"a": "2", "b": "1", "sub__c": "1", "d": "1"},  # the first spare
           {"a": "2", "b": "3", "d": "1", "e__f": "1"},  # the spare is the first build: two builds behind
           {"a": "4", "b": "3", "d": "1", "e__f": "1"},
           {"a": "4"})
    assert not (tmp_path / ".out.spare" / "sub").exists()  # folders left empty are removed
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.spare", "out"]


def test_unchanged_files_are_one_inode_in_the_output_and_the_spare(tmp_path: Path) -> None:
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    builds(out, {"same": "x", "moving": "1"}, {"same": "x", "moving": "2"}, {"same": "x", "moving": "3"})
    assert (out / "same").stat().st_ino == (spare / "same").stat().st_ino
    assert (spare / "moving").read_text() == "2"


def test_a_file_edited_in_place_in_the_output_is_not_trusted_later(tmp_path: Path) -> None:
    out = tmp_path / "out"
    builds(out, {"a": "same", "b": "1"}, {"a": "same", "b": "2"})
    with open(out / "a", "a") as f:  # edited through the name the spare shares
        f.write(" but changed")
    later = (out / MANIFEST).stat().st_mtime + 5  # an edit after the build, not in its clock tick
    os.utime(out / "a", (later, later))
    builds(out, {"a": "same", "b": "3"})
    builds(out, {"a": "same", "b": "4"})


def test_what_someone_put_in_the_output_or_the_spare_is_never_published(tmp_path: Path) -> None:
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    builds(out, {"a": "1"}, {"a": "2"})
    (out / "CNAME").write_text("mine")
    (spare / "stray").write_text("?")
    (spare / "folder").mkdir()
    (spare / "folder" / "x").write_text("?")
    builds(out, {"a": "3"}, {"a": "4"})


def test_a_spare_a_build_was_killed_in_is_thrown_away(tmp_path: Path) -> None:
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    builds(out, {"a": "1", "b": "1"}, {"a": "2", "b": "1"})

    def killed() -> Iterator[Rendered]:
        yield Rendered(path="a", data=b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        publish(killed(), out)
    assert tree(out) == {"a": "2", "b": "1"}
    (spare).mkdir(exist_ok=True)  # as a SIGKILL leaves it: a draft without its manifest
    (spare / "a").write_text("half")
    builds(out, {"a": "3", "b": "1"})
    assert tree(spare) == {"a": "2", "b": "1"}


def test_a_file_and_a_folder_may_trade_places(tmp_path: Path) -> None:
    builds(tmp_path / "out", {"x": "file", "y__z": "in a folder"}, {"x": "file", "y": "file now"},
           {"x__z": "folder now", "y": "file now"}, {"x": "file again"})


def test_a_reused_file_is_linked_and_rendered_only_when_it_is_gone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = publish(files(page="text", other="1"), out)
    calls: list[str] = []

    def render(path: str) -> bytes:
        calls.append(path)
        return b"text"

    def again() -> list[Rendered | Reused]:
        return [Reused(path="page", digest=first.files["page"], render=lambda: render("page")),
                Rendered(path="other", data=b"2")]

    second = publish(again(), out)
    assert calls == []
    assert tree(out) == {"page": "text", "other": "2"}
    assert second.changed == ("other",)
    os.unlink(tmp_path / ".out.spare" / "page")  # the spare's copy goes first: it is the first build's
    publish(again(), out)
    assert calls == []
    os.unlink(out / "page")
    os.unlink(tmp_path / ".out.spare" / "page")
    publish(again(), out)
    assert calls == ["page"]
    assert tree(out) == {"page": "text", "other": "2"}


@pytest.mark.parametrize("spare", [False, True])
def test_a_path_that_is_both_a_file_and_a_folder_is_refused(tmp_path: Path, spare: bool) -> None:
    out = tmp_path / "out"
    builds(out, *([{"a": "1"}, {"a": "2"}] if spare else []))
    before = tree(out)
    with pytest.raises(PublishError):
        publish(files(x__y__z="deep", x="flat"), out)
    assert tree(out) == before


def carried(out: Path, changed: dict[str, str], *, leave_out: tuple[str, ...] = ()) -> list[str]:
    """A build that renders only `changed` and carries every other file over; what it lost."""
    with Publication(out, carrying=True) as publication:
        for file in files(**changed):
            publication.put(file)
        lost = publication.carry_over(leave_out=leave_out)
        if not lost:
            publication.finish()
    return lost


def test_without_a_spare_a_carrying_build_starts_from_a_linked_copy_of_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    builds(out, {"a": "1", "sub__b": "1", "c": "1"})  # a first build leaves no spare
    assert not spare.exists()
    manifest = (out / MANIFEST).read_bytes()
    one_by_one: list[str] = []

    def link(self: _Linker, path: str, *_: object) -> bool:
        one_by_one.append(path)
        return False

    monkeypatch.setattr(_Linker, "link", link)
    assert carried(out, {"a": "2"}, leave_out=("c",)) == []
    assert one_by_one == ["a"]  # the file put (its bytes are new); every file carried over was there already
    assert tree(out) == {"a": "2", "sub/b": "1"}
    assert set(read_manifest(out)) == {"a", "sub/b"}
    # The old output is the spare now, untouched through the links it shares with the new one.
    assert tree(spare) == {"a": "1", "sub/b": "1", "c": "1"}
    assert (spare / MANIFEST).read_bytes() == manifest
    assert (out / "sub" / "b").stat().st_ino == (spare / "sub" / "b").stat().st_ino
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.spare", "out"]


def test_a_file_edited_in_place_is_not_carried_from_the_linked_copy(tmp_path: Path) -> None:
    out = tmp_path / "out"
    builds(out, {"a": "1", "b": "1"})
    (out / "b").write_text("edited")
    later = (out / MANIFEST).stat().st_mtime + 5
    os.utime(out / "b", (later, later))
    assert carried(out, {"a": "2"}) == ["b"]  # gone or changed: the caller builds in full
    assert tree(out) == {"a": "1", "b": "edited"}  # nothing was published
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the draft is gone


def test_without_hard_links_a_carrying_build_links_or_writes_each_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    builds(out, {"a": "1", "sub__b": "1"})
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))  # the copying process cannot run
    assert carried(out, {"a": "2"}) == []
    assert tree(out) == {"a": "2", "sub/b": "1"}
    assert (out / "sub" / "b").stat().st_ino == (tmp_path / ".out.spare" / "sub" / "b").stat().st_ino  # linked


@pytest.fixture
def one_by_one(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the build process links from the output itself, one at a time (`_Linker`)."""
    paths: list[str] = []
    real = _Linker.link

    def link(self: _Linker, path: str, *rest: Any) -> bool:
        paths.append(path)
        return real(self, path, *rest)

    monkeypatch.setattr(_Linker, "link", link)
    return paths


def inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()
            and p.name != MANIFEST}


def finished(self: publish_module._Listing) -> publish_module._Linked | None:
    """`_Listing.abandon` once the process is done: as if the build took longer."""
    found = self.result()
    return None if found is None else publish_module._Linked(found[1])


def test_a_publication_left_untaken_leaves_the_spare_as_it_was(tmp_path: Path) -> None:
    """A build that publishes nothing (nothing changed) opened its publication all the same."""
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    builds(out, {"a": "1", "sub__b": "1"}, {"a": "2", "sub__b": "1"})
    before = inodes(spare), (spare / MANIFEST).stat().st_ino, (spare / MANIFEST).stat().st_mtime_ns, tree(out)
    with Publication(out, carrying=True) as publication:
        assert publication.shared_folder is None  # asking takes nothing
    after = inodes(spare), (spare / MANIFEST).stat().st_ino, (spare / MANIFEST).stat().st_mtime_ns, tree(out)
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.spare", "out"]
    builds(out, {"a": "3", "sub__b": "1"})


def test_without_a_spare_a_publication_left_untaken_keeps_its_copy_as_the_spare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    builds(out, {"a": "1", "sub__b": "1", "c": "1"})  # a first build leaves no spare
    monkeypatch.setattr(publish_module._Listing, "abandon", finished)  # the copy made first
    with Publication(out, carrying=True):
        pass
    monkeypatch.undo()
    assert tree(spare) == tree(out)
    assert inodes(spare) == inodes(out)
    assert (spare / MANIFEST).read_bytes() == (out / MANIFEST).read_bytes()
    assert (spare / MANIFEST).stat().st_mtime_ns == (out / MANIFEST).stat().st_mtime_ns  # see the next test
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.spare", "out"]
    one_by_one: list[str] = []

    def link(self: _Linker, path: str, *_: object) -> bool:
        one_by_one.append(path)
        return False

    monkeypatch.setattr(_Linker, "link", link)
    assert carried(out, {"a": "2"}) == []
    assert one_by_one == ["a"]  # the next build starts from it: only the file put is new
    assert tree(out) == {"a": "2", "sub/b": "1", "c": "1"}


def test_a_file_changed_after_it_was_copied_is_not_trusted_from_the_kept_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    builds(out, {"a": "1", "b": "1"})
    written = (out / MANIFEST).stat().st_mtime_ns
    with monkeypatch.context() as patched:
        patched.setattr(publish_module._Listing, "abandon", finished)
        with Publication(out, carrying=True):
            pass
    assert (tmp_path / ".out.spare" / "b").is_file()
    with open(out / "b", "a") as f:  # through the name the kept copy shares, before the next build
        f.write(" edited")
    os.utime(out / "b", ns=(written + 1000, written + 1000))  # after the output, before the copy was kept
    builds(out, {"a": "2", "b": "1"})


def test_a_copy_stopped_partway_is_kept_as_the_spare_it_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    builds(out, {"a": "1", "sub__b": "1", "c": "1", "d": "1"})
    real = publish_module._Listing.result

    def partway(self: publish_module._Listing) -> publish_module._Linked | None:
        found = real(self)
        assert found is not None
        there, linked = found
        assert there == []
        assert len(linked) == 4
        root = next(tmp_path.glob(".out.new-*"))
        for path, _ in linked[2:]:  # as if it stopped before linking them
            os.unlink(root / path)
        return publish_module._Linked(linked[:2])

    monkeypatch.setattr(publish_module._Listing, "abandon", partway)
    with Publication(out, carrying=True):
        pass
    assert len(tree(spare)) == 2
    assert (spare / MANIFEST).read_bytes() == (out / MANIFEST).read_bytes()  # it names files not there: never found
    monkeypatch.undo()
    with Publication(out, carrying=True) as publication:  # another build that publishes nothing completes it
        ground = publication._ground
        assert ground is not None
        assert ground._work is not None
        ground._work.result()
    assert tree(spare) == tree(out)
    assert inodes(spare) == inodes(out)
    builds(out, {"a": "1", "sub__b": "2", "c": "1", "d": "1", "e": "1"}, {"a": "3"})


def test_a_copy_that_could_not_be_linked_is_emptied_and_each_file_linked_when_put(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_by_one: list[str]
) -> None:
    out = tmp_path / "out"
    builds(out, {"a": "1", "sub__b": "1"})
    real = publish_module._Listing.result

    def failed(self: publish_module._Listing) -> publish_module._Found | None:
        real(self)  # what it linked stays: taking the tree removes it
        return None

    monkeypatch.setattr(publish_module._Listing, "result", failed)
    one_by_one.clear()  # those of the first build
    assert carried(out, {"a": "2"}) == []
    assert sorted(one_by_one) == ["a", "sub/b"]
    assert tree(out) == {"a": "2", "sub/b": "1"}


def test_the_spare_listed_early_is_listed_again_if_its_manifest_is_not_the_one_it_had(tmp_path: Path) -> None:
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    builds(out, {"a": "1"}, {"a": "2"})
    with Publication(out, carrying=True) as publication:
        ground = publication._ground
        assert ground is not None
        assert ground._work is not None
        ground._work.result()  # listed
        (spare / "stray").write_text("?")  # as another build would leave it, with a manifest of its own
        manifest = (spare / MANIFEST).read_bytes()
        (spare / MANIFEST).unlink()
        (spare / MANIFEST).write_bytes(manifest)
        publication.put(Rendered(path="a", data=b"3"))
        publication.finish()
    assert tree(out) == {"a": "3"}


def test_the_files_the_spare_lacks_are_linked_into_it_from_the_output_beside_the_build(
    tmp_path: Path, one_by_one: list[str]
) -> None:
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    builds(out, {"a": "1", "old": "1"}, {"a": "1", "new": "1", "sub__new": "1"})  # the spare lacks both new files
    one_by_one.clear()
    assert carried(out, {"a": "2"}) == []
    assert one_by_one == ["a"]  # the file put; the new ones were linked into the spare before it was taken
    assert tree(out) == {"a": "2", "new": "1", "sub/new": "1"}
    assert (out / "sub" / "new").stat().st_ino == (spare / "sub" / "new").stat().st_ino


def test_a_file_edited_in_place_is_not_carried_from_what_was_linked_into_the_spare(tmp_path: Path) -> None:
    out = tmp_path / "out"
    builds(out, {"a": "1"}, {"a": "1", "new": "1"})
    (out / "new").write_text("edited")
    later = (out / MANIFEST).stat().st_mtime + 5
    os.utime(out / "new", (later, later))
    assert carried(out, {"a": "2"}) == ["new"]  # gone or changed: the caller builds in full
    assert tree(out) == {"a": "1", "new": "edited"}


def test_what_was_linked_into_a_spare_left_untaken_goes_again(tmp_path: Path) -> None:
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    builds(out, {"a": "1", "old": "1"}, {"a": "1", "new": "1", "sub__new": "1"})  # the spare lacks both new files
    before = inodes(spare), (spare / MANIFEST).stat().st_ino
    with Publication(out, carrying=True) as publication:
        ground = publication._ground
        assert ground is not None
        assert ground._work is not None
        found = ground._work.result()
        assert found is not None
        assert sorted(path for path, _ in found[1]) == ["new", "sub/new"]  # linked while the build ran
    assert (inodes(spare), (spare / MANIFEST).stat().st_ino) == before
    assert not (spare / "sub").exists()


def test_a_spare_left_untaken_whose_listing_failed_is_a_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What its process linked into it is not known: it is never trusted again."""
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    builds(out, {"a": "1"}, {"a": "2"})
    real = publish_module._Listing.abandon

    def failed(self: publish_module._Listing) -> None:
        real(self)

    with monkeypatch.context() as patched:
        patched.setattr(publish_module._Listing, "abandon", failed)
        with Publication(out, carrying=True):
            pass
    assert not (spare / MANIFEST).exists()
    builds(out, {"a": "3"})
