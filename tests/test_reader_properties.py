"""Property tests for the reader (ARTICLE_FORMAT.md sections 0-10): any input gives an article
or an error diagnostic, never an exception; every date out is aware; no text out carries a
character XML 1.0 forbids.
"""

from __future__ import annotations

import re
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.errors import Severity
from feeds.model import Article, RawArticle
from feeds.readers import ReadResult
from feeds.text import clean_line, clean_text
from tests.test_reader import parse, read

# XML 1.0 characters: tab, LF, CR, U+0020-D7FF, U+E000-FFFD, U+10000-10FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _raw_texts(raw: RawArticle) -> list[str]:
    located = [raw.title, *raw.bylines, *raw.author_lines, *raw.body, *raw.bio]
    located += [x for x in (raw.category, raw.published, raw.updated) if x is not None]
    return [x.text for x in located]


def _article_texts(a: Article) -> list[str]:
    return [a.title, a.category.name, a.summary, a.content_html, *a.bio, *(x.name for x in a.authors)]


def _check_read(result: ReadResult, line_count: int) -> None:
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if result.article is None:
        assert errors, "an article is skipped only with an error that says why"
    else:
        assert not errors
        assert result.article.body, "a published article has a body"
        for text in _raw_texts(result.article):
            assert not _XML_ILLEGAL.search(text), text
            assert not _ZERO_WIDTH.search(text), text
            assert text == text.strip()
    for d in result.diagnostics:
        assert 1 <= d.line <= max(line_count, 1), d
        assert d.file == "fuzz.txt"
        assert d.message.strip()


def _check_parse(data: bytes) -> None:
    result = parse(data, "fuzz.txt")
    if result.article is None:
        assert any(d.severity is Severity.ERROR for d in result.diagnostics)
        return
    a = result.article
    for value in (a.published, a.updated):
        assert isinstance(value, datetime)
        assert value.tzinfo is not None
        assert value.utcoffset() is not None
    assert a.updated >= a.published
    assert a.authors
    for text in _article_texts(a):
        assert not _XML_ILLEGAL.search(text), text
    assert "<script" not in a.content_html.lower()


def _lines(data: bytes) -> int:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


@FAST
@given(st.binary(max_size=600))
def test_any_bytes_give_an_article_or_an_error(data: bytes) -> None:
    _check_read(read(data, "fuzz.txt"), _lines(data))


@FAST
@given(st.text(max_size=600))
def test_any_text_gives_an_article_or_an_error(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    _check_read(read(data, "fuzz.txt"), _lines(data))


@FAST
@given(st.binary(max_size=400))
def test_the_full_path_never_raises_on_bytes(data: bytes) -> None:
    _check_parse(data)


# -- Structured input: the lines the format is made of, in any order and mix ----------

HEADERS = [
    "date 2024-01-11 en English", " date 2024-07-04 en English", "date 2024-03", "date 2024-02-30",
    "date 2024-05-02 de Deutsch", "date 2024-05-02 fr Français", "date 2024-05-02 es Español",
    "date 2024-05-02 zh 中文", "date 2024-05-02 de Gaulle Remembered", "date 2024-12-03 Frost is expected.",
    "date 2024-13-01", "date 0000-01-01", "date 9999-12-31 en English", "",
]  # fmt: skip
CATEGORIES = ["Business", "World", "BNN Newsroom", "Tech & Science", "Sport:", "A B C D E", ""]
TITLES = [
    "Harbour cranes return to service", "Is this the end?", "de Gaulle Remembered",
    "A sentence that ends here.", "x" * 210, "<b>Bold</b> &amp; <script>alert(1)</script>", "",
]  # fmt: skip
BYLINES = [
    "author", "authors", "About the author", "By: Jane Roe", "By Jane Roe and John Doe, Staff Writers",
    "BY JANE O'NEIL", "Written by Ann Lee", "Words by Web Desk", "Reporting by Reuters", "By",
    "Jane Roe", "By the end of the year, prices had settled.", "By 2030 the city will grow",
    "By Agent 007", "By: One Two Three Four Five Six Seven",
]  # fmt: skip
DATES = [
    "Published: January 11, 2024 at 9:51 am EST", "Published on July 4, 2024 10:15 a.m. EST",
    "Updated: 47 minutes ago", "Updated", "July 4, 2024 9:00 PDT", "Posted at 14.51 UTC+8",
    "Last updated: 2024年1月11日 下午2时30分", "Published: 11 janvier 2024 15h51", "Modified: tomorrow-ish 99",
    "First published: 31 February 2024", "Published: Jan 5, 2024 · 10:00 AM ET | Updated: Jan 4, 2024",
    "Veröffentlicht am 5. Januar 2024, 10:00 Uhr", "2024-01-11", "Published:",
]  # fmt: skip
BODY = [
    "Operators at the port announced plans for a second terminal on Wednesday.",
    "Why now", "- first point", "* second point", "1. numbered", "2) numbered again",
    "<p onclick='x()'>Raw HTML</p> & more", "A\u00a0no-break\u200bspace\x00and\x1fcontrols\ufeff.",
    "“Curly quotes” — and dashes – everywhere…", "\u202eReversed text\u202c", "",
]  # fmt: skip
BIO = ["author", "About the author", "World", "Jane Roe", "JANE ROE", "Jane Roe writes about ports."]
NOISE = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)

