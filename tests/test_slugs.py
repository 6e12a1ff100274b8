from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds.slugs import _TRANSLITERATE, MAX_LENGTH, _ascii, is_slug, path_slug, short_hash, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("World", "world"),
        ("Café Culture", "cafe-culture"),
        ("Straße & Verkehr", "strasse-verkehr"),
        ("  BNN  Newsroom ", "bnn-newsroom"),
        ("Łódź", "lodz"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize("name", ["..", ".", "/", "../../etc", "CON", "nul", "🙂", "中文", "", "---"])
def test_hostile_names_still_get_a_safe_slug(name: str) -> None:
    slug = slugify(name)
    assert is_slug(slug)
    assert slug not in ("con", "nul")


def test_names_that_slugify_to_nothing_stay_apart() -> None:
    assert slugify("🙂") != slugify("🙃")


def test_path_slug_keeps_clean_names_and_hashes_the_rest() -> None:
    assert path_slug("2024-03-floods.txt") == "2024-03-floods"
    assert path_slug("Floods.txt") != path_slug("floods.txt") == "floods"
    assert path_slug("a/b.txt") != path_slug("a-b.txt")
    assert re.fullmatch(r"a-b--[0-9a-f]{6}", path_slug("a/b.txt"))


def test_a_file_named_like_another_files_page_gets_its_own() -> None:
    taken = path_slug("a b.txt")
    assert path_slug(taken + ".txt") != taken


PAGE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:--[0-9a-f]{6})?$")


@given(st.text())
def test_any_name_gives_a_slug(name: str) -> None:
    assert is_slug(slugify(name))
    page = path_slug(name + ".txt")
    assert PAGE_NAME.match(page)
    assert is_slug(page) or "--" in page  # hashed page names are the only ones with "--"
    assert len(page) <= MAX_LENGTH


@given(st.text(), st.text())
def test_two_file_names_never_share_a_page(a: str, b: str) -> None:
    if a != b:
        assert path_slug(a + ".txt") != path_slug(b + ".txt")


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_names_skip_transliteration_without_a_difference(name: str) -> None:
    transliterated = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATE))
    assert _ascii(name) == transliterated.encode("ascii", "ignore").decode("ascii") == name


@pytest.mark.parametrize(("source", "page"), [
    ("2015/01/airport-bridge-040852.txt", "2015-01-airport-bridge-040852--"),
    ("Café Culture/Straße.txt", "cafe-culture-strasse--"),
    ("a" * 70 + ".txt", "a" * 52 + "--"),
])
def test_path_slug_of_nested_and_long_names(source: str, page: str) -> None:
    assert path_slug(source) == page + short_hash(source)
