"""Identity: the ids and URLs every entry and feed is known by (FEEDS.md "Identity").

An entry id is a tag: URI (RFC 4151) made of fixed settings and the article's
source path, and of nothing that an edit, a rebuild or a new base URL changes.
"""

from __future__ import annotations

from urllib.parse import quote

from feeds.slugs import path_slug

# Characters RFC 3986 lets stand unescaped in a path; everything else is %XX.
_SAFE = "/-._~!$&'()*+,;=:@"


def tag_uri(authority: str, date: str, specific: str) -> str:
    return f"tag:{authority},{date}:{quote(specific, safe=_SAFE)}"


def entry_id(authority: str, date: str, source: str) -> str:
    """`tag:example.org,2024-01-01:articles/2024/floods` for `2024/floods.txt`."""
    return tag_uri(authority, date, "articles/" + source.removesuffix(".txt"))


def feed_id(authority: str, date: str, path: str) -> str:
    """Each feed's own id, from the folder it is published in."""
    return tag_uri(authority, date, "feeds/" + path if path else "feeds")


def article_path(source: str) -> str:
    """Where an article's own page lives inside the output folder: the entry's link."""
    return f"articles/{path_slug(source)}.html"
