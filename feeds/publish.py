"""Rendered files -> the output folder, all at once or not at all. The only module that writes.

`Publication` takes the files one at a time, in any order, while the build still runs;
`publish` is the same for a complete list of files. A new tree with nothing to compare with
(a first build) is also open to other processes: the build's workers write files into its
`shared_folder` with `write_new` and hand over what they wrote (`Written`).

The new tree is written beside the output folder and swapped in with one atomic
rename (Linux `renameat2(RENAME_EXCHANGE)`), so a static host or a reader never
sees half a build, and a build that fails or is killed leaves the previous
output exactly as it was. A folder is only ever replaced if a previous build of
ours wrote it (it holds our manifest) or it is empty: pointing `--output` at a
folder of your own by mistake cannot delete it.

The new tree starts from the *spare*: `.<output>.spare`, the output before the
current one, which the previous build kept instead of deleting it. Bringing it up
to date costs what changed in the last two builds, where writing or linking every
file and deleting the old tree costs what the whole site holds (seconds for
100,000 pages). Its files are trusted only with its manifest, and only when not
modified since that manifest was written; the rest of the spare is removed.

The steps, and what a build killed (even `kill -9`) during each leaves:

1. lock the parent folder (`flock`; the kernel drops it when the process dies),
   so two builds never publish to one output at once;
2. mend what an earlier killed build left (`_recover`);
3. begin the new tree in a process of its own, while the build works out what to
   publish: list the spare's files and hard-link into it each file of `output`
   it lacks, or, without a spare, make a new `.<output>.new-XXXX` (hard-linking
   the output's files into it, for a build that carries most of them over). A
   build that publishes nothing takes out of the spare what was linked into it,
   and keeps that copy, as far as it got, as the spare
   -> killed here: `output` untouched, the spare too but for files of `output`
   linked into it; the next build removes the copy;
4. take the spare on the first file put, deleting its manifest first so that a
   half-updated spare is never trusted; write every file that is not already
   there with its bytes, or hard-link it from `output` when it has the bytes the
   previous build wrote there (the old tree is only read, and no build ever
   writes into an existing file, only new files renamed into place, so shared
   inodes never change); remove what is not published any more; write the manifest
   -> killed here: `output` untouched; the next build removes the draft;
5. flush the file system once (`syncfs`), so the tree swapped in is never a tree
   of empty files after a power cut;
6. swap the two folders in one `renameat2(RENAME_EXCHANGE)` -> `output` is the old
   tree before and the new tree after, never anything else;
7. keep the old tree (now in the staging folder) as the spare.

Without RENAME_EXCHANGE (another OS or file system) step 6 is plain renames:
`output` aside to `.<output>.old`, staging to `output`, the old tree into staging.
Between the first two, `output` is missing for an instant; if the process dies
there, the next build's `_recover` puts the old tree back first.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import hashlib
import json
import os
import queue
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from feeds import _listing as _listing_module
from feeds.errors import PublishError
from feeds.render import Rendered

MANIFEST = ".feeds-manifest.json"
_MANIFEST_FORMAT = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Published:
    output: Path
    files: Mapping[str, str]  # path -> sha256 of every file written
    changed: tuple[str, ...]  # files whose bytes differ from the previous build (or are new)
    removed: tuple[str, ...]  # files of the previous build that are gone


def publish(files: Iterable[Rendered | Reused], output: Path) -> Published:
    """Write `files` as the complete new content of `output`."""
    with Publication(output) as publication:
        for file in files:
            publication.put(file)
        return publication.finish()


class Publication:
    """A new output put together beside the current one, a file at a time in any order, then
    swapped in by `finish`. Leaving the `with` block without finishing (an error, a kill)
    leaves the output as it was; the draft is removed then or by the next build."""

    def __init__(self, output: Path, *, carrying: bool = False) -> None:
        """`carrying`: most files will be carried over (`carry_over`), so without a spare the
        new tree starts as a hard-linked copy of the current output."""
        self.output = output.absolute()
        self._carrying = carrying
        self._stack = contextlib.ExitStack()
        self._ground: _Groundwork | None = None
        self._tree: _Tree | None = None
        self._previous: dict[str, str] = {}

    def __enter__(self) -> Publication:
        """Lock the output and begin its new tree (`_Groundwork`): a process of its own gets
        it ready while the caller works out what to put, if anything."""
        try:
            self.output.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise PublishError(f"Cannot create the folder {self.output.parent}: {e.strerror}.", path=self.output) from e
        with self._stack:
            self._stack.enter_context(_locked(self.output))
            _recover(self.output)
            _check_replaceable(self.output)
            self._ground = self._stack.enter_context(_Groundwork(self.output, copy=self._carrying))
            self._stack = self._stack.pop_all()  # held until the `with` block ends
        return self

    def __exit__(self, *_: object) -> None:
        with self._stack:  # the groundwork, then the lock
            if self._tree is not None:  # not finished: the draft goes
                self._tree.abandon()
                self._tree = None
            self._ground = None

    @property
    def closed(self) -> bool:
        """Whether it was finished or left: nothing can be put any more."""
        return self._tree is None and self._ground is None

    def ready(self) -> None:
        """Take the new tree now, waiting for what was begun when it was opened; else the
        first use takes it. A publication left before then publishes nothing, and leaves the
        spare as it was."""
        self._open()

    def put(self, file: Rendered | Reused | Written, *, again: bool = False) -> None:
        """Add `file` to the new output; `again`: it replaces the file put at its path before."""
        self._open().put(file, again=again)

    @property
    def shared_folder(self) -> str | None:
        """The new output's folder, when other processes may write files into it themselves
        (`write_new`, then `put` what it returns); None when every file must come through `put`.

        Only a tree that starts empty is shared: one made from the spare or beside a previous
        output brings files up to date by comparing, linking or replacing them, which only
        `put` does. A first build (a CI job on a fresh checkout) writes all its pages so."""
        if self._tree is None and self._ground is not None and not self._ground.blank:
            return None  # and not taken for asking
        tree = self._open()
        return os.fspath(tree.root) if tree.blank else None

    def discard(self, path: str) -> None:
        """Take back the file put at `path`."""
        self._open().discard(path)

    def seal(self) -> bytes:
        """The manifest `finish` will write, of the files put so far: for a caller that
        stores what it names while `finish` runs. No file may be put or taken back after."""
        return self._open().seal()

    @property
    def files(self) -> Mapping[str, str]:
        """path -> sha256 of each file put so far: what `finish` publishes, once every file is put."""
        return self._open().digests

    def carry_over(self, *, leave_out: Iterable[str] = ()) -> list[str]:
        """Put every file of the current output that no `put` replaced, as it is there, except
        those of `leave_out`; return the paths of those that are not there (gone, or changed
        since their build), which are left out too. For a build that renders only what
        changed, and knows the rest is as the last build published it."""
        tree = self._open()
        gone = set(leave_out)
        files = self._previous if not gone else {p: d for p, d in self._previous.items() if p not in gone}
        return tree.carry_over(files)

    def finish(self) -> Published:
        """Complete the new output and swap it in: every file put, and nothing else."""
        tree = self._open()
        try:
            digests = tree.close()
            _swap(tree.root, self.output)
        except BaseException:
            tree.abandon()
            raise
        finally:
            self._tree = None
        tree.retire(_spare(self.output))  # it holds the previous output now: the next build's starting point
        previous = self._previous
        return Published(
            output=self.output,
            files=digests,
            changed=tuple(sorted(p for p, d in digests.items() if previous.get(p) != d)),
            removed=tuple(sorted(set(previous) - set(digests))),
        )

    def _open(self) -> _Tree:
        if self._tree is None:
            if self._ground is None:
                raise AssertionError("a publication used outside its `with` block, or after finish")
            ground, self._ground = self._ground, None  # taken once, even if taking it fails
            self._previous = read_manifest(self.output)
            self._tree = ground.take(self._previous)
        return self._tree


def read_manifest(output: Path) -> dict[str, str]:
    """path -> sha256 of the files the last build wrote; empty when there is none."""
    try:
        data = json.loads((output / MANIFEST).read_text("utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items()}


def safe_relative(path: str) -> PurePosixPath:
    """A rendered path, checked to stay inside the output folder."""
    if not _is_plain(path):
        raise PublishError(f"Refusing to write {path!r}: it is not a plain path inside the output folder.")
    return PurePosixPath(path)


def _is_plain(path: str) -> bool:
    """True for a relative POSIX path with no empty, `.` or `..` part and no backslash."""
    return "\\" not in path and _NOT_PLAIN.isdisjoint(path.split("/"))  # "" covers "/a", "a/", "a//b"


_NOT_PLAIN = frozenset({"", ".", ".."})


class _Tree:
    """The staging tree of one build: the spare (the output before last, brought up to date),
    else a new folder. Every file is either already right there (`trusted`), hard-linked from
    the current output, or written; nothing is ever written into an existing file, so a file
    shared by hard link with the current output never changes under it."""

    def __init__(self, root: Path, trusted: dict[str, str], links: _Linker) -> None:
        self.root = root
        self.trusted = trusted  # path -> sha256 of the files of the spare not put yet, holding those bytes
        self.links = links
        self.digests: dict[str, str] = {}  # path -> sha256 of every file put
        self.manifest: bytes | None = None  # once made (`seal`), no file is put or taken back
        self.made: set[str] = {os.fspath(root)}  # the folders known to exist
        self.writer = _Writer()
        self.blank = not trusted and not links.active  # nothing here or in the output to compare with

    def put(self, file: Rendered | Reused | Written, *, again: bool) -> None:
        self._not_sealed(file.path)
        if file.path in _RESERVED or (file.path in self.digests) != again:
            what = "Two outputs want the same file" if not again else "A file replaced before it was put:"
            raise PublishError(f"{what} {file.path!r}; nothing was published.")
        try:
            self.digests[file.path] = self._put(file, again=again)
        except OSError as e:
            raise PublishError(f"Cannot write the new feeds beside the output folder: {e}.", path=self.root) from e

    def carry_over(self, files: Mapping[str, str]) -> list[str]:
        lost = []
        trusted, digests = self.trusted, self.digests
        for path, digest in files.items():
            if path in digests:
                continue
            if trusted.get(path) == digest:  # most of them: the spare's file, unchanged for two builds
                del trusted[path]
                digests[path] = digest
                continue
            try:
                self.put(Reused(path=path, digest=digest, render=functools.partial(_lost, path)), again=False)
            except _GoneError:
                lost.append(path)
        return lost

    def discard(self, path: str) -> None:
        self._not_sealed(path)
        if self.digests.pop(path, None) is None:
            raise PublishError(f"A file taken back that was not put: {path!r}.")
        try:
            self.writer.remove(os.path.join(self.root, path))  # after its write, if that still waits
        except OSError as e:  # an earlier write failed
            raise PublishError(f"Cannot write the new feeds beside the output folder: {e}.", path=self.root) from e

    def seal(self) -> bytes:
        """The manifest of the files put (`close` writes it); none is put or taken back after."""
        if self.manifest is None:
            manifest = {"format": _MANIFEST_FORMAT, "generator": "feeds", "files": dict(sorted(self.digests.items()))}
            # Compact: with an indent, json falls back from its C encoder (0.3 s per 100,000 files).
            self.manifest = (json.dumps(manifest, separators=(",", ":")) + "\n").encode("utf-8")
        return self.manifest

    def _not_sealed(self, path: str) -> None:
        if self.manifest is not None:
            raise AssertionError(f"{path!r} put or taken back after the manifest was made")

    def close(self) -> dict[str, str]:
        """Make the tree hold exactly the files put, and a manifest of them; return path -> sha256."""
        try:
            self.writer.finish()
            _drop(self.root, self.trusted)  # what is left of it: every file put was taken out
            (self.root / MANIFEST).write_bytes(self.seal())
            _sync(self.root)
        except OSError as e:
            raise PublishError(f"Cannot write the new feeds beside the output folder: {e}.", path=self.root) from e
        return self.digests

    def abandon(self) -> None:
        """Remove the draft (the spare, too: without its manifest it is a draft already)."""
        self.writer.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _put(self, file: Rendered | Reused | Written, *, again: bool) -> str:
        """Put one file in the tree; return its sha256."""
        path = file.path
        if not _is_plain(path):
            safe_relative(path)  # raises
        if isinstance(file, Written):
            return self._adopt(file)
        digest = file.digest if isinstance(file, Reused) else hashlib.sha256(file.data).hexdigest()
        kept = self.trusted.pop(path, None)  # a spare's file is trusted only until a file is put at its path
        if kept == digest:
            return digest
        top = os.fspath(self.root)
        target = os.path.join(top, path)  # a plain path (checked above): stays below `top`
        parent = os.path.dirname(target)
        if parent not in self.made:
            _make_folder(top, parent)
            self._known(parent)
        self._not_a_folder(target, path)
        replaced = kept is not None or again  # a file is there: replaced by a rename, never rewritten
        if not replaced and self.trusted and os.path.isdir(target):
            shutil.rmtree(target)  # a folder of the spare where a file is published now
        # A file put again may still wait in the writer's queue: its replacement is queued
        # after it, never linked in place ahead of it.
        if not again:
            linked = os.path.join(top, _LINKING) if replaced else target
            size = len(file.data) if isinstance(file, Rendered) else None
            if self.links.link(path, digest, size, linked):
                if linked != target:
                    os.replace(linked, target)
                return digest
        data = file.data if isinstance(file, Rendered) else file.render()  # Reused: the old file is gone or changed
        self.writer.write(os.path.join(top, _WRITING) if replaced else target, data, target)
        return hashlib.sha256(data).hexdigest() if isinstance(file, Reused) else digest

    def _adopt(self, file: Written) -> str:
        """A file another process wrote (or replaced): only a blank tree is shared so."""
        if not self.blank:
            raise AssertionError(f"{file.path!r} written into a tree that is not shared")
        target = f"{self.root}/{file.path}"  # a plain path: what os.path.join gives, for 100,000 pages
        self._known(os.path.dirname(target))  # the writer made it
        self._not_a_folder(target, file.path)
        return file.digest

    def _known(self, folder: str) -> None:
        """Remember that `folder` and every folder above it exist."""
        while folder not in self.made:
            self.made.add(folder)
            folder = os.path.dirname(folder)

    def _not_a_folder(self, target: str, path: str) -> None:
        if target in self.made:
            raise PublishError(f"{path!r} is both a file and a folder of this build; nothing was published.")

    def retire(self, spare: Path) -> None:
        """After the swap: keep the previous output as the spare, or remove what is not one."""
        if not (self.root / MANIFEST).is_file():  # there was no previous output
            shutil.rmtree(self.root, ignore_errors=True)
        elif self.root != spare:
            try:
                self.root.rename(spare)
            except OSError:
                shutil.rmtree(self.root, ignore_errors=True)  # only a slower next build


@dataclass(frozen=True, slots=True, kw_only=True)
class Reused:
    """A file whose bytes the last build already published (`digest`, from the manifest): it is
    linked from there, and `render` is called only when that file is gone or was changed."""

    path: str
    digest: str
    render: Callable[[], bytes]


@dataclass(frozen=True, slots=True, kw_only=True)
class Written:
    """A file another process has written into a publication's shared folder (`write_new`),
    with the sha256 of what it wrote."""

    path: str
    digest: str

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return _written, (self.path, self.digest)  # as `cache.Record`: 1 µs, not 5, per page


class _GoneError(Exception):
    """A carried-over file that is not in the output as its manifest says."""


def _lost(path: str) -> bytes:
    raise _GoneError(path)


def _written(path: str, digest: str) -> Written:
    return Written(path=path, digest=digest)


def write_new(folder: str, file: Rendered, *, again: bool = False) -> Written:
    """Write `file` into `folder`, a publication's `shared_folder`, from any process; `again`:
    replace the file written there before (put it with `again` too). Raises `PublishError`
    for a path that may not be written and `OSError` when the write fails, leaving the
    folder as it was; the caller then hands `file` to `Publication.put` instead, which
    writes it or says why not."""
    if file.path in _RESERVED:
        raise PublishError(f"Refusing to write {file.path!r}: the name is reserved.")
    if not _is_plain(file.path):
        safe_relative(file.path)  # raises
    target = f"{folder}/{file.path}"
    if not again:
        try:
            _write_file(target, file.data)
        except FileNotFoundError:  # the first file of its folder (asking first costs more, 100,000 times)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            _write_file(target, file.data)
    else:  # a new file renamed over the old one, as `_Tree._put` does: never a file rewritten
        staged = os.path.join(folder, f"{_WRITING}-{os.getpid()}")  # one per process
        _write_file(staged, file.data)
        try:
            os.replace(staged, target)
        except OSError:
            os.unlink(staged)
            raise
    return Written(path=file.path, digest=hashlib.sha256(file.data).hexdigest())


_LINKING, _WRITING = ".feeds-linking", ".feeds-writing"  # a file being put in place in the spare
_RESERVED = frozenset({MANIFEST, _LINKING, _WRITING})
_WRITE_AHEAD = 64  # files handed to the writer thread and not yet written: bounds the bytes held


class _Writer:
    """Writes files in a thread of its own, in order, so that waiting for the disk (most of
    publishing 100,000 pages) overlaps rendering them. The first error is raised in the
    caller's thread, by the next `write` or by `finish`; the files after it are not written."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, bytes | None, str] | None] = queue.Queue(maxsize=_WRITE_AHEAD)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="feeds-writer", daemon=True)
        self._thread.start()

    def write(self, staged: str, data: bytes, target: str) -> None:
        """Write `data` to the new file `staged`, then rename it to `target` if that differs."""
        self._raise()
        self._queue.put((staged, data, target))

    def remove(self, target: str) -> None:
        """Remove the file `target`, once everything queued before is written."""
        self._raise()
        self._queue.put((target, None, target))

    def finish(self) -> None:
        """Wait until every file is written; raise the first error."""
        self.stop()
        self._raise()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain: the caller stops at the error
            staged, data, target = job
            try:
                if data is None:
                    os.unlink(target)
                    continue
                _write_file(staged, data)
                if staged != target:
                    os.replace(staged, target)
            except BaseException as e:  # handed to the caller's thread
                self._error = e


