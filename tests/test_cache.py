"""The build cache: a rebuild parses only what changed and writes the bytes of a clean build;
a damaged or stale cache is noticed and passed over, never trusted."""

from __future__ import annotations

import marshal
import os
import pickle
import shutil
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import feeds
from bench.corpus import article, generate
from feeds import cache, pages, pipeline, publish
from feeds.config import Settings
from feeds.errors import Code, Diagnostic
from feeds.group import group
from feeds.ids import article_path
from feeds.lastbuild import BEYOND
from feeds.model import Article, Author, Category, Feed
from feeds.publish import MANIFEST
from feeds.render import Rendered, render_feeds
from feeds.spill import Spill
from tests.conftest import make_settings, snapshot

N = 60


@pytest.fixture
def site(tmp_path: Path) -> Settings:
    generate(tmp_path / "articles", N)
    return make_settings(tmp_path / "articles", tmp_path / "site" / "output")


def clean_build(settings: Settings, tmp_path: Path) -> dict[str, bytes]:
    """What a build without any cache writes for the same articles and settings."""
    output = tmp_path / "clean" / "output"
    pipeline.build(replace(settings, output=output), use_cache=False)
    return snapshot(output)


def database(settings: Settings) -> Path:
    return cache.default_folder(settings) / cache.database_name(cache.fingerprint(settings))


def rewrite(settings: Settings, index: int, revision: int) -> Path:
    generated = article(index, revision=revision)
    path = settings.articles / generated.name
    path.write_text(generated.text, "utf-8")
    return path


def test_the_cache_lives_beside_the_output(site: Settings) -> None:
    pipeline.build(site)
    assert database(site).parent == site.output.parent / ".feeds-cache"
    assert database(site).is_file()


def test_a_database_per_fingerprint_the_two_used_last_are_kept(site: Settings) -> None:
    first, second, third = (replace(site, title=title) for title in ("One", "Two", "Three"))
    assert pipeline.build(first).parsed == N
    assert pipeline.build(second).parsed == N
    assert pipeline.build(first).parsed == 0  # its database was kept
    assert {p.name for p in database(site).parent.glob("*.sqlite3")} == {database(first).name, database(second).name}
    pipeline.build(third)  # the database of `second` was used longest ago: it goes, whole
    assert {p.name for p in database(site).parent.glob("*.sqlite3")} == {database(first).name, database(third).name}
    assert pipeline.build(first).parsed == 0


def test_a_second_build_of_the_same_articles_does_nothing(site: Settings) -> None:
    first = pipeline.build(site)
    assert (first.parsed, first.unchanged) == (N, False)
    before = snapshot(site.output)
    inode = site.output.stat().st_ino
    second = pipeline.build(site)
    assert (second.parsed, second.unchanged) == (0, True)
    assert site.output.stat().st_ino == inode  # not even swapped
    assert snapshot(site.output) == before
    assert (second.found, second.published, second.diagnostics) == (first.found, first.published, first.diagnostics)
    assert second.feeds == first.feeds
    assert second.output is not None
    assert first.output is not None
    assert second.output.files == first.output.files
    assert second.output.changed == ()


def test_touching_a_file_without_changing_it_does_nothing(site: Settings) -> None:
    pipeline.build(site)
    for path in sorted(site.articles.rglob("*.txt"))[:5]:
        path.write_bytes(path.read_bytes())
    assert pipeline.build(site).unchanged


def test_one_changed_article_is_parsed_again_and_the_output_is_a_clean_builds(
    site: Settings, tmp_path: Path
) -> None:
    pipeline.build(site)
    rewrite(site, 7, revision=1)
    report = pipeline.build(site)
    assert (report.parsed, report.unchanged) == (1, False)
    assert report.output is not None
    assert any(p.startswith("articles/") for p in report.output.changed)
    assert snapshot(site.output) == clean_build(site, tmp_path)


def test_new_and_removed_articles(site: Settings, tmp_path: Path) -> None:
    pipeline.build(site)
    generate(site.articles, N + 3)  # three new ones
    (site.articles / article(0).name).unlink()
    report = pipeline.build(site)
    assert report.parsed == 3
    assert report.found == N + 2
    assert snapshot(site.output) == clean_build(site, tmp_path)


