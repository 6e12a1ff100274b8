"""Finding the article files in the articles folder and reading their bytes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from feeds.errors import InputError


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One input file: its path relative to the articles folder (POSIX) and where it is."""

    name: str
    path: Path


def find_sources(root: Path, suffixes: frozenset[str]) -> list[Source]:
    """Every file with a known suffix below `root`, in a stable order.

    Hidden files and folders (`.git`) are passed over, and so are links that lead
    out of `root`: the folder is the input, not whatever it points at.
    """
    if not root.is_dir():
        raise InputError(f"The articles folder {root} does not exist or is not a folder.")
    top = str(root.resolve())
    inside = top if top.endswith(os.sep) else top + os.sep  # `/` stays `/`
    found: list[tuple[str, str]] = []  # (name relative to `top`, POSIX; path)
    folders = [(top, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # unreadable: passed over, as os.walk does
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()  # follows links, as os.walk does
            except OSError:
                is_dir = False
            if is_dir:
                try:
                    if not entry.is_symlink():  # links to folders are not followed
                        folders.append((entry.path, prefix + name + "/"))
                except OSError:
                    pass
                continue
            dot = name.rfind(".")  # Path.suffix: nothing for a name that ends with a dot
            if dot == len(name) - 1 or name[dot:].lower() not in suffixes:
                continue
            path = entry.path
            try:
                link = entry.is_symlink()
            except OSError:
                link = False
            if link:
                real = os.path.realpath(path)
                if real != top and not real.startswith(inside):
                    continue
            found.append((prefix + name, path))
    found.sort()
    return [Source(name=name, path=Path(path)) for name, path in found]


def read_source(source: Source) -> bytes | OSError:
    """The file's bytes, or the error that kept them from us (reported, never raised)."""
    try:
        return source.path.read_bytes()
    except OSError as e:
        return e
