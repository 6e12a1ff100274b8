"""Articles -> feeds: everything, one per category, one per author.

This is where names become slugs, because only here are all names known: two
names that share a slug are reported, and the younger one (by its earliest
article) gets a suffixed slug of its own instead of silently sharing a folder.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from operator import attrgetter

from feeds.config import Settings
from feeds.errors import Code, Diagnostic
from feeds.model import Article, Author, Category, Feed, FeedKind
from feeds.slugs import slugify
from feeds.text import fold


@dataclass(frozen=True, slots=True, kw_only=True)
class Names:
    """What grouping learnt of one kind of name (categories or authors): enough to tell
    whether one more article that names known ones leaves every feed's name and slug as
    they are (`admit`)."""

    spellings: Mapping[str, str]  # spelling -> fold key
    uses: Mapping[str, int]  # spelling -> how often it is written
    slugs: Mapping[str, str]  # fold key -> the slug of its feed
    collided: frozenset[str]  # fold keys whose slug another name wanted too


@dataclass(frozen=True, slots=True, kw_only=True)
class Index:
    """What a later build needs to add an article to these feeds without grouping again."""

    instants: tuple[int, ...]  # each article's `updated` as untie found it, µs since the epoch, sorted
    on_a_clock_change: bool  # some article's date has two offsets: `newest_first` compares datetimes
    languages: frozenset[str]
    categories: Names
    authors: Names


@dataclass(frozen=True, slots=True, kw_only=True)
class Grouped:
    feeds: tuple[Feed, ...]  # everything first, then categories, then authors, each by path
    published: tuple[Article, ...]  # every article that made it, newest first
    diagnostics: tuple[Diagnostic, ...]
    members: Mapping[str, tuple[Article, ...]]  # feed path -> every entry past the cap too, newest first
    index: Index


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_id = attrgetter("id")
_published = attrgetter("published")
_language_of = attrgetter("language")


def newest_first(articles: Iterable[Article], on_a_clock_change: bool | None = None) -> list[Article]:
    """By instant, newest first; ties broken by id so that the order never depends on input order.
    `on_a_clock_change`: whether the date of one of them is, if the caller knows."""
    by_id = sorted(articles, key=_id)
    if _any_on_a_clock_change(by_id) if on_a_clock_change is None else on_a_clock_change:
        # Aware datetimes that share a tzinfo compare by their wall clocks, which around
        # such a time is not the order of their instants: compare the datetimes themselves.
        return sorted(by_id, key=_published, reverse=True)
    # Otherwise the same order, from keys made once: a sort of 100,000 articles compares
    # 1.7 million pairs, and comparing two datetimes of different zones costs more than a key.
    return sorted(by_id, key=_instant, reverse=True)


def _instant(article: Article) -> timedelta:
    return article.published - _EPOCH


def _any_on_a_clock_change(articles: Sequence[Article]) -> bool:
    return any(map(_on_a_clock_change, map(_published, articles)))


def microseconds(moment: datetime) -> int:
    """An aware datetime's instant as a whole number (µs since the epoch): an `Index` key."""
    return (moment - _EPOCH) // _MICROSECOND


_MICROSECOND = timedelta(microseconds=1)


def _on_a_clock_change(moment: datetime) -> bool:
    """Whether a DST change skips or repeats `moment`'s local time, so that it has two offsets."""
    if isinstance(moment.tzinfo, timezone):  # a fixed offset: the usual case, answered fast
        return False
    return moment.utcoffset() != moment.replace(fold=1 - moment.fold).utcoffset()


def group(articles: Sequence[Article], settings: Settings) -> Grouped:
    unique, diagnostics = _drop_duplicate_ids(articles)
    untied = untie(unique)
    on_a_clock_change = _any_on_a_clock_change(untied)  # asked once: 0.1 s at 100,000 articles
    ordered = newest_first(untied, on_a_clock_change)
    instants = tuple(sorted(microseconds(a.updated) for a in unique))
    cap = settings.entries_per_feed
    language = _languages(ordered, settings)
    feeds = [
        Feed(kind=FeedKind.ALL, key="", title=settings.title, subtitle=settings.description, path="",
             language=settings.language, entries=tuple(ordered[:cap]), total=len(ordered))
    ]
    everyone: dict[str, tuple[Article, ...]] = {"": tuple(ordered)}

    categories, category_names = _slugged(ordered, _category, diagnostics, "category")
    for slug, (name, members) in sorted(categories.items()):
        feeds.append(named_feed(FeedKind.CATEGORY, slug, name, members, language(members), settings))
        everyone[f"category/{slug}"] = tuple(members)

    authors, author_names = _slugged(ordered, _authors, diagnostics, "author")
    for slug, (name, members) in sorted(authors.items()):
        feeds.append(named_feed(FeedKind.AUTHOR, slug, name, members, language(members), settings))
        everyone[f"author/{slug}"] = tuple(members)
    index = Index(instants=instants, on_a_clock_change=on_a_clock_change,
                  languages=frozenset(map(_language_of, ordered)), categories=category_names, authors=author_names)
    return Grouped(feeds=tuple(feeds), published=tuple(ordered), diagnostics=tuple(diagnostics),
                   members=everyone, index=index)


