"""Section 7: the trailing author bio, and stray `author` labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds.group import group
from feeds.model import FeedKind, RawArticle
from tests.conftest import make_settings
from tests.test_reader import article, parse

TOP = ("date 2024-01-11 en English\nBusiness\n\nPort plans a second terminal\n\nBy: Aqsa Younas Rana\n"
       "Published: January 11, 2024 at 9:51 am EST\n\n")  # the body starts on line 9
P1 = "Operators at the eastern port announced plans for a second terminal."
P2 = "Volumes rose by a fifth last year, and the quay is full most days."
BIO = "Aqsa Younas Rana covers shipping and trade from Hong Kong."


def body(a: RawArticle) -> list[str]:
    return [p.text for p in a.body]


def bio(a: RawArticle) -> list[tuple[str, int]]:
    return [(b.text, b.line) for b in a.bio]


@pytest.mark.parametrize("opener", ["author", "authors", "Author", "About the author", "ABOUT THE AUTHORS",
                                    "About the Author:", "Business"])
def test_r7_2_openers_followed_by_a_name(opener: str) -> None:
    a = article(TOP + f"{P1}\n\n{P2}\n\n{opener}\n\nAqsa Younas Rana\n\n{BIO}\n")
    assert body(a) == [P1, P2]
    assert bio(a) == [("Aqsa Younas Rana", 15), (BIO, 17)]


@pytest.mark.parametrize(
    "name",
    ["Jane Roe", "Mary-Ann O'Neil", "Vincent van Gogh", "JANE ROE", "Dr. Jane Roe", "Aqsa Younas Rana",
     "One Two Three Four Five"],
)
def test_r7_3_a_name_like_line_is_2_to_5_capitalised_words(name: str) -> None:
    a = article(TOP + f"{P1}\n\nauthor\n{name}\nA few words about them.\n")
    assert [b.text for b in a.bio] == [name, "A few words about them."]
    assert body(a) == [P1]


@pytest.mark.parametrize("line", ["Jane", "jane roe", "One Two Three Four Five Six", "She writes about ports.",
                                  "Jane Roe, 42", "The Editors"])
def test_r7_3_a_line_that_is_not_a_name_makes_no_bio(line: str) -> None:
    a = article(TOP + f"{P1}\n\nauthor\n{line}\nA few words about them.\n")
    assert a.bio == ()
    assert body(a) == [P1, line, "A few words about them."]  # the stray label is dropped


def test_r7_3_a_byline_author_is_a_name_even_if_not_name_like() -> None:
    a = article(TOP.replace("By: Aqsa Younas Rana", "By: Reuters") + f"{P1}\n\nauthor\nReuters\nAn agency.\n")
    assert [b.text for b in a.bio] == ["Reuters", "An agency."]
    b = article(TOP.replace("By: Aqsa Younas Rana", "By: Jane Roe and Cher") + f"{P1}\n\nauthors\ncher\nA singer.\n")
    assert [x.text for x in b.bio] == ["cher", "A singer."]


def test_r7_1_the_last_place_wins() -> None:
    a = article(TOP + f"{P1}\n\nauthor\nJane Roe\nShe said so.\n\n{P2}\n\nauthor\nAqsa Younas Rana\n{BIO}\n")
    assert body(a) == [P1, "Jane Roe", "She said so.", P2]
    assert [b.text for b in a.bio] == ["Aqsa Younas Rana", BIO]


def test_r7_1_the_bio_runs_to_the_end_of_the_file() -> None:
    a = article(TOP + f"{P1}\n\nauthor\nAqsa Younas Rana\n{BIO}\n\nShe lives in Kowloon.\n\n- a list item\n")
    assert [b.text for b in a.bio] == ["Aqsa Younas Rana", BIO, "She lives in Kowloon.", "- a list item"]


def test_r7_1_a_bio_may_be_only_a_name() -> None:
    a = article(TOP + f"{P1}\n\nauthor\nAqsa Younas Rana\n")
    assert bio(a) == [("Aqsa Younas Rana", 12)]
    assert body(a) == [P1]


def test_r7_2_layout_b_the_category_line_opens_the_bio() -> None:
    a = article(TOP + f"{P1}\n\nBusiness\n\nAqsa Younas Rana\n\n{BIO}\n")
    assert body(a) == [P1]
    assert bio(a) == [("Aqsa Younas Rana", 13), (BIO, 15)]


def test_r7_2_the_category_line_opens_nothing_without_a_category() -> None:
    top = TOP.replace("Business\n\nPort plans a second terminal", "Port plans a second terminal for the city")
    a = article(top + f"{P1}\n\nBusiness\nAqsa Younas Rana\n{BIO}\n")
    assert a.category is None
    assert a.bio == ()


def test_r7_4_body_text_must_come_before_the_bio() -> None:
    a = article("date 2024-01-11 en English\nBusiness\n\nPort plans a second terminal\n\nBy: Jane Roe\n\n"
                "author\nAqsa Younas Rana\nShe covers shipping.\n")
    assert a.bio == ()


def test_r7_4_a_layout_d_first_paragraph_counts_as_body_text() -> None:
    text = "date 2024-12-03 Frost is expected in the valleys tonight.\nAbout the author\nJane Roe\nShe covers it.\n"
    a = article(text)
    assert [b.text for b in a.bio] == ["Jane Roe", "She covers it."]
    assert [p.text for p in a.body] == ["Frost is expected in the valleys tonight."]


def test_r7_5_the_bio_is_not_in_the_body_and_reaches_the_article() -> None:
    result = parse(TOP + f"{P1}\n\nauthor\n\nAqsa Younas Rana\n\n{BIO}\n")
    assert result.article is not None
    assert result.article.bio == ("Aqsa Younas Rana", BIO)
    assert BIO not in result.article.content_html
    assert "Aqsa Younas Rana" not in result.article.content_html


@pytest.mark.parametrize("label", ["author", "Authors", "About the author"])
def test_r7_6_a_stray_author_label_is_dropped(label: str) -> None:
    a = article(TOP + f"{P1}\n\n{label}\n\n{P2}\n")
    assert body(a) == [P1, P2]
    assert a.bio == ()


def test_r7_the_bio_name_is_the_author_when_there_is_no_byline() -> None:
    result = parse("date 2024-01-11 en English\nBusiness\n\nPort plans a second terminal\n\n"
                   f"{P1}\n\nauthor\nAqsa Younas Rana\n{BIO}\n")
    assert result.article is not None
    assert [x.name for x in result.article.authors] == ["Aqsa Younas Rana"]
    assert result.article.authors[0].line == 9
    assert "W-NO-AUTHOR" not in [str(d.code) for d in result.diagnostics]


def test_r7_the_bio_describes_the_author_feed() -> None:
    result = parse(TOP + f"{P1}\n\nauthor\nAqsa Younas Rana\n{BIO}\n")
    assert result.article is not None
    grouped = group([result.article], make_settings(Path("a"), Path("o")))
    author_feed = next(f for f in grouped.feeds if f.kind is FeedKind.AUTHOR)
    assert BIO in author_feed.subtitle