def starts_blank(output: Path) -> bool:
    """Whether a build into `output` finds nothing to compare its files with or carry over: no
    manifest in the output or in its spare (a first build, or a CI job that keeps only the
    cache). Its new tree is then blank (`Publication.shared_folder`): every file is new."""
    return not any(os.path.isfile(folder / MANIFEST) for folder in (output, _spare(output)))


def _spare(output: Path) -> Path:
    """Where the output before the current one is kept, to start the next build from."""
    return output.with_name(f".{output.name}.spare")


class _Groundwork:
    """Where a publication's new tree starts, got ready by a process of its own
    (feeds/_listing.py) from the moment the publication is opened, while the build reads its
    sources and works out whether it publishes at all: the spare, when there is one, else a
    new folder beside the output; its files listed with their modification times, and (with
    `copy`, or for the spare) every file of the current output that it lacks hard-linked into
    it. For 100,000 files that is a second of `lstat` calls, or two of links, on a disk.

    `take` waits for that work and makes the tree of it. Left untaken (by a build that
    publishes nothing), the spare stays as it was (what was linked into it goes again: its
    manifest does not name those bytes), and a new folder, as far as its copy got, becomes
    the spare, with the output's manifest: it holds the output's bytes. (What is linked into
    such a spare later stays: its manifest names those bytes too.)"""

    def __init__(self, output: Path, *, copy: bool) -> None:
        self.output = output
        self.spare = _spare(output)
        self.root: Path | None = None  # the new folder, when there is no spare
        self.blank = False  # nothing in the new folder or in the output to compare with
        self._copy = copy
        self._spare_manifest: os.stat_result | None = None
        self._output_manifest: os.stat_result | None = None  # as the files were linked from the output
        self._work: _Listing | None = None
        self._taken = False

    def __enter__(self) -> _Groundwork:
        try:
            self._output_manifest = _regular_file(self.output / MANIFEST)
            self._spare_manifest = _regular_file(self.spare / MANIFEST)
            if self._spare_manifest is None:
                if self.spare.exists() or self.spare.is_symlink():
                    _remove(self.spare)  # without its manifest the spare is a draft, never trusted again
                self.root = _new_folder(self.output)
                self.blank = self._output_manifest is None
            if self._output_manifest is not None and (self.root is None or self._copy):
                # Never the manifest or our files in flight: those are written, not linked.
                into = self.spare if self.root is None else self.root
                written_by = str(self._output_manifest.st_mtime_ns)
                self._work = _Listing.start(["--link", os.fspath(self.output), os.fspath(into), written_by,
                                             *sorted(_RESERVED)])
            elif self.root is None:
                self._work = _Listing.start([os.fspath(self.spare)])
        except OSError as e:
            self.__exit__()
            raise PublishError(f"Cannot prepare a folder beside {self.output}: {e}.", path=self.output) from e
        return self

    def __exit__(self, *_: object) -> None:
        if self._taken:
            return
        self._taken = True
        work, self._work = self._work, None
        root, self.root = self.root, None
        linked = work.abandon() if work is not None else _Linked([])
        if root is None:  # the spare, as it was: what was linked into it goes again, unless
            # its manifest is the output's (a copy kept so), which names those bytes too
            try:
                if linked is not None and (not linked or _same_bytes(self.spare / MANIFEST, self.output / MANIFEST)):
                    return
                paths = linked.paths() if linked is not None else None
                if paths is None:
                    os.unlink(self.spare / MANIFEST)  # what it holds is not known: a draft now
                else:
                    _drop(self.spare, paths)
            except OSError:
                shutil.rmtree(self.spare, ignore_errors=True)
        elif not linked or not self._keep_as_spare(root):
            shutil.rmtree(root, ignore_errors=True)

    def take(self, previous: Mapping[str, str]) -> _Tree:
        """The new tree, once ready; `previous`: the current output's manifest."""
        if self._taken:
            raise AssertionError("the groundwork of a publication taken twice")
        self._taken = True
        links = _Linker(self.output, previous)
        work, self._work = self._work, None
        try:
            if self.root is None:
                spare = self._spare_tree(work, links, previous)
                if spare is not None:
                    return spare
                self.root, work = _new_folder(self.output), None  # an empty one instead
            root = self.root
            found = work.result() if work is not None else None
            if found is not None and self._linked_from(links):
                return _Tree(root, _trusted(root, found[1], previous, links.written_by), links)
            for path in list(root.iterdir()):  # no hard links here: each file is linked or written when put
                _remove(path)
        except OSError as e:
            raise PublishError(f"Cannot prepare a folder beside {self.output}: {e}.", path=self.output) from e
        return _Tree(root, {}, links)

    def _spare_tree(self, work: _Listing | None, links: _Linker, previous: Mapping[str, str]) -> _Tree | None:
        """The spare, its files checked against its manifest, and those linked into it now
        against the output's; None when its manifest is gone since (a draft now: removed)."""
        spare_files = read_manifest(self.spare)
        if not spare_files:
            if work is not None:
                work.abandon()
            if self.spare.exists() or self.spare.is_symlink():
                _remove(self.spare)
            return None
        manifest = os.stat(self.spare / MANIFEST)
        # Listed before it was taken: used only if its manifest is the file it was, which a
        # build that takes the spare deletes first. (A file changed by hand after the listing
        # is trusted as listed, as one changed after a listing made now would be.) Files
        # linked into it are found again if not: not in its manifest, or newer than it.
        found = None
        if work is not None:
            if self._spare_manifest is not None and _same_file(manifest, self._spare_manifest):
                found = work.result()
            else:
                work.abandon()
        os.unlink(self.spare / MANIFEST)
        _sync_folder(self.spare)
        there, linked = found if found is not None else (_listing(self.spare), [])
        there = [(path, mtime) for path, mtime in there if path != MANIFEST]
        trusted = _trusted(self.spare, there, spare_files, manifest.st_mtime_ns)
        if self._linked_from(links):
            trusted.update(_trusted(self.spare, linked, previous, links.written_by))
        else:
            _drop(self.spare, (path for path, _ in linked))
        return _Tree(self.spare, trusted, links)

    def _linked_from(self, links: _Linker) -> bool:
        """Whether the files linked came from the output `links` links from: its manifest is
        the one there was when they were linked."""
        current = _regular_file(self.output / MANIFEST)
        return (links.active and current is not None and self._output_manifest is not None
                and _same_file(current, self._output_manifest))

    def _keep_as_spare(self, root: Path) -> bool:
        """Make the copy the spare: the files it linked, none changed since the output's
        manifest was written, with that manifest, which names their bytes (the rest of what
        it names is simply not there)."""
        try:
            manifest = self.output / MANIFEST
            written = self._output_manifest
            if written is None or not _same_file(os.stat(manifest), written):
                return False
            _write_file(os.path.join(root, MANIFEST), manifest.read_bytes())
            # Its time too: a file changed since (through the output, sharing its inode) is
            # newer than the spare's manifest, and not trusted by the build that takes it.
            os.utime(os.path.join(root, MANIFEST), ns=(written.st_atime_ns, written.st_mtime_ns))
            root.rename(self.spare)
        except OSError:
            return False
        return True


