"""Names made safe to be folder names on any static host (FEEDS.md "Layout").

A slug is ASCII, lower case, `[a-z0-9-]`, never empty, never `.` or `..`, and
never a name Windows reserves, so no category, author or file name can make the
build write outside the output folder or onto another feed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_LENGTH = 60
_CLEAN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Letters NFKD does not take apart into ASCII + marks.
_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d",
     "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i"}
)  # fmt: skip
# Folder names that Windows (and so some sync tools and hosts) refuse.
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}


def short_hash(text: str) -> str:
    """Six hex digits that tell two names apart, the same on every machine."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def slugify(name: str) -> str:
    """The slug of a name: `Café Culture` -> `cafe-culture`.

    A name with nothing ASCII in it (emoji, CJK) gets a slug made from its hash, so
    it still has a folder of its own.
    """
    slug = _NOT_SLUG.sub("-", _ascii(name).lower()).strip("-")
    if len(slug) > MAX_LENGTH:
        slug = slug[:MAX_LENGTH].rsplit("-", 1)[0] if "-" in slug[:MAX_LENGTH] else slug[:MAX_LENGTH]
    if not slug:
        return f"x-{short_hash(name)}"
    if slug in _RESERVED:
        return f"{slug}-{short_hash(name)}"
    return slug


def _ascii(name: str) -> str:
    """The name in ASCII: letters without their accents, and no other characters."""
    if name.isascii():  # most names and every plain file name: nothing below would change them
        return name
    ascii_text = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATE))
    return ascii_text.encode("ascii", "ignore").decode("ascii")


def is_slug(text: str) -> bool:
    return bool(_CLEAN.match(text)) and len(text) <= MAX_LENGTH and text not in _RESERVED


def path_slug(source: str) -> str:
    """The slug of an article's source path (`2024/Foo Bar.txt` -> `2024-foo-bar--1c2d3e`).

    A path that already is a clean slug keeps it; any other gets its hash appended
    after `--`, which no clean slug contains: so two files never share a slug (a file
    named like another's hashed slug is not clean itself), and a slug never changes
    with other files. Either way it is `[a-z0-9-]`, never `.`, `..` or reserved.
    """
    stem = source.removesuffix(".txt")
    if is_slug(stem):
        return stem
    return f"{slugify(stem)[: MAX_LENGTH - 8].rstrip('-')}--{short_hash(source)}"
