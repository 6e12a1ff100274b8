"""The text of the articles a build parses, held on disk until the build knows which of it
to keep; their light records, until the build stores them; and the render tasks on their way
to the worker processes.

Most articles are rendered once, as the pages the workers write while parsing, and never
again: only the feeds' entries, the few members after them (and, with archives, every
article) are rendered by later builds from the cache. So a build writes the text of what it
parses here, one sequential write per batch, and stores in the cache only the text of what
later builds will render (`Store.put_texts`). A database row of text costs ten times more than
its bytes here, and most of them would be written to disk for nothing.

The light records wait here too: stored while the workers parse, they would take the build
process's time from the workers' two cores; stored once parsing is done, they take a worker's
time while the build process groups (`read_lights`).

A render task (a megabyte of feeds and their entries' text) is read by a worker in one call
(`read_blob`) rather than from the task queue's pipe, 64 KB at a time, each written by a
thread of the build process that must get the interpreter lock first.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from feeds.cache import CacheError, Record

_T = TypeVar("_T")
Where = tuple[int, int, int]
"""Where a text is in the spill: the offset of its summary, the summary's length, the content's."""
Place = tuple[bytes, int, int]
"""Where a light record is in the spill: its parse key, its offset, its length."""
Blob = tuple[int, int]
"""Where some bytes are in the spill: their offset and their length."""


@dataclass(frozen=True, slots=True)
class Target:
    """How another process of the build appends to the spill (`append`): a path that opens the
    build process's own file, and that file's identity, checked once it is open."""

    path: str
    device: int
    inode: int


class Spill:
    """An unlinked temporary file: it is gone however the build ends. The worker processes
    append their results' text to it themselves (`target`, `append`) where the system lets
    them open it, so that it need not travel to the build process; every write appends
    (`O_APPEND`), so the writers' texts never overlap."""

    def __init__(self, folder: Path) -> None:
        try:
            self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - the build closes it (`close`)
            fd = self._file.fileno()
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
        except OSError as e:
            raise CacheError(f"cannot create a temporary file in {folder}: {e.strerror}", corrupt=False) from e
        self._where: dict[bytes, Where] = {}
        self._lights: list[Place] = []

    @property
    def target(self) -> Target | None:
        """Where other processes append to this file: through /proc (Linux), else nowhere."""
        fd = self._file.fileno()
        path = f"/proc/{os.getpid()}/fd/{fd}"
        if not os.path.exists(path):
            return None
        status = os.fstat(fd)
        return Target(path=path, device=status.st_dev, inode=status.st_ino)

    def add(self, entries: Sequence[tuple[bytes, Record]]) -> None:
        """Keep the text of these parse results (by parse key)."""
        if not entries:
            return
        texts = [(record.summary, record.content) for _, record in entries]
        wheres = self._write(lambda fd: _append(fd, texts))
        self._where.update(zip((key for key, _ in entries), wheres, strict=True))

    def add_lights(self, lights: Sequence[tuple[bytes, bytes]]) -> None:
        """Keep these (parse key, light record) until the build stores them (`take_lights`)."""
        if not lights:
            return
        offset = self._write(lambda fd: _write_at_end(fd, b"".join(light for _, light in lights)))
        for key, light in lights:
            self._lights.append((key, offset, len(light)))
            offset += len(light)

    def add_blob(self, data: bytes) -> Blob:
        """Keep `data` for another process to read (`read_blob`)."""
        return self._write(lambda fd: _write_at_end(fd, data)), len(data)

    def _write(self, write: Callable[[int], _T]) -> _T:
        """`write` to this file's descriptor; its OSError is a `CacheError`."""
        try:
            return write(self._file.fileno())
        except OSError as e:
            raise CacheError(f"cannot write the build's temporary file: {e.strerror}", corrupt=False) from e

    def take_lights(self) -> list[Place]:
        """Where each light record added and not taken yet is, in the order added: to be read
        with `lights` or, in another process, `read_lights`."""
        taken, self._lights = self._lights, []
        return taken

    def lights(self, places: Sequence[Place]) -> Iterator[tuple[bytes, bytes]]:
        """(parse key, light record) at each of `places` (`take_lights`)."""
        return _lights(self._file.fileno(), places)

    def note(self, key: bytes, where: Where) -> None:
        """Keep the text another process appended (`append`) as that of `key`."""
        self._where[key] = where

    def __contains__(self, key: bytes) -> bool:
        return key in self._where

    def places(self, keys: Iterable[bytes]) -> list[tuple[bytes, Where]]:
        """(key, where its text is) of each of `keys` held here: for `read`, in another process."""
        return [(key, where) for key in keys if (where := self._where.get(key)) is not None]

    def texts(self, keys: Iterable[bytes]) -> Iterator[tuple[bytes, bytes, bytes]]:
        """(key, summary, content) of each of `keys` held here."""
        return _texts(self._file.fileno(), self.places(keys))

    def close(self) -> None:
        self._file.close()


