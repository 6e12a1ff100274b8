"""feeds.authors: by-line values into author names (ARTICLE_FORMAT.md section 5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds.authors import AuthorName, dedupe, is_name_like, looks_like_names, split_byline
from feeds.errors import Code, Finding


def person(name: str) -> AuthorName:
    return AuthorName(name=name, is_organization=False)


def org(name: str) -> AuthorName:
    return AuthorName(name=name, is_organization=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # separators and the by-line prefix
        ("Jane Roe", [person("Jane Roe")]),
        ("By: Jane Roe and John Doe", [person("Jane Roe"), person("John Doe")]),
        ("By Jane Roe", [person("Jane Roe")]),
        ("by:Jane Roe", [person("Jane Roe")]),
        ("Written by Jane Roe", [person("Jane Roe")]),
        ("Byron Smith", [person("Byron Smith")]),
        (
            "Jane Roe; John Doe & Ann Lee",
            [person("Jane Roe"), person("John Doe"), person("Ann Lee")],
        ),
        ("Jane Roe, John Doe", [person("Jane Roe"), person("John Doe")]),
        (
            "Jane Roe, John Doe, and Ann Lee",
            [person("Jane Roe"), person("John Doe"), person("Ann Lee")],
        ),
        ("Jane Roe AND John Doe", [person("Jane Roe"), person("John Doe")]),
        ("Jane Roe&John Doe", [person("Jane Roe"), person("John Doe")]),
        ("Andrea Sandler", [person("Andrea Sandler")]),
        # other languages' "and": lower case, two words on each side
        ("Juan Pérez y María López", [person("Juan Pérez"), person("María López")]),
        ("José Ortega y Gasset", [person("José Ortega y Gasset")]),
        ("Anna Schmidt und Peter Müller", [person("Anna Schmidt"), person("Peter Müller")]),
        ("Marie Curie et Pierre Curie", [person("Marie Curie"), person("Pierre Curie")]),
        ("Maria Rossi e Luca Bianchi", [person("Maria Rossi"), person("Luca Bianchi")]),
        ("Jane Roe et al.", [person("Jane Roe")]),
        # outlets after a comma are dropped
        ("By Jane Roe, Reuters", [person("Jane Roe")]),
        ("Jane Roe, The Associated Press", [person("Jane Roe")]),
        ("Jane Roe, AP", [person("Jane Roe")]),
        ("Jane Roe, NPR", [person("Jane Roe")]),
        ("Jane Roe, AFP, John Doe", [person("Jane Roe"), person("John Doe")]),
        ("Jane Roe and John Doe, Bloomberg", [person("Jane Roe"), person("John Doe")]),
        ("Jane Roe (Reuters)", [person("Jane Roe")]),
        # roles after a comma are dropped
        ("Jane Roe, Staff Writer", [person("Jane Roe")]),
        ("John Doe, International Editor", [person("John Doe")]),
        ("Jane Roe and John Doe, Staff Writers", [person("Jane Roe"), person("John Doe")]),
        ("Jane Roe, Reuters correspondent in Beijing", [person("Jane Roe")]),
        ("Jane Roe, Editor-in-Chief", [person("Jane Roe")]),
        ("Jane Roe, Web Desk", [person("Jane Roe")]),
        ("Jane Roe, Staff Writer, Reuters", [person("Jane Roe")]),
        # desks and outlets on their own are organization authors
        ("Web Desk", [org("Web Desk")]),
        ("Staff Reporter", [org("Staff Reporter")]),
        ("BNN Newsroom", [org("BNN Newsroom")]),
        ("News Desk", [org("News Desk")]),
        ("Editorial Board", [org("Editorial Board")]),
        ("By Reuters", [org("Reuters")]),
        ("By AFP", [org("AFP")]),
        ("(Reuters)", [org("Reuters")]),
        ("THE ASSOCIATED PRESS", [org("Associated Press")]),
        ("Jane Roe and Web Desk", [person("Jane Roe"), org("Web Desk")]),
        ("Staff Reporter, Jane Roe", [org("Staff Reporter"), person("Jane Roe")]),
        # suffixes stay with their name
        ("John Smith, Jr.", [person("John Smith Jr.")]),
        ("John Smith Jr.", [person("John Smith Jr.")]),
        (
            "John Smith Jr. and Mary Major, PhD",
            [person("John Smith Jr."), person("Mary Major PhD")],
        ),
        ("John Smith, III, and Ann Lee, MD", [person("John Smith III"), person("Ann Lee MD")]),
        ("John Smith, Sr, Jane Roe", [person("John Smith Sr."), person("Jane Roe")]),
        ("Jr.", []),
        ("Reuters, Jr.", [org("Reuters")]),
        # all capitals are title-cased
        ("JANE DOE", [person("Jane Doe")]),
        ("JANE O'NEIL", [person("Jane O'Neil")]),
        ("MARY-ANN SMITH", [person("Mary-Ann Smith")]),
        ("JOHN MCDONALD III", [person("John McDonald III")]),
        ("VINCENT VAN GOGH", [person("Vincent van Gogh")]),
        ("AHMED AL-HASSAN", [person("Ahmed al-Hassan")]),
        ("JOHN SMITH JR.", [person("John Smith Jr.")]),
        ("JANE ROE, REUTERS", [person("Jane Roe")]),
        ("JANE ROE, STAFF WRITER", [person("Jane Roe")]),
        ("WEB DESK", [org("Web Desk")]),
        ("Jane McDONALD", [person("Jane McDONALD")]),
        ("jane roe", [person("jane roe")]),
        # duplicates, white space and punctuation
        ("Jane Roe and JANE ROE", [person("Jane Roe")]),
        ("Jane Roe, jane  roe, John Doe", [person("Jane Roe"), person("John Doe")]),
        ("  Jane \t  Roe  ", [person("Jane Roe")]),
        ('"Jane Roe"', [person("Jane Roe")]),
        ("“Jane Roe”, ‘John Doe’", [person("Jane Roe"), person("John Doe")]),
        ("Jane Roe.", [person("Jane Roe")]),
        ("Jane R.", [person("Jane R.")]),
        ("Jane Roe,", [person("Jane Roe")]),
        ("-- Jane Roe --", [person("Jane Roe")]),
        # nothing left
        ("", []),
        ("By", []),
        ("By:", []),
        (", ; &", []),
    ],
)
def test_split_byline(value: str, expected: list[AuthorName]) -> None:
    names, findings = split_byline(value)
    assert list(names) == expected
    assert findings == ()


@pytest.mark.parametrize(
    ("value", "names", "messages"),
    [
        (
            "By 2024 Election Team 123",
            [],
            ['Dropped "2024 Election Team 123" from the by-line: a name has no digits.'],
        ),
        (
            "Jane Roe and Agent 007",
            [person("Jane Roe")],
            ['Dropped "Agent 007" from the by-line: a name has no digits.'],
        ),
        (
            "One Two Three Four Five Six Seven",
            [],
            ['Dropped "One Two Three Four Five Six Seven" from the by-line: it has 7 words, more than 6.'],
        ),
        (
            "Jane Roe; Al Bo Cy Di Ed Fa Gu Hi, John Doe",
            [person("Jane Roe"), person("John Doe")],
            ['Dropped "Al Bo Cy Di Ed Fa Gu Hi" from the by-line: it has 8 words, more than 6.'],
        ),
        (
            "A1 B2 and C3",
            [],
            [
                'Dropped "A1 B2" from the by-line: a name has no digits.',
                'Dropped "C3" from the by-line: a name has no digits.',
            ],
        ),
    ],
)
def test_split_byline_discards(value: str, names: list[AuthorName], messages: list[str]) -> None:
    got, findings = split_byline(value)
    assert list(got) == names
    assert findings == tuple(Finding(code=Code.AUTHOR_DISCARDED, message=m) for m in messages)


def test_six_words_are_kept() -> None:
    names, findings = split_byline("Maria de los Angeles Garcia Lopez")
    assert names == (person("Maria de los Angeles Garcia Lopez"),)
    assert findings == ()


def test_dedupe_keeps_the_first_and_the_order() -> None:
    names = [
        person("Jane Roe"),
        person("John Doe"),
        person("jane   ROE"),
        org("Web Desk"),
        org("web desk"),
        person("Ann O’Neil"),
        person("ann o'neil"),
    ]
    assert dedupe(names) == (
        person("Jane Roe"),
        person("John Doe"),
        org("Web Desk"),
        person("Ann O’Neil"),
    )
    assert dedupe([]) == ()
    assert dedupe(iter([person("A B")])) == (person("A B"),)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Aqsa Younas Rana", True),
        ("Jane Roe", True),
        ("Vincent van Gogh", True),
        ("Ludwig van der Berg", True),
        ("Mohd bin Salleh", True),
        ("Ahmed al-Hassan", True),
        ("Mary-Ann O'Neil", True),
        ("Mary-Ann O’Neil", True),
        ("Jane R. Roe", True),
        ("J. R. R. Tolkien", True),
        ("John Smith Jr.", True),
        ("John Smith III", True),
        ("José Ortega y Gasset", True),
        ("JANE ROE", True),
        ("Владимир Набоков", True),
        ("One Two Three Four Five", True),
        ("One Two Three Four Five Six", False),
        ("Jane", False),
        ("", False),
        ("Jane Roe.", False),
        ("Jane Roe,", False),
        ("jane roe", False),
        ("Jane roe", False),
        ("Vincent van", False),
        ("van Gogh", False),
        ("By Jane Roe", False),
        ("About The Author", False),
        ("Markets rally today", False),
        ("Jane Roe 2", False),
        ("Agent 007 Bond", False),
        ("Jane (Roe)", False),
        ("Jane Roe: editor", False),
        ("Jane -Roe", False),
    ],
)
def test_is_name_like(line: str, expected: bool) -> None:
    assert is_name_like(line) is expected


@given(st.text())
def test_split_byline_never_raises(value: str) -> None:
    names, findings = split_byline(value)
    for name in names:
        assert name.name == name.name.strip()
        assert name.name
        assert "  " not in name.name
    assert all(f.code is Code.AUTHOR_DISCARDED for f in findings)
    assert dedupe(names) == names


_NAME_ALPHABET = st.sampled_from([*"ABCabc JjRr,;&.'-\"()", " and ", " y ", "By ", "Jr."])


@given(st.lists(_NAME_ALPHABET, max_size=30).map("".join))
def test_split_byline_never_raises_on_byline_like_text(value: str) -> None:
    names, _ = split_byline(value)
    assert dedupe(names) == names
    assert all(name.name for name in names)


@given(st.text())
def test_is_name_like_never_raises(line: str) -> None:
    assert isinstance(is_name_like(line), bool)


# --- Affiliations written without a comma, and what a by-line value looks like ------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jane Roe Staff Writer", [person("Jane Roe")]),
        ("Jane Roe and John Doe Staff Writers", [person("Jane Roe"), person("John Doe")]),
        ("Jane Roe International Editor", [person("Jane Roe")]),
        ("Jane Roe White House Correspondent", [person("Jane Roe")]),
        ("Jane Roe Editor-in-Chief", [person("Jane Roe")]),
        ("JANE ROE STAFF WRITER", [person("Jane Roe")]),
        ("John East Senior Writer", [person("John East")]),
        ("Jane Roe Web Desk", [person("Jane Roe")]),
        ("Jane Roe Reuters", [person("Jane Roe")]),
        ("Jane Roe The Associated Press", [person("Jane Roe")]),
        ("Jane Roe in Beijing", [person("Jane Roe")]),
        ("Jane Roe in New York and John Doe in Hong Kong", [person("Jane Roe"), person("John Doe")]),
        # a spaced dash or bar reads like a comma
        ("Jane Roe - Reuters", [person("Jane Roe")]),
        ("Jane Roe – International Editor", [person("Jane Roe")]),
        ("Jane Roe | John Doe", [person("Jane Roe"), person("John Doe")]),
        ("Mary-Ann Smith", [person("Mary-Ann Smith")]),
        # what is all role or desk stays an organization author
        ("Staff Writers", [org("Staff Writers")]),
        ("Senior Staff Writer", [org("Senior Staff Writer")]),
        ("Reuters Staff", [org("Reuters Staff")]),
    ],
)
def test_trailing_roles_outlets_and_places_are_dropped(value: str, expected: list[AuthorName]) -> None:
    names, findings = split_byline(value)
    assert list(names) == expected
    assert findings == ()


@pytest.mark.parametrize(
    ("line", "expected"),
    [("Dr. Jane Roe", True), ("Prof. Ann Lee", True), ("Mrs Jane Roe", True), ("Dr. Roe", False), ("Dr.", False)],
)
def test_is_name_like_with_an_honorific(line: str, expected: bool) -> None:
    assert is_name_like(line) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jane Roe", True),
        ("Jane Roe and John Doe, staff writers", True),
        ("Jane Roe, Reuters correspondent in Beijing", True),
        ("José Ortega y Gasset", True),
        ("Vincent van Gogh", True),
        ("Jane Roe et al.", True),
        ("JANE ROE", True),
        ("王小明", True),
        ("the end of the year, prices had settled", False),
        ("Friday officials expect the river to crest", False),
        ("Monday, when the talks resume", False),
    ],
)
def test_looks_like_names(value: str, expected: bool) -> None:
    assert looks_like_names(value) is expected


# --- Several authors: the article is in each author's feed (section 5) --------------------------


def test_an_article_with_several_authors_is_in_each_author_feed() -> None:
    from pathlib import Path

    from feeds.group import group
    from feeds.model import FeedKind
    from tests.conftest import make_settings
    from tests.test_reader import parse

    text = ("date 2024-03-05 en English\nWorld\n\nHarbour cranes return\n\n"
            "By: JANE ROE, Jane Roe and John Smith, Jr. & Web Desk, Reuters\n"
            "Published: March 5, 2024 at 9:30 am EST\n\nThe cranes are running again.\n")
    result = parse(text)
    assert result.article is not None
    authors = result.article.authors
    assert [(a.name, a.is_organization, a.line) for a in authors] == [
        ("Jane Roe", False, 6), ("John Smith Jr.", False, 6), ("Web Desk", True, 6),
    ]
    grouped = group([result.article], make_settings(Path("a"), Path("o")))
    author_feeds = [f for f in grouped.feeds if f.kind is FeedKind.AUTHOR]
    assert len(author_feeds) == 3
    assert all(f.entries == (result.article,) for f in author_feeds)
