"""build(settings) -> BuildReport: read -> parse -> group -> render -> publish.

    read     find the article files; hash those whose stat changed since the last build
    parse    read + normalize each file the cache does not know, in worker processes
             when there are many (`parse_source` for one); a build has them render the
             article's page too, which goes into the new output at once (`self.early`):
             in a first build (a new output tree) the workers write it there themselves,
             as they do the feed documents, instead of sending it back. A page depends on
             its own file only (`_Build.page_key`): grouping never renders one again
    group    articles -> feeds, on articles without their text ("light" articles)
    render   feeds and pages; each feed's entries and each page get their text back from
             the store one at a time, so memory holds the text of the feeds' newest
             entries only, however many articles there are
    publish  publish.py: a full new tree, open from the start of parsing, swapped in at once

Every parse result goes through the store (feeds/cache.py) as a record, also on a build
without a cache (a scratch store in a temporary folder), so a parallel, a serial, a cached
and an uncached build run the same code on the same values and write the same bytes. (A
page rendered while parsing sees the article before that round trip, which gives it back
equal in every way: tests compare such pages with pages rendered from the store.)
When neither the articles, the settings nor the package changed since the last build of
this output, and the output is the one that build wrote, nothing is done at all
(`BuildReport.unchanged`). When a few files changed, came or went in ways that move no other
article in the feeds (a text edited, a new article by a known author), the last build is
patched instead: see `_Build.patch` and feeds/lastbuild.py.

Progress is reported through `Progress`, a protocol the caller implements (the CLI draws a
bar). Nothing here reads the clock.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import multiprocessing
import os
import pickle
import select
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from functools import partial
from itertools import takewhile
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from feeds import cache
from feeds.archive import ArchivePage, archive_count, archive_pages
from feeds.cache import CacheError, PublishedFiles, Record, Stamp, Store, stamp_of
from feeds.config import Settings
from feeds.errors import Code, Diagnostic, PublishError
from feeds.group import (
    Grouped,
    Index,
    admit,
    feed_name,
    group,
    named_feed,
    newest_first_key,
    regroup,
    retire,
    subtitle_after,
)
from feeds.ids import entry_id
from feeds.jsonfeed import json_feed_path, render_json_feeds
from feeds.lastbuild import BEYOND, Dates, FeedValues, LastBuild, grouping_fields
from feeds.model import Article, Feed, FeedKind
from feeds.normalize import normalize
from feeds.pages import article_page, page_path, site_pages
from feeds.publish import MANIFEST, Publication, Published, Reused, Written, read_manifest, starts_blank, write_new
from feeds.readers import READERS, ReadOptions, ReadResult
from feeds.readers.folder import Source, find_sources, read_source, read_stamped
from feeds.render import FeedFormat, Rendered, feed_file, render_archive, render_feeds
from feeds.spill import Blob, Place, Spill, Target, Where, append, read, read_blob, read_lights

_T = TypeVar("_T")
FeedRenderer = Callable[[Iterable[Feed], Settings], Iterable[Rendered]]
FEED_RENDERERS: tuple[FeedRenderer, ...] = (render_feeds, render_json_feeds)  # each: every file of one feed
_RENDERER_NAMES = tuple(renderer.__qualname__ for renderer in FEED_RENDERERS)  # in their render keys
SERIAL_BELOW = 500  # fewer files to parse than this: no worker processes (starting them costs ~0.3 s)
_CHUNK = (16, 256)  # files per task sent to a worker: at least, at most
RENDER_SERIAL_BELOW = 200  # feed documents rendered here before the rest go to worker processes
_RENDER_CHUNK = 16  # feed documents per task sent to a render worker: each task costs a worker ~3 ms more
_RENDER_AHEAD = 4  # render tasks in flight per worker: bounds the hydrated entries held at once
_READ_STEP = 1000  # progress is reported every this many files while reading
_PUT_EVERY = 1000  # parse results put in the spill at once
_KIND_ORDER = {FeedKind.ALL: 0, FeedKind.CATEGORY: 1, FeedKind.AUTHOR: 2}  # of `group`'s feeds
_GC_THRESHOLDS = (100_000, 20, 100)  # the cyclic collector's in a worker process (see `_no_collections`)
_PAGE_STEP = 256  # article pages whose text is fetched from the store at once
PATCH_AT_MOST = 100  # changed files a rebuild patches the last build for (`_Build.patch`); more: a full build


def feed_files(feed: Feed) -> tuple[str, ...]:
    """The paths of the files `FEED_RENDERERS` write for `feed`, without archives."""
    return (*(feed_file(feed, fmt) for fmt in FeedFormat), json_feed_path(feed))


class Stage(StrEnum):
    READ = "read"  # total: files found; advanced as they are stat-ed or hashed
    PARSE = "parse"  # total: files to parse (not in the cache)
    GROUP = "group"  # no total
    RENDER = "render"  # total: about the number of output files; advanced per file rendered
    WRITE = "write"  # never started on its own: advanced per file written, between RENDER advances
    PUBLISH = "publish"  # no total: the manifest, the flush and the swap


class Progress(Protocol):
    """What a build tells its caller as it goes. Both calls must return quickly."""

    def stage(self, stage: Stage, total: int | None) -> None:
        """`stage` begins; `total` units of it are to come (None: unknown)."""

    def advance(self, stage: Stage, amount: int = 1) -> None:
        """`amount` more units of `stage` are done."""


class _Silent:
    def stage(self, stage: Stage, total: int | None) -> None:
        pass

    def advance(self, stage: Stage, amount: int = 1) -> None:
        pass


@dataclass(frozen=True, slots=True, kw_only=True)
class Parsed:
    """What one source file became: an article, or the errors that skipped it."""

    source: str
    article: Article | None
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    found: int  # article files found
    published: int  # articles in the feeds
    diagnostics: tuple[Diagnostic, ...]  # sorted by file, line
    feeds: tuple[Feed, ...]
    output: Published | None  # None for a check that writes nothing
    parsed: int = 0  # files parsed by this build; the others came from the cache
    unchanged: bool = False  # nothing changed since the last build: the output was left alone

    @property
    def skipped(self) -> tuple[str, ...]:
        return tuple(sorted({d.file for d in self.diagnostics if d.is_error}))

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if not d.is_error)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.is_error)


def read_options(settings: Settings) -> ReadOptions:
    return ReadOptions(language=settings.language, timezone=settings.timezone, zones=dict(settings.zones))


# --- One file ---------------------------------------------------------------------------------


def parse_source(source: Source, settings: Settings) -> Parsed:
    """Read and normalize one file. Any input gives a value, never an exception."""
    data = read_source(source)
    if isinstance(data, OSError):
        return Parsed(source=source.name, article=None, diagnostics=(_unreadable(source.name, data),))
    return parse_bytes(source.name, data, settings)


def parse_bytes(name: str, data: bytes, settings: Settings) -> Parsed:
    """Parse the bytes of the file `name` (its path inside the articles folder)."""
    return _normalized(name, READERS[_suffix(name)](data, name, read_options(settings)), settings)


def _normalized(name: str, read: ReadResult, settings: Settings) -> Parsed:
    """What the reader gave for the file `name`, normalized."""
    if read.article is None:
        return Parsed(source=name, article=None, diagnostics=read.diagnostics)
    normalized = normalize(read.article, settings)
    return Parsed(source=name, article=normalized.article, diagnostics=normalized.diagnostics)


def _suffix(name: str) -> str:
    """`PurePosixPath(name).suffix.lower()` for a path as `find_sources` names files (no `.`
    or empty parts), without making a path object (2 µs) for every file."""
    base = name.rpartition("/")[2]
    dot = base.rfind(".")
    return base[dot:].lower() if 0 < dot < len(base) - 1 else ""


def _unreadable(name: str, error: OSError) -> Diagnostic:
    return Diagnostic(code=Code.DECODE, file=name, line=1, message=f"The file cannot be read: {error.strerror}.")


Outcome = tuple[bytes | None, Record, Rendered | Written | None, Stamp | None, Where | None]
"""What parsing a file gives: the hash of the bytes parsed (None: unreadable), the record, the
article's page when asked for (rendered with the dates the file gives), or where it was
written, the file's stamp as it was read (None: unreadable), and where in the build's spill
the worker put the record's text (None: the record holds it)."""


def _parse_file(name: str, path: str, settings: Settings, page: bool, into: str | None = None) -> Outcome:
    """Read, stamp, hash and parse one file, and render its page if `page`: written into the
    folder `into` (a publication's `shared_folder`) when one is given and that works. A page
    depends on its own file only (`_Build.page_key`), so it is final once parsed."""
    return _parse_files([(name, path)], settings, page, into)[0]


