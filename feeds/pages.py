"""The HTML beside the feeds: `index.html` with autodiscovery, one page per article
(the entries' `link`), and the OPML list a reader imports at once.

Every piece of text is escaped here; `Article.content_html` was escaped when it was made.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from html import escape
from importlib import resources
from xml.etree import ElementTree

from feeds.config import Settings
from feeds.ids import article_path
from feeds.jsonfeed import MEDIA_TYPE as JSON_FEED_TYPE
from feeds.jsonfeed import json_feed_path
from feeds.model import Article, Feed, FeedKind
from feeds.render import STYLESHEET, FeedFormat, Rendered, feed_file

_LABELS = {FeedFormat.ATOM: "Atom", FeedFormat.RSS: "RSS"}
_KIND_HEADINGS = {FeedKind.ALL: "Everything", FeedKind.CATEGORY: "Categories", FeedKind.AUTHOR: "Authors"}

_PAGE_CSS = """\
body { font: 16px/1.55 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       color: #1b1b1b; background: #fff; }
h1 { font-size: 1.8rem; line-height: 1.25; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
a { color: #0b57d0; }
.meta { color: #555; font-size: .9rem; }
ul.feeds { padding-left: 1.2rem; }
ul.feeds li { margin: .25rem 0; }
.formats a { font-size: .85rem; margin-left: .5rem; }
"""


def render_pages(feeds: Sequence[Feed], articles: Iterable[Article], settings: Settings) -> Iterator[Rendered]:
    """The site's pages, then every article's."""
    yield from site_pages(feeds, settings)
    for article in articles:
        yield article_page(article, settings)


def site_pages(feeds: Sequence[Feed], settings: Settings) -> Iterator[Rendered]:
    """The pages about the feeds: the index, the OPML list and the style sheets."""
    yield Rendered(path="index.html", data=_index(feeds, settings).encode("utf-8"))
    yield Rendered(path="feeds.opml", data=_opml(feeds, settings))
    yield Rendered(path="style.css", data=_PAGE_CSS.encode("utf-8"))
    yield Rendered(path=STYLESHEET, data=feed_stylesheet())


def article_page(article: Article, settings: Settings) -> Rendered:
    """The page an entry links to. It depends on the article and the settings only."""
    return Rendered(path=page_path(article, settings), data=_article(article, settings).encode("utf-8"))


def page_path(article: Article, settings: Settings) -> str:
    """Where the page of `article` lives in the output: where its link points (normalize made
    the link from `article_path`, so it is read back rather than computed again)."""
    if article.link.startswith(settings.base_url):
        return article.link[len(settings.base_url):]
    return article_path(article.source)


def feed_stylesheet() -> bytes:
    """The CSS every feed links to (`render.stylesheet_instruction`): feeds/data/feed.css."""
    return resources.files("feeds").joinpath("data", STYLESHEET).read_bytes()


def _page(*, title: str, language: str, head: str, body: str, settings: Settings) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{escape(settings.url("style.css"))}">\n{head}</head>\n'
        f"<body>\n{body}</body>\n</html>\n"
    )


def _files(feed: Feed, settings: Settings) -> list[tuple[str, str, str]]:
    """(label, media type, URL) of each file a feed is published as."""
    files = [(_LABELS[fmt], fmt.media_type, settings.url(feed_file(feed, fmt))) for fmt in FeedFormat]
    return [*files, ("JSON Feed", JSON_FEED_TYPE, settings.url(json_feed_path(feed)))]


def _index(feeds: Sequence[Feed], settings: Settings) -> str:
    head = "".join(
        f'<link rel="alternate" type="{media_type}" title="{escape(feed.title)} ({label})" href="{escape(url)}">\n'
        for feed in feeds
        for label, media_type, url in _files(feed, settings)
    )
    sections = []
    for kind, heading in _KIND_HEADINGS.items():
        items = "".join(_feed_item(feed, settings) for feed in feeds if feed.kind is kind)
        if items:
            sections.append(f"<h2>{heading}</h2>\n<ul class=\"feeds\">\n{items}</ul>\n")
    body = (
        f"<h1>{escape(settings.title)}</h1>\n<p>{escape(settings.description)}</p>\n"
        f'<p class="meta">Subscribe in a feed reader, or import <a href="{escape(settings.url("feeds.opml"))}">'
        f"every feed at once (OPML)</a>.</p>\n" + "".join(sections)
    )
    return _page(title=settings.title, language=settings.language, head=head, body=body, settings=settings)


def _feed_item(feed: Feed, settings: Settings) -> str:
    links = "".join(f'<a href="{escape(url)}">{label}</a>' for label, _, url in _files(feed, settings))
    count = f"{feed.total} article{'s' if feed.total != 1 else ''}"
    return f'<li>{escape(feed.title)} <span class="meta">({count})</span><span class="formats">{links}</span></li>\n'


def _article(article: Article, settings: Settings) -> str:
    authors = ", ".join(escape(a.name) for a in article.authors)
    published = article.published.isoformat()
    bio = ""
    if article.bio:
        paragraphs = "".join(f"<p>{escape(p)}</p>\n" for p in article.bio[1:])
        bio = f'<aside>\n<h2>About {escape(article.bio[0])}</h2>\n{paragraphs}</aside>\n'
    body = (
        f'<p class="meta"><a href="{escape(settings.base_url)}">{escape(settings.title)}</a> · '
        f"{escape(article.category.name)}</p>\n<article>\n<h1>{escape(article.title)}</h1>\n"
        f'<p class="meta">By {authors} · <time datetime="{published}">{escape(published)}</time></p>\n'
        f"{article.content_html}\n</article>\n{bio}"
    )
    return _page(title=article.title, language=article.language, head="", body=body, settings=settings)


def _opml(feeds: Sequence[Feed], settings: Settings) -> bytes:
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = settings.title
    body = ElementTree.SubElement(root, "body")
    for kind, heading in _KIND_HEADINGS.items():
        group = ElementTree.SubElement(body, "outline", text=heading, title=heading)
        for feed in (f for f in feeds if f.kind is kind):
            _outline(group, feed, settings.url(feed_file(feed, FeedFormat.ATOM)), settings)
    # The same feeds as JSON Feed, in a group of their own: a reader that imports the
    # whole file subscribes to them twice, one that imports a group gets one format.
    group = ElementTree.SubElement(body, "outline", text="JSON Feed", title="JSON Feed")
    for feed in feeds:
        _outline(group, feed, settings.url(json_feed_path(feed)), settings, version="JSON")
    ElementTree.indent(root)
    data: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _outline(group: ElementTree.Element, feed: Feed, url: str, settings: Settings, **extra: str) -> None:
    """A subscription in OPML 2.0 terms: `type="rss"` stands for any feed format."""
    attributes = {"type": "rss", **extra, "text": feed.title, "title": feed.title, "xmlUrl": url,
                  "htmlUrl": settings.base_url}
    ElementTree.SubElement(group, "outline", attributes)
