"""Parsing in worker processes gives exactly what parsing in this process gives."""

from __future__ import annotations

import _thread
import gc
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import generate
from feeds import pipeline
from feeds.archive import archive_pages
from feeds.cache import stamp_of
from feeds.group import group
from feeds.jsonfeed import render_json_feeds
from feeds.pages import render_pages
from feeds.publish import MANIFEST, Written, publish
from feeds.readers import READERS
from feeds.readers.folder import find_sources
from feeds.render import Rendered, render_archive, render_feeds
from feeds.spill import Spill, Target
from tests.conftest import BUNDLED, REPO, make_settings, snapshot, write_article


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated articles of every layout, the bundled ones, articles that share a date, and an
    unreadable file."""
    folder = tmp_path_factory.mktemp("parallel") / "articles"
    generate(folder, 150)
    for n in range(3):  # one moment: grouping moves two of them apart by seconds
        write_article(folder, f"tied/story-{n}.txt", f"date 2024-03-05 Story {n}\nWorld\n\nA story told {n} times.\n")
    for path in BUNDLED.glob("*.txt"):
        write_article(folder, f"bundled/{path.name}", path.read_text("utf-8"))
    write_article(folder, "broken/not-utf8.txt", "date 2024-01-01 Title\n\nBody.\n")
    (folder / "broken" / "not-utf8.txt").write_bytes(b"date 2024-01-01 \xff\xfe\n\nBody.\n")
    (folder / "broken" / "dangling.txt").symlink_to(folder / "broken" / "nowhere")
    return folder


@pytest.fixture
def always_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "SERIAL_BELOW", 0)


def jobs_for(folder: Path) -> list[tuple[str, str]]:
    return [(s.name, str(s.path)) for s in find_sources(folder, frozenset(READERS))]


def parsed_both_ways(corpus: Path, tmp_path: Path, into: Path | None = None) -> tuple[
        list[tuple[str, str]], list[pipeline.Outcome], list[pipeline.Outcome]]:
    """The jobs of `corpus`, parsed here, and parsed by two workers (that write into `into`)."""
    settings = make_settings(corpus, tmp_path / "output")
    jobs = jobs_for(corpus)
    silent = pipeline._Silent()
    serial = list(pipeline.parse_many(jobs, settings, workers=1, progress=silent, pages=True))
    parallel = list(pipeline.parse_many(jobs, settings, workers=2, progress=silent, pages=True,
                                        into=str(into) if into is not None else None))
    return jobs, serial, parallel


def test_files_parsed_together_give_what_each_gives_alone(corpus: Path, tmp_path: Path) -> None:
    """A worker takes its files through each step together (`_parse_files`); an unreadable file
    among them leaves the others' results where they were."""
    settings = make_settings(corpus, tmp_path / "output")
    jobs = jobs_for(corpus)
    together = pipeline._parse_files(jobs, settings, page=True)
    assert together == [pipeline._parse_file(name, path, settings, page=True) for name, path in jobs]
    unreadable = [name for (name, _), outcome in zip(jobs, together, strict=True) if outcome[0] is None]
    assert unreadable == ["broken/dangling.txt"]
    assert 0 < jobs.index(("broken/dangling.txt", str(corpus / "broken" / "dangling.txt"))) < len(jobs) - 1


@pytest.mark.usefixtures("always_parallel")
def test_worker_processes_return_the_serial_records_in_order(corpus: Path, tmp_path: Path) -> None:
    jobs, serial, parallel = parsed_both_ways(corpus, tmp_path)
    assert parallel == serial  # the pages too, tied articles' as well: a page depends on its own file only
    names = [name for name, _ in jobs]
    tied = [serial[names.index(f"tied/story-{n}.txt")][2] for n in range(3)]
    assert all(page is not None for page in tied)
    assert len(serial) == len(jobs) > 150
    assert sum(1 for digest, *_ in serial if digest is None) == 1  # the dangling link
    assert sum(1 for _, _, page, _, _ in serial if page is not None) > 150
    for (_, path), (digest, _, _, stamp, _) in zip(jobs, serial, strict=True):  # as read: what the cache keeps
        assert stamp == (None if digest is None else stamp_of(os.stat(path)))