LINE = st.one_of(
    st.sampled_from(CATEGORIES), st.sampled_from(TITLES), st.sampled_from(BYLINES), st.sampled_from(DATES),
    st.sampled_from(BODY), st.sampled_from(BIO), NOISE,
)
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def articles(draw: st.DrawFn) -> bytes:
    """A header (or none), then lines of every kind in any order, with any line ending."""
    lines = [draw(st.sampled_from(HEADERS))] if draw(st.booleans()) else []
    lines += draw(st.lists(LINE, max_size=25))
    ending = draw(ENDINGS)
    text = ending.join(lines) + (ending if draw(st.booleans()) else "")
    bom = "\ufeff" if draw(st.booleans()) else ""
    return (bom + text).encode("utf-8")


@st.composite
def shaped_articles(draw: st.DrawFn) -> bytes:
    """The layouts' order (header, category, title, byline block, body, bio), each part drawn."""
    parts = [
        [draw(st.sampled_from(HEADERS))],
        [draw(st.sampled_from(CATEGORIES))],
        [draw(st.sampled_from(TITLES))],
        draw(st.lists(st.sampled_from(BYLINES + DATES), max_size=5)),
        draw(st.lists(st.sampled_from(BODY), max_size=8)),
        draw(st.lists(st.sampled_from(BIO), max_size=4)),
    ]
    blank = draw(st.sampled_from(["", "\n"]))
    return ("\n" + blank).join(line for part in parts for line in part).encode("utf-8")


@FAST
@given(articles())
def test_structured_mixes_read_without_raising(data: bytes) -> None:
    _check_read(read(data, "fuzz.txt"), _lines(data))
    _check_parse(data)


@FAST
@given(shaped_articles())
def test_shaped_articles_read_without_raising(data: bytes) -> None:
    _check_read(read(data, "fuzz.txt"), _lines(data))
    _check_parse(data)


@FAST
@given(shaped_articles())
def test_reading_is_deterministic(data: bytes) -> None:
    assert read(data, "fuzz.txt") == read(data, "fuzz.txt")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_clean_text_of_ascii_is_clean_line_of_each_line(raw: str) -> None:
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert clean_text(raw) == [clean_line(line) for line in lines]


def test_clean_text_of_each_ascii_character_is_clean_line() -> None:
    # clean_text removes the ASCII illegal characters of a whole file with bytes.translate.
    raw = "\n".join(f"a{chr(c)}b {chr(c)}" for c in range(128) if chr(c) not in "\r\n")
    assert clean_text(raw) == [clean_line(line) for line in raw.split("\n")]
