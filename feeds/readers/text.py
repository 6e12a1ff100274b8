"""The reader for the news-text article format (ARTICLE_FORMAT.md, sections 0-4, 7, 8).

It splits a file into its parts and says where each came from; it interprets no
value beyond what it needs to find the parts (a date line is recognized, not
resolved). `normalize` turns the parts into an `Article`.

The parts, in file order (docs/article-format.md has the decisions behind each):

    header      `date 2024-01-11 en English`                 section 1
    category    `Business`                                   section 2
    title       a line, the header remainder, or the file    section 3
    byline      `author` / `By: …` / `Published: …` lines    section 4
    body        every other line, one paragraph each         section 8
    bio         `author` + a name + paragraphs, at the end   section 7
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, auto
from functools import lru_cache
from itertools import compress
from typing import NamedTuple

from feeds.authors import is_name_like, looks_like_names, split_byline
from feeds.body import ends_closed, last_mark
from feeds.dates import DateContext, looks_like_date
from feeds.errors import Code, Diagnostic
from feeds.model import Located, RawArticle
from feeds.readers.languages import language_of
from feeds.text import clean_ascii, clean_text, fold

_HEADER = re.compile(r"^\s?date\s+([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?(?:\s+(\S.*))?$")
_CATEGORY_MAX_WORDS = 4
_CATEGORY_MAX_CHARS = 40
_TITLE_MAX = 200
_BYLINE_WINDOW = 8  # non-blank lines after the title where a byline block may be
_REPEAT_WINDOW = 3  # non-blank lines after the byline block where the title may repeat
_BYLINE_MAX_WORDS = 12
_DATE_MAX_WORDS = 10

# `author` / `authors` alone (a colon is tolerated): a byline label, and a bio opener, as is
# `about the author`.
_AUTHOR_LABEL = re.compile(r"^authors?\s*:?$", re.IGNORECASE)
_BIO_LABEL = re.compile(r"^(?:authors?|about\s+the\s+authors?)\s*:?$", re.IGNORECASE)
_BY_WORDS = r"(?:by|written\s+by|words\s+by|reporting\s+by)"
_BY = re.compile(rf"^{_BY_WORDS}(?:\s*:\s*|\s+)(\S.*)$", re.IGNORECASE)
_BY_ALONE = re.compile(rf"^{_BY_WORDS}\s*:?$", re.IGNORECASE)
_AUTHOR_COLON = re.compile(r"^authors?\s*:\s*(\S.*)$", re.IGNORECASE)  # `Author: Jane Roe`
# The by-line word of the article's own language (`Von Anna Schmidt` in a German article).
_FOREIGN_BY_WORD = {"de": "von", "fr": "par", "es": "por", "pt": "por", "it": "di", "nl": "door"}
_FOREIGN_BY: dict[str, re.Pattern[str]] = {
    lang: re.compile(rf"^{word}\s*:?\s+(\S.*)$", re.IGNORECASE) for lang, word in _FOREIGN_BY_WORD.items()
}
_ON_AT = r"(?:\s*:)?(?:\s+(?:on|at)(?![^\W\d_]))?\s*:?"
_PUBLISHED = re.compile(rf"^(?:first\s+published|published|posted)(?![^\W\d_]){_ON_AT}\s*(.*)$", re.IGNORECASE)
_UPDATED = re.compile(
    rf"^(?:last\s+updated|updated|last\s+modified|modified)(?![^\W\d_]){_ON_AT}\s*(.*)$", re.IGNORECASE
)
# Labels of other languages, which feeds.dates strips itself: the whole line is the value.
_FOREIGN_PUBLISHED = re.compile(
    r"^(?:veröffentlicht|erstellt|publié|publicado|pubblicato|gepubliceerd|geplaatst)(?![^\W\d_])", re.IGNORECASE
)
_FOREIGN_UPDATED = re.compile(
    r"^(?:zuletzt\s+aktualisiert|aktualisiert|stand|mis\s+à\s+jour|mise\s+à\s+jour|modifié|actualizado|"
    r"atualizado|modificado|aggiornato|modificato|laatst\s+bijgewerkt|bijgewerkt)(?![^\W\d_])",
    re.IGNORECASE,
)
# Every label and by-line pattern above, by name, in the order Reader.part tries them. No text
# matches two of them, except the same by-line word of two languages (`por`), named by the word.
_LABELS: dict[str, re.Pattern[str]] = {
    "label": _AUTHOR_LABEL,
    "by_alone": _BY_ALONE,
    "by": _BY,
    "author_colon": _AUTHOR_COLON,
    **{f"by_{word}": _FOREIGN_BY[lang] for lang, word in _FOREIGN_BY_WORD.items()},
    "updated": _UPDATED,
    "published": _PUBLISHED,
    "foreign_updated": _FOREIGN_UPDATED,
    "foreign_published": _FOREIGN_PUBLISHED,
}
# They all as one, each in a group of its name: one match says which one a piece starts with (a
# piece that matches none of them, as most lines tried, can only be a date), rather than a
# match of each in turn. Each group holds its whole pattern, so it is the match's lastgroup.
# The lookahead holds the first letters of all their words: most lines start with another
# letter, and one class test turns them away rather than a test of each alternative.
_LABEL_INITIALS = "abdefglmprsuvwz"
_ANY_LABEL = re.compile(
    f"(?=[{_LABEL_INITIALS}])(?:" + "|".join(f"(?P<{name}>{p.pattern})" for name, p in _LABELS.items()) + ")",
    re.IGNORECASE,
)
# `|`, `•`, a middle dot with space beside it (not the Catalan `l·l`), a spaced dash.
_PART_SEPARATOR = re.compile(r"\s*[|•]\s*|\s+·\s*|\s*·\s+|\s+[—–]\s+")
_SEPARATOR_CHAR = re.compile("[|•·—–]")  # in every separator: without one, a line is one piece
# Sentence punctuation in a by-line value: `!`, `?`, `…`, or a full stop after a word of four
# letters or more that is not the end of the value ("crest. Then"); initials and `Jr.` pass.
_SENTENCE_PUNCTUATION = re.compile(r"[!?…]|[^\W\d_]{4,}\.\s")
# Where a date may follow the names of a by-line.
_BY_DATE_CUT = re.compile(r"\s*,\s*|\s+(?:on|at)\s+|\s+[-–—]\s+", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?:ago|yesterday|today|just now)\b", re.IGNORECASE)
# A relative time alone on its line ("47 minutes ago", "Yesterday at 5 pm"): a date line that
# cannot be placed, so feeds.dates ignores it (W-DATE-UNPARSED), rather than a paragraph.
_RELATIVE_LINE = re.compile(
    r"^(?:(?:\d{1,3}|an?|one)\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\s+ago"
    r"|just\s+now|yesterday|today)(?:\s+at\s+\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)?$",
    re.IGNORECASE,
)
# Words that open a sentence, not a date: "Published by Penguin in 2020".
_NOT_A_DATE_START = frozenset({"by", "in", "as", "the", "a", "an", "to", "for", "with", "from", "under", "and"})


class _Kind(Enum):
    LABEL = auto()  # `author`
    BY = auto()
    PUBLISHED = auto()
    UPDATED = auto()
    DATE = auto()  # a bare date line: published if none yet, else updated


_LABEL_KINDS = {
    "updated": _Kind.UPDATED, "published": _Kind.PUBLISHED,
    "foreign_updated": _Kind.UPDATED, "foreign_published": _Kind.PUBLISHED,
}  # fmt: skip


class _Part(NamedTuple):  # a tuple: made for most lines tried, and cheaper than a dataclass
    kind: _Kind
    value: str  # "" for a label alone, waiting for the next line


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadResult:
    """An article, or None when an error diagnostic says why it is skipped."""

    article: RawArticle | None
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOptions:
    """The settings the reader needs: the defaults a date line is recognized with."""

    language: str
    timezone: str
    zones: dict[str, str]


def read_text(data: bytes, source: str, options: ReadOptions) -> ReadResult:
    """Split one article file into its parts. Never raises for any `data`."""
    if data.isascii():  # most files: valid UTF-8 with no BOM, cleaned before they are decoded
        return _read_lines([line.strip() for line in clean_ascii(data).split("\n")], source, options)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return _fail(Code.DECODE, source, line,
                     f"The file is not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}, "
                     f"line {line}); save it as UTF-8.")
    return _read_lines([line.strip() for line in clean_text(text)], source, options)


def _read_lines(lines: list[str], source: str, options: ReadOptions) -> ReadResult:
    """read_text from the lines of the file, cleaned (section 0) and stripped."""
    if not any(lines):
        return _fail(Code.EMPTY, source, 1, "The file has no text: every line is blank.")
    return _Reader(lines, source, options).read()


def _fail(code: Code, source: str, line: int, message: str) -> ReadResult:
    return ReadResult(article=None, diagnostics=(Diagnostic(code=code, file=source, line=line, message=message),))


def _has_separator(text: str) -> bool:
    # `|` is the one ASCII separator character, and `in` finds it far sooner than a search.
    return "|" in text if text.isascii() else _SEPARATOR_CHAR.search(text) is not None


def _value(match: re.Match[str]) -> str:
    """What follows the label an _ANY_LABEL match found: the one group of the label's own
    pattern, which comes right after the group named for it."""
    label = match.lastgroup
    return match.group(_ANY_LABEL.groupindex[label] + 1) if label is not None else ""


def _has_word(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _looks_like_title(text: str) -> bool:
    """Section 3.1: at most 200 characters, not ending with a full stop (looked at inside
    closing quotes: `He said "no."` is a sentence), with a letter or digit in it."""
    return len(text) <= _TITLE_MAX and last_mark(text) not in (".", "。") and _has_word(text)


def _is_category_shaped(text: str) -> bool:
    """Section 2, without its context: at most 4 words and 40 characters, no closing punctuation."""
    return (
        len(text.split()) <= _CATEGORY_MAX_WORDS
        and len(text) <= _CATEGORY_MAX_CHARS
        and not ends_closed(text)
        and _has_word(text)
    )


@lru_cache(maxsize=4096)  # a site's by-lines name the same people again and again
def _byline_value(value: str) -> str | None:
    """`value` as the names of a by-line, or None when it reads as a sentence: at most 12
    words, no sentence punctuation, starting with a capital (or a letter of a script without
    case), and every lower-case word a particle, connector or role ("By the end of the year,
    …" and "By 2030 the city …" are body text)."""
    value = value.strip()
    if not value:
        return None
    first = value.lstrip("\"'“‘«(")[:1]
    if not first.isalpha() or first.islower():
        return None
    if len(value.split()) > _BYLINE_MAX_WORDS or _SENTENCE_PUNCTUATION.search(value):
        return None
    return value if looks_like_names(value) else None


@dataclass(slots=True)
class _Block:
    """What the byline block holds; filled while the reader walks it."""

    start: int  # index of its first line
    end: int  # index after its last line
    bylines: list[Located] = field(default_factory=list)
    author_lines: list[Located] = field(default_factory=list)
    published: Located | None = None
    updated: Located | None = None
    published_is_bare: bool = False  # the published date is a bare date line

    def add(self, kind: _Kind, where: Located) -> None:
        if kind is _Kind.BY:
            self.bylines.append(where)
        elif kind is _Kind.LABEL:
            self.author_lines.append(where)
        elif kind is _Kind.PUBLISHED:
            if self.published is None or self.published_is_bare:
                # A labelled date outranks a bare one, which becomes the updated date.
                if self.published is not None and self.updated is None:
                    self.updated = self.published
                self.published, self.published_is_bare = where, False
            else:
                self.updated = where  # a second `Published` line
        elif kind is _Kind.UPDATED:
            self.updated = where
        elif self.published is None:
            self.published, self.published_is_bare = where, True
        else:
            self.updated = where

    def names(self) -> list[str]:
        names = [a.name for b in self.bylines for a in split_byline(b.text)[0]]
        return names + [a.name for line in self.author_lines for a in split_byline(line.text)[0]]


class _Reader:
    """One pass over one file. Positions are 0-based indexes into `lines`, which are cleaned
    and stripped."""

    def __init__(self, lines: list[str], source: str, options: ReadOptions) -> None:
        self.lines = lines
        self.source = source
        self.options = options
        self.diagnostics: list[Diagnostic] = []
        self.header_index: int | None = None
        self.header_date: date | None = None
        self.header_month_only = False
        self.language: str | None = None
        self.category_index: int | None = None
        self.filled = list(compress(range(len(self.lines)), self.lines))  # the indexes of non-blank lines
        self._parts: dict[int, list[_Part] | None] = {}
        self._folded: dict[int, str] = {}
        self._date_context: DateContext | None = None

    def report(self, code: Code, index: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(code=code, file=self.source, line=index + 1, message=message))

    def located(self, index: int, text: str | None = None) -> Located:
        return Located(text=self.lines[index] if text is None else text, line=index + 1)

    def filled_from(self, start: int) -> list[int]:
        return self.filled[bisect_left(self.filled, start):]

    def folded(self, index: int) -> str:
        # The lines after the title are compared with it by the byline block, and again
        # when the repeated title is looked for.
        if index not in self._folded:
            self._folded[index] = fold(self.lines[index])
        return self._folded[index]

    def equals(self, index: int, key: str) -> bool:
        """Whether line `index` folds to `key` (a folded title or category).

        Most lines compared are paragraphs, long to fold. Cheaper tests turn most of them
        away: the fold of a (stripped) ASCII line starts with its first character in lower
        case; and a line with another number of words than `key` cannot fold to it (folding
        turns no white space into text nor text into white space), which counting up to one
        word more than `key` has tells."""
        line = self.lines[index]
        if line.isascii() and line[:1].lower() != key[:1]:
            return False
        words = key.count(" ") + 1 if key else 0
        return len(line.split(None, words)) == words and self.folded(index) == key

    def date_context(self) -> DateContext:
        # Made once, when the first line is tried as a date: the header, read before any, is
        # all it depends on.
        if self._date_context is None:
            self._date_context = DateContext(
                header_date=self.header_date,
                header_month_only=self.header_month_only,
                language=self.language or self.options.language,
                default_zone=self.options.timezone,
                zones=self.options.zones,
            )
        return self._date_context

    # -- the parts, in file order ------------------------------------------------

    def read(self) -> ReadResult:
        remainder, start = self.header()
        category: Located | None = None
        lead: list[Located] = []  # layout D: the header remainder is the first paragraph
        if remainder is not None and _looks_like_title(remainder.text):
            title: Located | None = remainder  # layout C
        elif remainder is not None:
            title, lead = None, [remainder]
        else:
            category, title, start = self.category_and_title(start)
        from_file = title is None
        if title is None:
            title = self.title_from_filename(remainder.line - 1 if remainder is not None else start)
        title_key = None if from_file else fold(title.text)  # a file name is never repeated in the text
        block = self.byline_block(start, title_key)
        dropped = self.repeated_title(start, block, title_key) if title_key is not None else set()
        body_lines = [i for i in self.filled_from(start) if not block.start <= i < block.end and i not in dropped]
        lines = self.lines
        # Every bio label starts with an `a`, which under IGNORECASE matches `a` and `A` only:
        # the other lines are turned away before the regex.
        labels = {i for i in body_lines if lines[i][:1] in ("a", "A") and _BIO_LABEL.match(lines[i])}
        bio_at, bio = self.bio(body_lines, labels, block, text_before=bool(lead))
        body = lead + [Located(text=lines[i], line=i + 1) for i in body_lines if i < bio_at and i not in labels]
        if not body:
            self.report(Code.EMPTY_BODY, title.line - 1,
                        "The article has no body text after its title and byline; it is skipped.")
            return ReadResult(article=None, diagnostics=tuple(self.diagnostics))
        article = RawArticle(
            source=self.source,
            header_date=self.header_date,
            header_month_only=self.header_month_only,
            header_line=0 if self.header_index is None else self.header_index + 1,
            language=self.language,
            category=category,
            title=title,
            bylines=tuple(block.bylines),
            author_lines=tuple(block.author_lines),
            published=block.published,
            updated=block.updated,
            body=tuple(body),
            bio=tuple(bio),
            diagnostics=tuple(self.diagnostics),
        )
        return ReadResult(article=article, diagnostics=article.diagnostics)

    # -- section 1: the header line ------------------------------------------------

    def header(self) -> tuple[Located | None, int]:
        """The header line's date, language and remainder; where parsing goes on.

        The header is the first line; blank lines before it are passed over."""
        first = self.filled[0]
        match = _HEADER.match(self.lines[first])
        if match is None:
            self.report(Code.NO_HEADER, first, "The first line is not a `date YYYY-MM-DD` header, so the "
                        "article has no fallback date; its own date lines must give one.")
            return None, 0
        self.header_index = first
        year, month, day, rest = match.groups()
        written = f"{year}-{month}" + (f"-{day}" if day else "")
        try:
            self.header_date = date(int(year), int(month), int(day or 1))
        except ValueError:
            self.report(Code.HDR_DATE, first, f"The header date {written} is not a real date; it is ignored.")
        else:
            if day is None:
                self.header_month_only = True
                self.report(Code.HDR_MONTH, first,
                            f"The header date {written} has no day; the 1st of the month is used.")
        if rest is None:
            return None, first + 1
        self.language = language_of(rest)
        if self.language is not None:
            return None, first + 1
        return self.located(first, rest.strip()), first + 1

    # -- sections 2 and 3: category and title ----------------------------------------

    def category_and_title(self, start: int) -> tuple[Located | None, Located | None, int]:
        """The category line, then the title line; where the byline block may start."""
        filled = self.filled_from(start)[:2]
        if not filled:
            return None, None, start
        category = None
        first = self.lines[filled[0]]
        if len(filled) > 1 and _is_category_shaped(first) and self.parts(filled[0]) is None:
            self.category_index = filled[0]
            category = self.located(filled[0])
            filled = filled[1:]
        candidate = self.lines[filled[0]]
        if _looks_like_title(candidate) and self.parts(filled[0]) is None:
            return category, self.located(filled[0]), filled[0] + 1
        return category, None, filled[0]

    def title_from_filename(self, index: int) -> Located:
        name = self.source.replace("\\", "/").rsplit("/", 1)[-1]
        stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
        title = " ".join(stem.replace("-", " ").replace("_", " ").split()) or name or self.source
        index = min(index, len(self.lines) - 1)
        self.report(Code.TITLE_FROM_FILENAME, index,
                    f"No line here looks like a title (a line of at most {_TITLE_MAX} characters, not "
                    f"ending with a full stop); the file name gives the title {title!r}.")
        return Located(text=title, line=index + 1)

    def repeated_title(self, start: int, block: _Block, key: str) -> set[int]:
        """The scraper's copy of the title (`key` is the folded title): within the first 3
        non-blank lines after the byline block, and (not in the format, but never body text)
        before the block."""
        after = self.filled_from(block.end)[:_REPEAT_WINDOW]
        before = self.filled[bisect_left(self.filled, start) : bisect_left(self.filled, block.start)]
        return {i for i in (*before, *after) if self.equals(i, key)}

    # -- section 4: the byline block ---------------------------------------------

    def parts(self, index: int) -> list[_Part] | None:
        if index not in self._parts:
            self._parts[index] = self.line_parts(self.lines[index])
        return self._parts[index]

    def line_parts(self, text: str) -> list[_Part] | None:
        """The byline parts of a line, or None when it is not a byline line.

        Each part between separators is classified; a part that is none of them may follow a
        by-line or a date part, and then belongs to it (`By Jane Roe | Reuters`, `Jan 5, 2024 ·
        10:00 EST`). A line that as a whole is one part (a date with a `|` in it) is one part.
        """
        if not _has_separator(text):  # most lines: one piece, which is the part or nothing
            piece = text.strip()
            return self.part(piece) if piece else None
        pieces = [p.strip() for p in _PART_SEPARATOR.split(text) if p.strip()]
        if not pieces:
            return None
        parts: list[_Part] = []
        for piece in pieces:
            found = self.part(piece)
            if found is not None:
                parts += found
                continue
            joined = self.join(parts[-1], piece) if parts else None
            if joined is None:
                return self.part(text) if len(pieces) > 1 else None
            parts[-1] = joined
        return parts

    def join(self, part: _Part, piece: str) -> _Part | None:
        """A piece that is no part of its own, added to the part before it, if it fits."""
        if not part.value:
            return None
        if part.kind is _Kind.BY:
            value = _byline_value(f"{part.value}, {piece}")
        elif part.kind is _Kind.DATE:
            value = f"{part.value} {piece}"
            value = value if looks_like_date(value, self.date_context()) else None
        elif part.kind in (_Kind.PUBLISHED, _Kind.UPDATED):
            value = f"{part.value} {piece}"
            value = value if self.is_dateish(value) else None
        else:
            value = None
        return None if value is None else _Part(part.kind, value)

    def part(self, text: str) -> list[_Part] | None:
        """What one piece of a byline line is (one part, or a by-line and its date), or None."""
        match = _ANY_LABEL.match(text)
        if match is None or match.lastgroup is None:
            return self.date_part(text)
        label = match.lastgroup
        if label == "label":
            return [_Part(_Kind.LABEL, "")]
        if label == "by_alone":
            return [_Part(_Kind.BY, "")]
        if label in ("by", "author_colon") or label == self.own_by_label():
            return self.by_parts(_value(match))
        if label in ("updated", "published"):
            kind, value = _LABEL_KINDS[label], _value(match).strip()
            if not value:
                return [_Part(kind, "")]  # a label alone: the value is on the next line
            return [_Part(kind, value)] if self.is_dateish(value) else None
        if label in ("foreign_updated", "foreign_published") and looks_like_date(text, self.date_context()):
            return [_Part(_LABEL_KINDS[label], text)]
        return self.date_part(text)  # a by-line word of another language, a label with no date

    def date_part(self, text: str) -> list[_Part] | None:
        """A bare date line, or a relative time alone on its line."""
        if looks_like_date(text, self.date_context()) or _RELATIVE_LINE.match(text):
            return [_Part(_Kind.DATE, text)]
        return None

    def by_parts(self, value: str) -> list[_Part] | None:
        """A by-line value, which may end with its date: `Jane Roe, January 5, 2024` or
        `Jane Roe on January 5, 2024` is a by-line and a bare date."""
        for cut in _BY_DATE_CUT.finditer(value):
            date_text = value[cut.end():]
            names = _byline_value(value[: cut.start()])
            if names is not None and looks_like_date(date_text, self.date_context()):
                return [_Part(_Kind.BY, names), _Part(_Kind.DATE, date_text)]
        names = _byline_value(value)
        return None if names is None else [_Part(_Kind.BY, names)]

    def own_by_label(self) -> str | None:
        """The _LABELS name of the by-line word of the article's language, if it has one."""
        word = _FOREIGN_BY_WORD.get(self.language_base())
        return None if word is None else f"by_{word}"

    def language_base(self) -> str:
        return (self.language or self.options.language).lower().split("-")[0]

    def is_dateish(self, value: str) -> bool:
        """The value of a `Published:`/`Updated:` label: a date by the strict reading, else
        something short that tries to be one (feeds.dates then reads it loosely or says why it
        cannot), or a relative time ("2 hours ago", ignored later). Not a sentence."""
        if looks_like_date(value, self.date_context()):
            return True
        words = value.split()
        if not words or len(words) > _DATE_MAX_WORDS or words[0].lower() in _NOT_A_DATE_START:
            return False
        if _SENTENCE_PUNCTUATION.search(value + " "):  # a final full stop counts here
            return False
        return any(c.isdigit() for c in value) or _RELATIVE.search(value) is not None

    def byline_block(self, start: int, title_key: str | None) -> _Block:
        """Section 4: the run of byline lines that starts within the first 8 non-blank lines
        after the title and ends at the first other line (or the end of those 8 lines).

        A copy of the title inside the run (`By: …`, the title again, `Published: …`) does
        not end it; it is dropped with the block."""
        window = self.filled_from(start)[:_BYLINE_WINDOW]
        first = next((n for n, i in enumerate(window) if self.parts(i) is not None), None)
        if first is None:
            return _Block(start=start, end=start)
        block = _Block(start=window[first], end=window[first])
        pending: _Kind | None = None
        for i in window[first:]:
            if title_key is not None and self.equals(i, title_key):
                continue
            if pending is not None:
                kind, pending = pending, None
                if self.take_label_value(block, kind, i):
                    block.end = i + 1
                    continue
            parts = self.parts(i)
            if parts is None:
                break
            for part in parts:
                if part.value:
                    block.add(part.kind, self.located(i, part.value))
            pending = parts[-1].kind if not parts[-1].value else None
            block.end = i + 1
        return block

    def take_label_value(self, block: _Block, kind: _Kind, index: int) -> bool:
        """The line after a label alone (`author`, `By`, `Published`): its value, if it is one."""
        text, parts = self.lines[index], self.parts(index)
        if kind in (_Kind.PUBLISHED, _Kind.UPDATED):
            # `Updated` then a bare date line: an updated date, whether or not one was published.
            bare_date = parts is not None and len(parts) == 1 and parts[0].kind is _Kind.DATE
            value = text if bare_date or (parts is None and self.is_dateish(text)) else None
        elif parts is not None:
            return False  # `author` then `By: …`: that line speaks for itself
        elif kind is _Kind.LABEL:
            value = text if _is_names_line(text) else None
        else:
            value = _byline_value(text)
        if value is None:
            return False
        block.add(kind, self.located(index, value))
        return True

    # -- section 7: the bio ----------------------------------------------------------

    def bio(
        self, lines: Sequence[int], labels: set[int], block: _Block, *, text_before: bool
    ) -> tuple[int, list[Located]]:
        """The trailing bio: the index where it starts (the end of the body) and its lines,
        the name first. `lines` are the candidate body lines, in order, and `labels` those of
        them that are bio labels; `text_before` says whether body text comes before them (the
        header remainder of layout D). The by-line names are only wanted for a name line that
        is not name-like, after a label."""
        category = None if self.category_index is None else self.folded(self.category_index)
        # Where the first body text is: before lines[0] (-1), at some lines[n], or nowhere.
        first_text = -1 if text_before else next((n for n, i in enumerate(lines) if i not in labels), len(lines))
        for pos in range(len(lines) - 2, -1, -1):
            if not (lines[pos] in labels or (category is not None and self.equals(lines[pos], category))):
                continue
            if first_text >= pos:
                break  # no body text before it
            name = self.lines[lines[pos + 1]]
            if is_name_like(name) or fold(name) in {fold(n) for n in block.names()}:
                return lines[pos], [self.located(i) for i in lines[pos + 1:]]
        return len(self.lines), []


def _is_names_line(text: str) -> bool:
    """The line after an `author` label names the author: a name-like line, or names joined
    by `,` `;` `&` `and`, each name-like (`Jane Roe and John Doe`)."""
    if is_name_like(text):
        return True
    pieces = [p for p in re.split(r"\s*[,;&]\s*|\s+and\s+", text) if p]
    return len(pieces) > 1 and all(is_name_like(p) for p in pieces)
