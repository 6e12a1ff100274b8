"""Discovery: index.html lists every feed with autodiscovery tags, feeds.opml holds every
feed, feed.css is written where every feed points. Parsed, not grepped."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree

from feeds import pipeline
from feeds.jsonfeed import json_feed_path
from feeds.pages import feed_stylesheet
from feeds.render import FeedFormat, feed_file
from tests.conftest import BASE_URL, BUNDLED, REPO, make_settings


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.BuildReport, Path]:
    output = tmp_path_factory.mktemp("pages") / "output"
    return pipeline.build(make_settings(BUNDLED, output)), output


class Index(HTMLParser):
    """The <link> tags of <head> and the text of <body>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link":
            self.links.append(dict(attrs))
        self.in_body = self.in_body or tag == "body"

    def handle_data(self, data: str) -> None:
        if self.in_body:
            self.text.append(data)


def read_index(output: Path) -> Index:
    index = Index()
    index.feed((output / "index.html").read_text("utf-8"))
    index.close()
    return index


def test_index_has_an_autodiscovery_link_per_feed_file(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, output = built
    alternates = [link for link in read_index(output).links if link.get("rel") == "alternate"]
    assert len(alternates) == 3 * len(report.feeds)  # Atom, RSS, JSON Feed
    expected = {(BASE_URL + feed_file(feed, fmt), fmt.media_type) for feed in report.feeds for fmt in FeedFormat}
    expected |= {(BASE_URL + json_feed_path(feed), "application/feed+json") for feed in report.feeds}
    assert {(link["href"], link["type"]) for link in alternates} == expected
    for link in alternates:
        assert link["title"]
        assert (output / str(link["href"]).removeprefix(BASE_URL)).is_file()
    # Everything first: the feed a browser or reader offers by default is the whole site's.
    assert alternates[0]["href"] == BASE_URL + "atom.xml"


def test_index_shows_every_feed_title(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, output = built
    text = " ".join(read_index(output).text)
    for feed in report.feeds:
        assert feed.title in text


def test_opml_lists_every_feed_once_per_group(built: tuple[pipeline.BuildReport, Path]) -> None:
    """One outline per feed as Atom in the first groups, and the JSON Feeds in a group of their
    own: importing either subscribes to every feed once. RSS twins are left out."""
    report, output = built
    root = etree.parse(str(output / "feeds.opml")).getroot()
    assert root.tag == "opml"
    assert root.get("version") == "2.0"
    body = root.find("body")
    assert body is not None
    groups = list(body)
    assert [g.get("text") for g in groups] == ["Everything", "Categories", "Authors", "JSON Feed"]
    assert [o.get("xmlUrl") for o in groups[-1]] == [BASE_URL + json_feed_path(f) for f in report.feeds]
    outlines = [o for g in groups[:-1] for o in g.iter("outline") if o.get("xmlUrl")]
    assert [o.get("xmlUrl") for o in outlines] == [BASE_URL + feed_file(f, FeedFormat.ATOM) for f in report.feeds]
    assert [o.get("text") for o in outlines] == [f.title for f in report.feeds]
    assert {o.get("type") for o in outlines} == {"rss"}  # OPML 2.0's type for any feed subscription
    assert all(o.get("htmlUrl") == BASE_URL for o in outlines)


def test_the_feed_stylesheet_is_written_and_packaged(built: tuple[pipeline.BuildReport, Path]) -> None:
    _, output = built
    css = (output / "feed.css").read_bytes()
    assert css == feed_stylesheet() == (REPO / "feeds" / "data" / "feed.css").read_bytes()
    text = css.decode("utf-8")
    assert "@namespace atom url(http://www.w3.org/2005/Atom);" in text
    assert "<xsl:" not in text  # CSS, not an XSLT sheet


def test_index_links_the_opml_and_its_own_style(built: tuple[pipeline.BuildReport, Path]) -> None:
    _, output = built
    html = (output / "index.html").read_text("utf-8")
    assert f'href="{BASE_URL}feeds.opml"' in html
    assert f'<link rel="stylesheet" href="{BASE_URL}style.css">' in html
    assert (output / "style.css").is_file()
