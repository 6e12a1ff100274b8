"""The reader for the news-text article format (ARTICLE_FORMAT.md, sections 0-4, 7, 8).

It splits a file into its parts and says where each came from; it interprets no
value beyond what it needs to find the parts (a date line is recognized, not
resolved). `normalize` turns the parts into an `Article`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum, auto

from feeds.authors import is_name_like, split_byline
from feeds.dates import DateContext, looks_like_date
from feeds.errors import Code, Diagnostic
from feeds.model import Located, RawArticle
from feeds.readers.languages import language_of
from feeds.text import clean_text, fold

_HEADER = re.compile(r"^\s?date\s+(\d{4})-(\d{2})(?:-(\d{2}))?(?:\s+(\S.*))?$")
_CLOSING_PUNCTUATION = tuple(".!?:;,…")
_TITLE_MAX = 200
_BYLINE_WINDOW = 8  # non-blank lines after the title where a byline block may be
_REPEAT_WINDOW = 3  # non-blank lines after the byline block where the title may repeat
_BYLINE_MAX_WORDS = 12
_LABEL = re.compile(r"^(?:authors?|about the authors?)$", re.IGNORECASE)
_BY = re.compile(r"^(?:by|written by|words by|reporting by)\s*:?\s*(.*)$", re.IGNORECASE)
_PUBLISHED = re.compile(
    r"^(?:first published|published|posted)\b\s*:?\s*(?:on\b|at\b)?\s*:?\s*(.*)$", re.IGNORECASE
)
_UPDATED = re.compile(
    r"^(?:last updated|updated|modified|last modified)\b\s*:?\s*(?:on\b|at\b)?\s*:?\s*(.*)$",
    re.IGNORECASE,
)
_PART_SEPARATOR = re.compile(r"\s*[|·•]\s*|\s+[—–]\s+")
_SENTENCE_END = re.compile(r"[!?]|[^\W\d_]{4,}\.(?:\s|$)")
_RELATIVE = re.compile(r"\b(?:ago|yesterday|today|just now)\b", re.IGNORECASE)


class _Kind(Enum):
    LABEL = auto()
    BY = auto()
    PUBLISHED = auto()
    UPDATED = auto()
    DATE = auto()


@dataclass(frozen=True, slots=True)
class _Part:
    kind: _Kind
    value: str  # "" for a label waiting for the next line


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
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return _fail(Code.DECODE, source, line,
                     f"The file is not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
                     "save it as UTF-8.")
    lines = clean_text(text)
    if not any(line.strip() for line in lines):
        return _fail(Code.EMPTY, source, 1, "The file has no text.")
    return _Reader(lines, source, options).read()


def _fail(code: Code, source: str, line: int, message: str) -> ReadResult:
    return ReadResult(article=None, diagnostics=(Diagnostic(code=code, file=source, line=line, message=message),))


def _is_closed(text: str) -> bool:
    return text.rstrip("\"'”’»)]").endswith(_CLOSING_PUNCTUATION)


def _looks_like_title(text: str) -> bool:
    return len(text) <= _TITLE_MAX and not text.endswith(".")


def _byline_value(text: str) -> str | None:
    """The names of a by-line, or None when the line is body text that starts with "By"."""
    match = _BY.match(text)
    if match is None or not (value := match.group(1).strip()):
        return None
    first = value[0]
    if first.isalpha() and not first.isupper() and first.lower() != first.upper():
        return None  # "By the end of the year": names start with a capital
    if len(value.split()) > _BYLINE_MAX_WORDS or _SENTENCE_END.search(value):
        return None
    return value


class _Reader:
    """One pass over one file. Positions are 0-based indexes into `lines`."""

    def __init__(self, lines: Sequence[str], source: str, options: ReadOptions) -> None:
        self.lines = lines
        self.source = source
        self.options = options
        self.diagnostics: list[Diagnostic] = []
        self.header_date: date | None = None
        self.header_month_only = False
        self.language: str | None = None
        self.category_index: int | None = None

    def report(self, code: Code, index: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(code=code, file=self.source, line=index + 1, message=message))

    def located(self, index: int, text: str | None = None) -> Located:
        return Located(text=self.lines[index].strip() if text is None else text, line=index + 1)

    def next_filled(self, start: int) -> int | None:
        for i in range(start, len(self.lines)):
            if self.lines[i].strip():
                return i
        return None

    def filled_from(self, start: int) -> list[int]:
        return [i for i in range(start, len(self.lines)) if self.lines[i].strip()]

    def date_context(self) -> DateContext:
        return DateContext(
            header_date=self.header_date,
            header_month_only=self.header_month_only,
            language=self.language or self.options.language,
            default_zone=self.options.timezone,
            zones=self.options.zones,
        )

    # -- the parts, in file order ------------------------------------------------

    def read(self) -> ReadResult:
        remainder, start = self.header()
        category: Located | None = None
        body_lead: list[Located] = []
        if remainder is not None and _looks_like_title(remainder.text):
            title: Located | None = remainder  # layout C
        elif remainder is not None:
            title, body_lead = None, [remainder]  # layout D: the remainder is the first paragraph
        else:
            category, title, start = self.category_and_title(start)
        if title is None:
            title = self.title_from_filename(remainder.line - 1 if remainder else 0)
        block = self.byline_block(start)
        bio_start, bio = self.bio(block.end, block.names)
        body = body_lead + self.body(start, bio_start, title.text, skip=range(block.body_from, block.end))
        if not body:
            self.report(Code.EMPTY_BODY, title.line - 1, "The article has no body text after its title and byline.")
            return ReadResult(article=None, diagnostics=tuple(self.diagnostics))
        article = RawArticle(
            source=self.source,
            header_date=self.header_date,
            header_month_only=self.header_month_only,
            header_line=1 if self.header_date is not None or self.language else 0,
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

    def header(self) -> tuple[Located | None, int]:
        """Section 1: the header line's date, language and remainder; where parsing goes on."""
        match = _HEADER.match(self.lines[0])
        if match is None:
            self.report(Code.NO_HEADER, 0, "The first line is not a `date YYYY-MM-DD` header; "
                      "the article has no fallback date.")
            return None, 0
        year, month, day, rest = match.groups()
        if day is None:
            self.header_month_only = True
            self.report(Code.HDR_MONTH, 0, f"The header date {year}-{month} has no day; the 1st is used.")
        try:
            self.header_date = date(int(year), int(month), int(day or 1))
        except ValueError:
            self.report(Code.HDR_DATE, 0, f"The header date {year}-{month}{'-' + day if day else ''} "
                      "is not a real date; it is ignored.")
        if rest is None:
            return None, 1
        self.language = language_of(rest)
        if self.language is not None:
            return None, 1
        return self.located(0, rest.strip()), 1

    def category_and_title(self, start: int) -> tuple[Located | None, Located | None, int]:
        """Sections 2 and 3.2: the category line, then the title line; where the byline may start."""
        filled = self.filled_from(start)[:3]
        if not filled:
            return None, None, start
        first = self.lines[filled[0]].strip()
        is_category = (
            len(filled) > 1
            and len(first.split()) <= 4
            and len(first) <= 40
            and not _is_closed(first)
            and not self.is_byline_line(first)
        )
        second = self.lines[filled[1]].strip() if len(filled) > 1 else ""
        if is_category and _looks_like_title(second) and not self.is_byline_line(second):
            self.category_index = filled[0]
            return self.located(filled[0]), self.located(filled[1]), filled[1] + 1
        # A short first line followed by no title-like line is the title itself
        # (a headline of four words), not a category with a missing title.
        if _looks_like_title(first) and not self.is_byline_line(first):
            return None, self.located(filled[0]), filled[0] + 1
        return None, None, start

    def title_from_filename(self, index: int) -> Located:
        stem = self.source.rsplit("/", 1)[-1].removesuffix(".txt")
        title = " ".join(stem.replace("-", " ").replace("_", " ").split()) or self.source
        self.report(Code.TITLE_FROM_FILENAME, index, f"No title line; the file name gives the title {title!r}.")
        return Located(text=title, line=index + 1)

    # -- section 4: the byline block ---------------------------------------------

    def parts(self, text: str) -> list[_Part] | None:
        """The byline parts of a line, or None if any part is not a byline part."""
        pieces = [p for p in _PART_SEPARATOR.split(text) if p]
        parts = [self.part(p.strip()) for p in pieces]
        if not parts or any(p is None for p in parts):
            return None
        return [p for p in parts if p is not None]

    def part(self, text: str) -> _Part | None:
        if _LABEL.match(text):
            return _Part(_Kind.LABEL, "")
        if (names := _byline_value(text)) is not None:
            return _Part(_Kind.BY, names)
        for kind, pattern in ((_Kind.UPDATED, _UPDATED), (_Kind.PUBLISHED, _PUBLISHED)):
            if (match := pattern.match(text)) is not None:
                value = match.group(1).strip()
                if not value:
                    return _Part(kind, "")  # a label alone: the value is on the next line
                if self.is_dateish(value):
                    return _Part(kind, value)
                return None
        if looks_like_date(text, self.date_context()):
            return _Part(_Kind.DATE, text)
        return None

    def is_dateish(self, value: str) -> bool:
        """A published/updated value: a date, or a short relative time ("2 hours ago")."""
        if looks_like_date(value, self.date_context()):
            return True
        return len(value.split()) <= 10 and (any(c.isdigit() for c in value) or bool(_RELATIVE.search(value)))

    def is_byline_line(self, text: str) -> bool:
        return self.parts(text) is not None

    def byline_block(self, start: int) -> _Block:
        block = _Block(end=start)
        window = self.filled_from(start)[:_BYLINE_WINDOW]
        first = next((n for n, i in enumerate(window) if self.is_byline_line(self.lines[i].strip())), None)
        if first is None:
            return block
        # Lines before the block (a standfirst, say) are body text, never dropped.
        block.end = block.body_from = window[first]
        pending: _Kind | None = None
        for i in self.filled_from(window[first]):
            text = self.lines[i].strip()
            if pending is not None:
                if self.take_label_value(block, pending, i, text):
                    pending = None
                    continue
                pending = None
            parts = self.parts(text)
            if parts is None:
                break
            for part in parts:
                if part.value:
                    block.add(part, self.located(i, part.value))
                else:
                    pending = part.kind
            block.end = i + 1
        return block

    def take_label_value(self, block: _Block, kind: _Kind, index: int, text: str) -> bool:
        """The line after a label alone (`author`, `Published`): its value, if it is one."""
        if kind is _Kind.LABEL:
            parts = self.parts(text)
            if parts is not None:
                return False  # `author` then `By: …`: the by-line speaks for itself
            if is_name_like(text):
                block.author_lines.append(self.located(index))
                block.end = index + 1
                return True
            return False
        if self.is_dateish(text):
            block.add(_Part(kind, text), self.located(index))
            block.end = index + 1
            return True
        return False

    # -- sections 7 and 8: bio and body --------------------------------------------

    def bio(self, body_start: int, names: Sequence[str]) -> tuple[int, list[Located]]:
        """The trailing bio: where it starts (the end of the body) and its lines."""
        filled = self.filled_from(body_start)
        category = None if self.category_index is None else fold(self.lines[self.category_index])
        known = {fold(n) for n in names}
        for pos in range(len(filled) - 2, 0, -1):
            text = self.lines[filled[pos]].strip()
            opener = _LABEL.match(text) is not None or (category is not None and fold(text) == category)
            if not opener:
                continue
            name = self.lines[filled[pos + 1]].strip()
            if is_name_like(name) or fold(name) in known:
                return filled[pos], [self.located(i) for i in filled[pos + 1:]]
        return len(self.lines), []

    def body(self, start: int, end: int, title: str, *, skip: range) -> list[Located]:
        """Every line from `start` to `end` but the byline block (`skip`), the scraper's
        repeated title just after it, and stray `author` labels."""
        body: list[Located] = []
        key = fold(title)
        after_block = [i for i in self.filled_from(skip.stop) if i < end][:_REPEAT_WINDOW]
        for i in self.filled_from(start):
            if i >= end:
                break
            text = self.lines[i].strip()
            if i in skip or (i in after_block and fold(text) == key):
                continue
            if _LABEL.match(text):
                continue  # a stray `author` label
            body.append(self.located(i))
        return body


class _Block:
    """What the byline block holds; mutable while the reader walks it."""

    def __init__(self, end: int) -> None:
        self.end = end
        self.body_from = end
        self.bylines: list[Located] = []
        self.author_lines: list[Located] = []
        self.published: Located | None = None
        self.updated: Located | None = None

    def add(self, part: _Part, where: Located) -> None:
        if part.kind is _Kind.BY:
            self.bylines.append(where)
        elif part.kind is _Kind.PUBLISHED or (part.kind is _Kind.DATE and self.published is None):
            if self.published is None:
                self.published = where
            else:
                self.updated = where
        elif part.kind in (_Kind.UPDATED, _Kind.DATE):
            self.updated = where

    @property
    def names(self) -> list[str]:
        names = [a.name for b in self.bylines for a in split_byline(b.text)[0]]
        return names + [a.text for a in self.author_lines]

