"""Sections 0 and 1: input hygiene and the header line, through read_text (and normalize where
the rule is about a value that leaves the reader)."""

from __future__ import annotations

from datetime import date

import pytest

from feeds.readers import ReadOptions
from feeds.readers.languages import language_of
from feeds.text import fold
from tests.test_reader import article, codes, parse, read, where

BODY = "\n\nThe body starts here and says something.\n"

# --- Section 0: input hygiene ---------------------------------------------------------------


def test_r0_1_a_bom_is_allowed() -> None:
    a = article(b"\xef\xbb\xbfdate 2024-01-11 en English\nWorld\n\nA title here" + BODY.encode())
    assert a.header_date == date(2024, 1, 11)
    assert a.language == "en"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"\xff\xfedate 2024-01-11\n", 1),
        (b"date 2024-01-11 en English\nWorld\n\nTitle \xe9t\xe9\n", 4),
        (b"date 2024-01-11\r\n\r\nBody \xc3(\n", 3),
        (b"ok\n" * 9 + b"\x80", 10),
    ],
)
def test_r0_1_undecodable_bytes_are_e_decode_on_their_line(data: bytes, line: int) -> None:
    result = read(data)
    assert result.article is None
    assert where(result) == [("E-DECODE", line)]
    assert "UTF-8" in result.diagnostics[0].message


@pytest.mark.parametrize("data", [b"", b"\n", b" \n\t\n", b"\xef\xbb\xbf", b"\r\n\r\n", "\u200b\n\u00a0\n".encode()])
def test_r0_2_a_file_with_no_non_blank_line_is_e_empty(data: bytes) -> None:
    result = read(data)
    assert result.article is None
    assert where(result) == [("E-EMPTY", 1)]


@pytest.mark.parametrize("ending", ["\r\n", "\r", "\n"])
def test_r0_3_line_endings_become_lf_and_line_numbers_follow(ending: str) -> None:
    text = ending.join(["date 2024-01-11 en English", "World", "", "A title here", "", "By: Jane Roe", "",
                        "The body starts here.", ""])
    a = article(text)
    assert (a.title.text, a.title.line) == ("A title here", 4)
    assert [(b.text, b.line) for b in a.bylines] == [("Jane Roe", 6)]
    assert [(p.text, p.line) for p in a.body] == [("The body starts here.", 8)]


def test_r0_4_trailing_white_space_is_removed() -> None:
    a = article("date 2024-01-11 en English   \t\nWorld  \n\nA title here \t \n\nBody text. \u3000\n")
    assert a.language == "en"
    assert a.category is not None
    assert a.category.text == "World"
    assert a.title.text == "A title here"
    assert a.body[0].text == "Body text."


def test_r0_5_text_is_nfc_normalized() -> None:
    decomposed = "Cafe\u0301 owners protest"
    a = article(f"date 2024-01-11 en English\nWorld\n\n{decomposed}\n\nRe\u0301sume\u0301 of the day.\n")
    assert a.title.text == "Café owners protest"
    assert a.body[0].text == "Résumé of the day."


def test_r0_6_no_break_spaces_become_spaces() -> None:
    a = article("date\u00a02024-01-11\u00a0en\u00a0English\nWorld\n\nA\u00a0title\u202fhere\n\nBody\u00a0text.\n")
    assert a.header_date == date(2024, 1, 11)
    assert a.title.text == "A title here"
    assert a.body[0].text == "Body text."


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202e"])
def test_r0_7_zero_width_and_direction_characters_are_removed(char: str) -> None:
    a = article(f"date 2024-01-11 en English\nWor{char}ld\n\nA ti{char}tle here\n\nBo{char}dy text.\n")
    assert a.category is not None
    assert a.category.text == "World"
    assert a.title.text == "A title here"
    assert a.body[0].text == "Body text."


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"])
def test_r0_8_characters_illegal_in_xml_are_removed(char: str) -> None:
    a = article(f"date 2024-01-11 en English\nWorld\n\nA title{char} here\n\nBody{char} text.\n")
    assert a.title.text == "A title here"
    assert a.body[0].text == "Body text."


