"""Articles -> feeds: everything, one per category, one per author.

This is where names become slugs, because only here are all names known: two
names that share a slug are reported, and the one with fewer articles gets a
suffixed slug of its own instead of silently sharing a folder.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from feeds.config import Settings
from feeds.errors import Code, Diagnostic
from feeds.model import Article, Feed, FeedKind
from feeds.slugs import short_hash, slugify
from feeds.text import fold


@dataclass(frozen=True, slots=True, kw_only=True)
class Grouped:
    feeds: tuple[Feed, ...]  # everything first, then categories, then authors, each by path
    published: tuple[Article, ...]  # every article that made it, newest first
    diagnostics: tuple[Diagnostic, ...]


def newest_first(articles: Iterable[Article]) -> list[Article]:
    """By instant, newest first; ties broken by id so that the order never depends on input order."""
    by_id = sorted(articles, key=lambda a: a.id)
    return sorted(by_id, key=_instant, reverse=True)


def _instant(article: Article) -> datetime:
    return article.published


def group(articles: Sequence[Article], settings: Settings) -> Grouped:
    unique, diagnostics = _drop_duplicate_ids(articles)
    ordered = newest_first(unique)
    cap = settings.entries_per_feed
    feeds = [
        Feed(kind=FeedKind.ALL, key="", title=settings.title, subtitle=settings.description, path="",
             language=settings.language, entries=tuple(ordered[:cap]), total=len(ordered))
    ]

    categories = _slugged(ordered, lambda a: [(fold(a.category.name), a.category.name, a.category.line)],
                          diagnostics, "category")
    for slug, (name, members) in sorted(categories.items()):
        feeds.append(Feed(
            kind=FeedKind.CATEGORY, key=slug, title=f"{settings.title}: {name}",
            subtitle=f"{name}: the latest articles from {settings.title}.", path=f"category/{slug}",
            language=_language(members, settings), entries=tuple(members[:cap]), total=len(members)))

    authors = _slugged(ordered, lambda a: [(fold(x.name), x.name, x.line) for x in a.authors],
                       diagnostics, "author")
    for slug, (name, members) in sorted(authors.items()):
        feeds.append(Feed(
            kind=FeedKind.AUTHOR, key=slug, title=f"{settings.title}: {name}",
            subtitle=_bio(name, members) or f"Articles by {name} in {settings.title}.",
            path=f"author/{slug}", language=_language(members, settings),
            entries=tuple(members[:cap]), total=len(members)))
    return Grouped(feeds=tuple(feeds), published=tuple(ordered), diagnostics=tuple(diagnostics))


def _drop_duplicate_ids(articles: Sequence[Article]) -> tuple[list[Article], list[Diagnostic]]:
    seen: dict[str, Article] = {}
    diagnostics: list[Diagnostic] = []
    for article in sorted(articles, key=lambda a: a.source):
        first = seen.setdefault(article.id, article)
        if first is not article:
            diagnostics.append(Diagnostic(
                code=Code.DUP_ID, file=article.source, line=1,
                message=f"The id {article.id} is already used by {first.source}; this article is skipped."))
    return list(seen.values()), diagnostics


Keys = Callable[[Article], list[tuple[Hashable, str, int]]]


def _slugged(ordered: Sequence[Article], keys: Keys, diagnostics: list[Diagnostic],
             what: str) -> dict[str, tuple[str, list[Article]]]:
    """Members per name (names equal after fold() are one), each under a unique slug."""
    members: dict[Hashable, list[Article]] = defaultdict(list)
    spellings: dict[Hashable, Counter[str]] = defaultdict(Counter)
    first_seen: dict[Hashable, tuple[str, int]] = {}
    for article in ordered:
        for key, name, line in keys(article):
            if not members[key] or members[key][-1] is not article:
                members[key].append(article)
            spellings[key][name] += 1
            first_seen.setdefault(key, (article.source, line))
    # The most used spelling names the feed; ties go to the first in sort order.
    names = {key: min(c.items(), key=lambda item: (-item[1], item[0]))[0] for key, c in spellings.items()}

    by_slug: dict[str, list[Hashable]] = defaultdict(list)
    for key in members:
        by_slug[slugify(names[key])].append(key)
    result: dict[str, tuple[str, list[Article]]] = {}
    for slug, keys_here in by_slug.items():
        # The name with the most articles keeps the plain slug, so adding a rare
        # look-alike later never moves an established feed.
        keys_here.sort(key=lambda k: (-len(members[k]), names[k]))
        owner = keys_here[0]
        result[slug] = (names[owner], members[owner])
        for key in keys_here[1:]:
            own = f"{slug}-{short_hash(names[key])}"
            result[own] = (names[key], members[key])
            source, line = first_seen[key]
            diagnostics.append(Diagnostic(
                code=Code.SLUG_COLLISION, file=source, line=line,
                message=f"The {what} {names[key]!r} has the same folder name as {names[owner]!r} "
                        f"({what}/{slug}); it is published under {what}/{own} instead."))
    return result


def _language(members: Sequence[Article], settings: Settings) -> str:
    """The feed's language: its articles' most common one, else the site's."""
    counts = Counter(a.language for a in members)
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0] if counts else settings.language


def _bio(name: str, members: Sequence[Article]) -> str:
    """The author's own bio from their newest article that has one: the feed's description."""
    key = fold(name)
    for article in members:
        if article.bio and fold(article.bio[0]) == key:
            return " ".join(article.bio[1:])
    return ""
