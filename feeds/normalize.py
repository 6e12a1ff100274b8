"""RawArticle -> Article: one small function per field, each returning its diagnostics."""

from __future__ import annotations

from dataclasses import dataclass

from feeds.authors import AuthorName, dedupe, split_byline
from feeds.body import render_body
from feeds.config import Settings
from feeds.dates import DateContext, resolve_dates
from feeds.errors import Code, Diagnostic
from feeds.ids import article_path, entry_id
from feeds.model import Article, Author, Category, RawArticle
from feeds.text import collapse


@dataclass(frozen=True, slots=True, kw_only=True)
class Normalized:
    """An article, or None when an error diagnostic says why it is skipped."""

    article: Article | None
    diagnostics: tuple[Diagnostic, ...]


def normalize(raw: RawArticle, settings: Settings) -> Normalized:
    language = raw.language or settings.language
    context = DateContext(
        header_date=raw.header_date,
        header_month_only=raw.header_month_only,
        language=language,
        default_zone=settings.timezone,
        zones=settings.zones,
    )
    dates = resolve_dates(raw.published, raw.updated, source=raw.source,
                          header_line=raw.header_line, ctx=context)
    authors, author_diagnostics = _authors(raw, settings)
    diagnostics = (*raw.diagnostics, *dates.diagnostics, *author_diagnostics)
    if dates.published is None or dates.updated is None:
        return Normalized(article=None, diagnostics=diagnostics)
    summary, content_html = render_body([p.text for p in raw.body])
    article = Article(
        id=entry_id(settings.id_authority, settings.id_date, raw.source),
        source=raw.source,
        title=collapse(raw.title.text),
        link=settings.url(article_path(raw.source)),
        published=dates.published,
        updated=dates.updated,
        language=language,
        authors=authors,
        category=_category(raw, settings),
        summary=summary,
        content_html=content_html,
        bio=tuple(line.text for line in raw.bio),
    )
    return Normalized(article=article, diagnostics=diagnostics)


def _category(raw: RawArticle, settings: Settings) -> Category:
    if raw.category is None:
        return Category(name=settings.default_category)
    return Category(name=collapse(raw.category.text), line=raw.category.line)


def _authors(raw: RawArticle, settings: Settings) -> tuple[tuple[Author, ...], list[Diagnostic]]:
    """Section 5: the by-lines, else the bio's name, else the default author."""
    diagnostics: list[Diagnostic] = []
    found: list[tuple[AuthorName, int]] = []
    for line in (*raw.bylines, *raw.author_lines):
        names, findings = split_byline(line.text)
        found += [(name, line.line) for name in names]
        diagnostics += [f.at(raw.source, line.line) for f in findings]
    if not found and raw.bio:
        found = [(name, raw.bio[0].line) for name in split_byline(raw.bio[0].text)[0]]
    if not found:
        diagnostics.append(Diagnostic(
            code=Code.NO_AUTHOR, file=raw.source, line=raw.title.line,
            message=f"No author found; the default author {settings.default_author!r} is used."))
        return (Author(name=settings.default_author, is_organization=True, line=raw.title.line),), diagnostics
    line_of = {name.name: where for name, where in reversed(found)}
    authors = tuple(
        Author(name=name.name, is_organization=name.is_organization, line=line_of[name.name])
        for name in dedupe(name for name, _ in found)
    )
    return authors, diagnostics
