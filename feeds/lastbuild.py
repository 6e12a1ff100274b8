"""What a build remembers of itself, for the next build of the same output.

`LastBuild` is enough for two shortcuts (feeds/pipeline.py):

- *unchanged*: the same files with the same bytes, the same settings and package, and the
  output as that build left it -> nothing to do but report again;
- *patch*: a few files changed only in what grouping never reads (the title, the text ...;
  `grouping_fields`), or added, removed or changed where grouping moves no other article
  (`group.admit`, `retire`, `regroup`, which read the `Index` kept here; a removed entry's
  place goes to the next member, kept in `beyond`) -> the feeds hold the same articles in the
  same places, give or take those, so only their pages and the feed documents that list them
  are rendered again, and every other file is carried over from the output as it is.

It is stored with marshal (plain values only) in the cache, CRC-checked; `LastBuild.decode`
turns anything it does not recognise into None: no shortcut, a full build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from feeds.cache import encode_time
from feeds.group import Index, Names
from feeds.model import Article

FeedValues = tuple[tuple[tuple[str, Any], ...], tuple[bytes, ...]]
"""A feed as stored: its fields but the entries, as (name, value) pairs; its entries' parse keys."""

Dates = tuple[Any, Any]
"""An article's `published` and `updated` as `cache.encode_time` writes them."""

_VERSION = 6
BEYOND = 10  # members kept after each feed's entries: what a removal from its entries brings up


@dataclass(frozen=True, slots=True, kw_only=True)
class LastBuild:
    build_key: bytes  # everything the output depended on, in one hash (`_Build.build_key`)
    manifest: bytes  # sha256 of the manifest that build wrote: what the output holds
    published: int
    diagnostics: tuple[Any, ...]  # `cache.encode_diagnostics`
    feeds: tuple[FeedValues, ...]
    names: tuple[str, ...]  # every source, in order: as many as it found
    hashes: tuple[bytes, ...]  # the content hash of each source's bytes, as parsed
    moved: dict[str, Dates]  # source -> its dates as grouping left them, where they differ from its file's
    unpublished: frozenset[str]  # sources without an article in the feeds: unreadable, errors, duplicate ids
    index: Index  # what grouping learnt: enough to add an article without grouping again
    beyond: tuple[tuple[bytes, ...], ...]  # each feed's next members after its entries (parse keys, a prefix)

    def encode(self) -> tuple[Any, ...]:
        return (_VERSION, self.build_key, self.manifest, self.published,
                self.diagnostics, self.feeds, self.names, self.hashes, self.moved, tuple(sorted(self.unpublished)),
                _encode_index(self.index), self.beyond)

    @classmethod
    def decode(cls, value: Any) -> LastBuild | None:
        """The record `encode` made, or None for anything else."""
        try:
            (version, build_key, manifest, published, diagnostics, feeds, names, hashes, moved,
             unpublished, index, beyond) = value
            if version != _VERSION or not (isinstance(build_key, bytes) and isinstance(manifest, bytes)
                                           and isinstance(names, tuple) and isinstance(hashes, tuple)
                                           and isinstance(moved, dict) and len(names) == len(hashes)
                                           and isinstance(beyond, tuple) and len(beyond) == len(feeds)):
                return None
            return cls(build_key=build_key, manifest=manifest, published=int(published),
                       diagnostics=tuple(diagnostics), feeds=tuple(feeds), names=names, hashes=hashes,
                       moved=moved, unpublished=frozenset(unpublished), index=_decode_index(index),
                       beyond=tuple(tuple(keys) for keys in beyond))
        except (TypeError, ValueError, AttributeError):
            return None

    def diff(self, names: Sequence[str], hashes: Sequence[bytes | None]) -> tuple[
            list[tuple[int, int]], list[int], list[int]] | None:
        """What changed since: (index in `names`, index in `self.names`) of each source whose
        bytes changed, the index in `names` of each source added, and the index in
        `self.names` of each source removed; None when a source cannot be read."""
        if any(h is None for h in hashes):
            return None
        if tuple(names) == self.names:
            return [(i, i) for i, (new, old) in enumerate(zip(hashes, self.hashes, strict=True)) if new != old], [], []
        before = {name: i for i, name in enumerate(self.names)}
        changed, added = [], []
        for i, (name, digest) in enumerate(zip(names, hashes, strict=True)):
            old = before.pop(name, None)
            if old is None:
                added.append(i)
            elif self.hashes[old] != digest:
                changed.append((i, old))
        return changed, added, sorted(before.values())


def _encode_index(index: Index) -> tuple[Any, ...]:
    return (index.instants, index.on_a_clock_change, tuple(sorted(index.languages)),
            *((dict(n.spellings), dict(n.uses), dict(n.slugs), tuple(sorted(n.collided)))
              for n in (index.categories, index.authors)))


def _decode_index(value: Any) -> Index:
    instants, clock, languages, categories, authors = value
    if not isinstance(instants, tuple) or not all(type(i) is int for i in instants[:1]):
        raise TypeError("not an index")
    return Index(instants=instants, on_a_clock_change=bool(clock), languages=frozenset(languages),
                 categories=_decode_names(categories), authors=_decode_names(authors))


def _decode_names(value: Any) -> Names:
    spellings, uses, slugs, collided = value
    if not (isinstance(spellings, dict) and isinstance(uses, dict) and isinstance(slugs, dict)):
        raise TypeError("not a names index")
    return Names(spellings=spellings, uses=uses, slugs=slugs, collided=frozenset(collided))


def grouping_fields(article: Article) -> tuple[Any, ...]:
    """Everything of an article that grouping (feeds/group.py) reads, and what places its page:
    two articles equal in these are grouped alike, whatever else differs. (`line` is compared
    too: a slug collision is reported at the line its name was read; and dates as stored, with
    their zone: `untie` reads the wall clock.)"""
    return (article.id, article.source, article.link, encode_time(article.published), encode_time(article.updated),
            article.language,
            tuple((a.name, a.is_organization, a.line) for a in article.authors),
            (article.category.name, article.category.line), article.bio)
