"""The whole path on the bundled articles, read back by a real client (feedparser)."""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds import normalize, pipeline
from feeds.model import FeedKind
from feeds.pages import article_page
from feeds.publish import MANIFEST
from feeds.readers import READERS
from feeds.readers.folder import find_sources
from feeds.render import FeedFormat, feed_file
from tests.conftest import BASE_URL, BUNDLED, make_settings, snapshot, write_article


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.BuildReport, Path]:
    output = tmp_path_factory.mktemp("site") / "output"
    report = pipeline.build(make_settings(BUNDLED, output))
    return report, output


def parse(output: Path, path: str) -> Any:
    parsed = feedparser.parse((output / path).read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return parsed


def test_every_bundled_article_is_published(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, _ = built
    assert report.found == len(list(BUNDLED.glob("*.txt"))) >= 12
    assert report.published == report.found
    assert report.skipped == ()


def test_the_bundled_set_covers_what_the_readme_promises(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, _ = built
    categories = [f for f in report.feeds if f.kind is FeedKind.CATEGORY]
    assert len(categories) >= 3
    everything = report.feeds[0]
    assert any(len(a.authors) > 1 for a in everything.entries)
    offsets = {a.published.utcoffset() for a in everything.entries}
    assert len(offsets) >= 4


@pytest.mark.parametrize("fmt", list(FeedFormat))
def test_every_article_is_in_all_its_feeds(built: tuple[pipeline.BuildReport, Path], fmt: FeedFormat) -> None:
    report, output = built
    everything = report.feeds[0]
    read: dict[str, set[str]] = {}
    for feed in report.feeds:
        read[feed.path] = {e.id for e in parse(output, feed_file(feed, fmt)).entries}
    expected: dict[str, set[str]] = defaultdict(set)
    for article in everything.entries:
        expected[""].add(article.id)
        category = next(f for f in report.feeds if f.kind is FeedKind.CATEGORY and article in f.entries)
        expected[category.path].add(article.id)
        for author in article.authors:
            feed = next(f for f in report.feeds
                        if f.kind is FeedKind.AUTHOR and f.title.endswith(author.name) and article in f.entries)
            expected[feed.path].add(article.id)
    assert read == dict(expected)


@pytest.mark.parametrize("fmt", list(FeedFormat))
def test_dates_carry_a_zone_and_entries_are_newest_first(
    built: tuple[pipeline.BuildReport, Path], fmt: FeedFormat
) -> None:
    report, output = built
    for feed in report.feeds:
        entries = parse(output, feed_file(feed, fmt)).entries
        moments = [_aware(e.published, fmt) for e in entries]
        assert all(m.tzinfo is not None for m in moments)
        assert moments == sorted(moments, reverse=True), feed.path


def _aware(text: str, fmt: FeedFormat) -> datetime:
    if fmt is FeedFormat.ATOM:
        return datetime.fromisoformat(text)
    from email.utils import parsedate_to_datetime

    moment = parsedate_to_datetime(text)
    assert not text.endswith("-0000")
    return moment


def test_feed_level_fields_read_back(built: tuple[pipeline.BuildReport, Path]) -> None:
    _, output = built
    atom = parse(output, "atom.xml")
    assert atom.version == "atom10"
    assert atom.feed.id.startswith("tag:example.org,2024-01-01:")
    assert atom.feed.language == "en"
    links = {link.rel: link.href for link in atom.feed.links}
    assert links == {"self": BASE_URL + "atom.xml", "alternate": BASE_URL}
    rss = parse(output, "rss.xml")
    assert rss.version == "rss20"
    assert rss.feed.link == BASE_URL  # the site, never the feed itself
    assert rss.feed.language == "en"


def test_entries_carry_every_field(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, output = built
    for fmt in FeedFormat:
        for entry in parse(output, feed_file(report.feeds[0], fmt)).entries:
            assert entry.id.startswith("tag:example.org,2024-01-01:articles/")
            assert entry.title
            assert entry.link.startswith(BASE_URL + "articles/")
            assert entry.authors
            assert all(a.get("name") for a in entry.authors)
            assert entry.tags
            assert entry.tags[0].term
            assert entry.summary
            assert entry.content[0].value.startswith("<")
            assert entry.published_parsed is not None


def test_links_in_feeds_point_at_files_that_were_written(built: tuple[pipeline.BuildReport, Path]) -> None:
    _, output = built
    for entry in parse(output, "atom.xml").entries:
        assert (output / entry.link.removeprefix(BASE_URL)).is_file()


# --- Article pages rendered while parsing ---------------------------------------------------------

TIED = """date 2024-03-05 en English
World

{title}

By: Jane Roe
Published: March 5, 2024

A story told on {title}.
"""


@pytest.mark.parametrize("workers", [1, 2])
def test_a_page_shows_the_dates_its_file_gives_where_the_feeds_tell_tied_entries_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    # Grouping gives tied entries a second each (untie); a page depends on its own file only.
    monkeypatch.setattr(pipeline, "SERIAL_BELOW", 0)
    articles = tmp_path / "articles"
    for n in range(4):
        write_article(articles, f"2024/story-{n}.txt", TIED.format(title=f"Story {n}"))
    settings = make_settings(articles, tmp_path / "output")
    report = pipeline.build(settings, workers=workers)
    assert sorted(a.published.second for a in report.feeds[0].entries) == [0, 1, 2, 3]
    for source in find_sources(articles, frozenset(READERS)):
        article = pipeline.parse_source(source, settings).article
        assert article is not None
        assert article.published.second == 0
        page = article_page(article, settings)
        assert (settings.output / page.path).read_bytes() == page.data
        assert b'<time datetime="2024-03-05T00:00:00+00:00">' in page.data
    clean = replace(settings, output=tmp_path / "clean")
    pipeline.build(clean, use_cache=False, workers=1)
    assert snapshot(settings.output) == snapshot(clean.output)


def test_the_page_of_a_changed_article_that_grouping_moves_keeps_the_date_its_file_gives(tmp_path: Path) -> None:
    # Only the changed file is parsed again; grouping then finds that it shares its date
    # with an article whose id comes first, and moves its feed entry, not its page.
    articles = tmp_path / "articles"
    write_article(articles, "2024/a.txt", TIED.format(title="Story A"))
    write_article(articles, "2024/b.txt", TIED.format(title="Story B").replace("March 5, 2024", "March 6, 2024"))
    settings = make_settings(articles, tmp_path / "output")
    pipeline.build(settings)
    write_article(articles, "2024/b.txt", TIED.format(title="Story B"))
    report = pipeline.build(settings)
    assert report.parsed == 1
    moved = next(a for a in report.feeds[0].entries if a.source == "2024/b.txt")
    assert moved.published.second == 1
    page = article_page(replace(moved, published=moved.published.replace(second=0),
                                updated=moved.updated.replace(second=0)), settings)
    assert (settings.output / page.path).read_bytes() == page.data
    clean = replace(settings, output=tmp_path / "clean")
    pipeline.build(clean, use_cache=False)
    assert snapshot(settings.output) == snapshot(clean.output)


def test_the_page_of_an_article_left_out_is_not_published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(normalize, "entry_id", lambda *_: "tag:example.org,2024-01-01:one")  # every id the same
    articles = tmp_path / "articles"
    for n in range(2):
        write_article(articles, f"2024/story-{n}.txt", TIED.format(title=f"Story {n}"))
    settings = make_settings(articles, tmp_path / "output")
    report = pipeline.build(settings, workers=1)
    assert [d.file for d in report.diagnostics if d.is_error] == ["2024/story-1.txt"]
    pages = sorted(p.name for p in (settings.output / "articles").iterdir())
    assert pages == [Path(article_page(report.feeds[0].entries[0], settings).path).name]
    assert report.output is not None
    assert set(report.output.files) == set(snapshot(settings.output)) - {MANIFEST}


_PART = st.text(alphabet="aZ.ü_ -", min_size=1, max_size=8).filter(lambda part: part not in (".", ".."))


@given(st.lists(_PART, min_size=1, max_size=3))
def test_a_files_suffix_is_the_one_pathlib_gives(parts: list[str]) -> None:
    name = "/".join(parts)  # as find_sources names a file: no empty, `.` or `..` parts
    assert pipeline._suffix(name) == PurePosixPath(name).suffix.lower()


class _Collector:
    """A progress sink that notes whether the cyclic collector runs at each stage."""

    def __init__(self) -> None:
        self.enabled: list[bool] = []

    def stage(self, stage: pipeline.Stage, total: int | None) -> None:
        self.enabled.append(gc.isenabled())

    def advance(self, stage: pipeline.Stage, amount: int = 1) -> None:
        pass


@pytest.mark.parametrize("before", [True, False])
def test_the_cyclic_collector_is_off_during_a_build_and_as_it_was_after(tmp_path: Path, before: bool) -> None:
    was = gc.isenabled()
    (gc.enable if before else gc.disable)()
    try:
        seen = _Collector()
        pipeline.build(make_settings(BUNDLED, tmp_path / "output"), progress=seen)
        assert len(seen.enabled) >= 5  # read, parse, group, render, publish
        assert not any(seen.enabled)
        assert gc.isenabled() is before
    finally:
        (gc.enable if was else gc.disable)()


def test_feed_files_are_the_files_the_feed_renderers_write(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, _ = built
    settings = make_settings(BUNDLED, Path("output"))
    for feed in report.feeds:
        written = {file.path for renderer in pipeline.FEED_RENDERERS for file in renderer([feed], settings)}
        assert set(pipeline.feed_files(feed)) == written
