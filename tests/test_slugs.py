from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds.slugs import is_slug, path_slug, slugify


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


@given(st.text())
def test_any_name_gives_a_slug(name: str) -> None:
    assert is_slug(slugify(name))
    assert is_slug(path_slug(name + ".txt"))
