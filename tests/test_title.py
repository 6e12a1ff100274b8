"""Section 3: the title, and the scraper's repeated title."""

from __future__ import annotations

import pytest

from tests.test_reader import article, parse, where

HEADER = "date 2024-01-11 en English\n"
TITLE = "Harbour cranes return to service"
BODY = "The cranes are running again after a week of repairs."


# --- 3.1: the header remainder -------------------------------------------------------------


@pytest.mark.parametrize(
    "rest",
    [
        "Library opens on Sundays",
        "Is the library open on Sundays?",
        "Library opens on Sundays!",
        "Library opens: what changes",
        "Library opens on Sundays…",
        "x" * 200,
        "de Gaulle Remembered",
    ],
)
def test_r3_1_a_remainder_that_looks_like_a_title_is_the_title(rest: str) -> None:
    a = article(f"date 2024-05-02 {rest}\n\n{BODY}\n")
    assert (a.title.text, a.title.line) == (rest, 1)
    assert [p.text for p in a.body] == [BODY]
    assert where(a) == []


@pytest.mark.parametrize(
    "rest",
    [
        "Frost is expected in the valleys tonight.",
        'The mayor said "we will rebuild."',
        "x" * 201,
    ],
)
def test_r3_1_a_remainder_that_is_a_sentence_is_the_first_paragraph(rest: str) -> None:
    a = article(f"date 2024-12-03 {rest}\n\n{BODY}\n", name="frost-warning.txt")
    assert a.title.text == "frost warning"
    assert [(p.text, p.line) for p in a.body] == [(rest, 1), (BODY, 3)]
    assert where(a) == [("W-TITLE-FROM-FILENAME", 1)]


def test_r3_1_a_sentence_remainder_skips_to_the_file_name() -> None:
    # Layout D: no title line is looked for after the header, even one that looks like a title.
    a = article("date 2024-12-03 Frost is expected tonight.\n\nShort line here\n\nMore text.\n", name="frost.txt")
    assert a.title.text == "frost"
    assert [p.text for p in a.body] == ["Frost is expected tonight.", "Short line here", "More text."]


# --- 3.2: the line after the category --------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        TITLE,
        "Is this the end of cheap flights?",
        "Hong Kong Productivity Council Champions New Industrialization; China to Launch Plan in 2024",
        "“Never again”, says the mayor",
        "y" * 200,
    ],
)
def test_r3_2_the_line_after_the_category(title: str) -> None:
    a = article(f"{HEADER}World\n\n{title}\n\n{BODY}\n")
    assert (a.title.text, a.title.line) == (title, 4)


def test_r3_2_without_a_category_the_first_line() -> None:
    title = "Harbour cranes return to service after repairs"
    a = article(f"{HEADER}{title}\n\n{BODY}\n")
    assert a.category is None
    assert (a.title.text, a.title.line) == (title, 2)


@pytest.mark.parametrize(
    "line",
    [
        "The cranes are running again.",
        '"We are back," said the harbour master.',
        "z" * 201,
        "By: Jane Roe",
        "Published: January 11, 2024 9:51 am EST",
        "author",
    ],
)
def test_r3_2_a_line_that_does_not_look_like_a_title_is_not_the_title(line: str) -> None:
    a = article(f"{HEADER}World\n\n{line}\n\n{BODY}\n", name="harbour_cranes-return.txt")
    assert a.title.text == "harbour cranes return"
    assert where(a) == [("W-TITLE-FROM-FILENAME", 4)]


# --- 3.3: the file name -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("frost-warning.txt", "frost warning"),
        ("frost_warning.txt", "frost warning"),
        ("2024/12/frost--warning__inland.txt", "frost warning inland"),
        ("Frost Warning.TXT", "Frost Warning"),
        ("no-suffix", "no suffix"),
    ],
)
def test_r3_3_the_file_name_dashes_and_underscores_as_spaces(name: str, title: str) -> None:
    a = article("date 2024-12-03 Frost is expected tonight.\n\nFarmers were told to cover crops.\n", name=name)
    assert a.title.text == title
    assert a.diagnostics[0].file == name
    assert title in a.diagnostics[0].message


