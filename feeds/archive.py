"""RFC 5005 archived feeds: the history a capped subscription document leaves out.

The subscription document (`atom.xml`) holds the newest N entries. Everything
older is cut into archive pages of N entries counted from the oldest, so page 1
is the oldest. Counting from the oldest is what keeps pages stable: new articles
only ever push entries onto the newest page, so a page that is full never
changes again and caches and readers may keep it forever. Only the newest page
may be partial, and it grows until it is full. A full page links `next-archive`
to its successor from the start, so that link never has to be added later: when
the newest page fills up, an empty page follows it, which the next archived
entry starts to fill; a first page that is not yet full has an empty second one too.

A backdated article (published before entries already archived) moves every
later entry one place, which rewrites the pages after its own; readers still see
each entry once, by id. That is the one edit that can change a full page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from feeds.model import Article


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivePage:
    number: int  # 1 is the oldest page
    entries: tuple[Article, ...]  # newest first, like every feed document
    full: bool


def archive_count(total: int, per_page: int) -> int:
    """How many archive pages a feed of `total` entries has beside its subscription document:
    as many as the archived entries fill, and one more (partial or empty) after the last full one."""
    archived = max(0, total - per_page)
    # At least two: a lone archive page would have no archive link at all (validators flag
    # that), and page 1 would have to gain its `next-archive` link later.
    return 0 if archived == 0 else max(2, archived // per_page + 1)


def archive_file(feed_path: str, number: int) -> str:
    """Where archive page `number` of the feed in folder `feed_path` lives: `category/x/archive/3.xml`."""
    return f"{feed_path}/archive/{number}.xml" if feed_path else f"archive/{number}.xml"


def archive_pages(newest_first: Sequence[Article], per_page: int) -> tuple[ArchivePage, ...]:
    """The archive pages of a feed whose subscription document holds the newest `per_page`.

    `newest_first` is every entry of the feed, newest first. The result is ordered
    oldest page first; it is empty when the subscription document holds everything.
    """
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    older = list(reversed(newest_first[per_page:]))  # oldest first
    pages = []
    for number in range(1, archive_count(len(newest_first), per_page) + 1):
        chunk = older[(number - 1) * per_page : number * per_page]
        pages.append(ArchivePage(number=number, entries=tuple(reversed(chunk)), full=len(chunk) == per_page))
    return tuple(pages)
