"""The article body: paragraphs, subheadings and lists (ARTICLE_FORMAT.md section 8).

Pure functions, no I/O: `parse_blocks` turns the body lines into `Block`s, `render_html`
turns blocks into safe HTML, `summarize` gives the plain-text summary.

Decisions on the points the format leaves open:

- List markers: `-`, `*`, `•` and `–` (en dash), or a number of 1 to 3 digits followed by `.`
  or `)`, then white space and some text. The em dash `—` is not a marker (many languages open
  quoted speech with it), nor is a 4-digit number (`2024. A year of ...` is a paragraph).
  Consecutive items with the same kind of marker (bulleted or numbered) form one list.
- Subheading: a line that is not a list item, has at most 15 words and at least one letter or
  digit, and does not end with closing punctuation (`. ! ? : ; , …` and their full-width
  forms, looked at after any closing quotes, brackets or HTML tags), is a subheading when the next line
  is a paragraph or a list item. So the last line is never a subheading, and of a run of such
  short lines only the last one can be: the others are paragraphs.
- Text is cleaned again (illegal XML characters removed, white space collapsed) before it is
  escaped with `html.escape(quote=True)`; empty items and blocks are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

from feeds.model import Block, BlockKind
from feeds.text import clean_line, collapse

MAX_HEADING_WORDS = 15
ELLIPSIS = "…"

_MARKERS = "-*•–"
_BULLET = re.compile(rf"^[{_MARKERS}]\s+(?=\S)")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(?=\S)")
_CLOSING_PUNCTUATION = frozenset(".!?:;,…。！？：；，、")
_CLOSERS = "\"'”’»›)]}」』"
_TRAILING_TAGS = re.compile(r"(?:\s*</?[A-Za-z][^<>]*>)+$")
_TAGS = {
    BlockKind.PARAGRAPH: ("<p>", "</p>"),
    BlockKind.HEADING: ("<h2>", "</h2>"),
}


def _clean(text: str) -> str:
    # Each line is cleaned by parse_blocks, then its item again by render_html and summarize:
    # plain ASCII text that cleaning would leave alone is returned as it is, and the rest is
    # memoized.
    if text.isascii() and text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return _clean_other(text)


# In ASCII text, what str.isprintable rejects: the control characters and DEL.
_CONTROL = bytes([*range(0x20), 0x7F])
_DOUBLE_SPACE = re.compile("  ")  # re finds this needle faster than `in` does


def _clean_all(paragraphs: Sequence[str]) -> list[str]:
    """_clean of each line. Most bodies are plain ASCII that cleaning leaves alone: that is
    checked over all the lines at once, by C loops over their text joined by LFs, rather than
    line by line (isprintable alone costs more than the rest of a line's handling)."""
    joined = "\n".join(paragraphs)
    if (
        joined.isascii()
        # The LFs that join the lines are the only control characters.
        and len(joined.encode("ascii").translate(None, _CONTROL)) == len(joined) - (len(paragraphs) - 1)
        and _DOUBLE_SPACE.search(joined) is None
        and not any(p[:1] == " " or p[-1:] == " " for p in paragraphs)
    ):
        return list(paragraphs)
    return [_clean(p) for p in paragraphs]


@lru_cache(maxsize=1024)
def _clean_other(text: str) -> str:
    return collapse(clean_line(text))


def _list_item(line: str) -> tuple[BlockKind, str] | None:
    """The kind of list and the item's text, when `line` is a list item."""
    first = line[:1]  # most lines start with neither a marker nor a digit (\d is isdecimal)
    if first in _MARKERS and first:
        pattern, kind = _BULLET, BlockKind.BULLETS
    elif first.isdecimal():
        pattern, kind = _NUMBERED, BlockKind.NUMBERED
    else:
        return None
    match = pattern.match(line)
    return (kind, line[match.end() :]) if match else None


def last_mark(line: str) -> str:
    """The last character of `line` that says how it ends, looked at after any closing quotes,
    brackets or scraped HTML tags: `.` for `He left."` and `<p>He left.</p>`; "" for none."""
    end = line.rstrip()
    if end.endswith(">"):  # no tag ends the line otherwise: spare the regex its walk along it
        end = _TRAILING_TAGS.sub("", end)
    return end.rstrip(_CLOSERS)[-1:]


def ends_closed(line: str) -> bool:
    """True when `line` ends with closing punctuation (`. ! ? : ; , …` or a full-width form):
    `He left."` is closed, `Why now` is not."""
    return last_mark(line) in _CLOSING_PUNCTUATION


def _heading_candidate(line: str) -> bool:
    """Short, with no closing punctuation: a subheading if a paragraph follows."""
    # The cheapest test first: most lines are paragraphs, which end with a full stop (a last
    # character that is closing punctuation is the line's last mark).
    if line[-1:] in _CLOSING_PUNCTUATION or ends_closed(line):
        return False
    # Split no further than needed to know there are too many words: paragraphs are long.
    return len(line.split(None, MAX_HEADING_WORDS)) <= MAX_HEADING_WORDS and any(c.isalnum() for c in line)


def _line_kinds(paragraphs: Sequence[str]) -> list[tuple[BlockKind, str]]:
    """Each body line that has text, cleaned, with the kind of block it belongs to (a list
    item's text without its marker)."""
    lines = [line for line in _clean_all(paragraphs) if line]
    kinds: list[tuple[BlockKind, str]] = []
    # Backwards, in one pass: a heading candidate is a heading when the line after it is not
    # one. The last line never is: as if a candidate came after it.
    next_is_candidate = True
    for line in reversed(lines):
        item = _list_item(line)
        candidate = item is None and _heading_candidate(line)
        if item is not None:
            kinds.append(item)
        elif candidate and not next_is_candidate:
            kinds.append((BlockKind.HEADING, line))
        else:
            kinds.append((BlockKind.PARAGRAPH, line))
        next_is_candidate = candidate
    kinds.reverse()
    return kinds


def _runs(kinds: list[tuple[BlockKind, str]]) -> Iterator[tuple[BlockKind, list[str]]]:
    """The texts of consecutive lines of one kind: a list's items, or paragraphs in a row."""
    for kind, run in groupby(kinds, key=itemgetter(0)):
        yield kind, [text for _, text in run]


def parse_blocks(paragraphs: Sequence[str]) -> tuple[Block, ...]:
    """The body lines (one paragraph per line) as paragraphs, subheadings and lists."""
    blocks: list[Block] = []
    for kind, texts in _runs(_line_kinds(paragraphs)):
        if kind in _TAGS:  # a paragraph or heading is a block of its own
            blocks += [Block(kind=kind, items=(text,)) for text in texts]
        else:
            blocks.append(Block(kind=kind, items=tuple(texts)))
    return tuple(blocks)


def render_html(blocks: Sequence[Block]) -> str:
    """Escaped HTML, one block per line: `<p>`, `<h2>`, `<ul><li>…</li></ul>`, `<ol>…</ol>`."""
    out: list[str] = []
    for block in blocks:
        texts = [t for t in (_escape(_clean(item)) for item in block.items) if t]
        if texts:
            out.append(_html(block.kind, texts))
    return "\n".join(out)


def summarize(blocks: Sequence[Block], limit: int = 300) -> str:
    """Plain text: the first paragraph, cut at a word boundary to at most `limit` characters
    plus `…`. A single word longer than `limit` is cut inside the word."""
    return _cut(_summary_source(blocks), limit)


def render_body(paragraphs: Sequence[str], limit: int = 300) -> tuple[str, str]:
    """The summary and the HTML of the body lines: summarize and render_html of
    parse_blocks(paragraphs), from the lines and their kinds, without making the blocks or
    cleaning the text again (it is clean, and never empty)."""
    kinds = _line_kinds(paragraphs)
    first = next((text for kind, text in kinds if kind is BlockKind.PARAGRAPH), kinds[0][1] if kinds else "")
    out: list[str] = []
    list_kind: BlockKind | None = None  # of the list being written
    for kind, plain in kinds:
        text = _escape(plain)
        if kind is not list_kind and list_kind is not None:
            out[-1] += f"</{list_kind.value}>"
        if kind in _TAGS:  # a paragraph or heading: a line of its own
            start, end = _TAGS[kind]
            out.append(start + text + end)
            list_kind = None
        elif kind is list_kind:  # the next item of the list
            out[-1] += f"<li>{text}</li>"
        else:  # a list begins
            out.append(f"<{kind.value}><li>{text}</li>")
            list_kind = kind
    if list_kind is not None:
        out[-1] += f"</{list_kind.value}>"
    return _cut(first, limit), "\n".join(out)


# What html.escape(quote=True) replaces, in its order: `&` first.
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def _escape(text: str) -> str:
    """html.escape(text, quote=True). Each character is looked for before it is replaced: `in`
    finds one character with memchr, while replace first counts them in a slower loop, and
    most text holds few of these characters, or none."""
    for char, entity in _ESCAPES:
        if char in text:
            text = text.replace(char, entity)
    return text


def _html(kind: BlockKind, escaped: list[str]) -> str:
    """The HTML lines of texts of one kind (at least one): a line each for paragraphs and
    headings, one list."""
    if kind in _TAGS:
        start, end = _TAGS[kind]
        return start + (end + "\n" + start).join(escaped) + end
    return f"<{kind.value}><li>" + "</li><li>".join(escaped) + f"</li></{kind.value}>"


def _summary_source(blocks: Sequence[Block]) -> str:
    """The first paragraph; without one, the first list item or heading."""
    first = ""
    for block in blocks:
        for text in filter(None, map(_clean, block.items)):
            if block.kind is BlockKind.PARAGRAPH:
                return text
            first = first or text
    return first


def _cut(text: str, limit: int) -> str:
    if limit < 1:
        raise ValueError(f"summary limit must be at least 1, not {limit}")
    if len(text) <= limit:
        return text
    # The last space at or before `limit`: text[:cut] ends on a whole word.
    cut = text.rfind(" ", 0, limit + 1)
    if cut <= 0:
        return text[:limit] + ELLIPSIS
    head = text[:cut]
    return (head.rstrip(" ,;:–—-") or head) + ELLIPSIS
