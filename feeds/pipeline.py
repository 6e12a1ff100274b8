"""build(settings) -> BuildReport: read -> normalize -> group -> render -> publish."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from feeds.config import Settings
from feeds.errors import Code, Diagnostic
from feeds.group import group
from feeds.model import Article, Feed
from feeds.normalize import normalize
from feeds.pages import render_pages
from feeds.publish import Published, publish
from feeds.readers import READERS, ReadOptions
from feeds.readers.folder import Source, find_sources, read_source
from feeds.render import render_feeds


@dataclass(frozen=True, slots=True, kw_only=True)
class Parsed:
    """What one source file became: an article, or the errors that skipped it."""

    source: str
    article: Article | None
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    found: int  # article files found
    published: int  # articles in the feeds
    diagnostics: tuple[Diagnostic, ...]  # sorted by file, line
    feeds: tuple[Feed, ...]
    output: Published | None  # None for a check that writes nothing

    @property
    def skipped(self) -> tuple[str, ...]:
        return tuple(sorted({d.file for d in self.diagnostics if d.is_error}))

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if not d.is_error)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.is_error)


def read_options(settings: Settings) -> ReadOptions:
    return ReadOptions(language=settings.language, timezone=settings.timezone, zones=dict(settings.zones))


def parse_source(source: Source, settings: Settings) -> Parsed:
    """Read and normalize one file. Any input gives a value, never an exception."""
    data = read_source(source)
    if isinstance(data, OSError):
        diagnostic = Diagnostic(code=Code.DECODE, file=source.name, line=1,
                                message=f"The file cannot be read: {data.strerror}.")
        return Parsed(source=source.name, article=None, diagnostics=(diagnostic,))
    reader = READERS[source.path.suffix.lower()]
    read = reader(data, source.name, read_options(settings))
    if read.article is None:
        return Parsed(source=source.name, article=None, diagnostics=read.diagnostics)
    normalized = normalize(read.article, settings)
    return Parsed(source=source.name, article=normalized.article, diagnostics=normalized.diagnostics)


def parse_all(settings: Settings) -> tuple[int, list[Parsed]]:
    sources = find_sources(settings.articles, frozenset(READERS))
    return len(sources), [parse_source(s, settings) for s in sources]


def check(settings: Settings) -> BuildReport:
    """Parse every article and group them, writing nothing."""
    found, parsed = parse_all(settings)
    return _report(found, parsed, settings, publish_to=False)


def build(settings: Settings) -> BuildReport:
    found, parsed = parse_all(settings)
    return _report(found, parsed, settings, publish_to=True)


def _report(found: int, parsed: Sequence[Parsed], settings: Settings, *, publish_to: bool) -> BuildReport:
    articles = [p.article for p in parsed if p.article is not None]
    grouped = group(articles, settings)
    output = None
    if publish_to:
        files = itertools.chain(render_feeds(grouped.feeds, settings),
                                render_pages(grouped.feeds, grouped.published, settings))
        output = publish(files, settings.output)
    diagnostics = sorted((*(d for p in parsed for d in p.diagnostics), *grouped.diagnostics),
                         key=lambda d: (d.file, d.line, d.code))
    return BuildReport(found=found, published=len(grouped.published), diagnostics=tuple(diagnostics),
                       feeds=grouped.feeds, output=output)
