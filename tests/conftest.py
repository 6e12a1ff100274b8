from __future__ import annotations

from pathlib import Path

import pytest

from feeds.config import Settings

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "articles"
BASE_URL = "https://example.org/news/"


def make_settings(articles: Path, output: Path, **changes: object) -> Settings:
    values: dict[str, object] = {
        "articles": articles,
        "output": output,
        "base_url": BASE_URL,
        "title": "Test News",
        "description": "Articles for the tests.",
        "id_authority": "example.org",
        "id_date": "2024-01-01",
        "timezone": "UTC",
        "default_category": "General",
        "default_author": "Newsroom",
        **changes,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    return folder


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    return tmp_path / "site" / "output"


def write_article(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


SIMPLE = """date 2024-03-05 en English
World

Harbour cranes return to service

By: Jane Roe and John Doe
Published: March 5, 2024 at 9:30 am EST

The harbour's cranes are running again after a week of repairs.

Officials said traffic would be back to normal by Friday.
"""


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below `root` (relative POSIX path -> bytes): two trees compare byte for byte."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


ATOM_NS = "http://www.w3.org/2005/Atom"


def atom_entry_ids(path: Path) -> list[str]:
    """The entry ids of an Atom file, in document order (parsed with lxml, not feeds' own code)."""
    from lxml import etree

    root = etree.parse(str(path)).getroot()
    return [str(e.findtext(f"{{{ATOM_NS}}}id")) for e in root.iter(f"{{{ATOM_NS}}}entry")]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/data/golden/*.json from the current parse (review the diff before committing).",
    )



SITE_CONFIG = """base_url = "https://example.org/news/"
id_authority = "example.org"
id_date = "2024-01-01"
title = "Site News"
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a feeds.toml and one article, as the current folder: what the CLI sees."""
    (tmp_path / "feeds.toml").write_text(SITE_CONFIG)
    write_article(tmp_path / "articles", "harbour.txt", SIMPLE)
    monkeypatch.chdir(tmp_path)
    return tmp_path
