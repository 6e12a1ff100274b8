"""No name can write outside the output folder, onto another feed, or merge two feeds
silently (FEEDS.md "Layout"): hostile category, author and file names, end to end."""

from __future__ import annotations

import hashlib
import itertools
import re
from pathlib import Path

import pytest

from feeds import pipeline
from feeds.cache import CACHE_FOLDER
from feeds.config import Settings
from feeds.errors import Code
from feeds.group import Grouped, group
from feeds.model import Article, FeedKind
from feeds.pages import render_pages
from feeds.publish import publish
from feeds.render import FeedFormat, feed_file, render_feeds
from feeds.slugs import is_slug, slugify
from feeds.text import fold
from tests.conftest import SIMPLE, atom_entry_ids, make_settings, snapshot, write_article
from tests.factories import T0, make_article

HOSTILE = [
    "..", ".", "/", "../../x", "x", "..\\..\\evil", "a/b", "a-b", "CON", "con.txt", "nul", "LPT1",
    "🙂", "🙃", "中文", "***", "Café", "Cafe", "CAFÉ", "<script>alert(1)</script>", "&amp;", "x" * 200,
    "~root", "$HOME", "%2e%2e", "-", "index.html",
]
# A suffixed slug (collision) or a hash slug (nothing left): still [a-z0-9-], never . or ..
SAFE_FOLDER = re.compile(r"^[a-z0-9]+(?:-+[a-z0-9]+)*$")


def publish_articles(articles: list[Article], settings: Settings) -> Grouped:
    """What pipeline.build does after reading: group, render, publish."""
    grouped = group(articles, settings)
    as_given = {a.source: a for a in articles}  # a page shows its article as parsed, not as grouped
    files = itertools.chain(render_feeds(grouped.feeds, settings),
                            render_pages(grouped.feeds, [as_given[a.source] for a in grouped.published], settings))
    publish(files, settings.output)
    return grouped


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "articles", tmp_path / "site" / "output")


def test_hostile_category_and_author_names(tmp_path: Path, settings: Settings) -> None:
    articles = [make_article(i, category=name, authors=(name, "Jane Roe")) for i, name in enumerate(HOSTILE)]
    grouped = publish_articles(articles, settings)
    output = settings.output

    # Nothing outside the output folder: the only files under tmp_path are the output's.
    written = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {p for p in output.rglob("*") if p.is_file()}
    assert [p.name for p in output.parent.iterdir()] == ["output"]

    for kind in (FeedKind.CATEGORY, FeedKind.AUTHOR):
        feeds = [f for f in grouped.feeds if f.kind is kind]
        names = {fold(n) for n in HOSTILE} | ({fold("Jane Roe")} if kind is FeedKind.AUTHOR else set())
        # One feed per distinct name, never merged, each in a folder of its own.
        assert len(feeds) == len(names)
        assert len({f.path for f in feeds}) == len(feeds)
        for feed in feeds:
            top, slug = feed.path.split("/")
            assert top == kind.value
            assert SAFE_FOLDER.match(slug), slug
            assert len(slug) <= 70
            assert not is_slug(slug) or slug not in ("con", "nul", "lpt1")
            # Its files are where the feed says, and hold exactly its articles.
            name = fold(feed.title.removeprefix("Test News: "))
            expected = sorted(a.id for a in articles
                              if name in {fold(x) for x in ([a.category.name] if kind is FeedKind.CATEGORY
                                                           else [au.name for au in a.authors])})
            assert sorted(atom_entry_ids(output / feed_file(feed, FeedFormat.ATOM))) == expected, feed.title
        # Every name that lost its plain folder was reported.
        reported = [d for d in grouped.diagnostics if d.code is Code.SLUG_COLLISION and f" {kind.value} " in d.message]
        assert len(reported) == len(names) - len({slugify(n) for n in names}) > 0
    # Café and CAFÉ are one name (equal after case folding); Cafe is another.
    assert any("'Cafe'" in d.message and "'CAFÉ'" in d.message for d in grouped.diagnostics)

    # Markup in a name is text everywhere it is shown.
    index = (output / "index.html").read_text("utf-8")
    assert "<script>" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_cafe_and_cafe_are_two_feeds_and_a_diagnostic(settings: Settings) -> None:
    articles = [make_article(1, category="Café", published=T0), make_article(2, category="Cafe"),
                make_article(3, category="Cafe")]
    grouped = publish_articles(articles, settings)
    paths = {f.title.removeprefix("Test News: "): f.path for f in grouped.feeds if f.kind is FeedKind.CATEGORY}
    digest = hashlib.sha256(b"cafe").hexdigest()[:6]
    # Café was published first, so it keeps the plain folder even though Cafe has more articles.
    assert paths == {"Café": "category/cafe", "Cafe": f"category/cafe-{digest}"}
    assert atom_entry_ids(settings.output / "category/cafe/atom.xml") == [articles[0].id]
    assert len(atom_entry_ids(settings.output / f"category/cafe-{digest}/atom.xml")) == 2
    [diagnostic] = grouped.diagnostics
    assert diagnostic.code is Code.SLUG_COLLISION
    assert diagnostic.file in ("2.txt", "3.txt")
    assert diagnostic.message == (
        f"The category 'Cafe' has the same folder name as 'Café' (category/cafe); "
        f"it is published under category/cafe-{digest} instead.")