_opened: dict[Target, int] = {}  # in a worker process: the spills it appends to (one per build)


def append(target: Target, texts: Sequence[tuple[bytes, bytes]]) -> list[Where] | None:
    """Append (summary, content) texts to the spill `target` from another process; None when
    that cannot be done, and then the texts must travel to the build process after all."""
    fd = _opened.get(target)
    try:
        if fd is None:
            fd = _opened[target] = _open(target, os.O_WRONLY | os.O_APPEND)
        return _append(fd, texts)
    except OSError:
        return None


def read(target: Target, places: Sequence[tuple[bytes, Where]]) -> Iterator[tuple[bytes, bytes, bytes]]:
    """(key, summary, content) of the texts at `places` (`Spill.places`) in the spill `target`,
    read by another process. Raises `CacheError` when the file cannot be opened or is not the
    build's."""
    with _reading(target) as fd:
        yield from _texts(fd, places)


def read_lights(target: Target, places: Sequence[Place]) -> Iterator[tuple[bytes, bytes]]:
    """(parse key, light record) at each of `places` (`Spill.take_lights`) in the spill
    `target`, read by another process; raises as `read` does."""
    with _reading(target) as fd:
        yield from _lights(fd, places)


def read_blob(target: Target, blob: Blob) -> bytes:
    """The bytes `Spill.add_blob` kept at `blob` in the spill `target`, read by another process;
    raises as `read` does."""
    offset, size = blob
    with _reading(target) as fd:
        return _read_at(fd, size, offset)


@contextlib.contextmanager
def _reading(target: Target) -> Iterator[int]:
    try:
        fd = _open(target, os.O_RDONLY)
    except OSError as e:
        raise CacheError(f"cannot open the build's temporary file: {e.strerror}", corrupt=False) from e
    try:
        yield fd
    finally:
        os.close(fd)


def _open(target: Target, flags: int) -> int:
    """The spill `target` opened with `flags`; OSError when it cannot be, or is another file."""
    fd = os.open(target.path, flags | os.O_CLOEXEC)
    status = os.fstat(fd)
    if (status.st_dev, status.st_ino) != (target.device, target.inode):
        os.close(fd)
        raise OSError(0, "another file than the build's temporary file")
    return fd


def _texts(fd: int, places: Iterable[tuple[bytes, Where]]) -> Iterator[tuple[bytes, bytes, bytes]]:
    for key, (offset, summary, content) in places:
        data = _read_at(fd, summary + content, offset)
        yield key, data[:summary], data[summary:]


def _lights(fd: int, places: Iterable[Place]) -> Iterator[tuple[bytes, bytes]]:
    # Added a thousand at a time, one after the other: read a window at once, not each.
    window, start = b"", 0
    for key, offset, size in places:
        if not (start <= offset and offset + size <= start + len(window)):
            window, start = _read_at(fd, max(size, _WINDOW), offset, at_least=size), offset
        yield key, window[offset - start:offset - start + size]


_WINDOW = 1 << 20


def _append(fd: int, texts: Sequence[tuple[bytes, bytes]]) -> list[Where]:
    """One write of `texts` at the end of the file `fd` (open with O_APPEND), and where each is."""
    offset = _write_at_end(fd, b"".join(part for text in texts for part in text))
    wheres = []
    for summary, content in texts:
        wheres.append((offset, len(summary), len(content)))
        offset += len(summary) + len(content)
    return wheres


def _write_at_end(fd: int, data: bytes) -> int:
    """One write of `data` at the end of the file `fd` (open with O_APPEND); the offset it went
    to. The system moves to the end and writes at once (other writers wait), and leaves this
    descriptor's offset at the end of what it wrote."""
    written = os.write(fd, data)
    if written != len(data):  # a full disk: what was written is never referred to
        raise OSError(0, f"wrote {written} of {len(data)} bytes")
    return os.lseek(fd, 0, os.SEEK_CUR) - len(data)


def _read_at(fd: int, size: int, offset: int, *, at_least: int | None = None) -> bytes:
    """`size` bytes at `offset`; with `at_least`, as many of them as the file has, if that many."""
    try:
        data = os.pread(fd, size, offset)
    except OSError as e:
        raise CacheError(f"cannot read the build's temporary file: {e.strerror}", corrupt=False) from e
    if len(data) < (size if at_least is None else at_least):
        raise CacheError("the build's temporary file is shorter than what was written to it", corrupt=False)
    return data