def named_feed(kind: FeedKind, slug: str, name: str, members: Sequence[Article], language: str,
               settings: Settings) -> Feed:
    """The category or author feed of `name` (its `slug`), of `members`, newest first."""
    if kind is FeedKind.CATEGORY:
        subtitle = f"{name}: the latest articles from {settings.title}."
    else:
        subtitle = _author_subtitle(name, _bio(name, members) or "", settings)
    return Feed(kind=kind, key=slug, title=f"{settings.title}: {name}", subtitle=subtitle, path=f"{kind}/{slug}",
                language=language, entries=tuple(members[:settings.entries_per_feed]), total=len(members))


def feed_name(names: Names, key: str) -> str:
    """The spelling that names the feed of the fold key `key` (`_feed_names`)."""
    return _feed_names({s: k for s, k in names.spellings.items() if k == key}, names.uses)[key]


Feeds = dict[tuple[FeedKind, str], str]
"""(kind, slug) of category and author feeds -> the fold key of their name."""


def admit(index: Index, article: Article) -> tuple[Index, Feeds] | None:
    """Whether `article`, added to the articles `index` was made of (its id new among them), is
    grouped so that nothing else moves: then the index with it, and the category and author
    feeds it joins (besides the feed of everything; where in each it goes is `newest_first`'s
    order, by instant then id; whether its bio changes an author feed's subtitle is
    `subtitle_after`'s to say). None when grouping must run again (`_moved`)."""
    moved = _moved(index, None, article)
    return None if moved is None else (moved[0], moved[2])


def retire(index: Index, article: Article) -> tuple[Index, Feeds] | None:
    """`admit` the other way: whether `article`, one of the articles `index` was made of, can
    leave them without moving another; then the index without it, and the feeds it leaves."""
    moved = _moved(index, article, None)
    return None if moved is None else (moved[0], moved[1])


def regroup(index: Index, old: Article, new: Article) -> tuple[Index, Feeds, Feeds] | None:
    """An article whose dates, bylines or category changed from `old` to `new`: `retire` and
    `admit` at once (its feed may lose it and get it back); the feeds it leaves and joins."""
    return _moved(index, old, new)


def _moved(index: Index, leaving: Article | None, joining: Article | None) -> tuple[Index, Feeds, Feeds] | None:
    """The index without `leaving` and with `joining`, when that moves no other article; and the
    feeds each is in (a feed it starts or ends among them). None when `untie` would move another
    (an article within two minutes of either: it works within a minute), a feed would take
    another spelling of its name, a slug collision is involved, a feed's language could change,
    or a date is on a clock change (where `newest_first` compares datetimes, not instants)."""
    if index.on_a_clock_change:
        return None
    instants = list(index.instants)
    if leaving is not None:
        moment = microseconds(leaving.updated)
        low = bisect.bisect_left(instants, moment - _NEAR)
        if bisect.bisect_right(instants, moment + _NEAR) - low != 1 or instants[low] != moment:
            return None
        del instants[low]
    if joining is not None:
        moment = microseconds(joining.updated)
        near = bisect.bisect_left(instants, moment - _NEAR)
        offset = joining.updated.utcoffset()
        if (near < len(instants) and instants[near] <= moment + _NEAR) or offset is None or offset % _MINUTE \
                or _on_a_clock_change(joining.published) or _on_a_clock_change(joining.updated):
            return None
        bisect.insort(instants, moment)
    if any(index.languages != {a.language} for a in (leaving, joining) if a is not None):
        return None
    after: list[Names] = []
    left: Feeds = {}
    joined: Feeds = {}
    for kind, known, names in ((FeedKind.CATEGORY, index.categories, _category),
                               (FeedKind.AUTHOR, index.authors, _authors)):
        done = _moved_names(known, names(leaving) if leaving else (), names(joining) if joining else ())
        if done is None:
            return None
        after.append(done[0])
        left.update(((kind, slug), key) for slug, key in done[1].items())
        joined.update(((kind, slug), key) for slug, key in done[2].items())
    return replace(index, instants=tuple(instants), categories=after[0], authors=after[1]), left, joined