def test_r3_3_the_title_from_the_file_name_reaches_the_article() -> None:
    result = parse("date 2024-12-03 Frost is expected tonight.\n\nFarmers were told.\n", "frost-warning.txt")
    assert result.article is not None
    assert result.article.title == "frost warning"
    assert ("W-TITLE-FROM-FILENAME", 1) in where(result)


# --- The repeated title --------------------------------------------------------------------


def _seed_like(after_block: list[str]) -> str:
    lines = [HEADER + "Business", "", TITLE, "", "author", "By: Jane Roe", "Published: January 11, 2024 at 9:51 am EST",
             *after_block]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "copy",
    [TITLE, TITLE.upper(), f"  {TITLE}  ", TITLE.replace(" ", "  "), "Harbour cranes return to service"],
)
def test_r3_4_the_title_repeated_just_after_the_byline_block_is_dropped(copy: str) -> None:
    a = article(_seed_like([copy, "", BODY]))
    assert [p.text for p in a.body] == [BODY]


def test_r3_4_equal_means_folded_quotes_and_dashes() -> None:
    title = "“Never again” — the mayor’s pledge"
    a = article(f"{HEADER}World\n\n{title}\nBy: Jane Roe\n\"never AGAIN\" - the mayor's pledge\n{BODY}\n")
    assert [p.text for p in a.body] == [BODY]


@pytest.mark.parametrize("position", [0, 1, 2])
def test_r3_4_within_the_first_3_non_blank_lines_after_the_block(position: int) -> None:
    before = ["Lead paragraph number one.", "Lead paragraph number two."][:position]
    a = article(_seed_like([*before, "", TITLE, BODY]))
    assert [p.text for p in a.body] == [*before, BODY]


def test_r3_4_a_copy_further_down_is_body_text() -> None:
    lines = ["One.", "Two.", "Three.", TITLE, BODY]
    a = article(_seed_like(lines))
    assert [p.text for p in a.body] == lines


def test_r3_4_without_a_byline_block_the_lines_after_the_title() -> None:
    a = article(f"{HEADER}World\n\n{TITLE}\n\n{TITLE}\n\n{BODY}\n")
    assert [(p.text, p.line) for p in a.body] == [(BODY, 8)]


def test_r3_4_a_copy_between_the_title_and_the_block_is_dropped_too() -> None:
    a = article(f"{HEADER}World\n\n{TITLE}\n{TITLE}\nBy: Jane Roe\n{BODY}\n")
    assert [p.text for p in a.body] == [BODY]
    assert [b.text for b in a.bylines] == ["Jane Roe"]


def test_r3_4_a_layout_c_title_repeated_is_dropped() -> None:
    a = article(f"date 2024-05-02 Library opens on Sundays\n\nLibrary opens on Sundays\n\n{BODY}\n")
    assert [p.text for p in a.body] == [BODY]


def test_r3_4_a_line_equal_to_a_file_name_title_is_kept() -> None:
    a = article("date 2024-12-03 Frost is expected.\n\nfrost warning\n\nMore text.\n", name="frost-warning.txt")
    assert [p.text for p in a.body] == ["Frost is expected.", "frost warning", "More text."]


def test_r3_the_title_reaches_the_article_with_white_space_collapsed() -> None:
    result = parse(f"{HEADER}World\n\nHarbour   cranes\treturn\n\nBy: Jane Roe\nPublished: Jan 11, 2024 9:51 EST\n"
                   f"{BODY}\n")
    assert result.article is not None
    assert result.article.title == "Harbour cranes return"


def test_r3_4_a_copy_inside_the_byline_block_is_dropped_and_does_not_end_it() -> None:
    a = article(f"{HEADER}World\n\n{TITLE}\nBy: Jane Roe\n{TITLE}\nPublished: January 11, 2024 9:51 EST\n{BODY}\n")
    assert [b.text for b in a.bylines] == ["Jane Roe"]
    assert a.published is not None
    assert a.published.line == 7
    assert [p.text for p in a.body] == [BODY]