def test_unchanged_stamps_spare_reading_the_files(site: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_RACY_NS", -10**15)  # trust every stamp, however fresh
    pipeline.build(site)
    hashed: list[bytes] = []
    real = cache.content_hash

    def counted(data: bytes) -> bytes:
        hashed.append(data)
        return real(data)

    monkeypatch.setattr(cache, "content_hash", counted)
    assert pipeline.build(site).unchanged
    assert hashed == []


def test_a_fresh_stamp_is_not_trusted() -> None:
    size, mtime, ctime, inode = 10, 10_000_000_000, 10_000_000_000, 1
    assert cache.settled((size, mtime, ctime, inode), 20_000_000_000)
    assert not cache.settled((size, mtime, ctime, inode), 11_000_000_000)  # a second before: maybe one tick
    assert not cache.settled((size, mtime, 19_000_000_000, inode), 20_000_000_000)  # ctime counts too


def test_bytes_changed_behind_a_restored_mtime_are_seen(
    site: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same size, same mtime, other bytes (a tool that puts times back): still re-parsed."""
    monkeypatch.setattr(cache, "_RACY_NS", -10**15)  # trust every stamp, however fresh
    pipeline.build(site)
    path = site.articles / article(3).name
    before = path.stat()
    data = path.read_bytes()
    changed = data.replace(b"a", b"e", 1)
    assert len(changed) == len(data)
    assert changed != data
    path.write_bytes(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = pipeline.build(site)
    assert report.parsed == 1
    assert snapshot(site.output) == clean_build(site, tmp_path)


def test_settings_that_change_parsing_invalidate_every_entry(site: Settings, tmp_path: Path) -> None:
    pipeline.build(site)
    changed = replace(site, default_author="Desk", timezone="Asia/Tokyo")
    report = pipeline.build(changed)
    assert report.parsed == N
    assert snapshot(changed.output) == clean_build(changed, tmp_path)


def test_a_settings_change_that_does_not_touch_parsing_still_rebuilds(site: Settings, tmp_path: Path) -> None:
    pipeline.build(site)
    changed = replace(site, entries_per_feed=7)
    report = pipeline.build(changed)
    assert not report.unchanged
    assert all(len(f.entries) <= 7 for f in report.feeds)
    assert snapshot(changed.output) == clean_build(changed, tmp_path)


def test_another_package_version_invalidates_every_entry(site: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline.build(site)
    monkeypatch.setattr(feeds, "__version__", "99.0")
    report = pipeline.build(site)
    assert (report.parsed, report.unchanged) == (N, False)


def test_a_corrupt_database_is_replaced(site: Settings, tmp_path: Path) -> None:
    pipeline.build(site)
    path = database(site)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 1000)
    report = pipeline.build(site)
    assert report.parsed == N
    assert snapshot(site.output) == clean_build(site, tmp_path)
    assert pipeline.build(site).unchanged  # and the new cache works


def test_a_database_of_another_schema_is_replaced(site: Settings) -> None:
    pipeline.build(site)
    with sqlite3.connect(database(site)) as db:
        db.execute("UPDATE meta SET value = '0' WHERE name = 'schema'")
    db.close()
    assert pipeline.build(site).parsed == N


def test_a_damaged_entry_is_parsed_again(site: Settings, tmp_path: Path) -> None:
    pipeline.build(site)
    damaged = article(5).name
    key = cache.parse_key(cache.fingerprint(site), damaged, cache.content_hash((site.articles / damaged).read_bytes()))
    with sqlite3.connect(database(site)) as db:
        assert db.execute("UPDATE texts SET content = CAST('<p>tampered</p>' AS BLOB) WHERE key = ?",
                          (key,)).rowcount == 1
        db.execute("DELETE FROM blobs WHERE name = 'published'")
        db.execute("DELETE FROM changes WHERE name = 'published'")
    db.close()
    rewrite(site, 11, revision=1)  # so that the build is not a no-op
    report = pipeline.build(site)
    # The build parses the rewritten file, finds the damage when it restores the feeds, drops
    # that row and parses the damaged file again for its text.
    assert report.parsed == 2
    assert b"tampered" not in b"".join(snapshot(site.output).values())
    assert snapshot(site.output) == clean_build(site, tmp_path)
    assert pipeline.build(site).unchanged


def test_entries_that_vanish_during_the_build_are_parsed_again(
    site: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.build(site)
    rewrite(site, 11, revision=1)
    real = cache.Store.texts
    lost: list[int] = []

    def lose_everything_once(self: cache.Store, keys: list[bytes]) -> dict[bytes, tuple[str, str]]:
        if not lost:
            self._db.execute("DELETE FROM light")
            lost.append(self._db.execute("DELETE FROM texts").rowcount)
        return real(self, keys)

    monkeypatch.setattr(cache.Store, "texts", lose_everything_once)
    report = pipeline.build(site)
    assert lost[0] > N  # every entry, also the old version of the rewritten file
    assert report.parsed == 1 + N  # the rewritten file, then every entry's file again for its text
    monkeypatch.undo()
    assert snapshot(site.output) == clean_build(site, tmp_path)


def test_an_output_changed_behind_our_back_is_rebuilt(site: Settings, tmp_path: Path) -> None:
    pipeline.build(site)
    pipeline.build(site, use_cache=False)  # another output tree, the same bytes: as good as the last build's
    report = pipeline.build(site)
    assert report.unchanged
    assert report.parsed == 0
    manifest = site.output / MANIFEST
    manifest.write_text(manifest.read_text("utf-8") + " ", "utf-8")
    assert not pipeline.build(site).unchanged


def test_a_new_output_beside_a_warm_cache_is_a_first_build(
        site: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI job that keeps only the cache: every page must be written, with the article's text,
    which the cache keeps for few, so every file is parsed again (by the workers, which write
    the pages), and no file the cache knows is rendered one by one in the build process."""
    pipeline.build(site)
    shutil.rmtree(site.output)

    def rendered_here(*_: object) -> bytes:
        raise AssertionError("a feed document rendered in the build process")

    monkeypatch.setattr(pipeline._Build, "document_bytes", rendered_here)
    report = pipeline.build(site)
    assert (report.parsed, report.unchanged) == (N, False)
    assert snapshot(site.output) == clean_build(site, tmp_path)
    assert pipeline.build(site).unchanged  # and it is the last build a next one starts from


def test_no_cache_neither_reads_nor_writes_it(site: Settings) -> None:
    report = pipeline.build(site, use_cache=False)
    assert report.parsed == N
    assert not cache.default_folder(site).exists()
    pipeline.build(site)
    stamp = database(site).stat().st_mtime_ns
    assert pipeline.build(site, use_cache=False).parsed == N
    assert database(site).stat().st_mtime_ns == stamp


def test_the_cache_dir_setting(site: Settings, tmp_path: Path) -> None:
    settings = replace(site, cache_dir=tmp_path / "elsewhere")
    pipeline.build(settings)
    assert database(settings).parent == tmp_path / "elsewhere"
    assert database(settings).is_file()
    assert not (site.output.parent / ".feeds-cache").exists()


@pytest.fixture(params=["in a thread", "in a worker"])
def keeping(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Where a build keeps what it parsed apart: in a worker process where its workers run (the
    files parsed there), else in a thread of its own. Each is checked to be the one taken."""
    in_a_worker = request.param == "in a worker"
    if in_a_worker:
        monkeypatch.setattr(pipeline, "SERIAL_BELOW", 0)  # workers even for these few files
    threads: list[str] = []
    real = pipeline._in_a_thread

    def thread(call: Any, name: str) -> Any:
        threads.append(name)
        return real(call, name)

    monkeypatch.setattr(pipeline, "_in_a_thread", thread)
    yield request.param
    assert ("feeds-keep-parsed" in threads) is not in_a_worker


def kept_texts(settings: Settings) -> set[bytes]:
    """The parse keys whose text the cache holds."""
    return kept(settings, "texts")


def kept(settings: Settings, table: str) -> set[bytes]:
    with sqlite3.connect(database(settings)) as db:
        keys = {key for (key,) in db.execute(f"SELECT key FROM {table}")}
    db.close()
    return keys


def parse_keys(settings: Settings) -> dict[str, bytes]:
    """source -> parse key of every article file."""
    fingerprint = cache.fingerprint(settings)
    return {p.relative_to(settings.articles).as_posix(): cache.parse_key(
                fingerprint, p.relative_to(settings.articles).as_posix(), cache.content_hash(p.read_bytes()))
            for p in settings.articles.rglob("*.txt")}


@pytest.mark.usefixtures("keeping")
def test_the_cache_keeps_the_text_of_what_later_builds_render(site: Settings) -> None:
    few = replace(site, entries_per_feed=1)
    pipeline.build(few)
    keys = parse_keys(few)
    articles = [pipeline.parse_bytes(source, (few.articles / source).read_bytes(), few).article for source in keys]
    grouped = group([a for a in articles if a is not None], few)
    rendered_later = {a.source for f in grouped.feeds for a in grouped.members[f.path][:len(f.entries) + BEYOND]}
    assert len(rendered_later) < N  # the others' text is left out
    assert kept_texts(few) == {keys[source] for source in rendered_later}
    assert kept(few, "light") == set(keys.values())  # every file's light record


@pytest.mark.usefixtures("keeping")
def test_what_a_build_parsed_is_stored_once_every_file_is_parsed(
    site: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored while the workers parse, the light records would take the build process's time
    from them: they wait in the spill, and go into the store once parsing is done (in a worker
    while this process groups, or with the text)."""
    stored: list[int] = []
    keep_lights = pipeline._Build.keep_lights

    def counting(build: pipeline._Build) -> None:
        stored.append(len(kept(site, "light")))
        keep_lights(build)

    monkeypatch.setattr(pipeline._Build, "keep_lights", counting)
    pipeline.build(site)
    assert stored == [0]
    assert kept(site, "light") == set(parse_keys(site).values())


@pytest.mark.usefixtures("keeping")
def test_the_spill_is_closed_before_the_new_output_is_flushed(site: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Closed, the spill's pages are freed unwritten; open, the flush before the swap would
    write them to disk for nothing. It closes once the text it holds is kept."""
    events: list[str] = []
    close, sync = Spill.close, publish._sync

    def closing(spill: Spill) -> None:
        events.append("spill closed")
        close(spill)

    def flushing(root: Path) -> None:
        events.append("flushed")
        sync(root)

    monkeypatch.setattr(Spill, "close", closing)
    monkeypatch.setattr(publish, "_sync", flushing)
    pipeline.build(site)
    assert events == ["spill closed", "flushed"]
    assert kept_texts(site) == set(parse_keys(site).values())  # every article is a feed entry or kept after one


def test_with_archives_the_cache_keeps_every_text(site: Settings) -> None:
    archived = replace(site, entries_per_feed=1, archives=True)
    pipeline.build(archived)
    assert kept_texts(archived) == set(parse_keys(archived).values())


def test_a_text_the_cache_did_not_keep_is_parsed_again(site: Settings, tmp_path: Path) -> None:
    few = replace(site, entries_per_feed=1)
    pipeline.build(few)
    left_out = sorted(source for source, key in parse_keys(few).items() if key not in kept_texts(few))[0]
    # Its page is gone from the output: the build that puts it back needs its text, which the
    # cache left out, so its file is parsed again.
    (few.output / article_path(left_out)).unlink()
    rewrite(few, 7, revision=1)  # a change, so that the build is not skipped as a no-op
    report = pipeline.build(few)
    assert report.parsed == 2  # the changed file, and the left-out one again
    assert snapshot(few.output) == clean_build(few, tmp_path)
    assert parse_keys(few)[left_out] in kept_texts(few)  # parsed again, and kept now


@pytest.mark.usefixtures("keeping")
def test_a_failure_to_keep_what_was_parsed_costs_only_parsing_again(
    site: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = replace(site, entries_per_feed=1)

    def fail(path: Path, *, durable: bool, lights: object, texts: object) -> None:
        raise cache.CacheError("the disk is full", corrupt=False)  # in a worker: it comes back pickled

    with monkeypatch.context() as patched:
        patched.setattr(cache, "put_parsed_at", fail)  # what keeps the parse results apart fails
        report = pipeline.build(few)
    assert report.output is not None
    assert snapshot(few.output) == clean_build(few, tmp_path)
    assert kept_texts(few) == kept(few, "light") == set()
    # Nothing parsed was kept: a rebuild parses every file again, and keeps it now.
    again = pipeline.build(few)
    assert again.parsed == N
    assert snapshot(few.output) == clean_build(few, tmp_path)
    assert kept(few, "light") == set(parse_keys(few).values())
    assert pipeline.build(few).unchanged
    # Another output needs every page's text: it is a first build, which parses every file.
    assert pipeline.build(replace(few, output=few.output.parent / "other")).parsed == N


def test_a_file_changed_since_its_text_was_left_out_starts_the_build_again(
    site: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = replace(site, entries_per_feed=1)
    pipeline.build(few)
    left_out = sorted(source for source, key in parse_keys(few).items() if key not in kept_texts(few))[0]
    path = few.articles / left_out
    original = path.read_bytes()
    real = pipeline._Build.parse_again

    def change_first(self: pipeline._Build, wanted: list[tuple[str, bytes]]) -> dict[bytes, tuple[str, str]]:
        if path.read_bytes() == original:  # it changes after the build hashed it, before its text is wanted
            path.write_bytes(original.replace(b"\n\n", b"\n\nA paragraph added meanwhile.\n\n", 1))
        return real(self, wanted)

    monkeypatch.setattr(pipeline._Build, "parse_again", change_first)
    other = replace(few, output=few.output.parent / "other")
    pipeline.build(other)  # the first attempt stops at that file; the second parses it as it is now
    monkeypatch.undo()
    assert snapshot(other.output) == clean_build(other, tmp_path)
    # The text of the new bytes was never kept as that of the old ones.
    path.write_bytes(original)
    third = replace(few, output=few.output.parent / "third")
    pipeline.build(third)
    assert snapshot(third.output) == clean_build(third, tmp_path / "again")


def test_a_cache_error_comes_back_whole_from_a_worker_process() -> None:
    for corrupt in (False, True):
        back = pickle.loads(pickle.dumps(cache.CacheError("the disk is full", corrupt=corrupt)))
        assert isinstance(back, cache.CacheError)
        assert (str(back), back.corrupt) == ("the disk is full", corrupt)


def test_check_uses_the_cache_too(site: Settings) -> None:
    assert pipeline.check(site).parsed == N
    report = pipeline.check(site)
    assert report.parsed == 0
    assert report.output is None
    # The first output needs every page's text, which the cache keeps for few: every file is
    # parsed again, by the workers, as in a first build (see below).
    assert pipeline.build(site).parsed == N
    assert pipeline.build(site).unchanged


def test_an_unwritable_cache_folder_means_a_scratch_store(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = cache.Store.open(blocker / "cache", cache.fingerprint(make_settings(tmp_path, tmp_path / "out")))
    try:
        assert not store.persistent
    finally:
        store.close()
    assert not store.folder.exists()


# --- Records ---------------------------------------------------------------------------------


def sample(published: datetime, updated: datetime) -> Article:
    return Article(
        id="tag:example.org,2024:articles/a", source="a.txt", title="Tïtle & <more>", link="https://e.org/a.html",
        published=published, updated=updated, language="de",
        authors=(Author(name="Jane Roe", line=4), Author(name="Web Desk", is_organization=True, line=4)),
        category=Category(name="World", line=2), summary="Sum…", content_html="<p>Body</p>",
        bio=("Jane Roe", "Writes."),
    )


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
        datetime(2024, 3, 5, 9, 30, 15, 250, tzinfo=timezone(timedelta(hours=5, minutes=45))),
        datetime(2024, 7, 1, 12, 0, tzinfo=ZoneInfo("America/New_York")),
        datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),  # the second 1:30
        datetime(2024, 3, 10, 2, 30, tzinfo=ZoneInfo("America/New_York")),  # a time that never was
    ],
)
def test_a_record_gives_back_the_same_article(moment: datetime) -> None:
    original = sample(moment, moment + timedelta(hours=1))
    diagnostics = (Diagnostic(code=Code.NO_TIME, file="a.txt", line=3, message="No time."),)
    record = cache.encode(original, diagnostics)
    light, back = cache.decode_light(record.light)
    assert back == diagnostics
    assert light is not None
    restored = replace(light, summary=record.summary.decode(), content_html=record.content.decode())
    assert restored == original
    for mine, theirs in ((restored.published, original.published), (restored.updated, original.updated)):
        assert mine.isoformat() == theirs.isoformat()
        assert (mine.tzname(), mine.fold, mine.utcoffset()) == (theirs.tzname(), theirs.fold, theirs.utcoffset())
    assert [a.line for a in restored.authors] == [4, 4]


def test_a_record_of_a_skipped_file() -> None:
    diagnostics = (Diagnostic(code=Code.EMPTY, file="e.txt", line=1, message="Empty."),)
    assert cache.decode_light(cache.encode(None, diagnostics).light) == (None, diagnostics)


@pytest.mark.parametrize("damage", [b"", b"\x00\x01garbage", b"\xe9" * 40])
def test_a_damaged_record_raises_and_is_never_taken(damage: bytes) -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 - any exception: the caller treats it as a miss
        cache.decode_light(damage)


def test_the_fingerprint_covers_every_setting_but_the_folders(site: Settings, tmp_path: Path) -> None:
    base = cache.fingerprint(site)
    assert cache.fingerprint(replace(site, output=tmp_path / "x", articles=tmp_path / "y",
                                     cache_dir=tmp_path / "z")) == base
    assert cache.fingerprint(replace(site, zones={"ET": "America/New_York"})) != base
    assert cache.fingerprint(replace(site, base_url="https://example.com/")) != base
    assert cache.fingerprint(replace(site, title="Other")) != base


def test_feeds_whose_entries_did_not_change_are_not_rendered_again(
    site: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = pipeline.build(site)
    rendered: list[str] = []
    real = render_feeds

    def counting(feeds: Iterable[Feed], settings: Settings) -> Iterator[Rendered]:
        for feed in feeds:
            rendered.append(feed.path)
        return real(feeds, settings)

    counting.__qualname__ = render_feeds.__qualname__  # the same renderer, as far as the cache knows
    monkeypatch.setattr(pipeline, "FEED_RENDERERS", (counting, *pipeline.FEED_RENDERERS[1:]))
    rewrite(site, 7, revision=1)
    report = pipeline.build(site)
    touched = {f.path for f in report.feeds if any(a.source == article(7).name for a in f.entries)}
    assert set(rendered) == touched
    assert len(rendered) < len(first.feeds) / 2
    assert snapshot(site.output) == clean_build(site, tmp_path)


def damaged_files(files: str, damage: str) -> str:
    if damage != "wrong digests":
        return "garbage"
    return "".join(f"{'0' * 64}{line[64:]}\n" for line in files.splitlines())


@pytest.mark.parametrize("damage", ["wrong digests", "garbage", "a broken value"])
def test_damaged_published_files_only_cost_a_render(
    site: Settings, tmp_path: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_CHANGES", 0)  # stored as one value, not as rows of changes
    first = pipeline.build(site)
    monkeypatch.undo()
    with sqlite3.connect(database(site)) as db:
        ((crc, value),) = db.execute("SELECT crc, value FROM blobs WHERE name = 'published'").fetchall()
        published = marshal.loads(value)
        assert len(published) > len(first.feeds)
        if damage == "a broken value":
            damaged = value[: len(value) // 2]  # its CRC no longer fits
        else:
            damaged = marshal.dumps({key: damaged_files(files, damage) for key, files in published.items()})
            crc = zlib.crc32(damaged)
        db.execute("UPDATE blobs SET crc = ?, value = ? WHERE name = 'published'", (crc, damaged))
    db.close()
    rewrite(site, 7, revision=1)
    pipeline.build(site)
    assert snapshot(site.output) == clean_build(site, tmp_path)


@pytest.mark.parametrize("damage", ["wrong digests", "garbage"])
def test_damaged_rows_of_published_files_only_cost_a_render(site: Settings, tmp_path: Path, damage: str) -> None:
    first = pipeline.build(site)
    with sqlite3.connect(database(site)) as db:
        rows = db.execute("SELECT key, value FROM changes WHERE name = 'published'").fetchall()
        assert len(rows) > len(first.feeds)
        for key, files in rows:
            db.execute("UPDATE changes SET value = ? WHERE name = 'published' AND key = ?",
                       (damaged_files(files, damage), key))
    db.close()
    rewrite(site, 7, revision=1)
    pipeline.build(site)
    assert snapshot(site.output) == clean_build(site, tmp_path)


@pytest.mark.parametrize("changes", [0, 5_000])
def test_a_stored_dict_and_its_changes_read_back_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           changes: int) -> None:
    monkeypatch.setattr(cache, "_CHANGES", changes)
    digest = b"d" * 32
    with cache.Store.open(tmp_path, b"f" * 32) as store:
        store.save_stamps("/a", {"x.txt": ((1, 2, 3, 4), digest), "y.txt": ((5, 6, 7, 8), digest)}, ())
        store.save_stamps("/a", {"z.txt": ((9, 9, 9, 9), digest)}, ["x.txt"])
        store.save_stamps("/b", {"x.txt": ((1, 1, 1, 1), digest)}, ())
        stamps = store.stamps("/a")
        assert set(stamps) == {"y.txt", "z.txt"}
        assert cache.remembered_hash(stamps["z.txt"], (9, 9, 9, 9)) == digest
        assert set(store.stamps("/b")) == {"x.txt"}
        store.put_published([(b"k1", "a.html", "1" * 64), (b"k2", "b.html", "2" * 64)])
        store.put_published([(b"k1", "a.html", "3" * 64)])
        assert store.published().get(b"k1") == (("a.html", "3" * 64),)
        assert store.published().get(b"k2") == (("b.html", "2" * 64),)
        rows = store._db.execute("SELECT count(*) FROM changes").fetchone()[0]
        assert rows == (0 if changes == 0 else 6)


def test_only_the_changed_articles_page_is_rendered_again(
    site: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.build(site)
    rendered: list[str] = []
    real = pages.article_page

    def counting(article: Article, settings: Settings) -> Rendered:
        rendered.append(article.source)
        return real(article, settings)

    monkeypatch.setattr(pipeline, "article_page", counting)
    for revision in (1, 2, 3):  # the third build starts from the spare, which is two builds behind
        rendered.clear()
        rewrite(site, 7, revision=revision)
        pipeline.build(site)
        assert rendered == [article(7).name]
        assert snapshot(site.output) == clean_build(site, tmp_path / str(revision))


def test_a_full_rebuild_reads_and_renders_only_the_changed_article(
    site: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the first build stored: each file's stamp, and what each page was rendered from.
    monkeypatch.setattr(pipeline, "PATCH_AT_MOST", 0)  # a full rebuild, not a patch
    monkeypatch.setattr(cache, "_RACY_NS", -10**15)  # trust every stamp, however fresh
    pipeline.build(site)
    hashed: list[bytes] = []
    rendered: list[str] = []
    real_hash, real_page = cache.content_hash, pages.article_page

    def hashing(data: bytes) -> bytes:
        hashed.append(data)
        return real_hash(data)

    def rendering(article: Article, settings: Settings) -> Rendered:
        rendered.append(article.source)
        return real_page(article, settings)

    monkeypatch.setattr(cache, "content_hash", hashing)
    monkeypatch.setattr(pipeline, "article_page", rendering)
    changed = rewrite(site, 7, revision=1)
    report = pipeline.build(site)
    assert report.parsed == 1
    assert set(hashed) == {changed.read_bytes()}  # read and parsed; the other files' stamps were stored
    assert rendered == [article(7).name]  # the other pages' keys were stored
    assert snapshot(site.output) == clean_build(site, tmp_path)


@pytest.mark.parametrize("damage", ["gone", "edited"])
@pytest.mark.parametrize("which", ["an article page", "a feed"])
def test_a_file_missing_or_edited_in_the_output_is_rendered_again(
    site: Settings, tmp_path: Path, damage: str, which: str
) -> None:
    pipeline.build(site)
    # A feed the change below does not touch: its files are reused, not rendered.
    path = (f"articles/{sorted((site.output / 'articles').iterdir())[0].name}" if which == "an article page"
            else f"category/{sorted((site.output / 'category').iterdir())[-1].name}/atom.xml")
    for tree in (site.output, site.output.with_name(".output.spare")):
        if damage == "gone" or not (tree / path).exists():
            (tree / path).unlink(missing_ok=True)
        else:
            with open(tree / path, "ab") as f:  # in place: the output and the spare share it
                f.write(b"<!-- edited -->")
            later = (tree / MANIFEST).stat().st_mtime + 5
            os.utime(tree / path, (later, later))
    rewrite(site, 7, revision=1)  # a change, so that the build is not skipped as a no-op
    pipeline.build(site)
    assert snapshot(site.output) == clean_build(site, tmp_path)
