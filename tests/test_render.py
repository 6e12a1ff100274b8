"""What every feed file is, read back with lxml and feedparser: the stylesheet line, text
that stays text, and dates that come from the articles only (never the clock)."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from feeds import pipeline
from feeds.render import FeedFormat, feed_file, html_text, stylesheet_instruction
from tests.conftest import ATOM_NS, BASE_URL, BUNDLED, SIMPLE, make_settings, write_article

DC_NS = "http://purl.org/dc/elements/1.1/"
DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>"
STYLESHEET = b'<?xml-stylesheet type="text/css" href="/news/feed.css"?>'


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.BuildReport, Path]:
    output = tmp_path_factory.mktemp("render") / "output"
    return pipeline.build(make_settings(BUNDLED, output)), output


def feed_paths(report: pipeline.BuildReport) -> list[str]:
    return [feed_file(feed, fmt) for feed in report.feeds for fmt in FeedFormat]


def test_every_feed_opens_with_the_declaration_then_the_stylesheet(
    built: tuple[pipeline.BuildReport, Path],
) -> None:
    report, output = built
    for path in feed_paths(report):
        data = (output / path).read_bytes()
        assert data.split(b"\n")[:2] == [DECLARATION, STYLESHEET], path
        root = etree.fromstring(data)
        instruction = root.getprevious()
        assert isinstance(instruction, etree._ProcessingInstruction)
        assert instruction.target == "xml-stylesheet"
        assert instruction.get("type") == "text/css"
        # Resolved against the feed's own URL, the href is the stylesheet beside index.html.
        assert urljoin(BASE_URL + path, str(instruction.get("href"))) == BASE_URL + "feed.css"
    assert (output / "feed.css").read_bytes().startswith(b"/*")


def test_the_stylesheet_changes_nothing_a_reader_sees(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, output = built
    for path in feed_paths(report):
        data = (output / path).read_bytes()
        styled = feedparser.parse(data)
        plain = feedparser.parse(data.replace(STYLESHEET + b"\n", b""))
        assert not styled.bozo
        assert styled.version == plain.version
        assert styled.feed == plain.feed
        assert styled.entries == plain.entries


def test_rss_items_name_every_author_as_dc_creator(built: tuple[pipeline.BuildReport, Path]) -> None:
    report, output = built
    for feed in report.feeds:
        data = (output / feed_file(feed, FeedFormat.RSS)).read_bytes()
        assert data.count(b"xmlns:dc=") == 1  # declared once, on <rss>, not on every item
        root = etree.fromstring(data)
        assert root.nsmap["dc"] == DC_NS
        creators = [[c.text for c in item.iterfind(f"{{{DC_NS}}}creator")] for item in root.iterfind("channel/item")]
        assert creators == [[a.name for a in article.authors] for article in feed.entries]
    assert any(len(a.authors) > 1 for a in report.feeds[0].entries)
    assert b"purl.org/dc" not in (output / "atom.xml").read_bytes()


@pytest.mark.parametrize(
    ("base_url", "href"),
    [("https://example.org/", "/feed.css"), ("https://example.org/a&b/", "/a&amp;b/feed.css"),
     ("https://example.org/x%22y/", "/x%22y/feed.css")],
)
def test_the_stylesheet_href_is_the_path_of_the_base_url(tmp_path: Path, base_url: str, href: str) -> None:
    settings = make_settings(tmp_path, tmp_path / "out", base_url=base_url)
    assert stylesheet_instruction(settings) == f'<?xml-stylesheet type="text/css" href="{href}"?>'.encode()


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Tom & Jerry", "Tom & Jerry"),
        ("a <b>bold</b> & unusual", "a &lt;b>bold&lt;/b> & unusual"),
        ("R&amp;D", "R&amp;amp;D"),
        ("1 < 2 > 0", "1 < 2 > 0"),
        ("<!-- x", "&lt;!-- x"),
    ],
)
def test_html_text_escapes_only_what_html_would_read(text: str, html: str) -> None:
    assert html_text(text) == html


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags = 0

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"))))
def test_html_text_reads_back_as_the_same_text(text: str) -> None:
    parser = _Text()
    parser.feed(f"<p>{html_text(text)}</p>")
    parser.close()
    assert parser.tags == 1
    assert "".join(parser.parts) == text


def test_a_summary_that_looks_like_markup_stays_text(articles_dir: Path, output_dir: Path) -> None:
    body = "Engineers said the <b>bold</b> plan & its R&amp;D budget were approved."
    write_article(articles_dir, "markup.txt", SIMPLE.replace(
        "The harbour's cranes are running again after a week of repairs.", body))
    write_article(articles_dir, "plain.txt", SIMPLE.replace("Harbour cranes", "Quay cranes"))
    pipeline.build(make_settings(articles_dir, output_dir))

    atom = etree.parse(str(output_dir / "atom.xml")).getroot()
    summaries = {str(e.findtext(f"{{{ATOM_NS}}}id")).rsplit("/", 1)[1]: e.find(f"{{{ATOM_NS}}}summary")
                 for e in atom.iter(f"{{{ATOM_NS}}}entry")}
    assert summaries["markup"] is not None
    assert summaries["plain"] is not None
    assert summaries["markup"].get("type") == "html"
    assert summaries["markup"].text == html_text(body)
    assert summaries["plain"].get("type") is None
    rss = etree.parse(str(output_dir / "rss.xml")).getroot()
    descriptions = [str(d.text) for d in rss.iter("description")][1:]  # [0] is the channel's
    assert html_text(body) in descriptions
    # A client shows the words, not bold text: feedparser hands back HTML that reads as the text.
    for fmt in FeedFormat:
        parsed = feedparser.parse((output_dir / fmt.filename).read_bytes())
        entry = next(e for e in parsed.entries if e.id.endswith("/markup"))
        assert "<b>" not in entry.summary
        shown = _Text()
        shown.feed(entry.summary)
        shown.close()
        assert shown.tags == 0
        assert "".join(shown.parts) == body


def _instants(path: Path) -> dict[str, list[datetime]]:
    root = etree.parse(str(path)).getroot()
    found: dict[str, list[datetime]] = {}
    for tag in ("updated", "published"):
        found[tag] = [datetime.fromisoformat(str(e.text)) for e in root.iter(f"{{{ATOM_NS}}}{tag}")]
    for tag in ("pubDate", "lastBuildDate"):
        found[tag] = [parsedate_to_datetime(str(e.text)) for e in root.iter(tag)]
    return found


def test_every_date_written_is_an_article_date(built: tuple[pipeline.BuildReport, Path]) -> None:
    """feedgen fills any date left unset with the clock: no date may come from anywhere else."""
    report, output = built
    article_dates = {d for f in report.feeds for a in f.entries for d in (a.published, a.updated)}
    for feed in report.feeds:
        newest = max(a.updated for a in feed.entries)
        atom = _instants(output / feed_file(feed, FeedFormat.ATOM))
        rss = _instants(output / feed_file(feed, FeedFormat.RSS))
        assert set(atom["updated"]) | set(atom["published"]) | set(rss["pubDate"]) <= article_dates
        assert atom["updated"][0] == newest  # the feed's own <updated> comes first
        assert rss["lastBuildDate"] == [newest]


def test_an_empty_site_is_as_old_as_its_ids(articles_dir: Path, output_dir: Path) -> None:
    pipeline.build(make_settings(articles_dir, output_dir))
    atom = _instants(output_dir / "atom.xml")
    assert [str(d) for d in atom["updated"]] == ["2024-01-01 00:00:00+00:00"]
    assert not feedparser.parse((output_dir / "rss.xml").read_bytes()).bozo
