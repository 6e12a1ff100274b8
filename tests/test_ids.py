"""Ids never change (FEEDS.md "Identity"): an edit, a rebuild, a new base URL keep every id.

The ids are read back from the written files with lxml, not from feeds' own objects.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from feeds import pipeline
from feeds.ids import entry_id, feed_id
from feeds.model import FeedKind
from feeds.render import FeedFormat, feed_file
from tests.conftest import ATOM_NS, BUNDLED, SIMPLE, atom_entry_ids, make_settings, write_article

# RFC 4151: tag:<authority>,<date>:<specific>, the specific part an RFC 3986 path-ish string.
TAG_URI = re.compile(r"^tag:[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+$")

OTHER = """date 2024-02-01 en English
Business

Bakery chain opens a tenth shop

By: Ann Example
Published: February 1, 2024 at 10:00 am CET

The bakery opened its tenth shop on Thursday.
"""

EDITS: dict[str, list[tuple[str, str]]] = {
    "title": [("Harbour cranes return to service", "Cranes back at work after repairs")],
    "body": [("The harbour's cranes are running again", "All cranes in the harbour are running again")],
    "date": [("date 2024-03-05 en English", "date 2024-03-09 en English"),
             ("Published: March 5, 2024 at 9:30 am EST", "Published: March 9, 2024 at 4:00 pm CET")],
    "time zone": [("9:30 am EST", "9:30 am PST")],
    "updated": [("9:30 am EST\n", "9:30 am EST\nUpdated: March 6, 2024 at 8:00 am EST\n")],
    "category": [("World\n", "Business\n")],
    "author": [("By: Jane Roe and John Doe", "By: Jane Roe")],
}


def rss_guids(path: Path) -> list[tuple[str, str | None]]:
    root = etree.parse(str(path)).getroot()
    return [(str(g.text), g.get("isPermaLink")) for g in root.iter("guid")]


def feed_ids(output: Path, report: pipeline.BuildReport) -> dict[str, str]:
    """Feed path -> the Atom <id> of its file."""
    found = {}
    for feed in report.feeds:
        root = etree.parse(str(output / feed_file(feed, FeedFormat.ATOM))).getroot()
        found[feed.path] = str(root.findtext(f"{{{ATOM_NS}}}id"))
    return found


def build(articles: Path, output: Path, **changes: object) -> pipeline.BuildReport:
    return pipeline.build(make_settings(articles, output, **changes))


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_keeps_every_id(articles_dir: Path, output_dir: Path, edit: str) -> None:
    write_article(articles_dir, "2024/harbour-cranes.txt", SIMPLE)
    write_article(articles_dir, "bakery.txt", OTHER)
    build(articles_dir, output_dir)
    before = atom_entry_ids(output_dir / "atom.xml")
    before_rss = rss_guids(output_dir / "rss.xml")

    text = SIMPLE
    for old, new in EDITS[edit]:
        assert old in text
        text = text.replace(old, new)
    write_article(articles_dir, "2024/harbour-cranes.txt", text)
    report = build(articles_dir, output_dir)
    assert report.skipped == ()
    after = atom_entry_ids(output_dir / "atom.xml")

    assert sorted(after) == sorted(before) == [
        "tag:example.org,2024-01-01:articles/2024/harbour-cranes",
        "tag:example.org,2024-01-01:articles/bakery",
    ]
    assert sorted(rss_guids(output_dir / "rss.xml")) == sorted(before_rss)
    assert report.output is not None
    assert "atom.xml" in report.output.changed  # the edit did reach the feed: only the id stayed


def test_a_new_base_url_changes_links_but_no_id(tmp_path: Path) -> None:
    first = build(BUNDLED, tmp_path / "a", base_url="https://example.org/news/")
    second = build(BUNDLED, tmp_path / "b", base_url="https://news.example.net/")
    for feed in first.feeds:
        path = feed_file(feed, FeedFormat.ATOM)
        assert atom_entry_ids(tmp_path / "a" / path) == atom_entry_ids(tmp_path / "b" / path)
        assert rss_guids(tmp_path / "a" / feed_file(feed, FeedFormat.RSS)) == \
            rss_guids(tmp_path / "b" / feed_file(feed, FeedFormat.RSS))
    assert feed_ids(tmp_path / "a", first) == feed_ids(tmp_path / "b", second)
    assert b"https://news.example.net/" in (tmp_path / "b" / "atom.xml").read_bytes()
    assert b"https://example.org/" not in (tmp_path / "b" / "atom.xml").read_bytes()


def test_ids_come_from_the_path_inside_the_articles_folder(tmp_path: Path) -> None:
    """Another machine keeps the articles somewhere else: the ids stay."""
    for where in ("one", "deeper/two"):
        write_article(tmp_path / where, "2024/harbour-cranes.txt", SIMPLE)
        build(tmp_path / where, tmp_path / "out" / where)
    assert atom_entry_ids(tmp_path / "out/one/atom.xml") == atom_entry_ids(tmp_path / "out/deeper/two/atom.xml")


def test_each_feed_has_its_own_id(tmp_path: Path) -> None:
    report = build(BUNDLED, tmp_path / "out")
    ids = feed_ids(tmp_path / "out", report)
    assert len(set(ids.values())) == len(ids) == len(report.feeds)
    entry_ids = set(atom_entry_ids(tmp_path / "out" / "atom.xml"))
    assert not entry_ids & set(ids.values())
    assert ids[""] == "tag:example.org,2024-01-01:feeds"
    kinds = {f.path: f.kind for f in report.feeds}
    for path, value in ids.items():
        assert TAG_URI.match(value), value
        if kinds[path] is not FeedKind.ALL:
            assert value == f"tag:example.org,2024-01-01:feeds/{path}"


def test_the_atom_and_rss_twins_carry_the_same_ids(tmp_path: Path) -> None:
    report = build(BUNDLED, tmp_path / "out")
    for feed in report.feeds:
        atom = atom_entry_ids(tmp_path / "out" / feed_file(feed, FeedFormat.ATOM))
        rss = rss_guids(tmp_path / "out" / feed_file(feed, FeedFormat.RSS))
        assert [text for text, _ in rss] == atom
        assert {permalink for _, permalink in rss} == {"false"}  # a tag: URI is no permalink
        assert all(TAG_URI.match(i) for i in atom)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("2024/floods.txt", "tag:example.org,2024-01-01:articles/2024/floods"),
        ("Café au lait.txt", "tag:example.org,2024-01-01:articles/Caf%C3%A9%20au%20lait"),
        ("a#b?c.txt", "tag:example.org,2024-01-01:articles/a%23b%3Fc"),
        ("100%.txt", "tag:example.org,2024-01-01:articles/100%25"),
    ],
)
def test_entry_ids_are_valid_uris_for_any_file_name(source: str, expected: str) -> None:
    assert entry_id("example.org", "2024-01-01", source) == expected
    assert TAG_URI.match(expected)


def test_the_id_settings_are_the_only_other_input() -> None:
    assert feed_id("example.org", "2024", "author/jane-roe") == "tag:example.org,2024:feeds/author/jane-roe"
    assert entry_id("me@example.org", "2024-01", "x.txt") == "tag:me@example.org,2024-01:articles/x"
