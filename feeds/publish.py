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
            digests = _write_tree(staging, files)
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
    relative = PurePosixPath(path)
    if (
        not path
        or relative.is_absolute()
        or "\\" in path
        or any(part in ("", ".", "..") for part in path.split("/"))
    ):
        raise PublishError(f"Refusing to write {path!r}: it is not a plain path inside the output folder.")
    return relative


def _write_tree(root: Path, files: Iterable[Rendered]) -> dict[str, str]:
    digests: dict[str, str] = {}
    made: set[Path] = {root}
    try:
        for file in files:
            relative = safe_relative(file.path)
            if file.path in digests or file.path == MANIFEST:
                raise PublishError(f"Two outputs want the same file {file.path!r}; nothing was published.")
            target = root.joinpath(*relative.parts)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(file.data)
            digests[file.path] = hashlib.sha256(file.data).hexdigest()
        manifest = {"format": _MANIFEST_FORMAT, "generator": "feeds", "files": dict(sorted(digests.items()))}
        (root / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
        _sync(root)
    except OSError as e:
        raise PublishError(f"Cannot write the new feeds beside the output folder: {e}.", path=root) from e
    return digests


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