@pytest.mark.parametrize("count", [1, 17, 500, 10_000, 100_000])
def test_the_parse_tasks_hold_every_job_once_in_order_and_shrink_toward_the_end(count: int) -> None:
    jobs = list(range(count))
    chunks = pipeline._chunked(jobs, 2)
    assert [job for chunk in chunks for job in chunk] == jobs
    sizes = [len(chunk) for chunk in chunks]
    assert max(sizes) <= pipeline._CHUNK[1]
    assert all(size >= pipeline._CHUNK[0] for size in sizes[:-1])  # the last may hold what is left
    assert all(size >= next_size for size, next_size in itertools.pairwise(sizes))
    if count >= 10_000:
        assert sizes[0] == pipeline._CHUNK[1]
        assert sizes[-2] == pipeline._CHUNK[0]


@pytest.mark.usefixtures("always_parallel")
def test_worker_processes_write_the_pages_into_a_shared_folder(corpus: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    _, serial, parallel = parsed_both_ways(corpus, tmp_path, into=shared)
    assert [(digest, record) for digest, record, *_ in parallel] == [(digest, record) for digest, record, *_ in serial]
    pages = [page for _, _, page, _, _ in serial if isinstance(page, Rendered)]
    written = [page for _, _, page, _, _ in parallel if page is not None]
    assert written == [Written(path=p.path, digest=sha256(p.data).hexdigest()) for p in pages]
    assert {p.path: p.data for p in pages} == {
        f.relative_to(shared).as_posix(): f.read_bytes() for f in shared.rglob("*") if f.is_file()}


@pytest.mark.usefixtures("always_parallel")
def test_worker_processes_append_the_text_to_the_builds_spill(corpus: Path, tmp_path: Path) -> None:
    settings = make_settings(corpus, tmp_path / "output")
    jobs = jobs_for(corpus)
    serial = list(pipeline.parse_many(jobs, settings, workers=1, progress=pipeline._Silent()))
    spill = Spill(tmp_path)
    try:
        assert spill.target is not None, "no /proc/<pid>/fd on this system"
        parallel = list(pipeline.parse_many(jobs, settings, workers=2, progress=pipeline._Silent(),
                                            spill=spill.target))
        for n, ((digest, record, *_), (digest_, light, _, _, where)) in enumerate(zip(serial, parallel, strict=True)):
            assert (digest_, light.light, light.summary, light.content) == (digest, record.light, b"", b"")
            assert where is not None
            spill.note(n.to_bytes(4, "big"), where)
        keys = [n.to_bytes(4, "big") for n in range(len(jobs))]
        expected = [(key, record.summary, record.content) for key, (_, record, *_) in zip(keys, serial, strict=True)]
        assert list(spill.texts(keys)) == expected
    finally:
        spill.close()


@pytest.mark.usefixtures("always_parallel")
def test_a_spill_the_workers_cannot_open_sends_the_text_back(corpus: Path, tmp_path: Path) -> None:
    settings = make_settings(corpus, tmp_path / "output")
    jobs = jobs_for(corpus)
    other = tmp_path / "other"
    other.write_bytes(b"")
    status = other.stat()
    for target in (Target(path=str(tmp_path / "gone"), device=status.st_dev, inode=status.st_ino),
                   Target(path=str(other), device=status.st_dev, inode=status.st_ino + 1)):  # another file's
        parallel = list(pipeline.parse_many(jobs, settings, workers=2, progress=pipeline._Silent(), spill=target))
        serial = list(pipeline.parse_many(jobs, settings, workers=1, progress=pipeline._Silent()))
        assert parallel == serial
    assert other.read_bytes() == b""


@pytest.mark.usefixtures("always_parallel")
@pytest.mark.parametrize("forked", [True, False], ids=["forked", "from-the-fork-server"])
def test_a_parallel_build_writes_the_bytes_of_a_serial_build(corpus: Path, tmp_path: Path, forked: bool,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_only_thread", lambda: forked)  # how the workers start (`_pool_context`)
    contexts: list[Any] = []
    real_context = pipeline._pool_context

    def context() -> Any:
        contexts.append(real_context())
        return contexts[-1]

    monkeypatch.setattr(pipeline, "_pool_context", context)
    serial = pipeline.build(make_settings(corpus, tmp_path / "serial" / "output"), use_cache=False, workers=1)
    parallel = pipeline.build(make_settings(corpus, tmp_path / "parallel" / "output"), use_cache=False, workers=2)
    assert parallel.diagnostics == serial.diagnostics
    assert parallel.feeds == serial.feeds
    assert snapshot(tmp_path / "parallel" / "output") == snapshot(tmp_path / "serial" / "output")
    # Again beside that output: the workers hand their pages back instead of writing them.
    again = pipeline.build(make_settings(corpus, tmp_path / "parallel" / "output"), use_cache=False, workers=2)
    assert again.feeds == serial.feeds
    assert snapshot(tmp_path / "parallel" / "output") == snapshot(tmp_path / "serial" / "output")
    assert {c.get_start_method() for c in contexts} == {"fork" if forked else "forkserver"}


@pytest.mark.parametrize("archives", [False, True])
def test_the_build_writes_what_the_plain_stages_write(corpus: Path, tmp_path: Path, archives: bool) -> None:
    """Light articles, the store and streamed pages change nothing: the stages called one
    after the other on whole articles give the same bytes and the same report."""
    settings = make_settings(corpus, tmp_path / "plain" / "output", archives=archives)
    sources = find_sources(corpus, frozenset(READERS))
    parsed = [pipeline.parse_source(s, settings) for s in sources]
    grouped = group([p.article for p in parsed if p.article is not None], settings)
    as_parsed = {p.source: p.article for p in parsed}
    pages = [article for a in grouped.published if (article := as_parsed[a.source]) is not None]  # not as grouped
    archive_files = (render_archive(feed, page, settings) for feed in grouped.feeds
                for page in archive_pages(grouped.members[feed.path], settings.entries_per_feed) if archives)
    files = itertools.chain(render_feeds(grouped.feeds, settings), render_json_feeds(grouped.feeds, settings),
                            archive_files, render_pages(grouped.feeds, pages, settings))
    publish(files, settings.output)
    diagnostics = sorted((*(d for p in parsed for d in p.diagnostics), *grouped.diagnostics),
                         key=lambda d: (d.file, d.line, d.code))

    report = pipeline.build(make_settings(corpus, tmp_path / "piped" / "output", archives=archives))
    assert report.feeds == grouped.feeds
    assert report.diagnostics == tuple(diagnostics)
    assert snapshot(tmp_path / "piped" / "output") == snapshot(tmp_path / "plain" / "output")
    assert MANIFEST in snapshot(tmp_path / "piped" / "output")


def test_a_few_files_are_parsed_without_worker_processes(
    tmp_path: Path, articles_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(articles_dir, 5)

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started for 5 files")

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", no_pool)
    report = pipeline.build(make_settings(articles_dir, tmp_path / "output"), workers=2)
    assert report.parsed == report.found == 5


def test_a_first_build_starts_its_workers_before_reading(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "SERIAL_BELOW", 100)
    started: list[int] = []
    real_pool, real_read = pipeline._worker_pool, pipeline._Build.read

    def pool(*args: Any) -> ProcessPoolExecutor:
        started.append(len(read))
        return real_pool(*args)

    read: list[object] = []

    def reading(self: pipeline._Build, *args: Any, **kwargs: Any) -> Any:
        read.append(self)
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(pipeline, "_worker_pool", pool)
    monkeypatch.setattr(pipeline._Build, "read", reading)
    settings = make_settings(corpus, tmp_path / "output")
    pipeline.build(settings, workers=2)
    assert started == [0]  # before the files were read
    pipeline.build(settings, workers=2)  # everything in the cache: no workers wanted
    pipeline.build(make_settings(corpus, tmp_path / "one"), workers=1)
    assert started == [0]


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked from the build process on Linux only")
def test_workers_are_forked_only_from_a_process_without_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_only_thread", lambda: True)  # as the command line builds
    assert pipeline._pool_context().get_start_method() == "fork"
    monkeypatch.setattr(pipeline, "_only_thread", lambda: False)
    assert pipeline._pool_context().get_start_method() == "forkserver"


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="lists a process's threads in /proc")
@pytest.mark.parametrize("start", [
    lambda wait: threading.Thread(target=wait).start(),
    lambda wait: _thread.start_new_thread(wait, ()),  # unknown to `threading`, as a C library's would be
], ids=["python", "unregistered"])
def test_another_thread_is_seen_however_it_started(start: Callable[[Callable[[], object]], None]) -> None:
    stop, started = threading.Event(), threading.Event()

    def wait() -> None:
        started.set()
        stop.wait()

    start(wait)
    started.wait()
    try:
        assert not pipeline._only_thread()
    finally:
        stop.set()


def test_a_forked_worker_collects_its_cycles_though_the_build_process_does_not(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "articles", tmp_path / "output")
    with pipeline._no_collections(), pipeline._worker_pool(settings, 1) as pool:
        assert not gc.isenabled()
        assert pool.submit(gc.isenabled).result()
        assert pool.submit(gc.get_freeze_count).result() > 0  # what it came with is never scanned


def test_default_workers_is_the_cores_we_may_use() -> None:
    assert pipeline.default_workers() >= 1


@pytest.mark.parametrize("spill_readable", [True, False], ids=["tasks-through-the-spill", "tasks-through-the-queue"])
def test_feeds_rendered_in_worker_processes_are_the_serial_bytes(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spill_readable: bool
) -> None:
    serial = pipeline.build(make_settings(corpus, tmp_path / "serial" / "output"), use_cache=False, workers=1)
    tasks: list[str] = []
    real = ProcessPoolExecutor

    class Counted(real):  # type: ignore[valid-type, misc]  # the class the module names
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            tasks.append(fn.__name__)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(pipeline, "RENDER_SERIAL_BELOW", 0)
    monkeypatch.setattr(pipeline, "_RENDER_AHEAD", 1)  # a small window: files wait on workers and go out in order
    if not spill_readable:  # no /proc: the jobs travel with their tasks
        monkeypatch.setattr(Spill, "target", property(lambda _: None))
    parallel = pipeline.build(make_settings(corpus, tmp_path / "parallel" / "output"), use_cache=False, workers=2)
    assert ("_render_handed" if spill_readable else "_render_chunk") in tasks  # rendered in worker processes
    assert ("_render_chunk" if spill_readable else "_render_handed") not in tasks
    assert parallel.feeds == serial.feeds
    assert snapshot(tmp_path / "parallel" / "output") == snapshot(tmp_path / "serial" / "output")


KILLED_BUILD = r"""
import sys
from pathlib import Path
from feeds import cache, pipeline
from tests.conftest import make_settings
pipeline.build(make_settings(Path(sys.argv[1]), Path(sys.argv[2])), workers=2)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the processes in /proc")
def test_the_worker_processes_end_with_a_build_killed_while_they_parse(tmp_path: Path) -> None:
    generate(tmp_path / "articles", 3000)
    mark = f"FEEDS_TEST_BUILD={tmp_path.name}"  # every process of the build inherits it
    build = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(tmp_path / "articles"), str(tmp_path / "out")],
                             cwd=REPO, env={**os.environ, "FEEDS_TEST_BUILD": tmp_path.name, "TMPDIR": str(tmp_path)})
    try:
        deadline = time.monotonic() + 60
        while len(_running(mark) - {build.pid}) < 2:  # two workers (forked, or from a fork server)
            assert build.poll() is None, "the build ended before its workers were seen"
            assert time.monotonic() < deadline, "no worker processes started"
            time.sleep(0.005)
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 10
        while _running(mark) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _running(mark) == set()
    finally:
        for pid in _running(mark):
            os.kill(pid, signal.SIGKILL)


def _running(mark: str) -> set[int]:
    """The processes (not zombies) whose environment holds `mark`."""
    found = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            environment = Path(entry.path, "environ").read_bytes().split(b"\0")
            state = Path(entry.path, "stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if mark.encode() in environment and state != b"Z":
            found.add(int(entry.name))
    return found