_Found = tuple[list[tuple[str, int]], list[tuple[str, int]]]  # (files found, files linked): (path, mtime)


class _Listing:
    """A feeds/_listing.py process, writing its listing into a file of its own (unlinked): a
    pipe would need a thread here to drain it, which would wait for this interpreter's lock
    at every 64 KB, and keep the process waiting too."""

    def __init__(self, process: subprocess.Popen[bytes], listing: IO[bytes]) -> None:
        self._process = process
        self._listing = listing
        self._found: _Found | None = None

    @classmethod
    def start(cls, arguments: Sequence[str]) -> _Listing | None:
        """The process begun; None when it cannot run (the caller does without)."""
        script = os.fspath(Path(_listing_module.__file__ or "").resolve())
        try:
            listing = tempfile.TemporaryFile()  # noqa: SIM115 - closed by `result`
        except OSError:
            return None
        try:
            process = subprocess.Popen([sys.executable, "-I", "-S", script, f"--parent={os.getpid()}", *arguments],  # noqa: S603
                                       stdout=listing, stderr=subprocess.DEVNULL)
        except OSError:
            listing.close()
            return None
        return cls(process, listing)

    def result(self) -> _Found | None:
        """The files it found and those it linked, once it is done; None if it failed."""
        if self._listing.closed:
            return self._found
        listing = self._read(self._process.wait())
        if listing is None:
            return None
        found, linked = _split(listing)
        with contextlib.suppress(ValueError):  # cut short: None
            self._found = _listed(found), _listed(linked or b"")
        return self._found

    def abandon(self) -> _Linked | None:
        """Stop it, if not done; the files it linked, each checked, once it stopped as asked
        (or ended, as it does); None when what it linked is not known."""
        with contextlib.suppress(OSError):
            self._process.terminate()
        code = self._process.wait()
        if self._listing.closed:  # read already (`result`)
            return None if self._found is None else _Linked(self._found[1])
        if code == -signal.SIGTERM:
            self._listing.close()
            return _Linked([])  # stopped before it began
        listing = self._read(code)
        if listing is None:
            return None
        # Only what follows the mark is read: the files found before it are a hundred thousand.
        _, linked = _split(listing)
        return _Linked(linked or [])

    def _read(self, code: int) -> bytes | None:
        """What it wrote, if it ended well (`code`); the file is closed either way."""
        with self._listing:
            if code != 0:
                return None
            try:
                self._listing.seek(0)
                return self._listing.read()
            except (OSError, ValueError):
                return None


