"""Feed -> bytes: Atom 1.0 and RSS 2.0. The only module that imports feedgen.

feedgen 1.0.0 has traps (FEEDS.md); each is handled here, where it bites:
entries are appended in our order, every date is set (its default is the
clock), the `self` link goes first so RSS's channel link is the site, authors
reach RSS through `dc:creator`, and content is `type="html"`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from feeds import __version__
from feeds.archive import ArchivePage, archive_count, archive_file
from feeds.config import Settings
from feeds.ids import feed_id
from feeds.model import Article, Feed


class FeedFormat(StrEnum):
    ATOM = "atom"
    RSS = "rss"

    @property
    def filename(self) -> str:
        return f"{self.value}.xml"

    @property
    def media_type(self) -> str:
        return f"application/{self.value}+xml"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendered:
    """One output file: its path inside the output folder and its bytes."""

    path: str
    data: bytes


STYLESHEET = "feed.css"  # written by pages.py at the top of the output folder


def stylesheet_instruction(settings: Settings) -> bytes:
    """`<?xml-stylesheet type="text/css" href="/news/feed.css"?>`: a browser that opens a feed
    shows a readable page instead of raw XML. CSS, not XSLT, which browsers are removing.

    The href is root-relative (the path of `base_url`), so it is same-origin whatever host,
    scheme or mirror serves the feed; feed readers and validators ignore the instruction.
    """
    href = urlsplit(settings.base_url).path + STYLESHEET
    href = href.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return f'<?xml-stylesheet type="text/css" href="{href}"?>'.encode()


def feed_file(feed: Feed, fmt: FeedFormat) -> str:
    """Where a feed's file lives inside the output folder."""
    return f"{feed.path}/{fmt.filename}" if feed.path else fmt.filename


def render_feeds(feeds: Iterable[Feed], settings: Settings) -> Iterator[Rendered]:
    entries: dict[str, FeedEntry] = {}  # one FeedEntry per article, shared by every feed it is in
    for feed in feeds:
        for article in feed.entries:
            if article.id not in entries:
                entries[article.id] = _entry(article)
        generator = _generator(feed, settings, [entries[a.id] for a in feed.entries])
        for fmt in FeedFormat:
            yield Rendered(path=feed_file(feed, fmt), data=_serialize(generator, feed, fmt, settings))


def render_archive(feed: Feed, page: ArchivePage, settings: Settings) -> Rendered:
    """One RFC 5005 archive document of `feed` (Atom only): `page.entries`, marked `fh:archive`,
    linked to the subscription document (`current`) and to its neighbours."""
    generator = _generator(replace(feed, entries=page.entries), settings, [_entry(a) for a in page.entries])
    generator.register_extension("history", _ArchiveMark, BaseEntryExtension, atom=True, rss=False)
    path = archive_file(feed.path, page.number)
    related = {"current": feed_file(feed, FeedFormat.ATOM)}
    if page.number > 1:
        related["prev-archive"] = archive_file(feed.path, page.number - 1)
    if page.number < archive_count(feed.total, settings.entries_per_feed):
        related["next-archive"] = archive_file(feed.path, page.number + 1)
    _links(generator, settings, path, FeedFormat.ATOM, related)
    return Rendered(path=path, data=_with_stylesheet(generator.atom_str(pretty=True), settings))


def wire_time(moment: datetime) -> datetime:
    """A date as it can be written: whole seconds, and an offset both RFC 822 and
    RFC 3339 can state (validators flag `+0545`-style minutes; historic zones have seconds)."""
    if moment.microsecond:
        moment = moment.replace(microsecond=0)
    offset = moment.utcoffset()
    if offset and offset % _HALF_HOUR:
        return moment.astimezone(UTC)
    return moment


_HALF_HOUR = timedelta(minutes=30)


def _entry(article: Article) -> FeedEntry:
    entry = FeedEntry()
    # Registered here, not by add_entry (which then leaves it be): an entry may go into several feeds.
    entry.register_extension("dc", _Creators, atom=False, rss=True)
    entry.dc.names = tuple(author.name for author in article.authors)
    entry.id(article.id)  # also RSS's <guid isPermaLink="false">
    entry.title(article.title)
    entry.link(href=article.link, rel="alternate", type="text/html")
    entry.published(wire_time(article.published))
    entry.updated(wire_time(article.updated))
    entry.author([{"name": author.name} for author in article.authors])  # one check for them all
    entry.category(term=article.category.name)
    entry.content(article.content_html, type="html")
    # The summary is plain text, and RSS's <description> is HTML: it gets the text as HTML.
    # So does Atom (type="html") when that differs from the text, which only happens when
    # the text holds something a reader would take for markup. summary() sets both;
    # description() would also overwrite Atom's content (a feedgen trap).
    summary = html_text(article.summary)
    entry.summary(summary, type=None if summary == article.summary else "html")
    return entry


_MARKUP = re.compile(r"&(?=[#A-Za-z0-9])|<(?=[A-Za-z/!?])")


def html_text(text: str) -> str:
    """Plain text as HTML that shows exactly that text, escaping only what HTML would read as
    markup (`<b`, `</`, `&amp`, `&#1`): `Tom & Jerry` stays as it is, `a <b>` is escaped."""
    if "&" not in text and "<" not in text:  # most summaries: two fast scans instead of the regex
        return text
    return _MARKUP.sub(lambda m: "&amp;" if m.group() == "&" else "&lt;", text)