def test_r0_8_a_line_of_only_removed_characters_is_blank() -> None:
    a = article("date 2024-01-11 en English\nWorld\n\u200b\x00\nA title here\n\ufeff\nBody text.\n")
    assert a.category is not None
    assert a.category.text == "World"
    assert a.title.line == 4


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Floods Hit Coast", "floods hit coast"),
        ("Floods  hit\tcoast", "floods hit coast"),
        ("“Quoted” title", '"quoted" title'),
        ("It’s here", "it's here"),
        ("Left — right", "left - right"),
        ("Left – right", "left - right"),
        ("STRASSE", "strasse"),
    ],
)
def test_r0_9_equal_means_folded(a: str, b: str) -> None:
    assert fold(a) == fold(b)


# --- Section 1: the header line ----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("date 2024-01-11", date(2024, 1, 11)),
        (" date 2024-01-11", date(2024, 1, 11)),  # the seed's leading space
        ("date   2024-01-11", date(2024, 1, 11)),
        ("date 2024-01-11 en English", date(2024, 1, 11)),
        ("date 2024-02-29 en English", date(2024, 2, 29)),
    ],
)
def test_r1_1_the_header_line(line: str, day: date) -> None:
    a = article(line + "\nWorld\n\nA title here" + BODY)
    assert a.header_date == day
    assert a.header_line == 1
    assert "W-NO-HEADER" not in codes(a)


@pytest.mark.parametrize(
    "line",
    [
        "Date 2024-01-11",  # the keyword is `date`, as the format writes it
        "date: 2024-01-11",
        "date 2024-1-11",
        "date 24-01-11",
        "date 2024/01/11",
        "date 2024-01-11T10:00",
        "date 20240111",
        "dated 2024-01-11",
        "the date 2024-01-11",
        "date",
    ],
)
def test_r1_1_what_is_not_a_header(line: str) -> None:
    result = read(line + "\nWorld\n\nA headline that is long enough" + BODY)
    assert result.article is not None
    assert result.article.header_date is None
    assert result.article.header_line == 0
    assert where(result)[0] == ("W-NO-HEADER", 1)


def test_r1_1_blank_lines_before_the_header_are_passed_over() -> None:
    a = article("\n\n date 2024-01-11 en English\nWorld\n\nA title here" + BODY)
    assert a.header_date == date(2024, 1, 11)
    assert a.header_line == 3
    assert a.title.line == 6


def test_r1_2_a_month_header_means_the_first_with_w_hdr_month() -> None:
    a = article("date 2024-03 en English\nWorld\n\nA title here" + BODY)
    assert a.header_date == date(2024, 3, 1)
    assert a.header_month_only
    assert a.language == "en"
    assert where(a) == [("W-HDR-MONTH", 1)]
    assert "2024-03" in a.diagnostics[0].message


def test_r1_2_a_month_header_with_a_title() -> None:
    a = article("date 2024-03 Ferry timetable changes" + BODY)
    assert a.header_date == date(2024, 3, 1)
    assert a.title.text == "Ferry timetable changes"


@pytest.mark.parametrize("day", ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "0000-01-01",
                                 "2024-13"])
def test_r1_3_an_impossible_header_date_is_ignored_with_w_hdr_date(day: str) -> None:
    a = article(f"date {day} en English\nWorld\n\nA title here" + BODY)
    assert a.header_date is None
    assert a.header_line == 1
    assert a.language == "en"
    assert where(a) == [("W-HDR-DATE", 1)]
    assert day in a.diagnostics[0].message


