"""Feeds hold the newest N entries, feeds without articles disappear, and no two entries
share an `updated` instant that validators would flag."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feeds import pipeline
from feeds.group import group, newest_first, untie
from feeds.model import FeedKind
from feeds.render import FeedFormat, feed_file
from tests.conftest import SIMPLE, atom_entry_ids, make_settings, write_article
from tests.factories import make_article as article

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def dated(category: str, day: int) -> str:
    return (SIMPLE.replace("World\n", f"{category}\n")
            .replace("date 2024-03-05", f"date 2024-03-{day:02d}")
            .replace("March 5, 2024", f"March {day}, 2024"))


@pytest.mark.parametrize("cap", [1, 3, 50])
def test_each_feed_holds_the_newest_n_entries(articles_dir: Path, output_dir: Path, cap: int) -> None:
    for day in range(1, 11):
        write_article(articles_dir, f"world-{day:02d}.txt", dated("World", day))
    write_article(articles_dir, "sport.txt", dated("Sport", 20))
    report = pipeline.build(make_settings(articles_dir, output_dir, entries_per_feed=cap))
    newest_world = [f"tag:example.org,2024-01-01:articles/world-{d:02d}" for d in range(10, 0, -1)]
    sport = "tag:example.org,2024-01-01:articles/sport"
    expected = {
        "": [sport, *newest_world][:cap],
        "category/world": newest_world[:cap],
        "category/sport": [sport],
        "author/jane-roe": [sport, *newest_world][:cap],
    }
    for feed in report.feeds:
        if feed.path in expected:
            assert atom_entry_ids(output_dir / feed_file(feed, FeedFormat.ATOM)) == expected[feed.path]
            rss = (output_dir / feed_file(feed, FeedFormat.RSS)).read_text("utf-8")
            assert rss.count("<item>") == len(expected[feed.path])
    totals = {f.path: f.total for f in report.feeds}
    assert totals["category/world"] == 10  # the index still counts every article


def test_the_default_is_fifty(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, tmp_path / "out")
    assert settings.entries_per_feed == 50
    grouped = group([article(n) for n in range(60)], settings)
    assert [len(f.entries) for f in grouped.feeds] == [50, 50, 50]
    assert grouped.feeds[0].entries[0].id.endswith("/59")


def test_a_category_whose_articles_are_gone_disappears(articles_dir: Path, output_dir: Path) -> None:
    write_article(articles_dir, "world.txt", dated("World", 1))
    write_article(articles_dir, "sport.txt", SIMPLE.replace("World\n", "Sport\n").replace("Jane Roe and ", ""))
    first = pipeline.build(make_settings(articles_dir, output_dir))
    assert {f.path for f in first.feeds} >= {"category/sport", "category/world", "author/jane-roe"}

    (articles_dir / "sport.txt").unlink()
    second = pipeline.build(make_settings(articles_dir, output_dir))
    assert "category/sport" not in {f.path for f in second.feeds}
    assert not (output_dir / "category" / "sport").exists()
    assert (output_dir / "category" / "world" / "atom.xml").is_file()
    assert second.output is not None
    assert {"category/sport/atom.xml", "category/sport/rss.xml"} <= set(second.output.removed)
    for listing in ("index.html", "feeds.opml"):
        assert "category/sport/" not in (output_dir / listing).read_text("utf-8")


def test_newest_first_breaks_ties_by_id() -> None:
    same = [article(n, published=T0) for n in (3, 1, 2)]
    assert [a.id[-1] for a in newest_first([*same, article(9)])] == ["9", "1", "2", "3"]


def test_untie_gives_each_article_its_own_second() -> None:
    plus_two = timezone(timedelta(hours=2))
    tied = [article(1, published=T0), article(2, published=T0.astimezone(plus_two)), article(3, published=T0)]
    result = {a.id[-1]: a for a in untie(tied)}
    assert result["1"].updated == T0  # the first id keeps its time
    assert result["2"].updated == T0 + timedelta(seconds=1)
    assert result["2"].updated.utcoffset() == timedelta(hours=2)  # the offset the article stated
    assert result["3"].updated == T0 + timedelta(seconds=2)
    assert all(a.published == a.updated for a in result.values())  # never shown as "updated"


def test_untie_never_moves_stated_seconds_or_a_lone_article() -> None:
    precise = T0 + timedelta(seconds=17)
    articles = [article(1, published=precise), article(2, published=precise), article(3)]
    assert untie(articles) == articles


def test_untie_skips_seconds_that_are_taken_and_keeps_published() -> None:
    one = article(1, published=T0)
    taken = article(2, published=T0 + timedelta(seconds=1))
    edited = article(3, published=T0 - timedelta(days=1))
    edited = replace(edited, updated=T0)
    result = {a.id[-1]: a for a in untie([one, taken, edited])}
    assert result["3"].updated == T0 + timedelta(seconds=2)
    assert result["3"].published == T0 - timedelta(days=1)


def test_in_a_build_no_feed_has_two_entries_updated_at_once(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, tmp_path / "out")
    grouped = group([article(n, published=T0 + timedelta(days=n // 5)) for n in range(40)], settings)
    for feed in grouped.feeds:
        stamps = [a.updated.isoformat() for a in feed.entries]
        assert len(set(stamps)) == len(stamps), feed.path
    assert grouped.feeds[0].kind is FeedKind.ALL


def test_newest_first_orders_by_instant_across_zones() -> None:
    paris = ZoneInfo("Europe/Paris")
    moments = [T0, T0.astimezone(paris), T0 - timedelta(minutes=1), (T0 + timedelta(hours=1)).astimezone(paris),
               T0.astimezone(timezone(timedelta(hours=-5)))]
    articles = [article(n, published=m) for n, m in enumerate(moments)]
    assert [a.id[-1] for a in newest_first(reversed(articles))] == ["3", "0", "1", "4", "2"]


@pytest.mark.parametrize("local", [
    datetime(2024, 3, 10, 2, 30, tzinfo=ZoneInfo("America/New_York")),  # skipped by the change to DST
    datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),  # the repeated hour
])
def test_newest_first_compares_local_times_at_a_clock_change_as_datetimes_do(local: datetime) -> None:
    new_york = local.tzinfo
    near = [local + timedelta(minutes=m) for m in (-50, -20, 15, 40, 70)]
    near += [local.astimezone(UTC), (local + timedelta(minutes=25)).astimezone(UTC), local.replace(tzinfo=UTC)]
    near += [datetime(2024, 3, 10, 3, 10, tzinfo=new_york), datetime(2024, 11, 3, 1, 45, tzinfo=new_york)]
    articles = [article(n, published=m) for n, m in enumerate(near)]
    by_datetime = sorted(sorted(articles, key=lambda a: a.id), key=lambda a: a.published, reverse=True)
    assert newest_first(articles) == by_datetime


def test_a_feed_is_in_its_articles_most_common_language(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, tmp_path / "out")
    english = [article(n, category="World") for n in range(3)]
    french = [replace(article(n, category="Monde" if n < 6 else "World"), language="fr") for n in range(3, 7)]
    languages = {f.path: f.language for f in group([*english, *french], settings).feeds}
    assert languages == {"": settings.language, "category/monde": "fr", "category/world": "en",
                         "author/jane-roe": "fr"}
    only_french = {f.path: f.language for f in group(french, settings).feeds}
    assert only_french == {"": settings.language, "category/monde": "fr", "category/world": "fr",
                           "author/jane-roe": "fr"}


def test_names_are_folded_and_slugs_shared_only_by_one_name(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, tmp_path / "out")
    spellings = ["Jane Roe", "jane  roe", "JANE ROE", "Jane Roe", "Jane-Roe"]
    articles = [article(n, authors=(name,)) for n, name in enumerate(spellings)]
    articles.append(article(9, authors=("Jane Roe", "jane roe")))  # one member, two spellings
    grouped = group(articles, settings)
    members = {path: [a.id[-1] for a in found] for path, found in grouped.members.items() if path.startswith("author/")}
    titles = {f.path: f.title for f in grouped.feeds}
    moved = next(p for p in members if p.startswith("author/jane-roe-"))
    assert members == {"author/jane-roe": ["9", "3", "2", "1", "0"], moved: ["4"]}
    assert titles["author/jane-roe"].endswith(": Jane Roe")
    assert [d.message for d in grouped.diagnostics] == [
        f"The author 'Jane-Roe' has the same folder name as 'Jane Roe' (author/jane-roe); "
        f"it is published under {moved} instead."]


def test_untie_moves_at_most_59_articles_of_one_minute() -> None:
    result = untie([article(n, published=T0) for n in range(100, 162)])
    assert [a.updated - T0 for a in result] == [timedelta(seconds=s) for s in range(60)] + [timedelta(0)] * 2