_ATOM_NS = "http://www.w3.org/2005/Atom"
_DC_NS = "http://purl.org/dc/elements/1.1/"


class _DublinCore(BaseExtension):  # type: ignore[misc]
    """Declares `xmlns:dc` on RSS's root, for the items' `dc:creator`: what feedgen's `dc`
    extension adds to a feed with no Dublin Core field of its own."""

    def extend_ns(self) -> dict[str, str]:
        return {"dc": _DC_NS}


class _Creators(BaseEntryExtension):  # type: ignore[misc]
    """An item's `<dc:creator>`, one per author, since RSS's <author> needs an e-mail (FEEDS.md).
    The same elements feedgen's `dc` entry extension writes for `dc_creator()`, without its
    look-up of all fifteen Dublin Core fields on every item (a tenth of rendering RSS)."""

    def __init__(self) -> None:
        self.names: tuple[str, ...] = ()

    def extend_rss(self, item: etree._Element) -> etree._Element:
        for name in self.names:
            etree.SubElement(item, f"{{{_DC_NS}}}creator").text = name
        return item


class _ArchiveMark(BaseExtension):  # type: ignore[misc]
    """RFC 5005's `<fh:archive/>`: this document is an archive page, stable once full."""

    def extend_ns(self) -> dict[str, str]:
        return {"fh": _HISTORY_NS}

    def extend_atom(self, atom_feed: etree._Element) -> etree._Element:
        etree.SubElement(atom_feed, f"{{{_HISTORY_NS}}}archive")
        return atom_feed


_HISTORY_NS = "http://purl.org/syndication/history/1.0"


class _HubLink(BaseExtension):  # type: ignore[misc]
    """RSS's `<atom:link rel="hub">` (WebSub): feedgen writes only the `self` atom:link into RSS."""

    hub = ""

    def extend_ns(self) -> dict[str, str]:
        return {"atom": _ATOM_NS}

    def extend_rss(self, rss_feed: etree._Element) -> etree._Element:
        self_link = rss_feed.find(f"channel/{{{_ATOM_NS}}}link")
        if self_link is None:
            raise AssertionError("feedgen wrote no atom:link rel=self into RSS")
        self_link.addnext(etree.Element(f"{{{_ATOM_NS}}}link", href=self.hub, rel="hub"))
        return rss_feed


def _generator(feed: Feed, settings: Settings, entries: list[FeedEntry]) -> FeedGenerator:
    generator = FeedGenerator()
    # load_extension("dc") would first try to import a `dc_entry` module, in vain, for every feed.
    generator.register_extension("dc", _DublinCore, _Creators, atom=False, rss=True)
    if settings.hub:  # before any entry is added: feedgen registers extensions on entries too
        generator.register_extension("websub", _HubLink, BaseEntryExtension, atom=False, rss=True)
        generator.websub.hub = settings.hub
    generator.id(feed_id(settings.id_authority, settings.id_date, feed.path))
    generator.title(feed.title)
    generator.subtitle(feed.subtitle)
    generator.language(feed.language)
    generator.generator("feeds", version=__version__)
    # Neither may default to the clock: an empty feed is as old as its id.
    newest = feed.updated or datetime.fromisoformat((settings.id_date + "-01-01")[:10]).replace(tzinfo=UTC)
    generator.updated(wire_time(newest))
    generator.lastBuildDate(wire_time(newest))
    for entry in entries:
        generator.add_entry(entry, order="append")
    return generator


def _links(generator: FeedGenerator, settings: Settings, path: str, fmt: FeedFormat,
           related: dict[str, str]) -> None:
    """A document's links, replacing any set before: `self` first, then `related` (rel -> path
    of another document of this format), the hub, and the site last, because RSS's channel
    <link> is the last link added (a feedgen trap)."""
    generator.link(href=settings.url(path), rel="self", type=fmt.media_type, replace=True)
    if settings.hub:
        generator.link(href=settings.hub, rel="hub")  # Atom's; RSS gets it from _HubLink
    for rel, other in related.items():
        generator.link(href=settings.url(other), rel=rel, type=fmt.media_type)
    generator.link(href=settings.base_url, rel="alternate", type="text/html")


def _serialize(generator: FeedGenerator, feed: Feed, fmt: FeedFormat, settings: Settings) -> bytes:
    related = {}
    newest = archive_count(feed.total, settings.entries_per_feed) if settings.archives else 0
    if fmt is FeedFormat.ATOM and newest:
        related["prev-archive"] = archive_file(feed.path, newest)
    _links(generator, settings, feed_file(feed, fmt), fmt, related)
    if fmt is FeedFormat.ATOM:
        data: bytes = generator.atom_str(pretty=True)
    else:
        data = generator.rss_str(pretty=True)
    return _with_stylesheet(data, settings)


def _with_stylesheet(data: bytes, settings: Settings) -> bytes:
    # The stylesheet goes right after the XML declaration, before the root element.
    end = data.find(b"\n")
    if not data.startswith(b"<?xml ") or end < 0:
        declaration = data.partition(b"\n")[0]
        raise AssertionError(f"feedgen wrote no XML declaration line: {declaration[:60]!r}")
    # The rest goes in as a view: the document is copied once, not twice.
    return b"".join((data[: end + 1], stylesheet_instruction(settings), b"\n", memoryview(data)[end + 1 :]))
