"""RFC 5005 archives as a reader sees them: full pages never change, and following
`prev-archive` from the subscription document yields every article exactly once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import feedparser
import pytest

from feeds import pipeline, report
from tests.conftest import BASE_URL, make_settings, write_article

CAP = 3


def story(n: int, category: str) -> str:
    return (f"date 2024-02-{n:02d} en English\n{category}\n\nStory number {n} of the month\n\n"
            f"By: Jane Roe\nPublished: February {n}, 2024 at 10:{n:02d} am UTC\n\n"
            f"This is the body of story {n}.\n")


def parse(output: Path, url: str) -> Any:
    parsed = feedparser.parse((output / url.removeprefix(BASE_URL)).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def link(parsed: Any, rel: str) -> str | None:
    return next((x.href for x in parsed.feed.get("links", []) if x.rel == rel), None)


def follow(output: Path, start: str) -> list[str]:
    """Every entry id reachable from a subscription document, newest document first."""
    ids: list[str] = []
    url: str | None = BASE_URL + start
    seen: set[str] = set()
    while url is not None:
        assert url not in seen, "prev-archive links loop"
        seen.add(url)
        parsed = parse(output, url)
        ids += [e.id for e in parsed.entries]
        url = link(parsed, "prev-archive")
    return ids


@pytest.mark.parametrize("feed_path", ["atom.xml", "category/world/atom.xml", "author/jane-roe/atom.xml"])
def test_full_pages_stay_byte_identical_while_the_subscription_moves(tmp_path: Path, feed_path: str) -> None:
    articles, output = tmp_path / "articles", tmp_path / "out"
    settings = make_settings(articles, output, entries_per_feed=CAP, archives=True)
    frozen: dict[str, bytes] = {}
    subscription: list[bytes] = []
    for n in range(1, 15):  # past four caps
        write_article(articles, f"story-{n:02d}.txt", story(n, "World"))
        pipeline.build(settings)
        folder = output / feed_path.removesuffix("atom.xml")
        subscription.append((folder / "atom.xml").read_bytes())
        pages = sorted((folder / "archive").glob("*.xml")) if (folder / "archive").is_dir() else []
        for page in pages:
            data = page.read_bytes()
            if page.name in frozen:
                assert data == frozen[page.name], f"full archive page {page.name} changed at article {n}"
            elif len(feedparser.parse(data).entries) == CAP:
                frozen[page.name] = data
        ids = follow(output, feed_path)
        assert sorted(ids) == sorted(set(ids)), "an article was reachable twice"
        assert len(ids) == n
    assert len(frozen) >= 3
    assert len(set(subscription)) == len(subscription)  # the subscription document moved every time


def test_archive_pages_link_current_and_neighbours(tmp_path: Path) -> None:
    articles, output = tmp_path / "articles", tmp_path / "out"
    for n in range(1, 11):
        write_article(articles, f"story-{n:02d}.txt", story(n, "World"))
    pipeline.build(make_settings(articles, output, entries_per_feed=CAP, archives=True))
    # 10 entries, 3 in the subscription document: 7 archived on pages of 3, 3 and 1.
    assert sorted(p.name for p in (output / "archive").iterdir()) == ["1.xml", "2.xml", "3.xml"]
    first, middle, newest = (parse(output, f"{BASE_URL}archive/{n}.xml") for n in (1, 2, 3))
    assert link(parse(output, BASE_URL + "atom.xml"), "prev-archive") == BASE_URL + "archive/3.xml"
    assert link(middle, "current") == BASE_URL + "atom.xml"
    assert link(middle, "prev-archive") == BASE_URL + "archive/1.xml"
    assert link(middle, "next-archive") == BASE_URL + "archive/3.xml"
    assert link(first, "prev-archive") is None
    assert link(newest, "next-archive") is None
    assert [e.title for e in first.entries] == [f"Story number {n} of the month" for n in (3, 2, 1)]
    assert b"<fh:archive/>" in (output / "archive" / "1.xml").read_bytes()
    assert not (output / "archive" / "1.rss.xml").exists()  # archives are Atom only


def test_no_archive_while_the_feed_holds_everything(tmp_path: Path) -> None:
    articles, output = tmp_path / "articles", tmp_path / "out"
    for n in range(1, CAP + 1):
        write_article(articles, f"story-{n:02d}.txt", story(n, "World"))
    pipeline.build(make_settings(articles, output, entries_per_feed=CAP, archives=True))
    assert not (output / "archive").exists()
    assert link(parse(output, BASE_URL + "atom.xml"), "prev-archive") is None


def test_the_json_report_lists_each_feeds_archive_pages(tmp_path: Path) -> None:
    articles, output = tmp_path / "articles", tmp_path / "out"
    for n in range(1, 11):
        write_article(articles, f"story-{n:02d}.txt", story(n, "World"))
    result = pipeline.build(make_settings(articles, output, entries_per_feed=CAP, archives=True))
    feeds = {f["title"]: f["files"] for f in json.loads(report.as_json(result))["feeds"]}
    assert feeds["Test News"] == ["atom.xml", "rss.xml", "feed.json", "archive/1.xml", "archive/2.xml",
                                  "archive/3.xml"]
    assert feeds["Test News: World"][-1] == "category/world/archive/3.xml"
    assert all((output / path).is_file() for files in feeds.values() for path in files)
