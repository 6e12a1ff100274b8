"""Section 2: the category line, through read_text and normalize."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.test_reader import article, parse

HEADER = "date 2024-01-11 en English\n"
AFTER = "\n\nHarbour cranes return to service\n\nThe cranes are running again after a week of repairs.\n"


@pytest.mark.parametrize(
    "line",
    [
        "Business",
        "World",
        "BNN Newsroom",
        "Science & Tech",
        "Local News Around Town",  # 4 words
        "Économie",
        "科技",
        "x" * 40,  # 40 characters
        "U.S. Politics",  # a dot inside is not closing punctuation
        "Markets (Asia)",
        '"Opinion"',
    ],
)
def test_r2_1_a_short_line_followed_by_another_is_the_category(line: str) -> None:
    a = article(HEADER + line + AFTER)
    assert a.category is not None
    assert (a.category.text, a.category.line) == (line, 2)
    assert (a.title.text, a.title.line) == ("Harbour cranes return to service", 4)


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("Five Words Are Too Many", "more than 4 words"),
        ("x" * 41, "more than 40 characters"),
        ("Business.", "closing punctuation"),
        ("Business!", "closing punctuation"),
        ("Business?", "closing punctuation"),
        ("Business:", "closing punctuation"),
        ("Business;", "closing punctuation"),
        ("Business,", "closing punctuation"),
        ("Business…", "closing punctuation"),
        ('"Business."', "closing punctuation inside quotes"),
        ("By: Jane Roe", "a byline line"),
        ("By Jane Roe", "a byline line"),
        ("author", "a byline label"),
        ("Published: January 11, 2024", "a byline line"),
        ("January 11, 2024", "a bare date line"),
        ("***", "no letter or digit"),
    ],
)
def test_r2_1_what_is_not_a_category(line: str, why: str) -> None:
    a = article(HEADER + line + AFTER)
    assert a.category is None, why


def test_r2_1_a_lone_short_line_is_the_title_not_the_category() -> None:
    # Not followed by another non-blank line: the title (line 2), with no body after it.
    result = parse(HEADER + "Business\n\n\n")
    assert result.article is None
    assert [(str(d.code), d.line) for d in result.diagnostics] == [("E-EMPTY-BODY", 2)]


def test_r2_1_blank_lines_between_category_and_title_are_allowed() -> None:
    a = article(HEADER + "\n\nWorld\n\n\n\nFlood barriers hold\n\nThe barriers held overnight.\n")
    assert a.category is not None
    assert (a.category.text, a.category.line) == ("World", 4)
    assert (a.title.text, a.title.line) == ("Flood barriers hold", 8)


def test_r2_1_a_short_line_before_a_sentence_is_still_the_category() -> None:
    # As the format writes it: the line after the category need not be a title. The title
    # then comes from the file name (section 3.3), and the sentence is body text.
    a = article(HEADER + "World\n\nThe river crested below the record overnight.\n", name="river-crest.txt")
    assert a.category is not None
    assert a.category.text == "World"
    assert a.title.text == "river crest"
    assert [p.text for p in a.body] == ["The river crested below the record overnight."]


def test_r2_1_a_short_line_before_a_byline_is_still_the_category() -> None:
    a = article(HEADER + "Floods Hit Coast\n\nBy: Jane Roe\n\nThe river crested overnight.\n", name="floods.txt")
    assert a.category is not None
    assert a.category.text == "Floods Hit Coast"
    assert a.title.text == "floods"
    assert [b.text for b in a.bylines] == ["Jane Roe"]


def test_r2_1_without_a_header_the_rule_applies_from_line_1() -> None:
    a = article("Business" + AFTER)
    assert a.category is not None
    assert (a.category.text, a.category.line) == ("Business", 1)


def test_r2_2_only_when_the_header_has_no_remainder() -> None:
    a = article("date 2024-01-11 Harbour cranes return\nBusiness\n\nThe cranes are running again.\n")
    assert a.category is None
    assert a.title.text == "Harbour cranes return"
    assert [p.text for p in a.body] == ["Business", "The cranes are running again."]


def test_r2_2_a_language_is_not_a_remainder() -> None:
    a = article("date 2024-01-11 de Deutsch\nWirtschaft\n\nHafenkräne laufen wieder\n\nDie Kräne laufen.\n")
    assert a.category is not None
    assert a.category.text == "Wirtschaft"


def test_r2_3_no_category_is_the_configured_default() -> None:
    result = parse("date 2024-01-11 Harbour cranes return\n\nThe cranes are running again.\n",
                   settings=make_settings(Path("a"), Path("o"), default_category="Local"))
    assert result.article is not None
    assert result.article.category.name == "Local"


def test_r2_the_category_reaches_the_article() -> None:
    result = parse(HEADER + "  Business   News " + AFTER)
    assert result.article is not None
    assert result.article.category.name == "Business News"
    assert result.article.category.line == 2