def _parse_files(jobs: Sequence[tuple[str, str]], settings: Settings, page: bool,
                 into: str | None = None) -> list[Outcome]:
    """`_parse_file` of each (name, path), one step at a time for them all: each step's code
    and data stay in the processor's caches, where one file taken through every step in turn
    (the reader, normalizing, the page's template, the system calls) costs a quarter more
    (232 µs an article against 186)."""
    reads = [read_stamped(Source(name=name, path=path)) for name, path in jobs]
    options = read_options(settings)
    split = [None if isinstance(got, OSError) else READERS[_suffix(name)](got[0], name, options)
             for (name, _), got in zip(jobs, reads, strict=True)]
    parsed = [None if raw is None else _normalized(name, raw, settings)
              for (name, _), raw in zip(jobs, split, strict=True)]
    pages: list[Rendered | Written | None] = [
        article_page(p.article, settings) if page and p is not None and p.article is not None else None
        for p in parsed]
    if into is not None:
        # Written here, a page need not travel to the build process: most of the bytes a
        # worker would send it. A page that cannot be written goes there after all, where
        # publish writes it or says why it cannot.
        pages = [_written_or_not(into, p) if isinstance(p, Rendered) else p for p in pages]
    outcomes: list[Outcome] = []
    for (name, _), got, result, rendered in zip(jobs, reads, parsed, pages, strict=True):
        if isinstance(got, OSError):
            outcomes.append((None, cache.encode(None, (_unreadable(name, got),)), None, None, None))
            continue
        assert result is not None, "every file read is parsed"
        data, status = got
        outcomes.append((cache.content_hash(data), cache.encode(result.article, result.diagnostics), rendered,
                         stamp_of(status), None))
    return outcomes


# --- Many files, in worker processes -----------------------------------------------------------

_worker_settings: Settings | None = None


def _settings_state(settings: Settings) -> dict[str, Any]:
    """The settings as picklable values (a mappingproxy is not)."""
    return {f.name: (dict(v) if isinstance(v := getattr(settings, f.name), MappingProxyType) else v)
            for f in fields(settings)}


def _init_worker(state: dict[str, Any], build: int) -> None:
    global _worker_settings
    # Forked from the build process, a worker has what it held, and its collector off
    # (`_no_collections`): never to be scanned, what came from there goes to the permanent
    # generation, and the collector is on, as in a worker from the fork server.
    gc.freeze()
    gc.enable()
    gc.set_threshold(*_GC_THRESHOLDS)  # what a worker allocates it frees: it never gets to collect
    _exit_with(build)
    values: dict[str, Any] = {k: (MappingProxyType(v) if isinstance(v, dict) else v) for k, v in state.items()}
    _worker_settings = Settings(**values)


