"""Section 4: the byline block, through read_text (and normalize for what it becomes)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds.model import RawArticle
from feeds.readers import ReadOptions
from feeds.readers import text as text_reader
from tests.test_reader import article, parse, where

TOP = "date 2024-01-11 en English\nWorld\n\nHarbour cranes return to service\n"  # title on line 4
BODY = "The cranes are running again after a week of repairs."


def block(*lines: str) -> RawArticle:
    """An article whose byline block candidates start on line 5."""
    return article(TOP + "\n".join(lines) + f"\n{BODY}\n")


def texts(a: RawArticle) -> list[str]:
    return [p.text for p in a.body]


# --- the label ------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["author", "authors", "Author", "AUTHORS", "Author:"])
def test_r4_2_a_label_alone_is_part_of_the_block(label: str) -> None:
    a = block(label, "By: Jane Roe")
    assert [(b.text, b.line) for b in a.bylines] == [("Jane Roe", 6)]
    assert texts(a) == [BODY]


@pytest.mark.parametrize("line", ["author of the report", "authored", "the author"])
def test_r4_2_a_label_must_be_alone(line: str) -> None:
    a = block(line)
    assert texts(a) == [line, BODY]


# --- the by-line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("By Jane Roe", "Jane Roe"),
        ("By: Jane Roe", "Jane Roe"),
        ("By:Jane Roe", "Jane Roe"),
        ("By : Jane Roe", "Jane Roe"),
        ("Written by Jane Roe", "Jane Roe"),
        ("Written by: Jane Roe", "Jane Roe"),
        ("Words by Jane Roe", "Jane Roe"),
        ("Reporting by Jane Roe", "Jane Roe"),
        ("BY JANE ROE", "JANE ROE"),
        ("by: Jane Roe", "Jane Roe"),
        ("REPORTING BY Jane Roe and John Doe", "Jane Roe and John Doe"),
        ("By Jane Roe, Reuters", "Jane Roe, Reuters"),
        ("By Jane Roe and John Doe, staff writers", "Jane Roe and John Doe, staff writers"),
        ("By José Ortega y Gasset", "José Ortega y Gasset"),
        ("By Jane R. Roe Jr.", "Jane R. Roe Jr."),
        ("By Jane Roe.", "Jane Roe."),
        ("By 王小明", "王小明"),
        ("Author: Jane Roe", "Jane Roe"),
        ("By One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve",
         "One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve"),
    ],
)
def test_r4_3_by_line_prefixes(line: str, value: str) -> None:
    a = block(line)
    assert [(b.text, b.line) for b in a.bylines] == [(value, 5)]
    assert texts(a) == [BODY]


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the year, prices had settled.",
        "By the end of the year prices had settled",
        "By Friday officials expect the river to crest",
        "By Friday, officials expected the river to crest.",
        "By 2030 the city will have grown",
        "By then it was too late!",
        "By One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen",  # 13 words
        "By Monday? Nobody knows",
        "Bypass road opens next week",
        "BYRON BAY FLOODS AGAIN",
        "Byline",
        "Standby Jane Roe",
    ],
)
def test_r4_4_a_by_line_that_is_a_sentence_is_body_text(line: str) -> None:
    a = block(line)
    assert a.bylines == ()
    assert texts(a) == [line, BODY]


def test_r4_4_the_example_of_the_format() -> None:
    a = article("date 2024-01-02 en English\nWorld\n\nPrices settle\n\n"
                "By the end of the year, prices had settled.\n\nTraders were relieved.\n")
    assert a.bylines == ()
    assert [p.text for p in a.body] == ["By the end of the year, prices had settled.", "Traders were relieved."]


def test_r4_3_a_by_line_in_the_language_of_the_article() -> None:
    german = "date 2024-01-05 de Deutsch\nWirtschaft\n\nHafenkräne laufen wieder\nVon Anna Schmidt\nDer Text.\n"
    assert [b.text for b in article(german).bylines] == ["Anna Schmidt"]
    english = german.replace("de Deutsch", "en English")
    assert article(english).bylines == ()


# --- published and updated ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("Published: January 11, 2024 at 9:51 am EST", "January 11, 2024 at 9:51 am EST"),
        ("Published January 11, 2024", "January 11, 2024"),
        ("Published on January 11, 2024", "January 11, 2024"),
        ("Published on: January 11, 2024", "January 11, 2024"),
        ("Published at 9:51 am EST on January 11, 2024", "9:51 am EST on January 11, 2024"),
        ("Posted: 2024-01-11 09:51", "2024-01-11 09:51"),
        ("Posted on 11 Jan 2024", "11 Jan 2024"),
        ("First published: 11/01/2024", "11/01/2024"),
        ("PUBLISHED: JAN 11, 2024", "JAN 11, 2024"),
        ("Published: 47 minutes ago", "47 minutes ago"),  # kept; ignored later (section 6.5)
        ("Published: 11th of Januaryish 2024", "11th of Januaryish 2024"),  # unreadable; said later
    ],
)
def test_r4_5_published(line: str, value: str) -> None:
    a = block("By: Jane Roe", line)
    assert a.published is not None
    assert (a.published.text, a.published.line) == (value, 6)
    assert a.updated is None
    assert texts(a) == [BODY]


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("Updated: January 11, 2024 at 11:02 am EST", "January 11, 2024 at 11:02 am EST"),
        ("Updated January 11, 2024", "January 11, 2024"),
        ("Updated on January 11, 2024", "January 11, 2024"),
        ("Updated at 11:02 am on January 11, 2024", "11:02 am on January 11, 2024"),
        ("Last updated: 2024-01-11 11:02", "2024-01-11 11:02"),
        ("Last updated on Jan 11, 2024", "Jan 11, 2024"),
        ("Modified: 11 Jan 2024 11:02 GMT", "11 Jan 2024 11:02 GMT"),
        ("updated: 2 hours ago", "2 hours ago"),
    ],
)
def test_r4_6_updated(line: str, value: str) -> None:
    a = block("Published: January 11, 2024 at 9:51 am EST", line)
    assert a.updated is not None
    assert (a.updated.text, a.updated.line) == (value, 6)
    assert texts(a) == [BODY]


@pytest.mark.parametrize(
    "line",
    [
        "Published by Penguin in 2020, the book sold well.",
        "Published by Penguin in 2020 the book sold well",
        "Posted in Politics",
        "Updated guidance is expected soon",
        "Updates to the timetable take effect in 2025 and 2026 across all lines today",
    ],
)
def test_r4_5_a_label_word_opening_a_sentence_is_body_text(line: str) -> None:
    a = block(line)
    assert a.published is None
    assert a.updated is None
    assert texts(a) == [line, BODY]


def test_r4_6_foreign_labels_are_read_with_their_kind() -> None:
    a = article("date 2024-01-05 de Deutsch\nWirtschaft\n\nHafenkräne laufen wieder\n"
                "Aktualisiert am 5. Januar 2024, 12:30 Uhr\nVeröffentlicht am 5. Januar 2024, 10:00 Uhr\nText.\n")
    assert a.published is not None
    assert a.published.line == 6
    assert a.updated is not None
    assert a.updated.line == 5


# --- bare dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line", ["January 11, 2024", "January 11, 2024 9:51 am EST", "2024-01-11T09:51:00-05:00", "11 Jan 2024", "Jan 11"]
)
def test_r4_7_a_bare_date_is_published_if_none_yet(line: str) -> None:
    a = block("By: Jane Roe", line)
    assert a.published is not None
    assert (a.published.text, a.published.line) == (line, 6)
    assert texts(a) == [BODY]


def test_r4_7_a_second_bare_date_is_updated() -> None:
    a = block("January 11, 2024 9:51 am EST", "January 11, 2024 11:02 am EST")
    assert a.published is not None
    assert a.published.line == 5
    assert a.updated is not None
    assert a.updated.line == 6


def test_r4_7_a_bare_date_after_published_is_updated() -> None:
    a = block("Published: January 11, 2024 9:51 am EST", "January 11, 2024 11:02 am EST")
    assert a.updated is not None
    assert a.updated.text == "January 11, 2024 11:02 am EST"


def test_r4_7_a_labelled_published_date_outranks_an_earlier_bare_one() -> None:
    a = block("January 12, 2024", "Published: January 11, 2024")
    assert a.published is not None
    assert a.published.text == "January 11, 2024"
    assert a.updated is not None
    assert a.updated.text == "January 12, 2024"


@pytest.mark.parametrize(
    "line",
    ["Sometime in January", "2024", "10:00 am EST", "about 11 Jan 2024 or so we think", "Jan 11 2024 maybe, or later"],
)
def test_r4_7_only_a_strict_date_is_a_bare_date_line(line: str) -> None:
    a = block(line)
    assert a.published is None
    assert texts(a) == [line, BODY]


# --- `author` and a name ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Jane Roe", "Aqsa Younas Rana", "JANE ROE", "Dr. Jane Roe", "Jane Roe and John Doe"])
def test_r4_8_author_followed_by_a_name_like_line(name: str) -> None:
    a = block("author", name, "Published: January 11, 2024")
    assert [(x.text, x.line) for x in a.author_lines] == [(name, 6)]
    assert a.bylines == ()
    assert texts(a) == [BODY]


@pytest.mark.parametrize("line", ["The cranes are back", "Jane", "jane roe", "Jane Roe said so."])
def test_r4_8_author_followed_by_another_line(line: str) -> None:
    a = block("author", line)
    assert a.author_lines == ()
    assert texts(a) == [line, BODY]


def test_r4_8_author_followed_by_a_by_line_is_the_by_line() -> None:
    a = block("author", "By: Jane Roe")
    assert a.author_lines == ()
    assert [b.text for b in a.bylines] == ["Jane Roe"]


def test_r4_8_author_followed_by_the_title_again_is_not_an_author() -> None:
    a = article("date 2024-01-11 en English\nWorld\n\nCranes Return Home\nauthor\nCranes Return Home\nText here.\n")
    assert a.author_lines == ()
    assert [p.text for p in a.body] == ["Text here."]


def test_r4_8_the_author_line_becomes_the_author() -> None:
    result = parse(TOP + "author\nJANE ROE\nPublished: January 11, 2024 9:51 am EST\n" + BODY + "\n")
    assert result.article is not None
    assert [x.name for x in result.article.authors] == ["Jane Roe"]
    assert result.article.authors[0].line == 6


# --- a label alone takes the next non-blank line -----------------------------------------------


def test_r4_9_published_alone_takes_the_next_line() -> None:
    a = block("By: Jane Roe", "Published", "", "January 11, 2024 at 9:51 am EST")
    assert a.published is not None
    assert (a.published.text, a.published.line) == ("January 11, 2024 at 9:51 am EST", 8)
    assert texts(a) == [BODY]


@pytest.mark.parametrize("label", ["Published:", "Posted on", "First published", "Published at"])
def test_r4_9_published_labels_alone(label: str) -> None:
    a = block(label, "Jan 11, 2024 9:51 EST")
    assert a.published is not None
    assert a.published.line == 6


def test_r4_9_updated_alone_takes_the_next_line_as_updated() -> None:
    # Even before any published date: the label says what the date is.
    a = block("Updated", "January 11, 2024 at 11:02 am EST", "Published:", "January 11, 2024 at 9:51 am EST")
    assert a.updated is not None
    assert a.updated.line == 6
    assert a.published is not None
    assert a.published.line == 8


def test_r4_9_by_alone_takes_the_next_line() -> None:
    a = block("By", "Jane Roe and John Doe")
    assert [(b.text, b.line) for b in a.bylines] == [("Jane Roe and John Doe", 6)]


def test_r4_9_author_alone_takes_the_next_non_blank_line() -> None:
    a = block("author", "", "", "Jane Roe")
    assert [(x.text, x.line) for x in a.author_lines] == [("Jane Roe", 8)]


def test_r4_9_a_label_whose_next_line_is_not_its_value_is_dropped() -> None:
    a = block("Published", "The cranes are back.")
    assert a.published is None
    assert texts(a) == ["The cranes are back.", BODY]


# --- several parts on one line ---------------------------------------------------------------


@pytest.mark.parametrize("separator", [" | ", "|", " · ", " • ", "•", " — ", " – "])
def test_r4_10_several_parts_on_one_line(separator: str) -> None:
    a = block(separator.join(["By Jane Roe", "Published: January 11, 2024 9:51 am EST", "Updated: 11:02 am EST"]))
    assert [(b.text, b.line) for b in a.bylines] == [("Jane Roe", 5)]
    assert a.published is not None
    assert (a.published.text, a.published.line) == ("January 11, 2024 9:51 am EST", 5)
    assert a.updated is not None
    assert a.updated.text == "11:02 am EST"
    assert texts(a) == [BODY]


def test_r4_10_a_bare_date_part() -> None:
    a = block("By Jane Roe · January 11, 2024")
    assert [b.text for b in a.bylines] == ["Jane Roe"]
    assert a.published is not None
    assert a.published.text == "January 11, 2024"


def test_r4_10_a_piece_after_a_by_line_belongs_to_it() -> None:
    a = block("By Jane Roe | Reuters")
    assert [b.text for b in a.bylines] == ["Jane Roe, Reuters"]
    result = parse(TOP + "By Jane Roe | Reuters\nPublished: January 11, 2024 9:51 EST\n" + BODY + "\n")
    assert result.article is not None
    assert [x.name for x in result.article.authors] == ["Jane Roe"]


def test_r4_10_a_piece_after_a_date_belongs_to_it() -> None:
    a = block("Published: Jan 11, 2024 · 9:51 AM EST")
    assert a.published is not None
    assert a.published.text == "Jan 11, 2024 9:51 AM EST"
    b = block("January 11, 2024 | 9:51 am EST")
    assert b.published is not None
    assert b.published.text == "January 11, 2024 9:51 am EST"


def test_r4_10_a_by_line_followed_by_its_date() -> None:
    a = block("By Jane Roe and John Doe on January 11, 2024 at 9:51 am ET")
    assert [b.text for b in a.bylines] == ["Jane Roe and John Doe"]
    assert a.published is not None
    assert a.published.text == "January 11, 2024 at 9:51 am ET"


@pytest.mark.parametrize(
    "line",
    ["Politics | World", "He said — and I quote — nothing", "Col·lecció d'art", "Share · Tweet · Email"],
)
def test_r4_10_a_line_whose_parts_are_not_byline_parts_is_body_text(line: str) -> None:
    a = block(line)
    assert a.bylines == ()
    assert texts(a) == [line, BODY]


# --- the block as a whole ---------------------------------------------------------------------


def test_r4_11_case_insensitive() -> None:
    a = block("AUTHOR", "BY: JANE ROE", "PUBLISHED ON JANUARY 11, 2024", "LAST UPDATED: JANUARY 11, 2024 11:02")
    assert [b.text for b in a.bylines] == ["JANE ROE"]
    assert a.published is not None
    assert a.updated is not None
    assert texts(a) == [BODY]


def test_r4_12_blank_lines_are_allowed_between_block_lines() -> None:
    a = block("", "author", "", "", "By: Jane Roe", "", "Published: January 11, 2024", "", "")
    assert [(b.text, b.line) for b in a.bylines] == [("Jane Roe", 9)]
    assert a.published is not None
    assert a.published.line == 11
    assert texts(a) == [BODY]


def test_r4_1_the_block_may_start_after_a_standfirst() -> None:
    standfirst = "Repairs took a week longer than planned"
    a = block(standfirst, "By: Jane Roe", "Published: January 11, 2024")
    assert [b.text for b in a.bylines] == ["Jane Roe"]
    assert texts(a) == [standfirst, BODY]


@pytest.mark.parametrize(("before", "found"), [(7, True), (8, False)])
def test_r4_1_within_the_first_8_non_blank_lines_after_the_title(before: int, found: bool) -> None:
    lead = [f"Paragraph {n} of the story." for n in range(before)]
    a = block(*lead, "By: Jane Roe")
    assert bool(a.bylines) is found
    assert len(a.body) == before + (1 if found else 2)


def test_r4_1_the_block_ends_at_the_first_other_line() -> None:
    a = block("By: Jane Roe", "The first paragraph.", "Published: January 11, 2024")
    assert [b.text for b in a.bylines] == ["Jane Roe"]
    assert a.published is None
    assert texts(a) == ["The first paragraph.", "Published: January 11, 2024", BODY]


def test_r4_1_the_block_is_one_run_only() -> None:
    a = block("By: Jane Roe", "", "A standfirst line.", "By: John Doe")
    assert [b.text for b in a.bylines] == ["Jane Roe"]
    assert texts(a) == ["A standfirst line.", "By: John Doe", BODY]


def test_r4_the_seed_layout() -> None:
    a = article(" date 2024-01-11 en English\nBusiness\n\nPort plans a second terminal\n\nauthor\n"
                "By: Aqsa Younas Rana\nPublished: January 11, 2024 at 9:51 am EST\nPort plans a second terminal\n\n"
                f"{BODY}\n")
    assert [(b.text, b.line) for b in a.bylines] == [("Aqsa Younas Rana", 7)]
    assert a.published is not None
    assert (a.published.text, a.published.line) == ("January 11, 2024 at 9:51 am EST", 8)
    assert [(p.text, p.line) for p in a.body] == [(BODY, 11)]
    assert where(a) == []


def test_r4_the_block_in_a_layout_c_article() -> None:
    a = article(f"date 2024-05-02 Library opens on Sundays\nBy Jane Roe\nMay 2, 2024 10:00 CEST\n\n{BODY}\n")
    assert [b.text for b in a.bylines] == ["Jane Roe"]
    assert a.published is not None
    assert a.published.line == 3


def test_r4_dates_are_recognised_in_the_article_language() -> None:
    spanish = ReadOptions(language="es", timezone="Europe/Madrid", zones={})
    a = article("date 2024-01-11\nMundo\n\nLas grúas vuelven\nPor Juan Pérez y María López\n"
                "Publicado: 11 de enero de 2024, 9:51\nEl texto.\n", options=spanish)
    assert [b.text for b in a.bylines] == ["Juan Pérez y María López"]
    assert a.published is not None
    assert a.published.line == 6


@pytest.mark.parametrize("line", ["47 minutes ago", "2 hrs ago", "an hour ago", "Yesterday at 5 pm", "just now"])
def test_r4_7_a_relative_time_alone_is_a_date_line_that_is_ignored(line: str) -> None:
    a = block("By: Jane Roe", line)
    assert a.published is not None
    assert a.published.text == line
    assert texts(a) == [BODY]
    result = parse(TOP + f"By: Jane Roe\n{line}\n{BODY}\n")
    assert result.article is not None
    assert result.article.published.isoformat() == "2024-01-11T00:00:00+00:00"  # the header date
    assert ("W-DATE-UNPARSED", 6) in where(result)


def test_r4_7_a_sentence_about_time_ago_is_body_text() -> None:
    line = "Two hours ago, the river burst its banks."
    a = block(line)
    assert texts(a) == [line, BODY]


# --- the one-pattern gate before the labels (feeds.readers.text._ANY_LABEL) -------------------

_LABEL_PATTERNS = [
    text_reader._AUTHOR_LABEL, text_reader._BY_ALONE, text_reader._BY, text_reader._AUTHOR_COLON,
    *text_reader._FOREIGN_BY.values(), text_reader._PUBLISHED, text_reader._UPDATED,
    text_reader._FOREIGN_PUBLISHED, text_reader._FOREIGN_UPDATED,
]  # fmt: skip
_LABEL_WORDS = ["author", "Authors", "by", "BY", "Written", "words", "reporting", "von", "par", "por", "di",
                "door", "first", "published", "Posted", "last", "updated", "modified", "Veröffentlicht",
                "erstellt", "publié", "stand", "Mis", "à", "jour", "bijgewerkt", "about", "the", "on", "at",
                "Jane", "Roe", "ſ", "K", "İ", "2024", "January"]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_LABEL_WORDS), st.sampled_from([" ", "  ", ":", " :", "\t", "-"]),
                          st.text(max_size=3)), max_size=6).map("".join))
def test_a_line_passes_the_label_gate_when_any_label_pattern_matches(text: str) -> None:
    matched = any(pattern.match(text) for pattern in _LABEL_PATTERNS)
    assert (text_reader._ANY_LABEL.match(text) is not None) == matched