def test_a_look_alike_never_moves_an_established_feed(settings: Settings) -> None:
    """Folders depend on who came first and on the name itself, never on counts or spellings."""
    first = group([make_article(1, category="Café"), make_article(2, category="Cafe")], settings)
    later = group([make_article(1, category="Café"), make_article(2, category="CAFE"),
                   make_article(3, category="cafe"), *(make_article(n, category="Cafe") for n in range(4, 20))],
                  settings)
    before = {f.path for f in first.feeds if f.kind is FeedKind.CATEGORY}
    after = {f.path for f in later.feeds if f.kind is FeedKind.CATEGORY}
    assert before == after
    owner = next(f for f in later.feeds if f.path == "category/cafe")
    assert owner.title == "Test News: Café"


def test_a_suffixed_folder_never_takes_another_names_folder(settings: Settings) -> None:
    digest = hashlib.sha256("café".encode()).hexdigest()
    articles = [make_article(1, category="Cafe"), make_article(2, category="Café"),
                make_article(3, category=f"Cafe {digest[:6]}")]
    grouped = publish_articles(articles, settings)
    paths = sorted(f.path for f in grouped.feeds if f.kind is FeedKind.CATEGORY)
    assert paths == sorted(["category/cafe", f"category/cafe-{digest[:6]}", f"category/cafe-{digest[:7]}"])
    owners = {f.path: f.title for f in grouped.feeds}
    assert owners[f"category/cafe-{digest[:6]}"] == f"Test News: Cafe {digest[:6]}"
    assert owners[f"category/cafe-{digest[:7]}"] == "Test News: Café"


def test_a_category_and_an_author_with_one_slug_do_not_meet(settings: Settings) -> None:
    articles = [make_article(1, category="Jane Roe", authors=("John Doe",)), make_article(2, category="World")]
    grouped = publish_articles(articles, settings)
    out = settings.output
    assert atom_entry_ids(out / "category/jane-roe/atom.xml") == [articles[0].id]
    assert atom_entry_ids(out / "author/jane-roe/atom.xml") == [articles[1].id]
    assert not [d for d in grouped.diagnostics if d.code is Code.SLUG_COLLISION]


FILE_NAMES = [
    "CON.txt", "con.txt", "🙂.txt", "Café.txt", "Cafe.txt", "cafe.txt", "a b.txt", "a-b.txt", "sub/a-b.txt",
    "sub/sub/x..y.txt", "AUX/nul.txt", "x" * 120 + ".txt", "index.txt",
]


def test_hostile_file_names(tmp_path: Path, articles_dir: Path, output_dir: Path) -> None:
    from feeds.slugs import path_slug

    # A file named like the hashed page name of another file: it must not take that page.
    names = [*FILE_NAMES, path_slug("a b.txt") + ".txt"]
    for name in names:
        write_article(articles_dir, name, SIMPLE)
    report = pipeline.build(make_settings(articles_dir, output_dir))
    assert report.published == len(names)
    ids = atom_entry_ids(output_dir / "atom.xml")
    assert len(set(ids)) == len(names)
    pages = sorted(p.relative_to(output_dir).as_posix() for p in (output_dir / "articles").rglob("*") if p.is_file())
    assert len(pages) == len(names)
    assert all(re.fullmatch(r"articles/[a-z0-9-]+\.html", p) for p in pages)
    tree = snapshot(tmp_path)  # the build cache is the one thing a build keeps beside its output
    assert all(p.startswith(("articles/", "site/output/", f"site/{CACHE_FOLDER}/")) for p in tree)


def test_the_build_refuses_a_folder_it_did_not_write(articles_dir: Path, tmp_path: Path) -> None:
    from feeds.errors import PublishError

    write_article(articles_dir, "a.txt", SIMPLE)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious")
    with pytest.raises(PublishError, match="refusing to replace it"):
        pipeline.build(make_settings(articles_dir, mine))
    assert snapshot(mine) == {"thesis.tex": b"precious"}
