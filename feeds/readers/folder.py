"""Finding the article files in the articles folder and reading their bytes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from feeds.errors import InputError


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One input file: its path relative to the articles folder (POSIX) and where it is (an
    OS path: a `Path` per file would cost a third of finding 100,000 files)."""

    name: str
    path: str


def find_sources(root: Path, suffixes: frozenset[str]) -> list[Source]:
    """Every file with a known suffix below `root`, in a stable order.

    Hidden files and folders (`.git`) are passed over, and so are links that lead
    out of `root`: the folder is the input, not whatever it points at.
    """
    if not root.is_dir():
        raise InputError(f"The articles folder {root} does not exist or is not a folder.")
    top = str(root.resolve())
    inside = top if top.endswith(os.sep) else top + os.sep  # `/` stays `/`
    found: list[Source] = []
    folders = [(top, "")]  # (folder, its name relative to `top` + "/")
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError:
            continue  # unreadable: passed over, as os.walk does
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if _is_dir(entry):
                if not _is_link(entry, unknown=True):  # links to folders are not followed
                    folders.append((entry.path, prefix + name + "/"))
                continue
            dot = name.rfind(".")  # Path.suffix: nothing for a name that ends with a dot
            if dot == len(name) - 1 or name[dot:].lower() not in suffixes:
                continue
            if _is_link(entry, unknown=False):
                real = os.path.realpath(entry.path)
                if real != top and not real.startswith(inside):
                    continue
            found.append(Source(name=prefix + name, path=entry.path))
    found.sort(key=_name)  # names are unique: they are paths in one folder
    return found


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether `entry` is a folder, following links, as os.walk does; the type comes with the entry."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str], *, unknown: bool) -> bool:
    """Whether `entry` is a link; `unknown` when that cannot be asked (a folder is then not entered)."""
    try:
        return entry.is_symlink()
    except OSError:
        return unknown


_name = attrgetter("name")


def read_source(source: Source) -> bytes | OSError:
    """The file's bytes, or the error that kept them from us (reported, never raised)."""
    read = read_stamped(source)
    return read if isinstance(read, OSError) else read[0]


def read_stamped(source: Source) -> tuple[bytes, os.stat_result] | OSError:
    """`read_source`, with what `fstat` said of the file just before its bytes were read."""
    # os.open and os.read, not open(): no buffered file object for a file read whole, once
    # (7 µs instead of 12 per file; a first build reads every one).
    try:
        fd = os.open(source.path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as e:
        return e
    try:
        status = os.fstat(fd)
        data = os.read(fd, status.st_size + 1)  # one more byte: a file that grew is read on
        if len(data) != status.st_size:  # grown, shrunk, or too big for one read: on to the end
            chunks = [data]
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            data = b"".join(chunks)
        return data, status
    except OSError as e:
        return e
    finally:
        os.close(fd)
