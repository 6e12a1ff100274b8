from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feeds.archive import archive_count, archive_pages
from feeds.model import Article, Author, Category


def article(n: int) -> Article:
    moment = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=n)
    return Article(id=f"tag:x,2024:{n}", source=f"{n}.txt", title=str(n), link=f"https://x/{n}",
                   published=moment, updated=moment, language="en", authors=(Author(name="A"),),
                   category=Category(name="C"), summary="s", content_html="<p>s</p>", bio=())


def newest_first(count: int) -> list[Article]:
    return [article(n) for n in range(count, 0, -1)]


def test_nothing_to_archive_while_the_feed_holds_everything() -> None:
    assert archive_pages(newest_first(5), 5) == ()


def test_pages_count_from_the_oldest_and_only_the_newest_is_partial() -> None:
    pages = archive_pages(newest_first(23), 5)  # 5 current, 18 archived
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert [p.full for p in pages] == [True, True, True, False]
    assert [a.title for a in pages[0].entries] == ["5", "4", "3", "2", "1"]
    assert [a.title for a in pages[3].entries] == ["18", "17", "16"]


def test_a_full_newest_page_is_followed_by_an_empty_one() -> None:
    pages = archive_pages(newest_first(15), 5)  # 5 current, 10 archived: two full pages
    assert [(p.number, p.full, len(p.entries)) for p in pages] == [(1, True, 5), (2, True, 5), (3, False, 0)]
    assert archive_count(15, 5) == 3
    assert archive_count(5, 5) == archive_count(0, 5) == 0


def test_a_lone_partial_first_page_is_followed_by_an_empty_one() -> None:
    pages = archive_pages(newest_first(7), 5)  # 5 current, 2 archived
    assert [(p.number, p.full, len(p.entries)) for p in pages] == [(1, False, 2), (2, False, 0)]


@pytest.mark.parametrize("per_page", [1, 3, 7])
def test_full_pages_never_change_as_articles_are_added(per_page: int) -> None:
    frozen: dict[int, tuple[Article, ...]] = {}
    for count in range(1, 40):
        pages = archive_pages(newest_first(count), per_page)
        for page in pages:
            if page.number in frozen:
                assert page.entries == frozen[page.number]
            elif page.full:
                frozen[page.number] = page.entries
        seen = [a.id for p in pages for a in p.entries] + [a.id for a in newest_first(count)[:per_page]]
        assert sorted(seen) == sorted(a.id for a in newest_first(count))  # every entry exactly once
