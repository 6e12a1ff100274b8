"""The text of the articles a build parses, held on disk until the build knows which of it
to keep.

Most articles are rendered once, as the pages the workers write while parsing, and never
again: only the feeds' entries, the few members after them (and, with archives, every
article) are rendered by later builds from the cache. So a build writes the text of what it
parses here, one sequential write per batch, and stores in the cache only the text of what
later builds will render (`Store.put_texts`). A database row of text costs ten times more than
its bytes here, and most of them would be written to disk for nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from feeds.cache import CacheError, Record


class Spill:
    """An unlinked temporary file: it is gone however the build ends. Not for other processes."""

    def __init__(self, folder: Path) -> None:
        try:
            self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - the build closes it (`close`)
        except OSError as e:
            raise CacheError(f"cannot create a temporary file in {folder}: {e.strerror}", corrupt=False) from e
        self._end = 0  # where the next text goes
        self._pending: list[bytes] = []  # summaries and contents not written yet, in order
        self._where: dict[bytes, tuple[int, int, int]] = {}  # key -> offset, summary's length, content's

    def add(self, entries: Sequence[tuple[bytes, Record]]) -> None:
        """Keep the text of these parse results (by parse key)."""
        for key, record in entries:
            self._where[key] = (self._end, len(record.summary), len(record.content))
            self._pending += (record.summary, record.content)
            self._end += len(record.summary) + len(record.content)
        self._write()

    def __contains__(self, key: bytes) -> bool:
        return key in self._where

    def texts(self, keys: Iterable[bytes]) -> Iterator[tuple[bytes, bytes, bytes]]:
        """(key, summary, content) of each of `keys` held here."""
        self._write()
        fd = self._file.fileno()
        for key in keys:
            where = self._where.get(key)
            if where is None:
                continue
            offset, summary, content = where
            data = _read_at(fd, summary + content, offset)
            yield key, data[:summary], data[summary:]

    def close(self) -> None:
        self._file.close()

    def _write(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        try:
            self._file.write(data)
            self._file.flush()
        except OSError as e:
            raise CacheError(f"cannot write the build's temporary file: {e.strerror}", corrupt=False) from e


def _read_at(fd: int, size: int, offset: int) -> bytes:
    try:
        data = os.pread(fd, size, offset)
    except OSError as e:
        raise CacheError(f"cannot read the build's temporary file: {e.strerror}", corrupt=False) from e
    if len(data) != size:
        raise CacheError("the build's temporary file is shorter than what was written to it", corrupt=False)
    return data
