"""Rendered files -> the output folder, all at once or not at all. The only module that writes.

The new tree is written beside the output folder and swapped in with one atomic
rename (Linux `renameat2(RENAME_EXCHANGE)`), so a static host or a reader never
sees half a build, and a build that fails or is killed leaves the previous
output exactly as it was. A folder is only ever replaced if a previous build of
ours wrote it (it holds our manifest) or it is empty: pointing `--output` at a
folder of your own by mistake cannot delete it.

The steps, and what a build killed (even `kill -9`) during each leaves:

1. lock the parent folder (`flock`; the kernel drops it when the process dies),
   so two builds never publish to one output at once;
2. mend what an earlier killed build left (`_recover`);
3. write every file into `.<output>.new-XXXX` beside `output`, then the manifest
   (a file with the bytes of the previous build is hard-linked from `output`
   instead: the old tree is only read, and no build ever writes into a file it
   did not just create, so the shared inode never changes)
   -> killed here: `output` untouched, the staging folder is removed next time;
4. flush the file system once (`syncfs`), so the tree swapped in is never a tree
   of empty files after a power cut;
5. swap the two folders in one `renameat2(RENAME_EXCHANGE)` -> `output` is the old
   tree before and the new tree after, never anything else;
6. remove the old tree (now in the staging folder) -> killed here: the new
   output is complete, the leftover is removed next time.

Without RENAME_EXCHANGE (another OS or file system) step 5 is plain renames:
`output` aside to `.<output>.old`, staging to `output`, the old tree into staging.
Between the first two, `output` is missing for an instant; if the process dies
there, the next build's `_recover` puts the old tree back first.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import functools
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

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


def publish(files: Iterable[Rendered], output: Path) -> Published:
    """Write `files` as the complete new content of `output`."""
    output = output.absolute()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PublishError(f"Cannot create the folder {output.parent}: {e.strerror}.", path=output) from e
    with _locked(output):
        _recover(output)
        _check_replaceable(output)
        previous = read_manifest(output)
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
            staging.chmod(0o755)  # mkdtemp's 0700 would hide the swapped-in folder from a web server
        except OSError as e:
            raise PublishError(f"Cannot create a folder beside {output}: {e.strerror}.", path=output) from e
        try:
            digests = _write_tree(staging, files, previous, output)
            _swap(staging, output)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        # After the swap `staging` holds the previous tree (or nothing): it is garbage now.
        shutil.rmtree(staging, ignore_errors=True)
    return Published(
        output=output,
        files=digests,
        changed=tuple(sorted(p for p, d in digests.items() if previous.get(p) != d)),
        removed=tuple(sorted(set(previous) - set(digests))),
    )


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
    return bool(path) and not path.startswith("/") and "\\" not in path and not any(
        part in ("", ".", "..") for part in path.split("/"))


def _write_tree(root: Path, files: Iterable[Rendered], previous: Mapping[str, str] | None = None,
                current: Path | None = None) -> dict[str, str]:
    """Write `files` below `root`; return path -> sha256.

    A file whose bytes are those the previous build wrote (`previous`, the manifest
    of `current`) is hard-linked from `current` instead of written: no bytes to
    write now, and removing the old tree later only drops names. The old tree is
    never modified, and nothing ever writes into a linked file afterwards (every
    build writes new files into a new tree), so sharing the inode is safe.
    """
    digests: dict[str, str] = {}
    top = os.fspath(root)
    made: set[str] = {top}
    links = _Linker(current, previous or {})
    try:
        for file in files:
            path, data = file.path, file.data
            if not _is_plain(path):
                safe_relative(path)  # raises
            if path in digests or path == MANIFEST:
                raise PublishError(f"Two outputs want the same file {path!r}; nothing was published.")
            target = os.path.join(top, path)  # a plain path (checked above): stays below `top`
            parent = os.path.dirname(target)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            digest = hashlib.sha256(data).hexdigest()
            if not links.link(path, digest, len(data), target):
                _write_file(target, data)
            digests[path] = digest
        manifest = {"format": _MANIFEST_FORMAT, "generator": "feeds", "files": dict(sorted(digests.items()))}
        (root / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
        _sync(root)
    except OSError as e:
        raise PublishError(f"Cannot write the new feeds beside the output folder: {e}.", path=root) from e
    return digests


def _write_file(target: str, data: bytes) -> None:
    with open(target, "xb") as f:
        f.write(data)


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

    def link(self, path: str, digest: str, size: int, target: str) -> bool:
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
            if stat.S_ISREG(info.st_mode) and info.st_size == size and info.st_mtime_ns <= self._written_by:
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
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return None
    function: Callable[..., int] | None = getattr(ctypes.CDLL(libc_name, use_errno=True), name, None)
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
