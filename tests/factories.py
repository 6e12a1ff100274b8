"""Articles made directly, for tests of the stages after reading (group, render, publish)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from feeds.config import Settings
from feeds.model import Article, Author, Category

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make_article(n: int, *, category: str = "News", authors: tuple[str, ...] = ("Jane Roe",),
                 published: datetime | None = None, settings: Settings | None = None) -> Article:
    moment = published or T0 + timedelta(hours=n)
    base = settings.base_url if settings else "https://example.org/news/"
    return Article(
        id=f"tag:example.org,2024-01-01:articles/{n}", source=f"{n}.txt", title=f"Story {n}",
        link=f"{base}articles/{n}.html", published=moment, updated=moment, language="en",
        authors=tuple(Author(name=a) for a in authors), category=Category(name=category),
        summary=f"Summary {n}.", content_html=f"<p>Body {n}.</p>", bio=(),
    )
