"""Lists a folder tree: each file below it (not following links), with its modification time;
or hard-links one tree into another and lists what it linked.

Run as a script in a process of its own (`python -I -S _listing.py ROOT`, by publish.py) it
writes, for each file, its modification time in ns (-1: not a regular file) and its path
below ROOT, each followed by a NUL byte: its hundred thousand `stat` calls then run beside
the build instead of waiting for the build's interpreter lock. With `--link FROM TO NAME...`
it first links each regular file below FROM into the empty folder TO (the top-level NAMEs
left out) and lists TO's files as they were linked; sent SIGTERM, it stops, having listed
every file it linked. It imports nothing but the standard library for that reason, and
publish.py imports it to do the same in-process."""

from __future__ import annotations

import os
import signal
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


def linked(source: str, target: str, leave_out: frozenset[bytes]) -> Iterator[tuple[int, bytes]]:
    """Hard-link every regular file below `source` into the existing, empty folder `target`,
    except the top-level names `leave_out`, making its folders; (modification time in ns,
    path) of each file linked, as `lstat` finds it in `target` once linked: what was linked,
    not what the old name holds by then. Raises OSError when a link cannot be made."""
    pending = [(os.fsencode(source), os.fsencode(target), b"")]
    while pending:
        folder, into, prefix = pending.pop()
        made = not prefix  # `target` exists; its folders are made before their first file
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, into + b"/" + entry.name, prefix + entry.name + b"/"))
                    continue
                # The type comes with the entry: no `stat` before the link, only the one after.
                if not entry.is_file(follow_symlinks=False) or (not prefix and entry.name in leave_out):
                    continue
                if not made:
                    os.makedirs(into, exist_ok=True)
                    made = True
                there = into + b"/" + entry.name
                try:
                    os.link(entry.path, there, follow_symlinks=False)
                except FileNotFoundError:
                    continue  # gone from `source` since it was listed
                info = os.lstat(there)
                yield (info.st_mtime_ns if stat.S_ISREG(info.st_mode) else -1), prefix + entry.name


def main(arguments: list[str]) -> None:
    if arguments[0] == "--link":
        found = linked(arguments[1], arguments[2], frozenset(map(os.fsencode, arguments[3:])))
    else:
        found = listing(arguments[0])
    # Asked to stop (SIGTERM: the build needs no more), it stops between two files, having
    # listed every file it linked; the build keeps what it linked. A build that died (its
    # parent gone) needs nothing: it stops too.
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda number, _: stopping.append(number))
    parent = os.getppid()
    out = sys.stdout.buffer
    for n, (mtime, path) in enumerate(found):
        out.write(b"%d\0%s\0" % (mtime, path))
        if stopping or (n % 1024 == 0 and os.getppid() != parent):
            break
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
