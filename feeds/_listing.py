"""Lists a folder tree: each file below it (not following links), with its modification time.

Run as a script in a process of its own (`python -I -S _listing.py ROOT`, by publish.py) it
writes, for each file, its modification time in ns (-1: not a regular file) and its path
below ROOT, each followed by a NUL byte: its hundred thousand `stat` calls then run beside
the build instead of waiting for the build's interpreter lock. It imports nothing but the
standard library for that reason, and publish.py imports it to do the same in-process."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator


def listing(root: str) -> Iterator[tuple[int, bytes]]:
    """(modification time in ns, or -1 for what is not a regular file; path below `root`) of
    every file below `root`."""
    pending = [(root, b"")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                path = prefix + os.fsencode(entry.name)
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, path + b"/"))
                    continue
                info = entry.stat(follow_symlinks=False)
                yield (info.st_mtime_ns if stat.S_ISREG(info.st_mode) else -1), path


def main(root: str) -> None:
    out = sys.stdout.buffer
    for mtime, path in listing(root):
        out.write(b"%d\0%s\0" % (mtime, path))
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1])
