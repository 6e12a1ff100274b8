"""Feed -> bytes: JSON Feed 1.1 (https://jsonfeed.org/version/1.1), beside each Atom/RSS pair.

Each item carries exactly what the Atom entry carries: the same `tag:` id, link,
title, authors, category, summary, HTML content, and the same RFC 3339 dates
with the article's own offset (`wire_time`, as in Atom). Keys are written in the
spec's order, without sorting and without the clock: the same feed always gives
the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

from feeds.config import Settings
from feeds.model import Article, Author, Feed, FeedKind
from feeds.render import Rendered, wire_time
from feeds.slugs import slugify

VERSION = "https://jsonfeed.org/version/1.1"
FILENAME = "feed.json"
MEDIA_TYPE = "application/feed+json"  # the spec's type; static hosts serve .json as application/json


def json_feed_path(feed: Feed) -> str:
    """Where a feed's JSON Feed lives inside the output folder, beside its atom.xml and rss.xml."""
    return f"{feed.path}/{FILENAME}" if feed.path else FILENAME


def render_json_feeds(feeds: Iterable[Feed], settings: Settings) -> Iterator[Rendered]:
    """One `feed.json` per feed, at its public URL under `settings.base_url`."""
    for feed in feeds:
        path = json_feed_path(feed)
        yield Rendered(path=path, data=render_json_feed(feed, settings, feed_url=settings.url(path),
                                                        home_url=settings.base_url))


def render_json_feed(feed: Feed, settings: Settings, *, feed_url: str, home_url: str) -> bytes:
    document: dict[str, Any] = {
        "version": VERSION,
        "title": feed.title,
        "home_page_url": home_url,
        "feed_url": feed_url,
        "description": feed.subtitle,
    }
    if authors := _feed_authors(feed):
        document["authors"] = [_author(a) for a in authors]
    document["language"] = feed.language
    if settings.hub:
        document["hubs"] = [{"type": "WebSub", "url": settings.hub}]
    document["items"] = [_Item(article) for article in feed.entries]
    return (pretty_json(document) + "\n").encode("utf-8")


# What json.dumps escapes every str with when ensure_ascii=False (C), called directly rather
# than through JSONEncoder.encode, which adds a Python frame to each of a feed's ~700 strings.
_string = encode_basestring
_ascii_string = encode_basestring_ascii


def _long_string(text: str) -> str:
    """`_string(text)`, sooner for most of the text of an article: for ASCII without DEL (which
    only the ASCII encoder escapes), the ASCII encoder writes the same in 60% of the time."""
    if text.isascii() and "\x7f" not in text:
        return _ascii_string(text)
    return _string(text)


# Any other scalar (number, bool, None) the way json.dumps writes it.
_scalar = json.JSONEncoder(ensure_ascii=False).encode
_INDENT = "  "


def pretty_json(value: object) -> str:
    """Exactly `json.dumps(value, ensure_ascii=False, indent=2)` for dicts with str keys, lists,
    tuples and JSON scalars, in about 70% of its time: with `indent`, json.dumps runs its
    pure-Python encoder on every value; here only the layout is Python, the escaping is C
    (and most of what is left: json.dumps without `indent`, all C, is only 15% faster)."""
    parts: list[str] = []
    _write(value, parts, "\n")
    return "".join(parts)


def _write(value: object, parts: list[str], newline: str) -> None:
    """Append `value` to `parts`; `newline` is a line break and the indentation `value` starts at."""
    if isinstance(value, str):
        parts.append(_string(value))
    elif isinstance(value, dict):
        _write_object(value, parts, newline)
    elif isinstance(value, list | tuple):
        _write_array(value, parts, newline)
    elif isinstance(value, _Item):
        parts.append(_item_text(value.article, newline))
    else:
        parts.append(_scalar(value))


def _write_object(value: dict[object, object], parts: list[str], newline: str) -> None:
    if not value:
        parts.append("{}")
        return
    inner = newline + _INDENT
    separator = "{" + inner
    for key, item in value.items():
        if not isinstance(key, str):
            raise TypeError(f"pretty_json writes str keys only, not {key!r}")
        if isinstance(item, str):  # most values: written here, without a call to _write
            parts += (separator, _string(key), ": ", _string(item))
        else:
            parts += (separator, _string(key), ": ")
            _write(item, parts, inner)
        separator = "," + inner
    parts.append(newline + "}")


def _write_array(value: list[object] | tuple[object, ...], parts: list[str], newline: str) -> None:
    if not value:
        parts.append("[]")
        return
    inner = newline + _INDENT
    separator = "[" + inner
    for item in value:
        parts.append(separator)
        _write(item, parts, inner)
        separator = "," + inner
    parts.append(newline + "]")


@dataclass(frozen=True, slots=True)
class _Item:
    """A feed item in a document for `pretty_json` (`_item_text`): the item object of JSON Feed
    1.1 with the keys in the spec's order, carrying what the Atom entry carries."""

    article: Article


def _item_text(article: Article, newline: str) -> str:
    """The item as `pretty_json` would write its object at `newline`, in one piece rather than
    through a dict of it: the items are most of a feed's JSON (the tests hold the two equal)."""
    n1 = newline + _INDENT
    n2 = n1 + _INDENT
    n3 = n2 + _INDENT
    authors = ",".join(f'{n2}{{{n3}"name": {_string(a.name)}{n2}}}' for a in article.authors)
    return "".join((
        "{", n1, '"id": ', _string(article.id),
        ",", n1, '"url": ', _string(article.link),
        ",", n1, '"title": ', _string(article.title),
        ",", n1, '"content_html": ', _long_string(article.content_html),
        ",", n1, '"summary": ', _long_string(article.summary),
        ",", n1, '"date_published": ', _string(_rfc3339(article.published)),
        ",", n1, '"date_modified": ', _string(_rfc3339(article.updated)),
        ",", n1, '"authors": ', f"[{authors}{n1}]" if authors else "[]",
        ",", n1, '"tags": [', n2, _string(article.category.name), n1, "]",
        ",", n1, '"language": ', _string(article.language),
        newline, "}",
    ))


def _rfc3339(moment: datetime) -> str:
    """The same text Atom's <published>/<updated> carry: `2024-03-05T09:30:00-05:00`."""
    return wire_time(moment).isoformat()


def _author(author: Author) -> dict[str, str]:
    return {"name": author.name}


def _feed_authors(feed: Feed) -> tuple[Author, ...]:
    """An author's feed names its author; the other feeds name none (each item names its own).

    The author is the one every entry shares whose slug is the feed's (a suffixed slug
    after a collision starts with it); with no entries there is nobody to name.
    """
    if feed.kind is not FeedKind.AUTHOR or not feed.entries:
        return ()
    shared = [a for a in feed.entries[0].authors if all(a in e.authors for e in feed.entries[1:])]
    own = [a for a in shared if feed.key == slugify(a.name) or feed.key.startswith(slugify(a.name) + "-")]
    return tuple(own or shared)
