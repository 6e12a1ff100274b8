"""Articles -> feeds: everything, one per category, one per author.

This is where names become slugs, because only here are all names known: two
names that share a slug are reported, and the younger one (by its earliest
article) gets a suffixed slug of its own instead of silently sharing a folder.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from feeds.config import Settings
from feeds.errors import Code, Diagnostic
from feeds.model import Article, Feed, FeedKind
from feeds.slugs import slugify
from feeds.text import fold


@dataclass(frozen=True, slots=True, kw_only=True)
class Grouped:
    feeds: tuple[Feed, ...]  # everything first, then categories, then authors, each by path
    published: tuple[Article, ...]  # every article that made it, newest first
    diagnostics: tuple[Diagnostic, ...]
    members: Mapping[str, tuple[Article, ...]]  # feed path -> every entry past the cap too, newest first


def newest_first(articles: Iterable[Article]) -> list[Article]:
    """By instant, newest first; ties broken by id so that the order never depends on input order."""
    by_id = sorted(articles, key=lambda a: a.id)
    return sorted(by_id, key=_instant, reverse=True)


def _instant(article: Article) -> datetime:
    return article.published


def group(articles: Sequence[Article], settings: Settings) -> Grouped:
    unique, diagnostics = _drop_duplicate_ids(articles)
    ordered = newest_first(untie(unique))
    cap = settings.entries_per_feed
    feeds = [
        Feed(kind=FeedKind.ALL, key="", title=settings.title, subtitle=settings.description, path="",
             language=settings.language, entries=tuple(ordered[:cap]), total=len(ordered))
    ]
    everyone: dict[str, tuple[Article, ...]] = {"": tuple(ordered)}

    categories = _slugged(ordered, lambda a: [(fold(a.category.name), a.category.name, a.category.line)],
                          diagnostics, "category")
    for slug, (name, members) in sorted(categories.items()):
        feeds.append(Feed(
            kind=FeedKind.CATEGORY, key=slug, title=f"{settings.title}: {name}",
            subtitle=f"{name}: the latest articles from {settings.title}.", path=f"category/{slug}",
            language=_language(members, settings), entries=tuple(members[:cap]), total=len(members)))
        everyone[f"category/{slug}"] = tuple(members)

    authors = _slugged(ordered, lambda a: [(fold(x.name), x.name, x.line) for x in a.authors],
                       diagnostics, "author")
    for slug, (name, members) in sorted(authors.items()):
        feeds.append(Feed(
            kind=FeedKind.AUTHOR, key=slug, title=f"{settings.title}: {name}",
            subtitle=_bio(name, members) or f"Articles by {name} in {settings.title}.",
            path=f"author/{slug}", language=_language(members, settings),
            entries=tuple(members[:cap]), total=len(members)))
        everyone[f"author/{slug}"] = tuple(members)
    return Grouped(feeds=tuple(feeds), published=tuple(ordered), diagnostics=tuple(diagnostics),
                   members=everyone)


def untie(articles: Sequence[Article]) -> list[Article]:
    """Articles whose `updated` is one instant, told apart by whole seconds.

    Two entries with one `updated` are what a publisher that stamps every entry
    with the build time writes, so validators warn about them (W3C DuplicateUpdated).
    Here they are mostly articles that state only a date (00:00) or the same minute,
    so the seconds are unknown anyway: the first (by id) keeps its time, each other
    one gets the next free second of that minute, and `published` moves with
    `updated` when they were equal. Times that state seconds are never moved, nor
    past their minute. Ids sorting first, usually the older files, keep their time.
    """
    by_instant: dict[datetime, list[Article]] = defaultdict(list)
    for article in sorted(articles, key=lambda a: a.id):
        by_instant[article.updated].append(article)  # aware datetimes: equal instants are one key
    taken = set(by_instant)
    result: list[Article] = []
    for moment, tied in by_instant.items():
        result.append(tied[0])
        whole_minute = moment.second == 0 and moment.microsecond == 0
        seconds = iter(range(1, 60) if whole_minute else ())
        for article in tied[1:]:
            later = next((m for s in seconds if (m := article.updated + timedelta(seconds=s)) not in taken), None)
            if later is None:  # 60 articles in one minute: the rest keep their time
                result.append(article)
                continue
            taken.add(later)
            published = later if article.published == article.updated else article.published
            result.append(replace(article, updated=later, published=published))
    return result


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


Keys = Callable[[Article], list[tuple[str, str, int]]]


def _slugged(ordered: Sequence[Article], keys: Keys, diagnostics: list[Diagnostic],
             what: str) -> dict[str, tuple[str, list[Article]]]:
    """Members per name (names equal after fold() are one), each under a slug of its own.

    `keys` gives (fold key, spelling, line) per article. Two names with one slug are
    reported, never merged: the name that has been published longest (earliest
    article) keeps the plain slug, so a look-alike that comes later, however many
    articles it gets, never moves an established feed; the other gets
    `<slug>-<hash of its key>`, which no later spelling or count changes either.
    """
    members: dict[str, list[Article]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    first_seen: dict[str, tuple[str, int]] = {}
    for article in ordered:
        for key, name, line in keys(article):
            if not members[key] or members[key][-1] is not article:
                members[key].append(article)
            spellings[key][name] += 1
            first_seen.setdefault(key, (article.source, line))
    # The most used spelling names the feed; ties go to the first in sort order.
    names = {key: min(c.items(), key=lambda item: (-item[1], item[0]))[0] for key, c in spellings.items()}

    by_slug: dict[str, list[str]] = defaultdict(list)
    for key in sorted(members):
        by_slug[slugify(key)].append(key)
    result: dict[str, tuple[str, list[Article]]] = {}
    later: list[tuple[str, str, str]] = []  # (slug, key, owner key) of the names that must move aside
    for slug, keys_here in sorted(by_slug.items()):
        keys_here.sort(key=lambda k: (_instant(members[k][-1]), members[k][-1].id, k))
        result[slug] = (names[keys_here[0]], members[keys_here[0]])
        later += [(slug, key, keys_here[0]) for key in keys_here[1:]]
    for slug, key, owner in later:
        own = _free(slug, key, result)
        result[own] = (names[key], members[key])
        source, line = first_seen[key]
        diagnostics.append(Diagnostic(
            code=Code.SLUG_COLLISION, file=source, line=line,
            message=f"The {what} {names[key]!r} has the same folder name as {names[owner]!r} "
                    f"({what}/{slug}); it is published under {what}/{own} instead."))
    return result


def _free(slug: str, key: str, taken: Mapping[str, object]) -> str:
    """`<slug>-<hash>` for a name that lost its plain slug, longer if even that is taken."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    for size in range(6, len(digest) + 1):
        candidate = f"{slug}-{digest[:size]}"
        if candidate not in taken:
            return candidate
    raise AssertionError(f"no free slug for {key!r}")  # pragma: no cover: sha256 has 64 digits


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
