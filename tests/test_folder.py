"""Reading the articles folder: each file's bytes and stamp, errors returned, never raised."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from feeds.readers.folder import Source, read_source, read_stamped


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 3 * (1 << 20) + 7])
def test_a_file_is_read_whole_with_its_stamp(tmp_path: Path, size: int) -> None:
    path = tmp_path / "a.txt"
    data = os.urandom(size)
    path.write_bytes(data)
    read = read_stamped(Source(name="a.txt", path=str(path)))
    assert not isinstance(read, OSError)
    assert read[0] == data
    status = path.stat()
    assert (read[1].st_size, read[1].st_mtime_ns, read[1].st_ino) == (status.st_size, status.st_mtime_ns, status.st_ino)


def test_what_cannot_be_read_is_returned_not_raised(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    assert isinstance(read_source(Source(name="gone.txt", path=str(tmp_path / "gone.txt"))), FileNotFoundError)
    assert isinstance(read_source(Source(name="folder.txt", path=str(tmp_path / "folder.txt"))), IsADirectoryError)


def test_no_file_is_left_open(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"date 2024-01-01\n")
    (tmp_path / "folder.txt").mkdir()
    before = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else None
    for _ in range(50):
        read_source(Source(name="a.txt", path=str(tmp_path / "a.txt")))
        read_source(Source(name="folder.txt", path=str(tmp_path / "folder.txt")))
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before
