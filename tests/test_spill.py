"""The spill: the text and light records of a build's parse results, held in an unlinked file
until they are kept."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds.cache import CacheError, Record
from feeds.spill import Spill, Target, append, read, read_blob, read_lights


def record(summary: bytes, content: bytes) -> Record:
    return Record(light=b"light", summary=summary, content=content)


@given(st.lists(st.tuples(st.binary(max_size=64), st.binary(max_size=300)), max_size=20), st.integers(1, 5))
def test_each_text_comes_back_as_it_was_added(texts: list[tuple[bytes, bytes]], batches: int) -> None:
    entries = [(i.to_bytes(4, "big"), record(summary, content)) for i, (summary, content) in enumerate(texts)]
    spill = Spill(Path(tempfile.gettempdir()))  # not tmp_path: hypothesis runs the test many times
    try:
        for start in range(batches):
            spill.add(entries[start::batches])
        keys = [key for key, _ in entries]
        assert list(spill.texts(keys)) == [(key, r.summary, r.content) for key, r in entries]  # in the order asked
        assert all(key in spill for key in keys)
    finally:
        spill.close()


@given(st.lists(st.tuples(st.booleans(), st.binary(max_size=64), st.binary(max_size=300)), max_size=20))
def test_texts_appended_through_the_target_and_added_here_never_overlap(texts: list[tuple[bool, bytes, bytes]]) -> None:
    spill = Spill(Path(tempfile.gettempdir()))
    try:
        target = spill.target
        assert target is not None, "no /proc/<pid>/fd on this system"
        for i, (through_target, summary, content) in enumerate(texts):
            key = i.to_bytes(4, "big")
            if through_target:  # as a worker process does: its own descriptor, appending
                wheres = append(target, [(summary, content)])
                assert wheres is not None
                spill.note(key, wheres[0])
            else:
                spill.add([(key, record(summary, content))])
        keys = [i.to_bytes(4, "big") for i in range(len(texts))]
        assert list(spill.texts(keys)) == [(key, s, c) for key, (_, s, c) in zip(keys, texts, strict=True)]
    finally:
        spill.close()


def test_keys_it_does_not_hold_are_passed_over(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    spill.add([(b"a", record(b"sa", b"ca"))])
    assert list(spill.texts([b"x", b"a", b"y"])) == [(b"a", b"sa", b"ca")]
    assert b"x" not in spill
    spill.close()


def test_the_file_leaves_nothing_behind(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    spill.add([(b"a", record(b"s" * 1000, b"c" * 100_000))])
    assert list(tmp_path.iterdir()) == []  # unlinked from the start
    spill.close()


def test_a_folder_it_cannot_write_in_is_a_cache_error(tmp_path: Path) -> None:
    with pytest.raises(CacheError, match="cannot create a temporary file"):
        Spill(tmp_path / "missing")


def test_another_process_reads_the_texts_through_the_target(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    try:
        spill.add([(b"a", record(b"sa", b"ca")), (b"b", record(b"", b"cb" * 5000)), (b"c", record(b"sc", b""))])
        target = spill.target
        assert target is not None, "no /proc/<pid>/fd on this system"
        places = spill.places([b"c", b"x", b"a", b"b"])
        assert [key for key, _ in places] == [b"c", b"a", b"b"]  # those it holds, in the order asked
        assert list(read(target, places)) == list(spill.texts([b"c", b"a", b"b"]))
    finally:
        spill.close()


def test_a_target_that_is_not_the_spill_is_a_cache_error(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    try:
        spill.add([(b"a", record(b"sa", b"ca"))])
        target = spill.target
        assert target is not None, "no /proc/<pid>/fd on this system"
        other = tmp_path / "other"
        other.write_bytes(b"sa" + b"ca")
        with pytest.raises(CacheError, match="another file"):
            list(read(Target(path=str(other), device=target.device, inode=target.inode), spill.places([b"a"])))
        with pytest.raises(CacheError, match="cannot open"):
            list(read(Target(path=str(tmp_path / "gone"), device=0, inode=0), spill.places([b"a"])))
    finally:
        spill.close()


@given(st.lists(st.lists(st.binary(max_size=300), max_size=8), max_size=6),
       st.lists(st.binary(max_size=300), max_size=4))
def test_light_records_come_back_in_the_order_added(batches: list[list[bytes]], texts: list[bytes]) -> None:
    spill = Spill(Path(tempfile.gettempdir()))
    try:
        target = spill.target
        assert target is not None, "no /proc/<pid>/fd on this system"
        added: list[tuple[bytes, bytes]] = []
        for n, batch in enumerate(batches):
            lights = [(f"{n}-{i}".encode(), light) for i, light in enumerate(batch)]
            spill.add_lights(lights)
            added += lights
            assert append(target, [(text, text) for text in texts]) is not None  # a worker's, between
        places = spill.take_lights()
        assert list(spill.lights(places)) == added
        assert list(read_lights(target, places)) == added  # as another process reads them
        assert spill.take_lights() == []  # taken once
    finally:
        spill.close()


def test_light_records_larger_than_what_is_read_at_once_come_back_whole(tmp_path: Path) -> None:
    sizes = [10, 1_500_000, 10, 700_000, 700_000, 5]
    lights = [(bytes([n]), bytes([n + 1]) * size) for n, size in enumerate(sizes)]
    spill = Spill(tmp_path)
    try:
        spill.add_lights(lights[:3])
        spill.add_lights(lights[3:])
        assert list(spill.lights(spill.take_lights())) == lights
    finally:
        spill.close()


def test_another_process_reads_a_blob_through_the_target(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    try:
        spill.add([(b"a", record(b"sa", b"ca"))])
        first, second = spill.add_blob(b"x" * 100_000), spill.add_blob(b"")
        target = spill.target
        assert target is not None, "no /proc/<pid>/fd on this system"
        assert append(target, [(b"s", b"c")]) is not None  # a worker's text after them
        assert (read_blob(target, first), read_blob(target, second)) == (b"x" * 100_000, b"")
        assert list(spill.texts([b"a"])) == [(b"a", b"sa", b"ca")]
        with pytest.raises(CacheError, match="shorter"):
            read_blob(target, (first[0], 10_000_000))
    finally:
        spill.close()