def _exit_with(build: int) -> None:
    """End this worker when the build process `build` ends. A build killed outright (SIGKILL,
    a CI job cancelled) cannot stop its workers, and they would wait for work forever: each
    holds both ends of the task queue's pipe, so it never reads an end of file."""
    try:
        handle = os.pidfd_open(build)  # Linux 5.3+: readable once the process has ended
    except (AttributeError, OSError):
        def watch() -> None:
            while _alive(build):
                time.sleep(1)
            os._exit(1)
    else:
        def watch() -> None:
            select.select([handle], [], [])
            os._exit(1)
    threading.Thread(target=watch, name="feeds-watch-build", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process has that pid now
        return False
    return True


def _parse_chunk(jobs: Sequence[tuple[str, str]], page: bool, into: str | None,
                 spill: Target | None = None) -> list[Outcome]:
    """`_parse_file` for each job; with `spill`, the records' text goes there, in one write,
    rather than back to the build process, which would unpickle it and write it there itself
    (5 µs of its time per article, taken from the workers' two cores)."""
    assert _worker_settings is not None, "worker not initialized"
    outcomes = _parse_files(jobs, _worker_settings, page, into)
    wheres = append(spill, [(o[1].summary, o[1].content) for o in outcomes]) if spill is not None else None
    if wheres is None:
        return outcomes
    return [(digest, Record(light=record.light, summary=b"", content=b""), page_, stamp, where)
            for (digest, record, page_, stamp, _), where in zip(outcomes, wheres, strict=True)]


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _pool_context() -> multiprocessing.context.BaseContext:
    """How the worker processes start. Forked from this process, they start at once with all
    it imported; but a child goes on with only the thread that forked, and a lock another
    thread held stays held in it. So they are forked only from a process with no other thread
    (no progress bar, no test runner's), on Linux, and all at once (`_worker_pool`). Else a
    fork server forks them, which imports the package first (0.2 s), or else each is a fresh
    interpreter."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and _only_thread():
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["feeds.pipeline"])
        return context
    return multiprocessing.get_context("spawn")


def _only_thread() -> bool:
    """Whether this process runs no thread but this one: none of Python's, and none that a
    library started in C, which only the system lists (Linux: /proc/self/task)."""
    if threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def parse_many(jobs: Sequence[tuple[str, str]], settings: Settings, *, workers: int, progress: Progress,
               pool: Callable[[], ProcessPoolExecutor] | None = None, pages: bool = False,
               into: str | None = None, spill: Target | None = None) -> Iterator[Outcome]:
    """`_parse_file` for each (name, path) job, in the order given, in `workers` processes
    when there are enough jobs to pay for starting them (`pool`: where to get them, for a
    caller that keeps them for more work; else they are started here and stopped after).
    The workers write the pages into the folder `into` if given, and the records' text into
    the `spill` if given; parsing here, they are returned (the caller's publication writes
    the pages in a thread that overlaps parsing)."""
    if workers <= 1 or len(jobs) < SERIAL_BELOW:
        for chunk in _chunked(jobs, 1):
            results = _parse_files(chunk, settings, pages)
            yield from results
            progress.advance(Stage.PARSE, len(results))
        return
    chunks = _chunked(jobs, workers)
    with contextlib.ExitStack() as stack:
        executor = pool() if pool is not None else stack.enter_context(_worker_pool(settings, workers))
        for results in executor.map(partial(_parse_chunk, page=pages, into=into, spill=spill), chunks):  # in order
            yield from results
            progress.advance(Stage.PARSE, len(results))


def _chunked(jobs: Sequence[_T], workers: int) -> list[Sequence[_T]]:
    """The tasks for `workers`: `_CHUNK[1]` jobs each, then fewer and fewer, down to `_CHUNK[0]`,
    so that the workers finish nearly together (a last task of 256 files leaves the other
    worker idle for up to 0.07 s)."""
    chunks = []
    start = 0
    while start < len(jobs):
        size = max(_CHUNK[0], min(_CHUNK[1], (len(jobs) - start) // (workers * 4)))
        chunks.append(jobs[start:start + size])
        start += size
    return chunks


def _worker_pool(settings: Settings, workers: int) -> ProcessPoolExecutor:
    """Worker processes, started now: forked at once where this process may (`_pool_context`),
    else from the fork server, started now too, so that its import of the package (0.2 s)
    overlaps what this process does before the first task."""
    context = _pool_context()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(_settings_state(settings), os.getpid()))
    if context.get_start_method() == "fork":
        # The first task forks them all, before the pool starts its threads, and before this
        # process starts any (a later first task would fork with them running).
        pool.submit(_started)
    elif context.get_start_method() == "forkserver":
        import multiprocessing.forkserver  # here: not every platform has it

        multiprocessing.forkserver.ensure_running()
    return pool


def _keep_parsed(store: Path, durable: bool, spill: Target, lights: list[Place],
                 texts: list[tuple[bytes, Where]]) -> None:
    """`_Build.keep_parsed` in a worker process: the light records and the text read from the
    build's spill and stored through a connection of its own."""
    cache.put_parsed_at(store, durable=durable, lights=read_lights(spill, lights), texts=read(spill, texts))


def _started() -> None:
    """A worker's first task when it is forked: it only makes the pool start them."""


# --- Feed documents, here or in worker processes ---------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class _FeedJob:
    """One cache-missing render call: `renderer` on the feed, or (renderer None) its archive `page`."""

    feed: Feed
    renderer: FeedRenderer | None = None
    page: ArchivePage | None = None


def _render_job(job: _FeedJob, settings: Settings) -> tuple[Rendered, ...]:
    if job.page is not None:
        return (render_archive(job.feed, job.page, settings),)
    assert job.renderer is not None, "a feed job without a renderer or a page"
    return tuple(job.renderer([job.feed], settings))


def _render_chunk(jobs: Sequence[_FeedJob], into: str | None) -> list[tuple[Rendered | Written, ...]]:
    """Each job's files, written into the folder `into` when one is given (see `_parse_file`)."""
    assert _worker_settings is not None, "worker not initialized"
    rendered = [_render_job(job, _worker_settings) for job in jobs]
    if into is None:
        return list(rendered)
    return [tuple(_written_or_not(into, file) for file in files) for files in rendered]


def _render_handed(spill: Target, jobs: Blob, into: str | None) -> list[tuple[Rendered | Written, ...]]:
    """`_render_chunk` of the jobs the build process pickled into its spill (`_Build.send`)."""
    return _render_chunk(pickle.loads(read_blob(spill, jobs)), into)  # noqa: S301 - the build's own bytes


def _written_or_not(into: str, file: Rendered, *, again: bool = False) -> Rendered | Written:
    """`file` written into the folder `into` (`again`: over the file written there before), or
    itself when that fails: the build process then writes it, or says why it cannot."""
    try:
        return write_new(into, file, again=again)
    except (OSError, PublishError):
        return file


class _Made:
    """What a build's feed documents and pages came from: every key used, and (key, path) of
    each file rendered now (the store learns its digest once it is published); and the
    articles whose page it published."""

    def __init__(self) -> None:
        self.keys: list[bytes] = []
        self.rendered: list[tuple[bytes, str]] = []
        self.pages = _Pages(shown=frozenset(), as_parsed={}, articles=[])


@dataclass(frozen=True, slots=True, kw_only=True)
class _Pages:
    """The articles a full build publishes a page of (`articles`), as parsed: a page shows
    its article as parsed, not as grouped (see `page_key`)."""

    shown: frozenset[str]  # the sources of the articles grouping published
    as_parsed: Mapping[str, Article | None]  # every source -> its article as parsed
    articles: list[Article]  # newest first


@dataclass(slots=True, kw_only=True)
class _Patch:
    """What a patch renders and remembers (`_Build.plan_patch`), filled in as it is checked."""

    now: dict[int, tuple[bytes, Parsed]]  # source index -> (content hash, parse result) of each file changed or added
    index: Index  # grouping's, with the new articles
    unpublished: set[str]
    renamed: dict[bytes, bytes] = field(default_factory=dict)  # old parse key -> new, of the changed files
    changed: list[tuple[Parsed, Parsed]] = field(default_factory=list)  # (as it was, as it is)
    joining: list[tuple[Article, dict[tuple[FeedKind, str], str]]] = field(default_factory=list)  # `group.admit`
    leaving: list[tuple[Article, dict[tuple[FeedKind, str], str]]] = field(default_factory=list)  # `group.retire`
    diagnostics: list[Diagnostic] = field(default_factory=list)  # of the files changed or added
    gone: list[Diagnostic] = field(default_factory=list)  # of the files changed (as they were) or removed


class _Chunk:
    """Feed jobs sent to a worker together; `future` once sent."""

    def __init__(self) -> None:
        self.jobs: list[_FeedJob] = []
        self.future: Future[list[tuple[Rendered | Written, ...]]] | None = None


@dataclass(frozen=True, slots=True)
class _Slot:
    """The files of job `index` of `chunk`, once a worker has rendered them."""

    chunk: _Chunk
    index: int


_Output = Rendered | Reused | Written  # a file as publish takes it
_Files = tuple[_Output, ...] | _Slot  # a feed document's files, or a worker's result to come


# --- The build -----------------------------------------------------------------------------------


def check(settings: Settings, *, progress: Progress | None = None, use_cache: bool = True,
          workers: int | None = None) -> BuildReport:
    """Parse every article and group them, writing nothing (but the cache)."""
    return _run(settings, progress, use_cache=use_cache, workers=workers, publish_to=False)


def build(settings: Settings, *, progress: Progress | None = None, use_cache: bool = True,
          workers: int | None = None) -> BuildReport:
    """Parse, group, render and publish; `use_cache=False` parses every file again and
    neither reads nor writes the cache."""
    return _run(settings, progress, use_cache=use_cache, workers=workers, publish_to=True)


def _run(settings: Settings, progress: Progress | None, *, use_cache: bool, workers: int | None,
         publish_to: bool) -> BuildReport:
    shown = progress if progress is not None else _Silent()
    count = default_workers() if workers is None else workers
    folder = cache.default_folder(settings)
    fingerprint = cache.fingerprint(settings)
    # The cache, again after it failed (its damaged rows are gone by then, or all of it),
    # then none at all. Nothing is swapped in before the last stage, so a retry is safe.
    for attempt in range(3):
        store = Store.open(folder, fingerprint) if use_cache and attempt < 2 else _scratch()
        try:
            with _no_collections():
                return _Build(settings, fingerprint, store, shown, count).run(publish_to=publish_to)
        except CacheError as e:
            if not store.persistent:
                raise PublishError(f"Cannot use the build's temporary files: {e}.") from e
            if e.corrupt:
                store.close()
                cache.delete_database(store.path)
        finally:
            store.close()
    raise AssertionError("unreachable: the last attempt has no cache")  # pragma: no cover


@contextlib.contextmanager
def _no_collections() -> Iterator[None]:
    """The cyclic collector off for a build, which keeps millions of small objects that never
    form cycles (articles, dates, keys) and leaves a few dozen that do: each collection scans
    what the last ones left, to find nothing. At its default rate (every 700 allocations) it
    took a fifth of a 100,000-article rebuild; at one in 100,000, ten of them still took 1 s of
    a clean build, the last (of the middle generation, which then holds every article) half
    of that."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():  # (a caller's frozen objects would thaw too)
            # What the build made and still holds goes to the oldest generation, as if the
            # collector had seen it all along: else its first young collection scans all of
            # it (0.2 s after a 100,000-article build).
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _scratch() -> Store:
    try:
        return Store.scratch()
    except (CacheError, OSError) as e:
        raise PublishError(f"Cannot create the build's temporary files: {e}.") from e


class _Build:
    """One build or check: the stages in order, sharing the store and the parse keys."""

    def __init__(self, settings: Settings, fingerprint: bytes, store: Store, progress: Progress, workers: int) -> None:
        self.settings = settings
        self.fingerprint = fingerprint  # cache.fingerprint(settings)
        self.store = store
        self.progress = progress
        self.workers = workers
        self.keys: dict[str, bytes] = {}  # source -> parse key, for every article that has one
        self.unkeyed: dict[str, Record] = {}  # records that could not be stored (unreadable files)
        self.full: dict[str, Article] = {}  # source -> article with its text: the feeds' entries
        self.early: dict[str, str] = {}  # source -> the path of its page, put while parsing
        self.started = 0  # the file system's time when reading began (ns)
        self.fresh: list[int] = []  # indexes of the sources whose stamp is not the last build's
        self.pool: ProcessPoolExecutor | None = None  # the worker processes, while they run
        self.shared: str | None = None  # the new output's folder, when the workers may write into it
        self.parsed_early = 0  # files a patch that did not work out parsed (and stored) before the full build
        self.parsed_again = 0  # files parsed again for their text, which the store did not keep (`texts`)
        self.spill: Spill | None = None  # what the files parsed gave, until `keep_parsed`
        self.keeping: Future[None] | None = None  # `keep_parsed` in a worker or a thread, until it is done
        self.sources: Sequence[Source] = ()  # every source found

    def worker_pool(self) -> ProcessPoolExecutor:
        """The worker processes, started on first use: a build that parses many files renders
        its feeds and the pages grouping moved in the same processes, and stops them once every
        file is put (`stages`)."""
        if self.pool is None:
            self.pool = _worker_pool(self.settings, self.workers)
        return self.pool

    def stop_workers(self) -> None:
        # Once not needed: they hold memory, and (with the pages and feeds they wrote) the
        # publication's folder must be theirs no more before it is swapped in or removed.
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)  # none are left unless the build failed
            self.pool = None

    def run(self, *, publish_to: bool) -> BuildReport:
        try:
            return self.stages(publish_to=publish_to)
        finally:
            self.stop_workers()
            self.drop_spill()

    def stages(self, *, publish_to: bool) -> BuildReport:
        self.progress.stage(Stage.READ, None)
        output = self.settings.output.absolute()
        # Into a blank tree every page is new, and rendering it needs the article's text, which
        # the store keeps for few: every file is parsed again, by the workers, as in a first
        # build, which also write the pages (a warm store and no output: twice as fast).
        parse_all = publish_to and starts_blank(output)
        # A build of this output with these settings is remembered: most files will be the same
        # again, and start as links to the output's (without a spare). Else (other settings, a
        # new version) they would nearly all be replaced.
        carrying = self.store.persistent and self.store.has_build(str(output))
        with contextlib.ExitStack() as stack:
            publication = None
            if publish_to and not parse_all:
                # Opened first: a process of its own lists the spare, or links the output's files
                # into a new folder, while this one reads the sources and finds what changed.
                # A build that publishes nothing leaves it untaken.
                publication = stack.enter_context(Publication(output, carrying=carrying))
            sources = find_sources(self.settings.articles, frozenset(READERS))
            self.sources = sources
            if self.workers > 1 and len(sources) >= SERIAL_BELOW and (parse_all or not self.store.has_parsed()):
                self.worker_pool()  # every file will be parsed: the workers start before reading
            root = str(self.settings.articles.absolute())
            previous = self.store.stamps(root) if self.store.persistent else {}
            stamps, hashes = self.read(sources, previous, parse_all=parse_all)
            last = self.last_build(output) if publication is not None and self.store.persistent else None
            if last is not None and publication is not None:
                done = self.unchanged(last, self.build_key(sources, hashes), output)
                if done is None and not self.settings.archives:
                    done = self.patch(sources, hashes, last, publication)
                if done is not None:
                    self.save_stamps(root, sources, stamps, hashes, previous)
                    self.store.commit()
                    return done

            if publish_to and (publication is None or publication.closed):  # a patch that did not work out used it
                # Opened before parsing: the workers render the page of each article they parse,
                # which goes into the new output right away instead of through the cache and back.
                publication = stack.enter_context(Publication(output, carrying=carrying))
            self.shared = publication.shared_folder if publication is not None else None
            stack.callback(self.stop_workers)  # first: they may be writing into the publication's folder
            parsed, fresh = self.parse(sources, stamps, hashes, publication)
            self.store.commit()
            self.keep_lights()
            self.progress.stage(Stage.GROUP, None)
            grouped = group([p.article for p in parsed if p.article is not None], self.settings)
            if publication is not None:
                # Before `keep_parsed` writes, which would make it wait; none into a blank tree,
                # which has no file to keep: each would be rendered here, one by one, not by the
                # workers. What was parsed is kept apart, while this process hydrates and renders the feeds.
                known = self.store.published() if self.shared is None else PublishedFiles({})
                if self.store.persistent:
                    self.keep_parsed(grouped, apart=True)
            self.full = {}  # not what a patch that did not work out fetched: it grouped otherwise
            if publication is None:
                self.keep_parsed(grouped)
                self.store.commit()
                return self.report(sources, parsed, grouped, fresh)

            made = _Made()
            files = self.render(grouped, parsed, known, made, publication)
            self.progress.stage(Stage.RENDER, (len(FeedFormat) + 1) * len(grouped.feeds) + len(grouped.published)
                                - len(self.early))
            for file in _reported(files, self.progress):
                publication.put(file)
            pages = made.pages
            report = self.report(sources, parsed, grouped, fresh)
            self.kept()  # before its worker stops: a task not started yet would be cancelled
            self.stop_workers()
            self.drop_spill()  # before the flush
            digests = publication.files

            def keep(manifest: bytes) -> bytes | None:
                """The stamps and the bytes each key rendered (a next build checks them against
                the files it finds), once the text is kept; and what the next build starts from."""
                if not self.store.persistent:
                    return None
                with contextlib.suppress(CacheError):
                    if self.keeping is not None:
                        self.keeping.result()  # its connection has committed: this one may write
                with contextlib.suppress(CacheError):
                    self.save_stamps(root, sources, stamps, hashes, previous)
                    self.store.put_published((key, path, digests[path]) for key, path in made.rendered)
                with contextlib.suppress(CacheError):
                    self.store.collect(self.keys.values(), made.keys)
                moved = {a.source: (cache.encode_time(a.published), cache.encode_time(a.updated))
                         for a in grouped.published if a is not pages.as_parsed[a.source]}
                beyond = [grouped.members[f.path][len(f.entries):len(f.entries) + BEYOND] for f in grouped.feeds]
                return self.record_for_next_build(sources, hashes, report, moved,
                                                  frozenset(pages.as_parsed).difference(pages.shown), grouped.index,
                                                  beyond, manifest=manifest)

            published, record = self.swap_in(publication, keep)
        if self.store.persistent:
            with contextlib.suppress(CacheError):  # published: a cache that fails now only makes the next build slower
                self.remember(record)
                self.store.commit()
        return replace(report, output=published, parsed=fresh + self.parsed_early + self.parsed_again)

    def report(self, sources: Sequence[Source], parsed: Sequence[Parsed], grouped: Grouped, fresh: int) -> BuildReport:
        """What a full build found, before it is published: its feeds with their entries' text."""
        diagnostics = _sorted((*(d for p in parsed for d in p.diagnostics), *grouped.diagnostics))
        return BuildReport(found=len(sources), published=len(grouped.published), diagnostics=diagnostics,
                           feeds=self.hydrate_feeds(grouped.feeds), output=None,
                           parsed=fresh + self.parsed_early + self.parsed_again)

    def swap_in(self, publication: Publication, keep: Callable[[bytes], _T]) -> tuple[Published, _T]:
        """`publication.finish()`, in a thread, while this one stores what the next build needs
        and says what it starts from (`keep`, given the hash of the manifest that names the
        new output's files): the flush before the swap (`syncfs`) takes seconds on a disk.
        The caller commits what `keep` stored, and `remember`s, once the swap is done; if the
        swap fails, what `keep` stored goes with the connection, uncommitted."""
        manifest = hashlib.sha256(publication.seal()).digest()
        finishing = _in_a_thread(publication.finish, "feeds-finish")
        try:
            kept = keep(manifest)
        finally:
            published = finishing.result()  # raises what finishing raised
        return published, kept

    # -- read ----------------------------------------------------------------------------------

    def read(self, sources: Sequence[Source], previous: Mapping[str, bytes], *, parse_all: bool = False) -> tuple[
            list[Stamp | None], list[bytes | None]]:
        """Every source's stamp (None: cannot be stat-ed) and content hash (None: not known
        yet, the file is parsed). The hash comes from the last build when the stamp is
        unchanged, else from the file's bytes -- unless the store has no parse results to
        find with it, as in a first build, or every file is to be parsed (`parse_all`): then
        the workers stamp and hash what they parse (`parse` fills in the stamps), and the
        parsing of 100,000 files starts 0.4 s sooner."""
        self.progress.stage(Stage.READ, len(sources))
        self.started = self.store.scan_started() if self.store.persistent else 0
        hash_here = self.store.persistent and self.store.has_parsed() and not parse_all
        self.fresh.clear()
        if not hash_here:
            self.fresh += range(len(sources))
            self.progress.advance(Stage.READ, len(sources))
            return [None] * len(sources), [None] * len(sources)
        stamps: list[Stamp | None] = []
        hashes: list[bytes | None] = []
        for n, source in enumerate(sources, 1):
            try:
                stamp: Stamp | None = stamp_of(os.stat(source.path))
            except OSError:
                stamp = None
            digest = cache.remembered_hash(previous.get(source.name), stamp) if stamp is not None else None
            if digest is None:
                self.fresh.append(n - 1)
                if stamp is not None:
                    data = read_source(source)
                    digest = None if isinstance(data, OSError) else cache.content_hash(data)
            stamps.append(stamp)
            hashes.append(digest)
            if n % _READ_STEP == 0:
                self.progress.advance(Stage.READ, _READ_STEP)
        self.progress.advance(Stage.READ, len(sources) % _READ_STEP)
        return stamps, hashes

    def save_stamps(self, root: str, sources: Sequence[Source], stamps: Sequence[Stamp | None],
                    hashes: Sequence[bytes | None], previous: Mapping[str, bytes]) -> None:
        """Remember the stamps that changed, of files last changed well before this build began."""
        changed = {}
        for i in self.fresh:
            stamp, digest = stamps[i], hashes[i]
            if stamp is not None and digest is not None and cache.settled(stamp, self.started):
                changed[sources[i].name] = (stamp, digest)
        matched = len(sources) - len(self.fresh)  # sources whose stamp is the remembered one
        gone = set(previous).difference(s.name for s in sources) if len(previous) > matched else set()
        self.store.save_stamps(root, changed, gone)

    # -- parse ---------------------------------------------------------------------------------

    def parse(self, sources: Sequence[Source], stamps: list[Stamp | None], hashes: list[bytes | None],
              publication: Publication | None) -> tuple[list[Parsed], int]:
        """Every source's parse result, from the cache or parsed now; and how many were parsed.
        `hashes` gets the hash of each file parsed now: that of the bytes the parser saw; and
        `stamps` its stamp as the parser read it, where reading did not take one. The
        page of each article parsed now goes into `publication`, if any (`self.early`)."""
        wanted = [cache.parse_key(self.fingerprint, s.name, h) if h is not None else None
                  for s, h in zip(sources, hashes, strict=True)]
        known = self.store.light([k for k in wanted if k is not None])
        results: list[Parsed | None] = []
        missing: list[int] = []
        for i, (source, key) in enumerate(zip(sources, wanted, strict=True)):
            light = known.get(key) if key is not None else None
            parsed = self.decode(source.name, key, light) if key is not None and light is not None else None
            if parsed is None:
                missing.append(i)
            results.append(parsed)

        self.progress.stage(Stage.PARSE, len(missing))
        jobs = [(sources[i].name, sources[i].path) for i in missing]
        batch: list[tuple[bytes, Record]] = []
        outcomes = parse_many(jobs, self.settings, workers=self.workers, progress=self.progress,
                              pool=self.worker_pool, pages=publication is not None,
                              into=self.shared, spill=self.spilling().target if missing else None)
        for i, (digest, record, page, stamp, where) in zip(missing, outcomes, strict=True):
            name = sources[i].name
            hashes[i] = digest
            if stamps[i] is None:
                stamps[i] = stamp
            if digest is None:
                self.unkeyed[name] = record
                key = None
            else:
                key = cache.parse_key(self.fingerprint, name, digest)
                batch.append((key, record))
                if where is not None:
                    self.spilling().note(key, where)
            results[i] = self.decode(name, key, record.light)
            if page is not None and publication is not None:
                publication.put(page)  # `drop_early_pages` takes it back if grouping leaves the article out
                self.early[name] = page.path
            if len(batch) >= _PUT_EVERY:
                self.put(batch)
                batch.clear()
        self.put(batch)
        found = [p for p in results if p is not None]
        assert len(found) == len(sources), "a source was neither found nor parsed"
        return found, len(missing)

    def put(self, batch: Sequence[tuple[bytes, Record]]) -> None:
        """Parse results into the spill until `keep_parsed` stores them: the light part, and the
        text unless a worker put it there."""
        spill = self.spilling()
        spill.add_lights([(key, record.light) for key, record in batch])
        spill.add([(key, record) for key, record in batch if key not in spill])

    def spilling(self) -> Spill:
        if self.spill is None:
            self.spill = Spill(self.store.folder)
        return self.spill

    def keep_parsed(self, grouped: Grouped, *, apart: bool = False) -> None:
        """Store what this build parsed: the light record of every file, and the text of the
        articles later builds render from the store: the feeds' entries and the members kept
        after them (`LastBuild.beyond`), or every article when archives are made. A later build
        parses the file of any other again if it needs its text (`texts`).

        `apart`: through a connection of its own, while this one goes on (`self.keeping`):
        in a worker process where the workers run and can read the spill (they wait for the
        build process while it groups, and an interpreter of its own takes no lock from this
        one), else in a thread (most of the work is SQLite's, which lets go of the interpreter
        lock). `stages` waits for it before it stores more, or stops the workers."""
        if self.spill is None:
            return
        if self.settings.archives:
            kept: Iterable[Article] = grouped.published
        else:
            kept = (a for f in grouped.feeds for a in grouped.members[f.path][:len(f.entries) + BEYOND])
        keys = sorted({key for a in kept if (key := self.keys.get(a.source)) is not None and key in self.spill})
        spill, store, durable = self.spill, self.store.path, self.store.persistent
        self.kept()  # the light records, if `keep_lights` took them: one connection writes at a time
        lights = spill.take_lights()
        if not apart:
            self.store.put_lights(spill.lights(lights))
            self.store.put_texts(spill.texts(keys))
        elif self.pool is not None and (target := spill.target) is not None:
            self.keeping = self.pool.submit(_keep_parsed, store, durable, target, lights, spill.places(keys))
        else:
            self.keeping = _in_a_thread(
                lambda: cache.put_parsed_at(store, durable=durable, lights=spill.lights(lights),
                                            texts=spill.texts(keys)),
                "feeds-keep-parsed")

    def keep_lights(self) -> None:
        """Start storing the light records of what this build parsed, where worker processes
        parsed it, in one of them: they wait while this process groups (`keep_parsed` then
        stores the text that later builds need)."""
        if self.spill is None or self.pool is None or not self.store.persistent:
            return
        if (target := self.spill.target) is None:
            return
        if lights := self.spill.take_lights():
            self.keeping = self.pool.submit(_keep_parsed, self.store.path, self.store.persistent, target, lights, [])

    def drop_spill(self) -> None:
        """Close the spill once the text kept is stored: its pages are then freed unwritten.
        Open, they would go to disk in the flush before the swap (`publish._sync`), a third
        of what it writes for 100,000 articles, and for nothing."""
        self.kept()  # it reads the spill
        if self.spill is not None:
            self.spill.close()
            self.spill = None

    def kept(self) -> None:
        """Wait for `keep_parsed` apart, if it runs; whether it worked is no matter."""
        if self.keeping is not None:
            wait([self.keeping])

    def drop_early_pages(self, shown: frozenset[str], publication: Publication) -> None:
        """Take back the pages put while parsing of the articles grouping left out (a duplicate
        id): those whose source is not `shown`."""
        for source in [source for source in self.early if source not in shown]:
            publication.discard(self.early.pop(source))

    def decode(self, name: str, key: bytes | None, light: bytes) -> Parsed | None:
        """A light record as a light `Parsed`; None when the record cannot be read (a miss)."""
        try:
            article, diagnostics = cache.decode_light(light)
        except Exception:  # anything a damaged record raises makes it a miss
            return None
        if article is not None and article.source != name:
            return None
        if article is not None and key is not None:
            self.keys[name] = key
        return Parsed(source=name, article=article, diagnostics=diagnostics)

    # -- text back into the articles that are rendered ------------------------------------------

    def texts(self, articles: Sequence[Article]) -> dict[str, tuple[str, str]]:
        """source -> (summary, content_html) of each article: parsed by this build, kept by the
        store, or else parsed again."""
        keyed = [(a.source, self.keys[a.source]) for a in articles if a.source in self.keys]
        by_key: dict[bytes, tuple[str, str]] = {}
        if self.spill is not None:
            texts = self.spill.texts(k for _, k in keyed)
            by_key.update((key, _text(summary, content)) for key, summary, content in texts)
        if len(by_key) < len(keyed):
            self.kept()  # the store may write (a damaged text goes): not while another connection does
            by_key.update(self.store.texts([k for _, k in keyed if k not in by_key]))
        if len(by_key) < len(keyed):
            by_key.update(self.parse_again([(source, key) for source, key in keyed if key not in by_key]))
        found = {source: by_key[key] for source, key in keyed}
        for article in articles:
            if article.source not in found:
                record = self.unkeyed[article.source]
                found[article.source] = _text(record.summary, record.content)
        return found

    def parse_again(self, wanted: Sequence[tuple[str, bytes]]) -> dict[bytes, tuple[str, str]]:
        """The text of these (source, parse key), which the store does not hold (or not whole),
        from their files, parsed again; now stored too. A file whose bytes are no longer those
        of the key raises `CacheError`: it changed during the build, which starts again."""
        paths = {s.name: s.path for s in self.sources}
        if any(source not in paths for source, _ in wanted):
            raise CacheError("an article's file is gone since the build began", corrupt=False)
        jobs = [(source, paths[source]) for source, _ in wanted]
        outcomes = parse_many(jobs, self.settings, workers=self.workers, progress=_Silent(), pool=self.worker_pool)
        found: dict[bytes, tuple[str, str]] = {}
        texts: list[tuple[bytes, bytes, bytes]] = []
        for (source, key), (digest, record, _, _, _) in zip(wanted, outcomes, strict=True):
            if digest is None or cache.parse_key(self.fingerprint, source, digest) != key:
                raise CacheError(f"{source} changed during the build", corrupt=False)
            found[key] = _text(record.summary, record.content)
            texts.append((key, record.summary, record.content))
        self.store.put_texts(texts)
        self.parsed_again += len(wanted)
        return found

    def hydrate_feeds(self, feeds: Sequence[Feed]) -> tuple[Feed, ...]:
        """The feeds with their entries' text back: the only full articles held at once."""
        return tuple(map(self.hydrated_feed, feeds))

    def hydrated_feed(self, feed: Feed) -> Feed:
        """`feed` with its entries' text back, fetched for those not fetched yet (`self.full`)."""
        need = [a for a in feed.entries if a.source not in self.full]
        if need:
            texts = self.texts(need)
            for a in need:
                self.full[a.source] = replace(a, summary=texts[a.source][0], content_html=texts[a.source][1])
        return replace(feed, entries=tuple(self.full[a.source] for a in feed.entries))

    def hydrated(self, articles: Sequence[Article], step: int = 256) -> Iterator[Article]:
        """`articles` with their text, fetched `step` at a time."""
        for start in range(0, len(articles), step):
            batch = articles[start:start + step]
            need = [a for a in batch if a.source not in self.full]
            texts = self.texts(need)
            for article in batch:
                whole = self.full.get(article.source)
                if whole is article:
                    yield whole
                elif whole is not None:  # `full` has it as grouped; this is it as parsed (a page's)
                    yield replace(article, summary=whole.summary, content_html=whole.content_html)
                else:
                    summary, content = texts[article.source]
                    yield replace(article, summary=summary, content_html=content)

    # -- render --------------------------------------------------------------------------------

    def render(self, grouped: Grouped, parsed: Sequence[Parsed], known: PublishedFiles, made: _Made,
               publication: Publication) -> Iterator[_Output]:
        """Every output file not put while parsing, lazily: each feed's documents, then the
        site's pages, then the page of each article published (`made.pages`). A feed document
        or an article page whose key the last build published (`known`) is `Reused`: publish
        keeps that file, or asks for its bytes after all.

        The feeds' keys are made as their jobs come, each feed's entries given their text as
        its job is made: the first jobs go to the workers before the last are made. The pages
        are found while the workers render the last feed documents."""
        def find_pages() -> None:
            shown = frozenset(a.source for a in grouped.published)
            self.drop_early_pages(shown, publication)
            as_parsed = {p.source: p.article for p in parsed}
            made.pages = _Pages(shown=shown, as_parsed=as_parsed, articles=[
                article for a in grouped.published if (article := as_parsed[a.source]) is not None])

        yield from self.rendered(self.feed_jobs(grouped.feeds, grouped.members), known, made, meanwhile=find_pages)
        yield from site_pages(grouped.feeds, self.settings)
        page_keys = [self.page_key(a) for a in made.pages.articles]
        made.keys += (key for key in page_keys if key is not None)
        yield from self.article_pages(made.pages.articles, page_keys, known, made)

    def article_pages(self, articles: Sequence[Article], keys: Sequence[bytes | None],
                      known: PublishedFiles, made: _Made) -> Iterator[_Output]:
        """Each article's page (`keys`: each one's `page_key`), rendered `_PAGE_STEP` at a time;
        not those put while parsing."""
        for start in range(0, len(articles), _PAGE_STEP):
            batch = []
            for article, key in zip(articles[start:start + _PAGE_STEP], keys[start:start + _PAGE_STEP], strict=True):
                path = page_path(article, self.settings)
                if article.source in self.early:
                    if key is not None:
                        made.rendered.append((key, path))
                    continue
                files = known.get(key)
                batch.append((article, key, path, files[0][1] if files and files[0][0] == path else None))
            full = {a.source: a for a in self.hydrated([a for a, _, _, digest in batch if digest is None])}
            for article, key, path, digest in batch:
                if digest is not None:
                    yield Reused(path=path, digest=digest, render=partial(self.page_bytes, article))
                    continue
                page = article_page(full[article.source], self.settings)
                if key is not None:
                    made.rendered.append((key, page.path))
                yield page

    def page_bytes(self, article: Article) -> bytes:
        return article_page(next(self.hydrated([article])), self.settings).data

    def page_key(self, article: Article) -> bytes | None:
        """What an article's page depends on: the settings and package, and the article's
        parse key; None for an article without a key. Not on the other articles: a page shows
        the dates its file gives, never the seconds `group.untie` may add to tell a feed's
        entries apart (a reader sees the minute they share in both), so grouping never
        renders a page again."""
        parse_key = self.keys.get(article.source)
        if parse_key is None:
            return None
        return hashlib.sha256(b"page\0" + self.fingerprint + parse_key).digest()

    def feed_jobs(self, feeds: Sequence[Feed], members: Mapping[str, Sequence[Article]]) -> Iterator[
            tuple[bytes, Callable[[], _FeedJob]]]:
        """Each feed document's render key, and how to make its job (hydrating only then)."""
        for feed in feeds:
            keys = self.render_keys(feed, _RENDERER_NAMES, feed.entries, skip=("entries",))
            for key, renderer in zip(keys, FEED_RENDERERS, strict=True):
                yield key, partial(self.feed_job, feed, renderer)
            if not self.settings.archives:
                continue
            for page in archive_pages(members[feed.path], self.settings.entries_per_feed):
                # A page's bytes do not depend on the feed's total, only on whether a newer page
                # exists: so a full page keeps its key, and comes from the store, forever.
                newest = page.number == archive_count(feed.total, self.settings.entries_per_feed)
                key = self.render_key(feed, f"archive {page.number} {newest}", page.entries,
                                      skip=("entries", "total"))
                yield key, partial(self.archive_job, feed, page)

    def feed_job(self, feed: Feed, renderer: FeedRenderer) -> _FeedJob:
        return _FeedJob(feed=self.hydrated_feed(feed), renderer=renderer)

    def archive_job(self, feed: Feed, page: ArchivePage) -> _FeedJob:
        # render_archive reads the page's entries, never the feed's: they need not travel.
        return _FeedJob(feed=replace(feed, entries=()), page=replace(page, entries=tuple(self.hydrated(page.entries))))

    def rendered(self, jobs: Iterable[tuple[bytes, Callable[[], _FeedJob]]], known: PublishedFiles, made: _Made, *,
                 meanwhile: Callable[[], None] = lambda: None) -> Iterator[_Output]:
        """The files of each job in order: `Reused` when the last build published them (`known`),
        else rendered -- here for the first `RENDER_SERIAL_BELOW` (unless the worker processes
        already run), then in them, a bounded number of jobs ahead of the files yielded.
        `meanwhile` is called once every job is made, before the last files are waited for."""
        ahead = max(1, self.workers) * _RENDER_AHEAD * _RENDER_CHUNK  # jobs whose files wait to be yielded
        window: deque[tuple[bytes, _Files]] = deque()
        chunk = _Chunk()
        here = 0
        pool = self.pool  # already running when parsing needed it: then every miss goes there
        for key, make in jobs:
            made.keys.append(key)
            published = known.get(key)
            if published is not None:
                window.append((key, tuple(
                    Reused(path=path, digest=digest, render=partial(self.document_bytes, make, path))
                    for path, digest in published)))
            elif pool is None and (self.workers <= 1 or here < RENDER_SERIAL_BELOW):
                here += 1
                files = _render_job(make(), self.settings)
                made.rendered += ((key, f.path) for f in files)
                window.append((key, files))
            else:
                if pool is None:
                    pool = self.worker_pool()
                chunk.jobs.append(make())
                window.append((key, _Slot(chunk, len(chunk.jobs) - 1)))
                if len(chunk.jobs) >= _RENDER_CHUNK:
                    self.send(chunk, pool)
                    chunk = _Chunk()
            while window and (len(window) > ahead or not isinstance(window[0][1], _Slot)):
                yield from self.settle(window.popleft(), pool, made)
            if chunk.future is not None:  # sent by `settle`: the next jobs go in another
                chunk = _Chunk()
        if chunk.jobs and chunk.future is None:  # the last, partial chunk
            self.send(chunk, pool)
        meanwhile()
        while window:
            yield from self.settle(window.popleft(), pool, made)

    def send(self, chunk: _Chunk, pool: ProcessPoolExecutor | None) -> None:
        """The chunk to a worker: through the spill where the workers can read it (a
        megabyte, which the task queue's pipe takes 3-9 ms to pass), else with the task."""
        assert pool is not None, "a chunk without a pool"
        spill = self.spilling()
        if (target := spill.target) is not None:
            jobs = spill.add_blob(pickle.dumps(chunk.jobs, pickle.HIGHEST_PROTOCOL))
            chunk.future = pool.submit(_render_handed, target, jobs, self.shared)
        else:
            chunk.future = pool.submit(_render_chunk, chunk.jobs, self.shared)

    def settle(self, item: tuple[bytes, _Files], pool: ProcessPoolExecutor | None, made: _Made) -> tuple[_Output, ...]:
        """The files of a window item, waiting for its worker if need be."""
        key, value = item
        if not isinstance(value, _Slot):
            return value
        if value.chunk.future is None:  # the chunk being filled, behind many files reused
            self.send(value.chunk, pool)
        assert value.chunk.future is not None
        files = value.chunk.future.result()[value.index]
        made.rendered += ((key, f.path) for f in files)
        return files

    def document_bytes(self, make: Callable[[], _FeedJob], path: str) -> bytes:
        """The bytes of the file `path` of a reused feed document, rendered here after all."""
        for file in _render_job(make(), self.settings):
            if file.path == path:
                return file.data
        raise PublishError(f"The build cache names {path!r}, which this build does not render; "
                           "delete the cache folder or build with --no-cache.")

    def render_key(self, feed: Feed, what: str, entries: Sequence[Article], *, skip: tuple[str, ...]) -> bytes:
        """What the files of `what` for `feed` depend on: the settings and package (the
        fingerprint), the feed's own fields, and its entries: their parse keys and their
        dates, which grouping may adjust (`group.untie`) when another article joins."""
        return self.render_keys(feed, (what,), entries, skip=skip)[0]

    def render_keys(self, feed: Feed, whats: Sequence[str], entries: Sequence[Article], *,
                    skip: tuple[str, ...]) -> list[bytes]:
        """`render_key` for each of `whats`, the feed and its entries hashed once for them all."""
        digest = hashlib.sha256(b"render\0" + self.fingerprint)
        for f in fields(feed):
            if f.name not in skip:
                digest.update(f"{f.name}={getattr(feed, f.name)!r}\0".encode())
        for article in entries:
            digest.update(self.keys.get(article.source) or repr(article).encode())
            digest.update(f"{article.published.isoformat()} {article.updated.isoformat()}\0".encode())
        keys = []
        for what in whats:
            each = digest.copy()
            each.update(b"\0" + what.encode())
            keys.append(each.digest())
        return keys

    # -- nothing changed ---------------------------------------------------------------------------

    def build_key(self, sources: Sequence[Source], hashes: Sequence[bytes | None]) -> bytes | None:
        """Everything the output depends on, in one hash; None when a file cannot be read."""
        digest = hashlib.sha256(b"build\0" + self.fingerprint + str(self.settings.output.absolute()).encode())
        for source, content in zip(sources, hashes, strict=True):
            if content is None:
                return None
            digest.update(source.name.encode("utf-8") + b"\0" + content)
        return digest.digest()

    def last_build(self, output: Path) -> LastBuild | None:
        """What the last build of `output` remembered, if `output` still holds what it wrote: its
        manifest, byte for byte. Not necessarily the folder it swapped in: a CI job may bring
        the output back from a cache, where a copy is as good (`patch` checks each file it
        carries over, and `unchanged` trusts the manifest as it always did)."""
        last = LastBuild.decode(self.store.last_build(str(output)))
        try:
            if last is None or last.manifest != _manifest_hash(output):
                return None
        except OSError:
            return None
        return last

    def unchanged(self, last: LastBuild, build_key: bytes | None, output: Path) -> BuildReport | None:
        """The last build's report when it was built from exactly this (`build_key`)."""
        if build_key is None or build_key != last.build_key:
            return None
        try:
            feeds, _ = self.restore_feeds(last.feeds, last.moved)
            return BuildReport(found=len(last.names), published=last.published,
                               diagnostics=cache.decode_diagnostics(last.diagnostics),
                               feeds=feeds, output=Published(output=output, files=read_manifest(output),
                                                             changed=(), removed=()),
                               parsed=self.parsed_again, unchanged=True)
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def patch(self, sources: Sequence[Source], hashes: list[bytes | None], last: LastBuild,
              publication: Publication) -> BuildReport | None:
        """The last build brought up to date by rendering only what changed, when all that
        changed since is a few files, each changed in what grouping never reads
        (`grouping_fields`), or added, removed or changed where grouping moves no other article
        (`group.admit`, `retire`, `regroup`): the feeds then hold the same articles in the same
        places, give or take those, so only their pages and the feed documents that list them
        are rendered, and every other file is carried over. None when that is not so: a full
        build follows. (With archive pages, an article's place in them would have to be
        remembered too: never patched.) Published with `publication`, opened and not taken yet:
        left unfinished if the patch does not work out once it is taken, else as it was."""
        plan = self.plan_patch(sources, hashes, last)
        if plan is None:
            return None
        self.progress.stage(Stage.GROUP, None)
        with contextlib.ExitStack() as stack:
            try:
                feeds, beyond = self.restore_feeds(last.feeds, last.moved, plan.renamed, last.beyond)
            except (ValueError, TypeError, KeyError):
                return None
            # The last build's diagnostics, but each file's own are its new ones.
            diagnostics = _replaced(last.diagnostics, plan.gone, plan.diagnostics)
            placed = self.placed(feeds, beyond, plan)
            if diagnostics is None or placed is None:
                return None
            feeds, beyond, reshaped, ended = placed
            touched = {new.source for _, new in plan.changed}
            redo = [feed for feed in feeds if feed.path in reshaped or any(a.source in touched for a in feed.entries)]
            pages = [new.article for _, new in plan.changed if new.article is not None]
            articles = pages + [a for a, _ in plan.joining]
            made = _Made()
            files = self.patch_files(feeds, redo, articles, made)
            self.progress.stage(Stage.PUBLISH, None)
            # Taken only now: what it began when it was opened (listing the spare, or copying
            # the output) is done or nearly, and taking it would slow restoring the feeds in
            # a thread of its own, both wanting the interpreter. Until now a patch that does
            # not work out leaves it to the full build; from now on it leaves it unfinished.
            stack.callback(publication.__exit__, None, None, None)
            publication.ready()
            for file in files:
                publication.put(file)
            gone = [page_path(a, self.settings) for a, _ in plan.leaving]
            gone += (path for feed in ended for path in feed_files(feed))
            if publication.carry_over(leave_out=gone):
                return None  # a file of the output is gone or was changed since: a full build puts it back
            for i, (digest, _) in plan.now.items():
                hashes[i] = digest  # of the bytes parsed: the stamps and the next build go by these
            report = BuildReport(found=len(sources), published=last.published + len(plan.joining) - len(plan.leaving),
                                 diagnostics=diagnostics, feeds=feeds, output=None,
                                 parsed=self.parsed_early + self.parsed_again)
            digests = publication.files

            def keep(manifest: bytes) -> bytes | None:
                with contextlib.suppress(CacheError):  # committed by the caller, with the stamps
                    self.store.put_published((key, path, digests[path]) for key, path in made.rendered)
                return self.record_for_next_build(sources, hashes, report, last.moved, plan.unpublished,
                                                  plan.index, beyond, manifest=manifest)

            published, record = self.swap_in(publication, keep)
        with contextlib.suppress(CacheError):  # published: a cache that fails now only makes the next build slower
            self.remember(record)
        return replace(report, output=published)

    def plan_patch(self, sources: Sequence[Source], hashes: Sequence[bytes | None], last: LastBuild) -> _Patch | None:
        """What `patch` does, when the files changed since `last` allow it: each parsed (or
        found in the cache), and checked against what the last build knew."""
        diff = last.diff([s.name for s in sources], hashes)
        if diff is None:
            return None
        changed, added, removed = diff
        if not (changed or added or removed) or len(changed) + len(added) + len(removed) > PATCH_AT_MOST:
            return None
        self.progress.stage(Stage.PARSE, len(changed) + len(added))
        now = self.parsed_now(sources, [*(i for i, _ in changed), *added], hashes)
        if now is None:
            return None
        old_keys = [cache.parse_key(self.fingerprint, last.names[j], last.hashes[j])
                    for j in [*(j for _, j in changed), *removed]]
        old_lights = self.store.light(old_keys)
        plan = _Patch(now=now, index=last.index, unpublished=set(last.unpublished))
        for (i, _), old_key in zip(changed, old_keys, strict=False):
            name = sources[i].name
            light = old_lights.get(old_key)
            old = self.decode(name, None, light) if light is not None and name not in last.unpublished else None
            digest, new = now[i]
            if old is None or old.article is None or new.article is None:
                return None
            plan.renamed[old_key] = self.keys[name] = cache.parse_key(self.fingerprint, name, digest)
            plan.diagnostics += new.diagnostics
            plan.gone += old.diagnostics
            if grouping_fields(old.article) == grouping_fields(new.article):
                plan.changed.append((old, new))
                continue
            # Its dates, bylines or category changed: it leaves its places and takes others.
            moved = regroup(plan.index, old.article, new.article) if name not in last.moved else None
            if moved is None:
                return None
            plan.index, leaves, joins = moved
            plan.leaving.append((old.article, leaves))
            plan.joining.append((new.article, joins))
        names = {s.name for s in sources} if added or removed else set()
        for j, old_key in zip(removed, old_keys[len(changed):], strict=True):
            light = old_lights.get(old_key)
            old = self.decode(last.names[j], None, light) if light is not None else None
            if old is None:
                return None
            plan.gone += old.diagnostics
            if last.names[j] in last.unpublished:
                if old.article is not None:
                    return None  # left out for its id: grouping reported it (E-DUP-ID), not its record
                plan.unpublished.discard(last.names[j])
                continue
            if old.article is None or old.source in last.moved or not self.new_id(old.article, names):
                return None  # moved apart from another by `untie`, or its id was another file's too
            retired = retire(plan.index, old.article)
            if retired is None:
                return None
            plan.index, leaves = retired
            plan.leaving.append((old.article, leaves))
        for i in added:
            digest, parsed = now[i]
            self.keys[parsed.source] = cache.parse_key(self.fingerprint, parsed.source, digest)
            plan.diagnostics += parsed.diagnostics
            if parsed.article is None:
                plan.unpublished.add(parsed.source)
                continue
            admitted = admit(plan.index, parsed.article) if self.new_id(parsed.article, names) else None
            if admitted is None:
                return None
            plan.index, joins = admitted
            plan.joining.append((parsed.article, joins))
        return plan

    def patch_files(self, feeds: Sequence[Feed], redo: Sequence[Feed], articles: Sequence[Article],
                    made: _Made) -> list[Rendered]:
        """The files a patch renders: the documents of the feeds `redo`, the site's pages, the
        pages of `articles` (as parsed)."""
        self.progress.stage(Stage.RENDER, len(FEED_RENDERERS) * len(redo) + len(articles))
        files: list[Rendered] = []
        for feed in redo:
            keys = self.render_keys(feed, _RENDERER_NAMES, feed.entries, skip=("entries",))
            for key, renderer in zip(keys, FEED_RENDERERS, strict=True):
                rendered = _render_job(_FeedJob(feed=feed, renderer=renderer), self.settings)
                made.rendered += ((key, f.path) for f in rendered)
                files += rendered
                self.progress.advance(Stage.RENDER)
        files += site_pages(feeds, self.settings)
        for article in self.hydrated(articles):
            page = article_page(article, self.settings)
            page_key = self.page_key(article)
            if page_key is not None:
                made.rendered.append((page_key, page.path))
            files.append(page)
            self.progress.advance(Stage.RENDER)
        return files

    def parsed_now(self, sources: Sequence[Source], indexes: Sequence[int],
                   hashes: Sequence[bytes | None]) -> dict[int, tuple[bytes, Parsed]] | None:
        """Each of these sources as it is now: the hash of its bytes and what they parse into,
        from the store when those bytes were parsed before, else parsed here (and stored);
        None when one cannot be read."""
        keys = {i: cache.parse_key(self.fingerprint, sources[i].name, digest)
                for i in indexes if (digest := hashes[i]) is not None}
        known = self.store.light(list(keys.values()))
        result: dict[int, tuple[bytes, Parsed]] = {}
        records: list[tuple[bytes, Record]] = []
        for i in indexes:
            source, digest = sources[i], hashes[i]
            light = known.get(keys[i]) if i in keys else None
            parsed = self.decode(source.name, None, light) if light is not None else None
            if digest is None or parsed is None:
                digest, record, _, _, _ = _parse_file(source.name, source.path, self.settings, page=False)
                parsed = self.decode(source.name, None, record.light)
                if digest is None or parsed is None:
                    return None
                records.append((cache.parse_key(self.fingerprint, source.name, digest), record))
            self.progress.advance(Stage.PARSE)
            result[i] = (digest, parsed)
        self.store.put(records)
        self.parsed_early = len(records)
        return result

    def new_id(self, article: Article, names: set[str]) -> bool:
        """Whether the id of `article`, a new file, is surely no other file's: ids are made from
        the file's path without `.txt` (`ids.entry_id`), so only `x` and `x.txt` can share one."""
        if article.id != entry_id(self.settings.id_authority, self.settings.id_date, article.source):
            return False
        stem = article.source.removesuffix(".txt")
        return not ({stem, stem + ".txt"} - {article.source}) & names

    def placed(self, feeds: Sequence[Feed], beyond: Sequence[Sequence[Article]], plan: _Patch) -> tuple[
            tuple[Feed, ...], list[list[Article]], set[str], list[Feed]] | None:
        """`feeds` and the members kept after their entries (`beyond`: the first of the rest, in
        order), without the articles `plan` removes and with those it adds, each in its place
        (`newest_first`'s order), with the feeds they start and without those they end; the
        paths of the feeds that changed; the feeds that ended. None when that cannot be told: a
        removed entry whose successor was not kept, or an author feed's subtitle, when its
        author's bio may come from a member past its entries (`group.subtitle_after`)."""
        result, after, paths, ended = [], [], set(), []
        for feed, rest in zip(feeds, beyond, strict=True):
            entries, more, total = list(feed.entries), list(rest), feed.total
            moving, key = [], ""
            for moves, leaving in ((plan.leaving, True), (plan.joining, False)):
                for article, joins in moves:
                    if feed.kind is not FeedKind.ALL and (feed.kind, feed.key) not in joins:
                        continue
                    key = joins.get((feed.kind, feed.key), "")
                    placed = _without(entries, more, total, article) if leaving else \
                        _with(entries, more, total, article, self.settings.entries_per_feed)
                    if placed is None:
                        return None
                    entries, more, total = placed
                    moving.append(article)
                    paths.add(feed.path)
            if not total and feed.kind is not FeedKind.ALL:
                ended.append(feed)  # its last member left (`group.retire` let its name go)
                continue
            if feed.kind is FeedKind.AUTHOR and moving:
                subtitle = subtitle_after(feed, feed_name(plan.index.authors, key), entries, moving, self.settings)
                if subtitle is None:
                    return None
                feed = replace(feed, subtitle=subtitle)  # a newer bio of its author: its description
            if feed.path in paths:
                feed = replace(feed, entries=tuple(self.hydrated(entries)), total=total)
            result.append(feed)
            after.append(more[:BEYOND])
        # The feeds the articles `plan` adds start (`group.admit` gave each its plain slug).
        known = {(feed.kind, feed.key) for feed in feeds}
        starting: dict[tuple[FeedKind, str], tuple[str, list[Article]]] = {}
        for article, joins in plan.joining:
            for (kind, slug), key in joins.items():
                if (kind, slug) not in known:
                    starting.setdefault((kind, slug), (key, []))[1].append(article)
        for (kind, slug), (key, members) in starting.items():
            names = plan.index.categories if kind is FeedKind.CATEGORY else plan.index.authors
            members.sort(key=newest_first_key)
            (language,) = plan.index.languages  # `admit` takes articles of the site's one language
            feed = named_feed(kind, slug, feed_name(names, key), members, language, self.settings)
            result.append(replace(feed, entries=tuple(self.hydrated(feed.entries))))
            after.append(members[len(feed.entries):len(feed.entries) + BEYOND])
            paths.add(feed.path)
        # In `group`'s order: everything, then the categories and the authors, each by slug.
        order = sorted(range(len(result)), key=lambda i: (_KIND_ORDER[result[i].kind], result[i].key))
        return tuple(result[i] for i in order), [after[i] for i in order], paths, ended

    def restore_feeds(self, feeds: Sequence[FeedValues], moved: Mapping[str, Dates],
                      renamed: Mapping[bytes, bytes] | None = None,
                      beyond: Sequence[Sequence[bytes]] = ()) -> tuple[tuple[Feed, ...], list[list[Article]]]:
        """The feeds a `LastBuild` remembers, their entries whole again (`renamed`: entries to
        take from another record), and the members kept after each feed's entries (`beyond`,
        without their text); each article's parse key goes into `self.keys`."""
        renamed = renamed or {}
        keys = sorted({renamed.get(k, k) for _, entry_keys in feeds for k in entry_keys})
        after = sorted({renamed.get(k, k) for keys_here in beyond for k in keys_here}.difference(keys))
        lights = self.store.light([*keys, *after])
        if len(lights) != len(keys) + len(after):
            raise KeyError("an entry's record is gone")  # a full build parses it again
        texts = self.store.texts(keys)
        articles: dict[bytes, Article] = {}
        for key in [*keys, *after]:
            summary, content = texts.get(key, ("", ""))
            article, _ = cache.decode_light(lights[key], summary=summary, content_html=content)
            if article is None:
                raise ValueError("an entry without an article")
            articles[key] = article = _as_grouped(article, moved)
            self.keys[article.source] = key
            if key in texts:  # whole: `hydrated` need not fetch its text again
                self.full[article.source] = article
        # Entries whose text the store lost or never kept: the feeds come back whole.
        lost = [(articles[key].source, key) for key in keys if key not in texts]
        again = self.parse_again(lost) if lost else {}
        for source, key in lost:
            summary, content = again[key]
            self.full[source] = articles[key] = replace(articles[key], summary=summary, content_html=content)
        restored = []
        for items, entry_keys in feeds:
            values = dict(items)
            restored.append(Feed(**{**values, "kind": FeedKind(values["kind"])},
                                 entries=tuple(articles[renamed.get(k, k)] for k in entry_keys)))
        return tuple(restored), [[articles[renamed.get(k, k)] for k in keys_here] for keys_here in beyond]

    def remember(self, record: bytes | None) -> None:
        """Keep `record` (`Store.build_record`) for the next build of this output, or (None)
        forget the last one: once the output it describes is in place. Kept before the swap,
        a kill in between would leave the next build a record of an output that is not there."""
        output = str(self.settings.output.absolute())
        if record is None:
            self.store.forget_build(output)
        else:
            self.store.save_build(output, record)

    def record_for_next_build(self, sources: Sequence[Source], hashes: Sequence[bytes | None],
                              report: BuildReport, moved: dict[str, Dates], unpublished: Iterable[str],
                              index: Index, beyond: Sequence[Sequence[Article]], *, manifest: bytes) -> bytes | None:
        """What `unchanged` and `patch` need to answer the next build of this output, whose
        manifest has the hash `manifest`, as `remember` keeps it; None when this build leaves
        them nothing to go by."""
        build_key = self.build_key(sources, hashes)
        values: list[FeedValues] = []
        for feed in report.feeds:
            plain = {f.name: getattr(feed, f.name) for f in fields(feed) if f.name != "entries"}
            plain["kind"] = str(feed.kind)
            if not all(type(v) in (str, int, bool, type(None)) for v in plain.values()):
                build_key = None  # a field marshal cannot keep: no shortcut next time
            entry_keys = tuple(self.keys.get(a.source) for a in feed.entries)
            if any(k is None for k in entry_keys):
                build_key = None
            values.append((tuple(plain.items()), entry_keys))  # type: ignore[arg-type]  # None: not kept
        if build_key is None:
            return None
        return Store.build_record(LastBuild(
            build_key=build_key, manifest=manifest, published=report.published,
            diagnostics=cache.encode_diagnostics(report.diagnostics), feeds=tuple(values),
            names=tuple(s.name for s in sources), hashes=tuple(h for h in hashes if h is not None),
            moved=moved, unpublished=frozenset(unpublished), index=index,
            beyond=tuple(tuple(self.keys[a.source] for a in takewhile(lambda a: a.source in self.keys, rest))
                         for rest in beyond)).encode())


def _with(entries: list[Article], more: list[Article], total: int, article: Article,
          cap: int) -> tuple[list[Article], list[Article], int]:
    """A feed's entries (at most `cap`), the first of its other members (`more`) and its
    `total`, with `article` among them in its place."""
    place = newest_first_key(article)
    complete = len(more) == total - len(entries)  # every member after the entries is kept
    if len(entries) < cap or place < newest_first_key(entries[-1]):
        bisect.insort(entries, article, key=newest_first_key)
        if len(entries) > cap:
            more.insert(0, entries.pop())
    elif complete or (more and place < newest_first_key(more[-1])):
        bisect.insort(more, article, key=newest_first_key)
    return entries, more, total + 1


def _without(entries: list[Article], more: list[Article], total: int,
             article: Article) -> tuple[list[Article], list[Article], int] | None:
    """`_with` the other way; None when the member that would take its place was not kept."""
    kept = [e for e in entries if e.source != article.source]
    if len(kept) < len(entries):
        if more:
            kept.append(more.pop(0))
        elif total - 1 > len(kept):
            return None
        return kept, more, total - 1
    return entries, [e for e in more if e.source != article.source], total - 1


def _text(summary: bytes, content: bytes) -> tuple[str, str]:
    """An article's (summary, content_html), from the bytes a record, the spill or the store keep."""
    return summary.decode("utf-8"), content.decode("utf-8")


def _as_grouped(article: Article, moved: Mapping[str, Dates]) -> Article:
    """`article` with the dates grouping gave it (`untie`), where `moved` (a `LastBuild`'s) has them."""
    dates = moved.get(article.source)
    if dates is None:
        return article
    return replace(article, published=cache.decode_time(dates[0]), updated=cache.decode_time(dates[1]))


def _in_a_thread(call: Callable[[], _T], name: str) -> Future[_T]:
    """`call` run in a thread of its own, which ends with it."""
    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    try:
        return thread.submit(call)
    finally:
        thread.shutdown(wait=False)


def _sorted(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """By file, line and code (and message: so that the order never depends on how they were gathered)."""
    return tuple(sorted(diagnostics, key=lambda d: (d.file, d.line, d.code, d.message)))


def _replaced(encoded: Sequence[Any], old: Sequence[Diagnostic], new: Sequence[Diagnostic]) -> tuple[
        Diagnostic, ...] | None:
    """Diagnostics `encoded` as `LastBuild` keeps them (in `_sorted` order), with `old` taken out
    and `new` put in their places; None when one of `old` is not there."""
    kept = list(encoded)
    for value in cache.encode_diagnostics(old):
        try:
            kept.remove(value)
        except ValueError:
            return None
    for value in cache.encode_diagnostics(new):
        bisect.insort(kept, value, key=_encoded_order)
    return cache.decode_diagnostics(kept)


def _encoded_order(value: tuple[str, str, int, str]) -> tuple[str, int, str, str]:
    code, file, line, message = value
    return file, line, code, message  # `_sorted`'s order


def _manifest_hash(output: Path) -> bytes:
    return hashlib.sha256((output / MANIFEST).read_bytes()).digest()


def _reported(files: Iterable[_Output], progress: Progress) -> Iterator[_Output]:
    """`files`, telling `progress` when each was rendered and when publish has written it."""
    for file in files:
        progress.advance(Stage.RENDER)
        yield file
        progress.advance(Stage.WRITE)
    progress.stage(Stage.PUBLISH, None)
