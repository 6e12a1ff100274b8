"""WebSub discovery: with `hub` set, every feed document names the hub; without it, none does."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from feeds import pipeline
from tests.conftest import SIMPLE, make_settings, write_article

HUB = "https://hub.example.net/"


@pytest.mark.parametrize("hub", [HUB, None])
def test_every_feed_document_links_the_hub(tmp_path: Path, hub: str | None) -> None:
    articles = tmp_path / "articles"
    for n in range(3):
        write_article(articles, f"story-{n}.txt", SIMPLE.replace("2024-03-05", f"2024-03-0{n + 1}"))
    output = tmp_path / "out"
    pipeline.build(make_settings(articles, output, hub=hub, entries_per_feed=1, archives=True))
    xml_files = [*output.rglob("atom.xml"), *output.rglob("rss.xml"), *output.rglob("archive/*.xml")]
    assert any("archive" in p.parts for p in xml_files)
    for path in xml_files:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, path
        hubs = [link.href for link in parsed.feed.links if link.rel == "hub"]
        assert hubs == ([hub] if hub else []), path
        if path.name == "rss.xml":  # the hub must not become the RSS channel's <link>
            assert parsed.feed.link == "https://example.org/news/"
    for path in output.rglob("feed.json"):
        hubs = json.loads(path.read_text("utf-8")).get("hubs", [])
        assert hubs == ([{"type": "WebSub", "url": hub}] if hub else [])
