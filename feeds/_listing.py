"""Lists a folder tree: each file below it (not following links), with its modification time;
or tops one tree up with hard links of another's files, listing what it found and what it linked.

Run as a script in a process of its own (`python -I -S _listing.py --parent=PID ROOT`, by
publish.py, PID its own) it writes, for each file, its modification time in ns (-1: not a
regular file) and its path below ROOT, each followed by a NUL byte: its hundred thousand
`stat` calls then run beside the build instead of waiting for the build's interpreter lock.
With `--link FROM TO NS NAME...` it lists TO's files so, then `LINKED_NEXT`, then links into
TO each regular file below FROM that TO lacks and that was not changed after NS (the
top-level NAMEs left out), listing each as it was linked. Sent SIGTERM, it stops between two
files; it dies with the process PID. It imports nothing but the standard library for that
reason, and publish.py imports it to do the same in-process."""

from __future__ import annotations

import os
import signal
import stat
import sys
from collections.abc import Iterator
from collections.abc import Set as AbstractSet

_stopping: list[int] = []  # the signals asking it to stop (`main`)
LINKED_NEXT = b"-2\0\0"  # written between the files found in TO and those linked into it


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


def linked(source: str, target: str, written_by: int, leave_out: AbstractSet[bytes],
           there: AbstractSet[bytes] = frozenset()) -> Iterator[tuple[int, bytes]]:
    """Hard-link every regular file below `source` into the existing folder `target`, but the
    top-level names `leave_out` and the paths `there` (in `target` already), making its
    folders; (modification time in ns, path) of each file linked, as `lstat` finds it in
    `target` once linked: what was linked, not what the old name holds by then. One changed
    after `written_by` (ns: when the build that wrote `source` ended) is unlinked again: its
    bytes may not be the build's. A name that something else of `target` holds (a folder
    where a file goes, or the other way round) is passed over. Raises OSError when a link
    cannot be made (another file system)."""
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
                path = prefix + entry.name
                if path in there:
                    if _stopping:  # else it would pass over a hundred thousand files before it looks
                        return
                    continue
                if not made:
                    try:
                        os.makedirs(into, exist_ok=True)
                    except (FileExistsError, NotADirectoryError):
                        break  # a file of `target` where this folder goes
                    made = True
                linked_to = into + b"/" + entry.name
                try:
                    os.link(entry.path, linked_to, follow_symlinks=False)
                except (FileNotFoundError, FileExistsError):
                    continue  # gone from `source` since it was listed, or a folder of `target` in the way
                info = os.lstat(linked_to)
                if not (stat.S_ISREG(info.st_mode) and info.st_mtime_ns <= written_by):
                    os.unlink(linked_to)
                    continue
                yield info.st_mtime_ns, path


def topped_up(source: str, target: str, written_by: int,
              leave_out: frozenset[bytes]) -> Iterator[tuple[int, bytes] | None]:
    """`listing(target)`, then None, then `linked` for every file of `source` not in `target`."""
    there: set[bytes] = set()
    for mtime, path in listing(target):
        there.add(path)
        yield mtime, path
    yield None
    yield from linked(source, target, written_by, leave_out, there)


def _die_with_parent() -> None:
    """Be killed when the build dies (Linux): else a build killed while this one links would
    leave it linking into a folder that the next build removes."""
    try:
        import ctypes  # only here: the listing needs none of it

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError, TypeError):
        pass  # elsewhere it stops at its next look at its parent


_PR_SET_PDEATHSIG = 1


def main(arguments: list[str]) -> None:
    parent = os.getppid()
    if arguments[0].startswith("--parent="):
        parent = int(arguments.pop(0).partition("=")[2])
    found: Iterator[tuple[int, bytes] | None]
    if arguments[0] == "--link":
        found = topped_up(arguments[1], arguments[2], int(arguments[3]), frozenset(map(os.fsencode, arguments[4:])))
    else:
        found = listing(arguments[0])
    # Asked to stop (SIGTERM: the build needs no more), it stops between two files, having
    # listed every file it linked; the build keeps what it linked. A build that died (its
    # parent gone) needs nothing: it stops too.
    signal.signal(signal.SIGTERM, lambda number, _: _stopping.append(number))
    _die_with_parent()
    if os.getppid() != parent:
        sys.exit(1)  # already gone
    out = sys.stdout.buffer
    for n, item in enumerate(found):
        out.write(b"%d\0%s\0" % item if item is not None else LINKED_NEXT)
        if _stopping or (n % 1024 == 0 and os.getppid() != parent):
            break
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
