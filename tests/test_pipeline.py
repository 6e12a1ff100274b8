"""The whole path on the bundled articles, read back by a real client (feedparser)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest

from feeds import pipeline
from feeds.model import FeedKind
from feeds.render import FeedFormat, feed_file
from tests.conftest import BASE_URL, BUNDLED, make_settings


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