@pytest.mark.parametrize(
    ("rest", "language"),
    [
        ("en English", "en"),
        ("de Deutsch", "de"),
        ("de German", "de"),
        ("fr Français", "fr"),
        ("fr francais", "fr"),
        ("es Español", "es"),
        ("zh 中文", "zh"),
        ("ja 日本語", "ja"),
        ("EN ENGLISH", "en"),
        ("en-US English", "en-US"),
        ("en_gb English", "en-GB"),
        ("eng English", "en"),
        ("deu Deutsch", "de"),
        ("en", "en"),
        ("English", "en"),
        ("Deutsch", "de"),
    ],
)
def test_r1_4_a_known_code_and_language_name_is_the_language(rest: str, language: str) -> None:
    assert language_of(rest) == language
    a = article(f"date 2024-01-11 {rest}\nWorld\n\nA title here" + BODY)
    assert a.language == language
    assert a.category is not None  # no remainder: the category rule applies
    assert a.title.text == "A title here"


@pytest.mark.parametrize(
    "rest",
    [
        "de Gaulle Remembered",
        "en Deutsch",  # a known code with another language's name
        "xx English",
        "en English Weekly",
        "It happened again",
        "No",
        "Es",
        "en-US-x-y-z-too-long-subtag English",
        "zh 中文 新闻",
    ],
)
def test_r1_5_anything_else_is_the_header_remainder(rest: str) -> None:
    assert language_of(rest) is None
    a = article(f"date 2024-01-11 {rest}" + BODY)
    assert a.language is None
    assert a.title.text == rest  # a remainder that looks like a title (section 3.1)
    assert a.category is None


def test_r1_5_de_gaulle_remembered_stays_a_title() -> None:
    a = article("date 1970-11-09 de Gaulle Remembered\n\nThe general died today at his home.\n")
    assert (a.title.text, a.title.line) == ("de Gaulle Remembered", 1)
    assert a.language is None
    assert codes(a) == []


def test_r1_6_no_header_is_w_no_header_and_parsing_starts_on_line_1() -> None:
    a = article("World\n\nA title here\n\nBy: Jane Roe\n\nThe body starts here.\n")
    assert where(a) == [("W-NO-HEADER", 1)]
    assert a.header_date is None
    assert a.header_line == 0
    assert a.category is not None
    assert (a.category.text, a.category.line) == ("World", 1)
    assert a.title.line == 3


def test_r1_6_without_a_header_and_a_date_the_article_is_skipped() -> None:
    result = parse("World\n\nA title here\n\nThe body starts here.\n")
    assert result.article is None
    assert where(result) == [("W-NO-HEADER", 1), ("E-NO-DATE", 1), ("W-NO-AUTHOR", 3)]


def test_r1_7_no_language_is_the_configured_default() -> None:
    result = parse("date 2024-01-11\nWorld\n\nA title here" + BODY)
    assert result.article is not None
    assert result.article.language == "en"
    german = ReadOptions(language="de", timezone="UTC", zones={})
    assert article("date 2024-01-11\nWorld\n\nA title here" + BODY, options=german).language is None


def test_r1_7_the_header_language_wins_over_the_default() -> None:
    result = parse("date 2024-01-11 fr Français\nMonde\n\nUn titre ici" + BODY)
    assert result.article is not None
    assert result.article.language == "fr"


def test_r1_8_the_header_date_is_the_fallback_date() -> None:
    result = parse("date 2024-01-11 en English\nWorld\n\nA title here" + BODY)
    assert result.article is not None
    assert result.article.published.isoformat() == "2024-01-11T00:00:00+00:00"
    assert where(result) == [("W-NO-TIME", 1), ("W-NO-AUTHOR", 4)]


def test_r1_8_the_header_date_fills_missing_parts_of_a_date() -> None:
    result = parse("date 2024-01-11 en English\nWorld\n\nA title here\nPublished: Jan 11 at 9:51 am EST" + BODY)
    assert result.article is not None
    assert result.article.published.isoformat() == "2024-01-11T09:51:00-05:00"


def test_r1_8_the_header_date_is_a_sanity_check() -> None:
    result = parse("date 2024-01-11 en English\nWorld\n\nA title here\nPublished: March 3, 2023 9:00 EST" + BODY)
    assert result.article is not None
    assert result.article.published.isoformat() == "2023-03-03T09:00:00-05:00"
    assert ("W-DATE-MISMATCH", 5) in where(result)
