"""Every Atom and RSS feed, fetched from 127.0.0.1 and stored by a real reader: newsboat.

newsboat's `-x reload` fetches every feed of its urls file without a terminal and
stores what it parsed in its SQLite cache, which is read back here. newsboat
keeps one row per guid for all its feeds, and our feeds share their entries' ids
(an article is in several feeds), so each feed gets a newsboat cache of its own
for the per-feed counts; one more run subscribes to everything at once.

Skipped without newsboat, except on CI (`CI` set), where a missing reader is a failure:
scripts/test installs it (Debian package `newsboat`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from feeds.model import Article, Feed
from feeds.render import FeedFormat, feed_file
from tests.served import Site, served_build

NEWSBOAT = shutil.which("newsboat")

pytestmark = pytest.mark.skipif(NEWSBOAT is None and not os.environ.get("CI"),
                                reason="newsboat is not installed (apt-get install newsboat)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    assert NEWSBOAT is not None, "newsboat is not installed: CI must run it (apt-get install newsboat)"
    with served_build(tmp_path_factory.mktemp("site") / "output") as served:
        yield served


def reload(urls: Sequence[str], home: Path) -> Path:
    """`newsboat -x reload` of `urls` with a config, cache and HOME of its own; the cache it wrote."""
    assert NEWSBOAT is not None
    home.mkdir(parents=True)
    (home / "urls").write_text("".join(f"{url}\n" for url in urls), "utf-8")
    (home / "config").write_text("download-timeout 20\nuse-proxy no\n", "utf-8")
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local" / "share")}
    done = subprocess.run(
        [NEWSBOAT, "-u", str(home / "urls"), "-c", str(home / "cache.db"), "-C", str(home / "config"), "-x", "reload"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (home / "cache.db").is_file(), done.stderr
    return home / "cache.db"


def query(cache: Path, sql: str, *parameters: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(cache)) as connection:
        return connection.execute(sql, parameters).fetchall()


def names(article: Article) -> list[str]:
    return [a.name for a in article.authors]


def feed_urls(site: Site) -> list[tuple[Feed, FeedFormat, str]]:
    return [(feed, fmt, site.url + feed_file(feed, fmt)) for feed in site.report.feeds for fmt in FeedFormat]


def test_every_feed_reloads_at_once(site: Site, tmp_path: Path) -> None:
    urls = [url for _, _, url in feed_urls(site)]
    cache = reload(urls, tmp_path / "newsboat")
    stored = dict(query(cache, "SELECT rssurl, title FROM rss_feed"))
    guids = {guid for (guid,) in query(cache, "SELECT guid FROM rss_item")}
    assert stored == {url: feed.title for feed, _, url in feed_urls(site)}
    assert guids == {a.id for a in site.report.feeds[0].entries}


@pytest.mark.parametrize("fmt", list(FeedFormat))
def test_each_feed_has_its_items_with_their_titles_dates_and_authors(
    site: Site, tmp_path: Path, fmt: FeedFormat
) -> None:
    for index, feed in enumerate(site.report.feeds):
        url = site.url + feed_file(feed, fmt)
        rows = query(reload([url], tmp_path / str(index)),
                     "SELECT guid, title, author, url, pubDate, content FROM rss_item WHERE feedurl = ?", url)
        assert len(rows) == len(feed.entries), url
        by_id = {article.id: article for article in feed.entries}
        for guid, title, author, link, pub_date, content in rows:
            article = by_id[guid]
            assert title == article.title
            assert link == article.link
            assert datetime.fromtimestamp(pub_date, UTC) == article.published.replace(microsecond=0)
            assert content  # the full HTML, as newsboat stored it
            if fmt is FeedFormat.ATOM:
                assert author == ", ".join(names(article))
            else:
                assert author in names(article)  # newsboat keeps one dc:creator of several


def test_a_few_titles_as_newsboat_stored_them(site: Site, tmp_path: Path) -> None:
    url = site.url + "rss.xml"
    titles = {title for (title,) in query(reload([url], tmp_path / "newsboat"), "SELECT title FROM rss_item")}
    assert {
        "Harbour Freight Volumes Edge Up as Transshipment Traffic Returns",
        "Salzwasser-Batterie soll Solarstrom vom Mittag in den Abend bringen",
        "Quantum Sensor Startup Raises $40 Million to Build Navigation Units",
    } <= titles