def _split(listing: bytes) -> tuple[bytes, bytes | None]:
    """A listing process's output: the files it found, and (after `_listing.LINKED_NEXT`, if
    written) those it linked."""
    mark = _listing_module.LINKED_NEXT
    if listing.startswith(mark):
        at = 0
    else:
        at = listing.find(b"\0" + mark) + 1  # after the NUL that ends the record before it
        if not at:
            return listing, None
    return listing[:at], listing[at + len(mark):]


class _Linked:
    """The files a listing process linked, read only if asked (`paths`): a copy kept as the
    spare needs only to know that there are some."""

    def __init__(self, linked: bytes | list[tuple[str, int]]) -> None:
        self._linked = linked

    def __bool__(self) -> bool:
        return bool(self._linked)

    def paths(self) -> list[str] | None:
        """Their paths; None for a listing cut short."""
        try:
            linked = self._linked if isinstance(self._linked, list) else _listed(self._linked)
        except ValueError:
            return None
        return [path for path, _ in linked]


def _regular_file(path: Path) -> os.stat_result | None:
    """What `stat` says of `path`, if it is a regular file."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return info if stat.S_ISREG(info.st_mode) else None


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """The same file, unchanged: a manifest is replaced, never rewritten in place."""
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns, a.st_ctime_ns) == (
        b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns, b.st_ctime_ns)


def _same_bytes(a: Path, b: Path) -> bool:
    return os.stat(a).st_size == os.stat(b).st_size and a.read_bytes() == b.read_bytes()


def _new_folder(output: Path) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    staging.chmod(0o755)  # mkdtemp's 0700 would hide the swapped-in folder from a web server
    return staging


def _trusted(root: Path, found: Iterable[tuple[str, int]], manifest: Mapping[str, str],
             written_by: int) -> dict[str, str]:
    """The files `found` in `root` (path, modification time) that still hold the bytes its
    `manifest` lists: those not changed since it was written (a write sets the modification
    time; a hard link edited through the output shows here too). The rest are removed."""
    trusted: dict[str, str] = {}
    for path, mtime in found:
        digest = manifest.get(path)
        if digest is not None and 0 <= mtime <= written_by:
            trusted[path] = digest
        else:
            os.unlink(os.path.join(root, path))
    return trusted


def _listing(root: Path) -> list[tuple[str, int]]:
    """(path below `root`, modification time in ns or -1 for what is not a regular file) of every
    file below `root`, not following links: from a process of its own (feeds/_listing.py), whose
    `stat` calls then overlap the build's work instead of waiting for this interpreter's lock;
    here if that cannot run."""
    script = os.fspath(Path(_listing_module.__file__ or "").resolve())
    try:
        done = subprocess.run([sys.executable, "-I", "-S", script, os.fspath(root)],  # noqa: S603 - our own script
                              capture_output=True, check=True, timeout=3600)
        return _listed(done.stdout)
    except (OSError, ValueError, subprocess.SubprocessError):
        return [(os.fsdecode(path), mtime) for mtime, path in _listing_module.listing(os.fspath(root))]


def _listed(output: bytes) -> list[tuple[str, int]]:
    """(path, modification time) of each file a feeds/_listing.py process wrote."""
    fields = output.split(b"\0")
    if len(fields) % 2 != 1 or fields[-1]:
        raise ValueError("a listing cut short")
    return [(os.fsdecode(path), int(mtime)) for mtime, path in zip(fields[:-1:2], fields[1::2], strict=True)]


def _drop(root: Path, paths: Iterable[str]) -> None:
    """Remove these files of `root`, and folders left empty."""
    folders: set[str] = set()
    for path in paths:
        # Already gone where a file and a folder traded places; a published folder is never unlinked.
        with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError):
            os.unlink(os.path.join(root, path))
        folders.update(str(parent) for parent in PurePosixPath(path).parents if parent.name)
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):  # deepest first
        with contextlib.suppress(OSError):  # not empty: it still holds other files
            os.rmdir(os.path.join(root, folder))


def _make_folder(top: str, folder: str) -> None:
    """`os.makedirs`, removing a file of the spare that stands where a folder must be."""
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        here = top
        for part in os.path.relpath(folder, top).split(os.sep):
            here = os.path.join(here, part)
            if os.path.lexists(here) and not os.path.isdir(here):
                os.unlink(here)
        os.makedirs(folder, exist_ok=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(target: str, data: bytes) -> None:
    """Create `target` (never an existing file) holding `data`; on failure, remove it again."""
    # os.open rather than open(): no buffered file object to make, 4 µs of 16 per page.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(target)
        raise
    os.close(fd)


class _Linker:
    """Hard-links unchanged files from the current output into the staging tree."""

    __slots__ = ("_previous", "_top", "_written_by")

    def __init__(self, current: Path | None, previous: Mapping[str, str]) -> None:
        self._top = os.fspath(current) if current is not None else ""
        self._previous = previous
        # Every file of the previous build was written before its manifest: a file
        # changed in place since (a later mtime) is not linked, it is written again.
        self._written_by = -1
        if current is not None and previous:
            with contextlib.suppress(OSError):
                self._written_by = os.stat(os.path.join(self._top, MANIFEST)).st_mtime_ns

    @property
    def active(self) -> bool:
        """Whether there is a previous output to link from."""
        return self._written_by >= 0

    @property
    def written_by(self) -> int:
        """When the previous output's manifest was written (ns): its files are not newer."""
        return self._written_by

    def link(self, path: str, digest: str, size: int | None, target: str) -> bool:
        """True when `target` is now a hard link of the previous build's identical file."""
        if self._written_by < 0 or self._previous.get(path) != digest:
            return False
        try:
            os.link(os.path.join(self._top, path), target, follow_symlinks=False)
        except FileNotFoundError:
            return False  # gone from the old tree: write it
        except OSError:
            self._written_by = -1  # no hard links here (another device, file system, permission)
            return False
        try:
            # Check what was linked, not the old name: no race between check and link.
            info = os.lstat(target)
            if stat.S_ISREG(info.st_mode) and size in (None, info.st_size) and info.st_mtime_ns <= self._written_by:
                return True
            os.unlink(target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(target)
        return False


def _sync(root: Path) -> None:
    """Flush before the swap, so that a crash never leaves a swapped-in tree of empty files.

    One syncfs(2) for the file system that holds `root` costs about as much as a
    single fsync, where an fsync per file costs minutes for 100,000 files.
    """
    syncfs = _libc_function("syncfs")
    fd = os.open(root, os.O_RDONLY)
    try:
        if syncfs is None or syncfs(fd) != 0:
            os.sync()  # every file system: slower, never weaker
    finally:
        os.close(fd)


@contextlib.contextmanager
def _locked(output: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder that holds `output` while publishing to it.

    Another build that wants the same output gets a clear error instead of
    removing this one's staging folder. The lock is `flock` on the parent folder
    itself, so it leaves no file behind and dies with the process.
    """
    fd = os.open(output.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise PublishError(f"Another build is publishing to {output} right now; try again when it "
                               "has finished.", path=output) from e
        except OSError:
            pass  # a file system without locks: publish unguarded, as before
        yield
    finally:
        os.close(fd)  # releases the lock


def _check_replaceable(output: Path) -> None:
    if not output.exists() and not output.is_symlink():
        return
    if output.is_symlink() or not output.is_dir():
        raise PublishError(f"{output} exists and is not a folder; choose another --output.", path=output)
    if (output / MANIFEST).is_file() or not any(output.iterdir()):
        return
    raise PublishError(
        f"{output} holds files that feeds did not write (no {MANIFEST}); refusing to replace it. "
        "Empty it or choose another --output.",
        path=output,
    )


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@functools.cache
def _libc_function(name: str) -> Callable[..., int] | None:
    """A C library function by name (Linux), or None where there is no such thing."""
    try:
        # The symbols this process has loaded, libc among them. (ctypes.util.find_library
        # would run `ldconfig -p` in a child process: a fork of a build of 500 MB.)
        loaded = ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):  # no such thing as "this process's symbols" here
        return None
    function: Callable[..., int] | None = getattr(loaded, name, None)
    return function


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    renameat2 = _libc_function("renameat2")
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # a file system or kernel without RENAME_EXCHANGE
    raise OSError(code, os.strerror(code), str(b))


def _swap(staging: Path, output: Path) -> None:
    try:
        if not output.exists():
            staging.rename(output)
            staging.mkdir()  # the caller removes `staging` either way
            return
        if _exchange(staging, output):
            return
        # Without an atomic exchange: two renames, and `_recover` mends the gap
        # between them if the process dies there.
        aside = output.with_name(f".{output.name}.old")
        output.rename(aside)
        staging.rename(output)
        aside.rename(staging)
    except OSError as e:
        raise PublishError(f"Cannot put the new feeds in place at {output}: {e.strerror}.", path=output) from e


def _recover(output: Path) -> None:
    """Undo what a killed build may have left: the previous tree set aside, or staging folders."""
    aside = output.with_name(f".{output.name}.old")
    with contextlib.suppress(OSError):
        if aside.is_dir() and not output.exists():
            aside.rename(output)
        elif aside.is_dir():
            shutil.rmtree(aside)
    for stale in output.parent.glob(f".{output.name}.new-*") if output.parent.is_dir() else ():
        shutil.rmtree(stale, ignore_errors=True)
