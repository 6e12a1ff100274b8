"""Section 10: every diagnostic code, produced through the public path (read_text, then
normalize; E-DUP-ID at the group stage), with its file and 1-based line,
and a sentence for a person."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from feeds.errors import Code, Diagnostic, Severity
from feeds.group import group
from feeds.model import Article
from tests.conftest import make_settings
from tests.test_reader import parse, where

SETTINGS = make_settings(Path("a"), Path("o"))
TOP = "date 2024-07-04 en English\nWorld\n\nA title here\nBy: Jane Roe\n"  # a date goes on line 6
BODY = "\nThe body starts here.\n"

# (file name, text, code, line): one article for each code of section 10.
CASES: list[tuple[str, str | bytes, Code, int]] = [
    ("decode.txt", b"date 2024-07-04 en English\nWorld\n\nA title \xff here\n", Code.DECODE, 4),
    ("empty.txt", b"\n \n\t\n", Code.EMPTY, 1),
    ("no-date.txt", "World\n\nA title here\nBy: Jane Roe\n\nThe body.\n", Code.NO_DATE, 1),
    ("no-date-unreadable.txt", "World\n\nA title here\nPublished: sometime 2024ish\n\nBody.\n", Code.NO_DATE, 4),
    ("empty-body.txt", "date 2024-07-04 en English\nWorld\n\nA title here\n\nBy: Jane Roe\n", Code.EMPTY_BODY, 4),
    ("no-header.txt", "World\n\nA title here\nPublished: July 4, 2024 9:00 EDT\n\nBody.\n", Code.NO_HEADER, 1),
    ("hdr-month.txt", "date 2024-07 en English\nWorld\n\nA title here" + BODY, Code.HDR_MONTH, 1),
    ("hdr-date.txt", "date 2024-02-30 en English\nWorld\n\nA title here\nJuly 4, 2024 9:00 EDT" + BODY,
     Code.HDR_DATE, 1),
    ("title-from-filename.txt", "date 2024-07-04 The body is on the header line." + BODY, Code.TITLE_FROM_FILENAME, 1),
    ("author-discarded.txt", TOP.replace("Jane Roe", "Jane Roe and Agent 007") + BODY, Code.AUTHOR_DISCARDED, 5),
    ("no-author.txt", "date 2024-07-04 en English\nWorld\n\nA title here" + BODY, Code.NO_AUTHOR, 4),
    ("tz-ambiguous.txt", TOP + "Published: July 4, 2024 9:00 CST" + BODY, Code.TZ_AMBIGUOUS, 6),
    ("tz-unknown.txt", TOP + "Published: July 4, 2024 9:00 XYZT" + BODY, Code.TZ_UNKNOWN, 6),
    ("tz-assumed.txt", TOP + "Published: July 4, 2024 9:00" + BODY, Code.TZ_ASSUMED, 6),
    ("tz-dst-mismatch.txt", TOP + "Published: July 4, 2024 at 9:00 am EST" + BODY, Code.TZ_DST_MISMATCH, 6),
    ("date-fuzzy.txt", TOP + "Published: 4 July 2024, roughly 9:00 EDT" + BODY, Code.DATE_FUZZY, 6),
    ("date-unparsed.txt", TOP + "Published: 47 minutes ago" + BODY, Code.DATE_UNPARSED, 6),
    ("no-time.txt", TOP + "Published: July 4, 2024" + BODY, Code.NO_TIME, 6),
    ("no-time-header.txt", TOP + BODY, Code.NO_TIME, 1),
    ("date-mismatch.txt", TOP + "Published: June 1, 2024 9:00 EDT" + BODY, Code.DATE_MISMATCH, 6),
    ("updated-before.txt", TOP + "Published: July 4, 2024 9:00 EDT\nUpdated: July 3, 2024 9:00 EDT" + BODY,
     Code.UPDATED_BEFORE_PUBLISHED, 7),
]


@pytest.mark.parametrize(("name", "text", "code", "line"), CASES, ids=[c[0] for c in CASES])
def test_each_code_on_its_line(name: str, text: str | bytes, code: Code, line: int) -> None:
    result = parse(text, name)
    found = [d for d in result.diagnostics if d.code is code]
    assert [(str(d.code), d.line) for d in found] == [(str(code), line)], where(result)
    assert found[0].file == name
    if code.severity is Severity.ERROR:
        assert result.article is None
    else:
        assert result.article is not None
        assert not any(d.is_error for d in result.diagnostics)


def test_every_code_of_the_format_has_a_case() -> None:
    group_stage = {Code.DUP_ID, Code.SLUG_COLLISION}
    assert {c[2] for c in CASES} == set(Code) - group_stage


def _published(name: str, text: str) -> Article:
    result = parse(text, name)
    assert result.article is not None
    return result.article


def test_e_dup_id_the_second_article_is_skipped() -> None:
    first = _published("2024/a-floods.txt", TOP + "Published: July 4, 2024 9:00 EDT" + BODY)
    second = replace(first, source="2024/b-floods.txt", title="Another")  # the same id
    grouped = group([second, first], SETTINGS)
    assert [a.source for a in grouped.published] == ["2024/a-floods.txt"]
    assert [(str(d.code), d.file, d.line) for d in grouped.diagnostics] == [("E-DUP-ID", "2024/b-floods.txt", 1)]
    assert grouped.diagnostics[0].is_error
    assert "2024/a-floods.txt" in grouped.diagnostics[0].message


# --- What every diagnostic carries -------------------------------------------------------------

_SENTENCE = re.compile(r"^[A-Z'\"`].*[.!?]$", re.DOTALL)


@pytest.mark.parametrize(("name", "text", "code", "line"), CASES, ids=[c[0] for c in CASES])
def test_every_diagnostic_is_a_sentence_for_a_person(name: str, text: str | bytes, code: Code, line: int) -> None:
    for d in parse(text, name).diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.line >= 1
        assert d.file == name
        assert _SENTENCE.match(d.message), d.message
        assert "Traceback" not in d.message
        assert str(d).startswith(f"{name}:{d.line}: {d.severity} {d.code}: ")


def test_the_file_is_the_source_argument_as_given() -> None:
    result = parse("date 2024-07-04 The body is on the header line." + BODY, "nested/dir/some_story.txt")
    assert [d.file for d in result.diagnostics] == ["nested/dir/some_story.txt"] * len(result.diagnostics)


def test_severity_follows_the_code() -> None:
    for code in Code:
        assert code.severity is (Severity.ERROR if code.value.startswith("E-") else Severity.WARNING)


def test_a_clean_article_has_no_diagnostics() -> None:
    result = parse(TOP + "Published: July 4, 2024 at 9:00 am EDT" + BODY)
    assert result.diagnostics == ()
    assert result.article is not None


def test_several_diagnostics_each_on_their_own_line() -> None:
    text = ("date 2024-07 en English\nWorld\n\nA title here\nBy: Jane Roe and Agent 007\n"
            "Published: July 4, 2024 at 9:00 am EST\nUpdated: July 3, 2024 9:00 CST\n\nBody.\n")
    assert sorted(where(parse(text))) == [
        ("W-AUTHOR-DISCARDED", 5),
        ("W-HDR-MONTH", 1),
        ("W-TZ-AMBIGUOUS", 7),
        ("W-TZ-DST-MISMATCH", 6),
        ("W-TZ-DST-MISMATCH", 7),
        ("W-UPDATED-BEFORE-PUBLISHED", 7),
    ]
