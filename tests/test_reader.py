"""The reader splits a file into its parts: layouts A-D of ARTICLE_FORMAT.md section 9."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds.config import Settings
from feeds.errors import Code
from feeds.model import RawArticle
from feeds.normalize import Normalized, normalize
from feeds.readers import ReadOptions, ReadResult, read_text
from tests.conftest import make_settings

# The helpers below are shared by the reader's test modules (header, category, title, ...).

OPTIONS = ReadOptions(language="en", timezone="UTC", zones={})
SETTINGS = make_settings(Path("articles"), Path("output"))


def read(text: str | bytes, name: str = "a-story.txt", options: ReadOptions = OPTIONS) -> ReadResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_text(data, name, options)


def article(text: str | bytes, name: str = "a-story.txt", options: ReadOptions = OPTIONS) -> RawArticle:
    result = read(text, name, options)
    assert result.article is not None, result.diagnostics
    return result.article


def parse(text: str | bytes, name: str = "a-story.txt", settings: Settings = SETTINGS) -> Normalized:
    """The public path: read_text, then normalize (as the pipeline does for one file)."""
    options = ReadOptions(language=settings.language, timezone=settings.timezone, zones=dict(settings.zones))
    result = read(text, name, options)
    if result.article is None:
        return Normalized(article=None, diagnostics=result.diagnostics)
    return normalize(result.article, settings)


def codes(result: ReadResult | RawArticle | Normalized) -> list[str]:
    return [str(d.code) for d in result.diagnostics]


def where(result: ReadResult | RawArticle | Normalized) -> list[tuple[str, int]]:
    """Each diagnostic as (code, line)."""
    return [(str(d.code), d.line) for d in result.diagnostics]


LAYOUT_A = """ date 2024-02-07 en English
Business

Port operators plan a second container terminal

author
By: Anna Keller
Published: February 7, 2024 at 10:15 am EST
Port operators plan a second container terminal

Operators at the eastern port announced plans for a second terminal on Wednesday.

Why now

Volumes rose by a fifth last year, and the existing quay is full most days.

author

Anna Keller

Anna Keller covers shipping and trade. She has reported from four continents.
"""


def test_layout_a() -> None:
    a = article(LAYOUT_A)
    assert a.header_date is not None
    assert a.header_date.isoformat() == "2024-02-07"
    assert a.language == "en"
    assert a.category is not None
    assert (a.category.text, a.category.line) == ("Business", 2)
    assert (a.title.text, a.title.line) == ("Port operators plan a second container terminal", 4)
    assert [b.text for b in a.bylines] == ["Anna Keller"]
    assert a.published is not None
    assert a.published.text == "February 7, 2024 at 10:15 am EST"
    assert a.published.line == 8
    assert [p.text for p in a.body] == [
        "Operators at the eastern port announced plans for a second terminal on Wednesday.",
        "Why now",
        "Volumes rose by a fifth last year, and the existing quay is full most days.",
    ]
    assert [b.text for b in a.bio] == [
        "Anna Keller",
        "Anna Keller covers shipping and trade. She has reported from four continents.",
    ]
    assert codes(a) == []


LAYOUT_B = """date 2024-08-19 en English
World

Flood barriers hold along the river

By: Marco Rossi & Lena Vogt
Published: August 19, 2024 at 6:40 pm EDT
Updated: August 19, 2024 at 9:05 pm EDT

Temporary barriers held overnight as the river crested below the record.

Residents in low streets were told to stay alert until Thursday.

World

Marco Rossi

Marco Rossi reports on climate and cities.
"""


def test_layout_b_bio_opens_with_the_category_line() -> None:
    a = article(LAYOUT_B)
    assert [b.text for b in a.bylines] == ["Marco Rossi & Lena Vogt"]
    assert a.updated is not None
    assert a.updated.text == "August 19, 2024 at 9:05 pm EDT"
    assert [p.text for p in a.body][-1] == "Residents in low streets were told to stay alert until Thursday."
    assert [b.text for b in a.bio] == ["Marco Rossi", "Marco Rossi reports on climate and cities."]


def test_layout_c_title_on_the_header_line() -> None:
    a = article("date 2024-05-02 Library opens on Sundays\n\nThe city library will open on Sundays.\n")
    assert (a.title.text, a.title.line) == ("Library opens on Sundays", 1)
    assert a.category is None
    assert a.language is None
    assert [p.text for p in a.body] == ["The city library will open on Sundays."]


def test_layout_d_sentence_on_the_header_line() -> None:
    a = article("date 2024-12-03 Frost is expected in the valleys tonight.\n\nFarmers were told to cover crops.\n",
                name="frost-warning.txt")
    assert a.title.text == "frost warning"
    assert [p.text for p in a.body] == [
        "Frost is expected in the valleys tonight.",
        "Farmers were told to cover crops.",
    ]
    assert codes(a) == ["W-TITLE-FROM-FILENAME"]


def test_a_sentence_starting_with_by_is_body_text() -> None:
    a = article("date 2024-01-02 en English\nWorld\n\nPrices settle\n\n"
                "By the end of the year, prices had settled.\n\nTraders were relieved.\n")
    assert a.bylines == ()
    assert a.body[0].text == "By the end of the year, prices had settled."


def test_no_header() -> None:
    a = article("A headline of more than four words\n\nSome body text follows here.\n")
    assert a.header_date is None
    assert codes(a) == ["W-NO-HEADER"]
    assert a.title.text == "A headline of more than four words"


def test_a_short_first_line_is_the_category_even_before_a_sentence() -> None:
    # Section 2 as written: the short line is the category; no title line follows (3.3).
    a = article("Short headline here\n\nSome body text follows here.\n", name="short-headline.txt")
    assert a.category is not None
    assert a.category.text == "Short headline here"
    assert a.title.text == "short headline"
    assert codes(a) == ["W-NO-HEADER", "W-TITLE-FROM-FILENAME"]


@pytest.mark.parametrize(
    ("data", "code", "line"),
    [
        (b"date 2024-01-01\nok\n\xff\xfe broken\n", Code.DECODE, 3),
        (b"", Code.EMPTY, 1),
        (b" \n\t\n\n", Code.EMPTY, 1),
        (b"date 2024-01-01 en English\nWorld\n\nA title\n\nBy: Jane Roe\n", Code.EMPTY_BODY, 4),
    ],
)
def test_errors_skip_the_article(data: bytes, code: Code, line: int) -> None:
    result = read(data)
    assert result.article is None
    assert [(d.code, d.line) for d in result.diagnostics][-1] == (code, line)


def test_header_month_and_impossible_dates() -> None:
    month = article("date 2024-03 Title here\n\nBody text.\n")
    assert month.header_date is not None
    assert month.header_date.day == 1
    assert "W-HDR-MONTH" in codes(month)
    impossible = article("date 2024-02-30 Title here\n\nBody text.\n")
    assert impossible.header_date is None
    assert "W-HDR-DATE" in codes(impossible)


def test_hygiene_bom_crlf_nbsp_zero_width_and_control_characters() -> None:
    a = article("\ufeffdate 2024-01-01 en English\r\nWorld\r\n\r\nA\u00a0tit\u200ble\x0b\r\n\r\nBody\x00 text.\r\n")
    assert a.title.text == "A title"
    assert a.body[0].text == "Body text."
