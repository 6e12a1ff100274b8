"""The pipeline's values travel to the worker processes by pickle, and come back equal."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from feeds.model import Article, Author, Category, Feed, FeedKind, _pickled_by_values
from tests.factories import make_article


def article() -> Article:
    return replace(
        make_article(7, authors=("Jane Roe", "City Desk")),
        published=datetime(2024, 3, 31, 1, 30, tzinfo=ZoneInfo("Europe/London")),
        updated=datetime(2024, 4, 2, 9, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        authors=(Author(name="Jane Roe", line=3), Author(name="City Desk", is_organization=True, line=3)),
        category=Category(name="World", line=2),
        bio=("Jane Roe", "She writes about ports."),
    )


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_an_article_and_its_feed_come_back_equal_field_by_field(protocol: int) -> None:
    original = article()
    feed = Feed(kind=FeedKind.AUTHOR, key="jane-roe", title="News: Jane Roe", subtitle="Her bio.",
                path="author/jane-roe", language="en", entries=(original, original), total=9)
    back = pickle.loads(pickle.dumps(feed, protocol))
    assert back == feed
    entry = back.entries[0]
    assert back.entries[1] is entry  # one article in two places stays one object
    for name in (f.name for f in fields(Article)):
        assert getattr(entry, name) == getattr(original, name)
    # Fields left out of equality travel too.
    assert [a.line for a in entry.authors] == [3, 3]
    assert entry.category.line == 2
    assert entry.published.tzinfo == ZoneInfo("Europe/London")


def test_the_state_is_the_field_values_in_order() -> None:
    original = article()
    assert original.__getstate__() == tuple(getattr(original, f.name) for f in fields(Article))


def test_a_class_of_one_field_is_refused() -> None:
    @dataclass(frozen=True, slots=True)
    class One:
        value: int

    with pytest.raises(TypeError, match="fewer than two fields"):
        _pickled_by_values(One)
