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
    top = root.resolve()
    found: list[Source] = []
    for folder, dirs, names in os.walk(top, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(folder, name)
            if name.startswith(".") or path.suffix.lower() not in suffixes:
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(top):
                continue
            found.append(Source(name=path.relative_to(top).as_posix(), path=path))
    return sorted(found, key=lambda s: s.name)


def read_source(source: Source) -> bytes | OSError:
    """The file's bytes, or the error that kept them from us (reported, never raised)."""
    try:
        return source.path.read_bytes()
    except OSError as e:
        return e