_NEAR = 120_000_000  # µs
_MINUTE = timedelta(minutes=1)


def _moved_names(known: Names, leaving: Iterable[Author | Category], joining: Iterable[Author | Category]) -> tuple[
        Names, dict[str, str], dict[str, str]] | None:
    """`known` with the names `leaving` used once less each and `joining` once more, and the slugs
    (-> fold key) of the feeds each is in; None when a feed would be named by another spelling,
    or one touches a collision. A name not known yet starts a feed, under its plain slug, when
    no other name has or wants that slug (group gives it the same); a name no longer used ends
    its feed, which no other name wanted the slug of."""
    spellings, uses, slugs = dict(known.spellings), dict(known.uses), dict(known.slugs)
    left, joined = {}, {}
    for name in leaving:
        key = spellings.get(name.name)
        if key is None or key in known.collided or uses.get(name.name, 0) < 1:
            return None
        uses[name.name] -= 1
        if not uses[name.name]:
            del uses[name.name], spellings[name.name]
        left[known.slugs[key]] = key
    for name in joining:
        key = spellings.get(name.name) or fold(name.name)
        if key in known.collided:
            return None
        if key not in slugs:
            slug = slugify(key)
            if not slug or slug in slugs.values():
                return None
            slugs[key] = slug
        spellings[name.name] = key
        uses[name.name] = uses.get(name.name, 0) + 1
        joined[slugs[key]] = key
    for key in {*left.values(), *joined.values()}:
        remaining = {s: k for s, k in spellings.items() if k == key}
        if not remaining:
            del slugs[key]  # its feed ends
            continue
        if key in known.slugs and _feed_names(remaining, uses)[key] != feed_name(known, key):
            return None
    return replace(known, spellings=spellings, uses=uses, slugs=slugs), left, joined


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
    first: dict[datetime, Article] = {}  # aware datetimes: equal instants are one key
    tied: dict[datetime, list[Article]] = defaultdict(list)  # the others at that instant, if any
    for article in sorted(articles, key=_id):
        earlier = first.setdefault(article.updated, article)
        if earlier is not article:
            tied[earlier.updated].append(article)
    taken = set(first)
    result: list[Article] = []
    for moment, article in first.items():
        result.append(article)
        if moment in tied:
            result += _spread(moment, tied[moment], taken)
    return result


def _spread(moment: datetime, tied: Sequence[Article], taken: set[datetime]) -> list[Article]:
    """The articles after the first at `moment`, each moved to the next second not `taken` if any."""
    free = iter(_SECONDS if moment.second == 0 and moment.microsecond == 0 else ())
    moved: list[Article] = []
    for article in tied:
        for step in free:  # shared: the next article goes on from the second this one took
            later = article.updated + step
            if later not in taken:
                taken.add(later)
                published = later if article.published == article.updated else article.published
                moved.append(replace(article, updated=later, published=published))
                break
        else:  # 60 articles in one minute: the rest keep their time
            moved.append(article)
    return moved


_SECONDS = [timedelta(seconds=s) for s in range(1, 60)]


def _drop_duplicate_ids(articles: Sequence[Article]) -> tuple[list[Article], list[Diagnostic]]:
    seen: dict[str, Article] = {}
    diagnostics: list[Diagnostic] = []
    for article in sorted(articles, key=attrgetter("source")):
        first = seen.setdefault(article.id, article)
        if first is not article:
            diagnostics.append(Diagnostic(
                code=Code.DUP_ID, file=article.source, line=1,
                message=f"The id {article.id} is already used by {first.source}; this article is skipped."))
    return list(seen.values()), diagnostics


NamesOf = Callable[[Article], Iterable[Author | Category]]


def _category(article: Article) -> tuple[Category]:
    return (article.category,)


def _authors(article: Article) -> tuple[Author, ...]:
    return article.authors


