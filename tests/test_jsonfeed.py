"""JSON Feed 1.1: the same entries as the Atom feed, read back by a real JSON Feed client.

feedparser 6.0 (the newest release) reads no JSON Feed, so the client is `reader`
(lemon24/reader, from PyPI), a feed reader library with its own JSON Feed 1.1
parser; it fetches the feeds over HTTP from a server on 127.0.0.1, like a reader.
The Atom side is read by feedparser, as in test_pipeline.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds import pipeline
from feeds.jsonfeed import _Item, json_feed_path, pretty_json, render_json_feed, render_json_feeds
from feeds.model import Article, FeedKind
from feeds.render import FeedFormat, feed_file, wire_time
from tests.conftest import BASE_URL, BUNDLED, make_settings
from tests.factories import make_article
from tests.served import loopback_only, served_build, write_json_feeds

SPEC_ORDER = ["version", "title", "home_page_url", "feed_url", "description", "authors", "language", "hubs", "items"]
ITEM_KEYS = ["id", "url", "title", "content_html", "summary", "date_published", "date_modified", "authors", "tags",
             "language"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.BuildReport, Path]:
    output = tmp_path_factory.mktemp("site") / "output"
    settings = make_settings(BUNDLED, output)
    report = pipeline.build(settings)
    for rendered in render_json_feeds(report.feeds, settings):
        (output / rendered.path).write_bytes(rendered.data)
    return report, output


def atom(output: Path, path: str) -> Any:
    parsed = feedparser.parse((output / path).read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return parsed


def load(output: Path, path: str) -> Any:
    return json.loads((output / path).read_bytes())


def test_json_feed_path_is_beside_the_atom_and_rss_files(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, _ = built
    assert json_feed_path(report.feeds[0]) == "feed.json"
    for feed in report.feeds[1:]:
        assert json_feed_path(feed) == feed_file(feed, FeedFormat.ATOM).replace("atom.xml", "feed.json")
    assert any(json_feed_path(f).startswith("category/") for f in report.feeds)


def test_items_carry_what_the_atom_entries_carry(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, output = built
    for feed in report.feeds:
        entries = atom(output, feed_file(feed, FeedFormat.ATOM)).entries
        items = load(output, json_feed_path(feed))["items"]
        assert [i["id"] for i in items] == [e.id for e in entries], feed.path
        for item, entry in zip(items, entries, strict=True):
            assert list(item) == ITEM_KEYS
            assert item["url"] == entry.link
            assert item["title"] == entry.title
            assert item["date_published"] == entry.published  # the same RFC 3339 text, offset and all
            assert item["date_modified"] == entry.updated
            assert [a["name"] for a in item["authors"]] == [a.name for a in entry.authors]
            assert item["tags"] == [t.term for t in entry.tags]
            assert item["summary"] == entry.summary
            assert item["content_html"] == entry.content[0].value


def test_feed_level_fields(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, output = built
    for feed in report.feeds:
        document = load(output, json_feed_path(feed))
        assert [k for k in SPEC_ORDER if k in document] == list(document)
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert document["feed_url"] == BASE_URL + json_feed_path(feed)
        assert document["home_page_url"] == BASE_URL
        parsed = atom(output, feed_file(feed, FeedFormat.ATOM)).feed
        assert document["title"] == parsed.title
        assert document["description"] == parsed.subtitle
        assert document["language"] == parsed.language == feed.language
        assert "hubs" not in document
        if feed.kind is FeedKind.AUTHOR:
            (author,) = document["authors"]
            assert feed.title.endswith(": " + author["name"])
            assert all(author in item["authors"] for item in document["items"])
        else:
            assert "authors" not in document


def test_bytes_are_deterministic_utf8_with_a_final_newline(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, output = built
    settings = make_settings(BUNDLED, output)
    for feed in report.feeds:
        url = settings.url(json_feed_path(feed))
        data = render_json_feed(feed, settings, feed_url=url, home_url=BASE_URL)
        assert data == render_json_feed(feed, settings, feed_url=url, home_url=BASE_URL)
        assert data == (output / json_feed_path(feed)).read_bytes()
        assert data.endswith(b"}\n")
        assert b"\\u" not in data  # written as UTF-8, not escaped
    assert "Salzwasser-Batterie soll Solarstrom" in (output / "feed.json").read_text("utf-8")


def test_hub_setting_adds_a_websub_hub(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, output = built
    settings = make_settings(BUNDLED, output, hub="https://hub.example.net/")
    document = json.loads(render_json_feed(report.feeds[0], settings, feed_url=BASE_URL + "feed.json",
                                           home_url=BASE_URL))
    assert document["hubs"] == [{"type": "WebSub", "url": "https://hub.example.net/"}]


# Text with what JSON must escape (quotes, backslashes, control characters) and what it
# must not (U+2028, non-ASCII, astral-plane emoji, lone surrogates, DEL).
TRICKY = st.text(st.one_of(st.characters(), st.sampled_from(
    ['"', "\\", "/", "\x00", "\x1f", "\b", "\f", "\n", "\r", "\t", "\x7f", "\u2028", "\u2029", "\ud800",
     "\udfff", "\ufeff", "é", "中", "😀", "𝄞"])))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TRICKY)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=4).map(tuple),
    st.dictionaries(TRICKY, inner, max_size=4)), max_leaves=30)


@given(JSON_VALUES)
def test_pretty_json_is_json_dumps_with_indent(value: object) -> None:
    assert pretty_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def spec_item(article: Article) -> dict[str, Any]:
    """A JSON Feed 1.1 item as the spec lays it out, from what the Atom entry carries."""
    return {
        "id": article.id, "url": article.link, "title": article.title, "content_html": article.content_html,
        "summary": article.summary, "date_published": wire_time(article.published).isoformat(),
        "date_modified": wire_time(article.updated).isoformat(),
        "authors": [{"name": a.name} for a in article.authors], "tags": [article.category.name],
        "language": article.language,
    }


# What an article's text may hold; ASCII alone too, which is written another way (`_long_string`).
XML_TEXT = st.one_of(
    st.text(st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(['"', "\\", "\x7f", "\u2028"]))),
    st.text(st.sampled_from(['"', "\\", "/", "<", "&", "a", " ", "\t", "\n", "\x7f"])),
)


@given(st.builds(lambda title, summary, content, names: replace(
    make_article(1, authors=tuple(names)), title=title, summary=summary, content_html=content),
    XML_TEXT, XML_TEXT, XML_TEXT, st.lists(XML_TEXT, min_size=1, max_size=3)),
    st.integers(min_value=0, max_value=3))
def test_an_item_is_written_as_json_dumps_writes_the_specs_object(article: Article, depth: int) -> None:
    nested: object = [_Item(article)]
    expected: object = [spec_item(article)]
    for _ in range(depth):
        nested, expected = {"items": nested}, {"items": expected}
    assert pretty_json(nested) == json.dumps(expected, ensure_ascii=False, indent=2)


def test_pretty_json_refuses_keys_that_are_not_text() -> None:
    with pytest.raises(TypeError, match="str keys only"):
        pretty_json({"a": [{1: "b"}]})


@pytest.fixture
def subscribed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Any, pipeline.BuildReport, Path, str]]:
    """A `reader` subscribed to every feed.json of the bundled site, served on 127.0.0.1, updated once."""
    from reader import make_reader

    loopback_only(monkeypatch)
    with served_build(tmp_path / "output") as site:
        write_json_feeds(site)
        client = make_reader(str(tmp_path / "reader.sqlite"))
        try:
            for feed in site.report.feeds:
                client.add_feed(site.url + json_feed_path(feed))
            for result in client.update_feeds_iter():
                assert result.error is None, (result.url, result.error)
            yield client, site.report, site.settings.output, site.url
        finally:
            client.close()


def test_a_json_feed_reader_reads_what_feedparser_reads_from_atom(
    subscribed: tuple[Any, pipeline.BuildReport, Path, str],
) -> None:
    client, report, output, url = subscribed
    for feed in report.feeds:
        stored = client.get_feed(url + json_feed_path(feed))
        parsed = atom(output, feed_file(feed, FeedFormat.ATOM))
        assert stored.version == "json11"
        assert stored.title == parsed.feed.title
        assert stored.link == url
        assert stored.subtitle == parsed.feed.subtitle
        own = [feed.title.split(": ")[-1]] if feed.kind is FeedKind.AUTHOR else []
        assert [a.name for a in stored.authors] == own
        by_id = {e.id: e for e in client.get_entries(feed=stored)}
        assert set(by_id) == {e.id for e in parsed.entries}, feed.path
        for entry in parsed.entries:
            item = by_id[entry.id]
            assert item.title == entry.title
            assert item.link == entry.link
            assert item.published == datetime.fromisoformat(entry.published)
            assert item.updated == datetime.fromisoformat(entry.updated)
            assert [a.name for a in item.authors] == [a.name for a in entry.authors]
            assert item.summary == entry.summary
            assert [(c.value, c.type) for c in item.content] == [(entry.content[0].value, "text/html")]