def _slugged(ordered: Sequence[Article], names: NamesOf, diagnostics: list[Diagnostic],
             what: str) -> tuple[dict[str, tuple[str, list[Article]]], Names]:
    """Members per name (names equal after fold() are one), each under a slug of its own.

    `names` gives the author or category entries of an article. Two names with one slug
    are reported, never merged: the name that has been published longest (earliest
    article) keeps the plain slug, so a look-alike that comes later, however many
    articles it gets, never moves an established feed; the other gets
    `<slug>-<hash of its key>`, which no later spelling or count changes either.
    """
    members: dict[str, list[Article]] = {}  # fold key -> articles, in the order given
    first_seen: dict[str, tuple[str, int]] = {}  # fold key -> where it was first read
    uses: Counter[str] = Counter()  # spelling -> how often it is written
    keys: dict[str, str] = {}  # spelling -> fold key: a few hundred names, fold()-ed once each
    for article in ordered:
        for named in names(article):
            spelling = named.name
            uses[spelling] += 1
            key = keys.get(spelling)
            if key is None:
                key = keys[spelling] = fold(spelling)
            these = members.get(key)
            if these is None:
                members[key] = [article]
                first_seen[key] = (article.source, named.line)
            elif these[-1] is not article:  # an article that names it twice is one member
                these.append(article)
    names_of = _feed_names(keys, uses)

    by_slug: dict[str, list[str]] = defaultdict(list)
    for key in sorted(members):
        by_slug[slugify(key)].append(key)
    result: dict[str, tuple[str, list[Article]]] = {}
    slug_of: dict[str, str] = {}
    later: list[tuple[str, str, str]] = []  # (slug, key, owner key) of the names that must move aside
    for slug, keys_here in sorted(by_slug.items()):
        keys_here.sort(key=lambda k: (members[k][-1].published, members[k][-1].id, k))
        result[slug] = (names_of[keys_here[0]], members[keys_here[0]])
        slug_of[keys_here[0]] = slug
        later += [(slug, key, keys_here[0]) for key in keys_here[1:]]
    for slug, key, owner in later:
        own = _free(slug, key, result)
        result[own] = (names_of[key], members[key])
        slug_of[key] = own
        source, line = first_seen[key]
        diagnostics.append(Diagnostic(
            code=Code.SLUG_COLLISION, file=source, line=line,
            message=f"The {what} {names_of[key]!r} has the same folder name as {names_of[owner]!r} "
                    f"({what}/{slug}); it is published under {what}/{own} instead."))
    collided = frozenset(k for keys_here in by_slug.values() if len(keys_here) > 1 for k in keys_here)
    return result, Names(spellings=keys, uses=dict(uses), slugs=slug_of, collided=collided)


def subtitle_after(feed: Feed, name: str, entries: Sequence[Article], moving: Iterable[Article],
                   settings: Settings) -> str | None:
    """The subtitle of the author feed `feed` (of `name`) once `moving` articles left or joined
    it and its entries are `entries`; None when it cannot be told. The subtitle is the bio of
    the newest member that has one of that author (`_bio`): the first such among the entries
    gives it; when none has one, it comes from a member past them, as before, unless one of
    `moving` has one. (Members past the entries are not kept: they cannot tell more.)"""
    bio = _bio(name, entries)
    if bio is not None:
        return _author_subtitle(name, bio, settings)
    if any(_bio(name, [article]) is not None for article in moving):
        return None
    return feed.subtitle


def _author_subtitle(name: str, bio: str, settings: Settings) -> str:
    return bio or f"Articles by {name} in {settings.title}."


def newest_first_key(article: Article) -> tuple[int, str]:
    """`newest_first`'s order as a sort key, where no date is on a clock change (`Index.on_a_clock_change`)."""
    return -microseconds(article.published), article.id


def _feed_names(keys: Mapping[str, str], uses: Mapping[str, int]) -> dict[str, str]:
    """Fold key -> the spelling that names its feed: the most used one; ties go to the first in sort order."""
    spellings: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for spelling, key in keys.items():
        spellings[key].append((-uses[spelling], spelling))
    return {key: min(ranked)[1] for key, ranked in spellings.items()}


def _free(slug: str, key: str, taken: Mapping[str, object]) -> str:
    """`<slug>-<hash>` for a name that lost its plain slug, longer if even that is taken."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    for size in range(6, len(digest) + 1):
        candidate = f"{slug}-{digest[:size]}"
        if candidate not in taken:
            return candidate
    raise AssertionError(f"no free slug for {key!r}")  # pragma: no cover: sha256 has 64 digits


def _languages(ordered: Sequence[Article], settings: Settings) -> Callable[[Sequence[Article]], str]:
    """What gives a feed's language: its articles' most common one, else the site's."""
    languages = set(map(_language_of, ordered))
    if len(languages) == 1:  # most sites write in one language: no need to count per feed
        only = languages.pop()
        return lambda members: only if members else settings.language
    return lambda members: _most_common_language(members, settings)


def _most_common_language(members: Sequence[Article], settings: Settings) -> str:
    counts = Counter(map(_language_of, members))
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0] if counts else settings.language


def _bio(name: str, members: Sequence[Article]) -> str | None:
    """The author's own bio from their newest article that has one (the feed's description);
    None when none has."""
    key = fold(name)
    for article in members:
        if article.bio and fold(article.bio[0]) == key:
            return " ".join(article.bio[1:])
    return None
