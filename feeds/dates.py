"""The only place that parses dates and resolves time zones (ARTICLE_FORMAT.md section 6).

A date string is read in three steps:

1. normalize: labels, CJK forms, `a.m.`, `noon`, `14.51`/`15h51`, ordinals, filler words and the
   month names of the supported languages become what python-dateutil reads;
2. zone: feeds.zones finds the zone words and takes them out. dateutil never sees a zone, so it
   never falls back on the machine's zone (it does for a name in `time.tzname`);
3. parse: dateutil, strict first, with the header date as the default for missing parts; a
   loose (fuzzy) reading only when it lands within a day of the header date.

Nothing here reads the clock: dateutil is always given a default, and two-digit years are
placed around the header date's year, not today's. No input string raises.

Decisions the format leaves open:

- Relative times ("47 minutes ago", "yesterday") give no value and a W-DATE-UNPARSED finding
  that says they are ignored; the caller keeps the raw text, as for any unreadable date.
- A date with no time is 00:00 in its zone (`has_time` False). It gets no W-TZ-ASSUMED (no
  time was stated); resolve_dates notes W-NO-TIME on its line instead.
- Without a header date, a date missing its year, month or day is W-DATE-UNPARSED rather
  than completed from a made-up default.
- "Within a day of the header date" (fuzzy readings, W-DATE-MISMATCH) compares the calendar
  day the article wrote, in its own zone, with the header date: that day and its neighbours.
- Weekday names are recognised and dropped: with a day they add nothing, and without one
  dateutil would move the date to the next such weekday.
"""

from __future__ import annotations

import calendar
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache, lru_cache
from pathlib import Path

from dateutil import parser as du_parser

from feeds import zones
from feeds.errors import Code, Diagnostic, Finding
from feeds.model import Located
from feeds.zones import check_zone_table, zone_table

__all__ = [
    "DateContext",
    "ParsedDate",
    "ResolvedDates",
    "check_zone_table",
    "looks_like_date",
    "parse_date",
    "resolve_dates",
    "zone_table",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class DateContext:
    """What a date is read against: the article's header date and language, and the settings."""

    header_date: date | None
    language: str  # "en", "en-GB", "de", ...
    default_zone: str  # an IANA name, e.g. "UTC" or "America/New_York"
    zones: Mapping[str, str] = field(default_factory=dict)  # user table: "ET" -> IANA name or "+05:30"
    # The header gave only a month (`date 2024-03`, W-HDR-MONTH): header_date is its 1st, and a
    # date anywhere in that month counts as matching it.
    header_month_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedDate:
    value: datetime | None  # always aware when set
    has_time: bool
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedDates:
    published: datetime | None  # None only together with an E-NO-DATE diagnostic
    updated: datetime | None  # the published date when there is no (valid) updated date
    diagnostics: tuple[Diagnostic, ...]


# --- Word tables (feeds/data/date_words.toml) --------------------------------------------------

_WORDS_FILE = Path(__file__).parent / "data" / "date_words.toml"


def _fold(word: str) -> str:
    return zones.strip_accents(word).lower()


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"date_words.toml: expected a list of words, got {value!r}")
    return [_fold(v) for v in value]


def _groups(value: object, count: int) -> list[list[str]]:
    if not isinstance(value, list) or len(value) != count:
        raise ValueError(f"date_words.toml: expected {count} lists of names, got {value!r}")
    return [_strings(forms) for forms in value]


@dataclass(frozen=True, slots=True)
class _Language:
    months: list[list[str]]  # twelve lists of forms, accents stripped, lower case
    weekdays: list[list[str]]  # seven
    labels: list[str]
    relative: list[str]


@cache
def _tables() -> tuple[dict[str, _Language], frozenset[str]]:
    data = tomllib.loads(_WORDS_FILE.read_text(encoding="utf-8"))
    fillers = frozenset(_strings(data.pop("any")["fillers"]))
    languages = {
        tag: _Language(
            _groups(t["months"], 12), _groups(t["weekdays"], 7), _strings(t["labels"]), _strings(t["relative"])
        )
        for tag, t in data.items()
    }
    return languages, fillers


def _english_months() -> tuple[str, ...]:
    # From the English table rather than `calendar`, whose names follow the machine's locale.
    return tuple(forms[0].title() for forms in _tables()[0]["en"].months)


def _alternation(words: list[str] | frozenset[str]) -> str:
    """Words as one pattern, longest first, each space matching any white space."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in ordered)


def _whole(body: str) -> re.Pattern[str]:
    """A pattern bounded by anything but a letter."""
    return re.compile(rf"(?<![^\W\d_])(?:{body})(?![^\W\d_])", re.I)


@dataclass(frozen=True, slots=True)
class _Words:
    """The words of dates in one article's language, with English always added."""

    names: Mapping[str, str]  # month form -> English month; weekday form -> "" (dropped)
    fillers: frozenset[str]
    labels: re.Pattern[str]  # at the start of the text
    relative: re.Pattern[str]
    filler: re.Pattern[str]

    def is_date_word(self, word: str) -> bool:
        folded = _fold(word).rstrip(".")
        return folded in self.names or folded in self.fillers


def _name_table(languages: list[_Language], *, short: bool) -> dict[str, str]:
    """Forms of four letters or more never collide across languages; shorter ones ("mar",
    "ago") are read only in the article's own language and English.

    Weekdays map to "": with a day in the date the weekday adds nothing, and without one
    dateutil would move the date to the next such weekday, which is a guess."""
    names: dict[str, str] = {}
    for language in languages:
        for forms, month in zip(language.months, _english_months(), strict=True):
            names.update({f: month for f in forms if short or len(f) >= 4})
        for forms in language.weekdays:
            names.update({f: "" for f in forms if short or len(f) >= 4})
    return names


@cache
def _words(language: str) -> _Words:
    tables, fillers = _tables()
    base = zones.language_tags(language or "en")[-1]
    own = [tables[tag] for tag in dict.fromkeys(("en", base)) if tag in tables]
    names = {**_name_table(list(tables.values()), short=False), **_name_table(own, short=True)}
    return _Words(
        names=names,
        fillers=fillers,
        labels=re.compile(
            rf"^(?:{_alternation([w for t in own for w in t.labels])})"
            r"(?![^\W\d_])\s*:?",
            re.I,
        ),
        relative=_whole(_alternation([w for t in own for w in t.relative])),
        filler=_whole(_alternation(fillers)),
    )


# --- Step 1: normalize ---------------------------------------------------------------------------

_MAX_LENGTH = 200  # a date line is short; longer text is prose, not worth a parse
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_QUOTES = re.compile("[\u2018\u2019\u201b\u2032`]")
_SPACE = re.compile(r"\s+")

_CJK_DATE = re.compile(r"(\d{2,4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号號]?")
_CJK_DAY = re.compile(r"(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号號]")
_CJK_TIME = re.compile(r"(\d{1,2})\s*[时時시点點]\s*(?:(\d{1,2})\s*[分분])?(?:\s*\d{1,2}\s*[秒초])?")
_CJK_AMPM = re.compile(r"(上午|午前|오전|下午|午後|오후|晚上)\s*(\d{1,2}(?::\d\d)?)")
_CJK_WEEKDAY = re.compile(
    r"[(（]\s*[月火水木金土日一二三四五六天월화수목금토일]\s*[)）]"
    r"|(?:星期|礼拜|禮拜|周|週)[一二三四五六日天]|[월화수목금토일]요일"
)
_AMPM_DOTTED = re.compile(r"(?<![A-Za-z])([ap])\.\s?m\b\.?", re.I)
_AMPM_WORD = re.compile(r"(?<![A-Za-z])([AP]M)(?![A-Za-z])")
_NOON = re.compile(r"(?<![A-Za-z])(?:12(?::00)?\s*)?(noon|midday|midnight)(?![A-Za-z])", re.I)
# "14.51" but not the parts of "11.01.2024" or "2024.01.11".
_DOT_TIME = re.compile(r"(?<![\d.:])([01]?\d|2[0-3])\.([0-5]\d)(?![\d.])")
_H_TIME = re.compile(r"(?<![\w:])([01]?\d|2[0-3])\s?h\s?([0-5]\d)?(?!\w)", re.I)
_UHR = re.compile(r"(?<![\d:])([01]?\d|2[0-3])\s+uhr\b", re.I)
_ORDINAL = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|re|º|ª|°)(?![A-Za-z])", re.I)
# The dot of German "11. Januar" and of "11.01." at the end of a date.
_NUMBER_DOT = re.compile(r"(?<=\d)\.(?=\s|$|[^\W\d_])")
# German "am 11. Januar", but never the English "9 am".
_GERMAN_AM = re.compile(r"(?<!\d)(?<!\d )(?<![^\W\d_])am(?![^\W\d_])", re.I)
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*\.?")
_BRACKETS = re.compile(r"[()\[\]{}|·•]")


def _clean(text: str) -> str:
    """One plain form: NFC, ASCII digits, plain dashes and quotes, no accents, single spaces."""
    if text.isascii():  # of the steps of _clean_any, only these change ASCII text (` is a quote)
        return _SPACE.sub(" ", text.replace("`", "'")).strip()
    return _clean_any(text)


def _clean_any(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)
    text = _QUOTES.sub("'", _DASHES.sub("-", text))
    return _SPACE.sub(" ", zones.strip_accents(text)).strip()


def _strip_label(text: str, words: _Words) -> str:
    return words.labels.sub("", text, count=1).strip()


def _cjk_month_day(match: re.Match[str]) -> str:
    month, day = int(match[1]), int(match[2])
    return f" {day} {_english_months()[month - 1]} " if 1 <= month <= 12 else match[0]


def _cjk(text: str) -> str:
    """'2024年1月11日 下午2时30分' -> '2024-1-11 2:30 pm'."""
    text = _CJK_WEEKDAY.sub(" ", text)
    text = _CJK_DATE.sub(r" \1-\2-\3 ", text)
    text = _CJK_DAY.sub(_cjk_month_day, text)
    text = _CJK_TIME.sub(lambda m: f" {m[1]}:{m[2] or '00'} ", text)
    return _CJK_AMPM.sub(lambda m: f" {m[2]} {'am' if m[1] in '上午午前오전' else 'pm'} ", text)


def _clock_words(text: str) -> str:
    """'a.m.' -> 'am', 'noon' -> '12:00 pm', 'midnight' -> '12:00 am'."""
    text = _AMPM_DOTTED.sub(lambda m: f"{m[1].lower()}m", text)
    text = _AMPM_WORD.sub(lambda m: m[1].lower(), text)
    return _NOON.sub(lambda m: "12:00 am" if m[1].lower() == "midnight" else "12:00 pm", text)


def _times(text: str) -> str:
    """'14.51' -> '14:51', '15h51' -> '15:51', '14 Uhr' -> '14:00'."""
    text = _DOT_TIME.sub(r"\1:\2", text)
    text = _H_TIME.sub(lambda m: f"{m[1]}:{m[2] or '00'}", text)
    return _UHR.sub(r"\1:00", text)


def _ordinals(text: str) -> str:
    """'11th' -> '11', '1er' -> '1', '11. Januar' -> '11 Januar'."""
    return _NUMBER_DOT.sub("", _ORDINAL.sub(r"\1", text))


def _drop_fillers(text: str, words: _Words) -> str:
    return words.filler.sub(" ", _GERMAN_AM.sub(" ", text))


def _english_names(text: str, words: _Words) -> str:
    def name(match: re.Match[str]) -> str:
        english = words.names.get(_fold(match[0]).rstrip("."))
        return match[0] if english is None else f" {english} "

    return _TOKEN.sub(name, text)


def _tidy(text: str) -> str:
    return _SPACE.sub(" ", _BRACKETS.sub(" ", text)).strip()


# --- Step 3: parse -----------------------------------------------------------------------------

_YEAR_FIRST = re.compile(r"(?<!\d)\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)")
_MONTH_FIRST = frozenset({"en", "en-us"})  # US English; every other language is day-first
_FIXED_DEFAULT = date(2000, 1, 1)  # a leap year, so "29 February" reads without a header
_EARLIEST, _LATEST = 1900, 2200


class _Info(du_parser.parserinfo):
    """dateutil's words, with two-digit years placed around the article's year."""

    def __init__(self, *, dayfirst: bool, yearfirst: bool, pivot: int) -> None:
        super().__init__(dayfirst=dayfirst, yearfirst=yearfirst)
        self.pivot = pivot

    def convertyear(self, year: int, century_specified: bool = False) -> int:
        # dateutil's own rule uses the current year; ours, the header date's (or 2000).
        if year >= 100 or century_specified:
            return year
        year += self.pivot // 100 * 100
        if year >= self.pivot + 50:
            return year - 100
        return year + 100 if year < self.pivot - 50 else year


@cache
def _parser(dayfirst: bool, yearfirst: bool, pivot: int) -> du_parser.parser:
    return du_parser.parser(_Info(dayfirst=dayfirst, yearfirst=yearfirst, pivot=pivot))


def _dateutil(text: str, parser: du_parser.parser, default: datetime, fuzzy: bool) -> datetime | None:
    try:
        return parser.parse(text, default=default, ignoretz=True, fuzzy=fuzzy)
    except (ValueError, OverflowError, TypeError, LookupError, ArithmeticError):
        # dateutil's ways of saying "not a date" (ParserError is a ValueError); the text is
        # untrusted, so none of them may stop the build.
        return None


@dataclass(frozen=True, slots=True)
class _Reading:
    naive: datetime
    missing: tuple[str, ...]  # of "year", "month", "day": not written, taken from the default
    has_time: bool


def _probe_default(default: datetime) -> datetime:
    """A default that differs from `default` in every part, so that comparing two readings
    shows which parts the text wrote; +28 years keeps the calendar (and leap days) the same,
    and January and March have 31 days."""
    return default.replace(
        year=default.year + (28 if default.year < 5000 else -28),
        month=3 if default.month == 1 else 1,
        day=2 if default.day == 1 else 1,
        hour=1,
        minute=1,
    )


def _read(text: str, ctx: DateContext, *, fuzzy: bool) -> _Reading | None:
    yearfirst = _YEAR_FIRST.search(text) is not None
    dayfirst = not yearfirst and zones.language_tags(ctx.language or "en")[0] not in _MONTH_FIRST
    start = ctx.header_date or _FIXED_DEFAULT
    parser = _parser(dayfirst, yearfirst, start.year)
    default = datetime(start.year, start.month, start.day)  # noqa: DTZ001 - made aware later
    value = _dateutil(text, parser, default, fuzzy)
    if value is None:
        return None
    probe = _dateutil(text, parser, _probe_default(default), fuzzy) or value
    missing = tuple(p for p in ("year", "month", "day") if getattr(value, p) != getattr(probe, p))
    return _Reading(value, missing, (value.hour, value.minute) == (probe.hour, probe.minute))


# --- Messages ------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"'{text[:77]}...'" if len(text) > 80 else f"'{text}'"


def _unparsed(text: str, reason: str = "") -> ParsedDate:
    message = f"Cannot read {_quote(text)} as a date{reason}; the text is kept as written."
    finding = Finding(code=Code.DATE_UNPARSED, message=message)
    return ParsedDate(value=None, has_time=False, findings=(finding,))


def _relative(text: str) -> ParsedDate:
    message = (
        f"{_quote(text)} is a relative time, which cannot be placed without the moment the "
        "page was saved; it is ignored."
    )
    finding = Finding(code=Code.DATE_UNPARSED, message=message)
    return ParsedDate(value=None, has_time=False, findings=(finding,))


# --- Applying the zone ---------------------------------------------------------------------------


def _default_zone(ctx: DateContext) -> tzinfo:
    # The setting is checked when the configuration is loaded; a bad one never raises here.
    return zones.make_tzinfo(ctx.default_zone) or UTC


def _no_zone(text: str, choice: zones.Choice, ctx: DateContext, has_time: bool) -> list[Finding]:
    where = f"read in {ctx.default_zone} (the configured default zone)"
    if choice.unknown is not None:
        message = (
            f"The time zone {_quote(choice.unknown)} is not known; {where}. Set "
            f"[tool.feeds.zones] {choice.unknown} to give it a meaning."
        )
        return [Finding(code=Code.TZ_UNKNOWN, message=message)]
    if has_time:  # a date with no time is placed at 00:00 by convention (W-NO-TIME)
        message = f"The date {_quote(text)} names no time zone; {where}."
        return [Finding(code=Code.TZ_ASSUMED, message=message)]
    return []


def _zone_findings(mention: zones.Mention, naive: datetime) -> list[Finding]:
    zone, found = mention.zone, []
    if zone is None:
        return []
    # Only the bare code is ambiguous: a long name ("India Standard Time") says which it is.
    if mention.source is zones.Source.DEFAULT and zone.ambiguous and mention.written == zone.key:
        message = (
            f"The zone {_quote(mention.written)} is ambiguous; read as {zone.describe(naive)}, "
            f"not {zone.ambiguous}. Set [tool.feeds.zones] {zone.key} to choose another."
        )
        found.append(Finding(code=Code.TZ_AMBIGUOUS, message=message))
    actual = zone.dst_mismatch(naive)
    if actual is not None and zone.offset is not None:
        stated = zones.format_offset(zone.offset)
        message = (
            f"The zone {_quote(mention.written)} states {stated}, but {zone.region} is at "
            f"{zones.format_offset(actual)} on {naive.date()}; kept {stated} as written."
        )
        found.append(Finding(code=Code.TZ_DST_MISMATCH, message=message))
    return found


def _place(text: str, reading: _Reading, choice: zones.Choice, ctx: DateContext) -> tuple[datetime, list[Finding]]:
    """The reading made aware, and what the reader should know about its zone."""
    if choice.mention is None or choice.zone is None:
        value = reading.naive.replace(tzinfo=_default_zone(ctx))
        return value, _no_zone(text, choice, ctx, reading.has_time)
    value = reading.naive.replace(tzinfo=choice.zone.tzinfo())
    return value, _zone_findings(choice.mention, reading.naive)


# --- Public API ----------------------------------------------------------------------------------


def _header_days_apart(value: datetime, ctx: DateContext) -> int | None:
    """Whole days between the day the article wrote (in its own zone) and the header date, or
    the header month; 0 inside it; None without a header."""
    if ctx.header_date is None:
        return None
    first = last = ctx.header_date
    if ctx.header_month_only:
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    day = value.date()
    return (first - day).days if day < first else max((day - last).days, 0)


def _prepare(text: str, ctx: DateContext) -> tuple[str, zones.Choice] | ParsedDate:
    """Steps 1 and 2: the text dateutil reads and the zone chosen, or why there is none."""
    if len(text) > _MAX_LENGTH:
        return _unparsed(text, ": it is too long to be a date")
    words = _words(ctx.language)
    clean = _strip_label(_clean(text), words)
    if words.relative.search(clean):
        return _relative(text)
    clean = _times(_clock_words(_cjk(clean)))
    user = zones.user_table(ctx.zones)
    rest, mentions = zones.find_zones(clean, language=ctx.language or "en", user=user, is_date_word=words.is_date_word)
    choice = zones.choose(mentions)
    if choice.invalid is not None:
        return _unparsed(text, f": the offset {_quote(choice.invalid)} is not one any place uses")
    if choice.conflict:
        return _unparsed(text, ": it names more than one time zone")
    rest = _english_names(_drop_fillers(_ordinals(_SPACE.sub(" ", rest)), words), words)
    rest = _tidy(rest)
    if not any(c.isdigit() for c in rest):
        return _unparsed(text)
    return rest, choice


def _in_range(reading: _Reading | None) -> bool:
    return reading is not None and _EARLIEST <= reading.naive.year <= _LATEST


def _loosely(text: str, normalized: str, choice: zones.Choice, ctx: DateContext) -> ParsedDate:
    """Step 4: a fuzzy reading, kept only within a day of the header date."""
    reading = _read(normalized, ctx, fuzzy=True)
    if reading is None or not _in_range(reading):
        return _unparsed(text)
    value, found = _place(text, reading, choice, ctx)
    apart = _header_days_apart(value, ctx)
    if apart is None or apart > 1:
        reason = f"; a loose reading gives {value.date()}, not within a day of the header date"
        return _unparsed(text, reason)
    message = f"Read {_quote(text)} loosely as {value.isoformat()}, as it is within a day of the header date."
    findings = (Finding(code=Code.DATE_FUZZY, message=message), *found)
    return ParsedDate(value=value, has_time=reading.has_time, findings=findings)


# --- Memo and gate ------------------------------------------------------------------------------
#
# The reader tries many lines as dates (every candidate byline line, prose included), and the
# normalizer parses the published line again: results are memoized per (text, context), and a
# cheap test turns away, before any normalizing or dateutil work, the lines that cannot name a
# month and a day.

_ContextKey = tuple[date | None, bool, str, str, tuple[tuple[str, str], ...]]
_MEMO_SIZE = 4096
_DIGIT_RUN = re.compile(r"\d+")
_ASCII_DIGIT = re.compile("[0-9]")
_CJK_MONTH = frozenset("月월")


def _key(ctx: DateContext) -> _ContextKey:
    # DateContext holds a mapping, so it is not hashable itself; its items in order are.
    return ctx.header_date, ctx.header_month_only, ctx.language, ctx.default_zone, tuple(ctx.zones.items())


@lru_cache(maxsize=64)  # an article's dates are read against one context: made once for them
def _context(key: _ContextKey) -> DateContext:
    header_date, month_only, language, default_zone, table = key
    return DateContext(
        header_date=header_date,
        header_month_only=month_only,
        language=language,
        default_zone=default_zone,
        zones=dict(table),
    )


_ASCII_WORD = re.compile("[a-z]+")


@cache
def _month_words() -> tuple[frozenset[str], re.Pattern[str] | None]:
    """Every month form of every language table and dateutil's own month names: the plain
    ones (a-z), looked up as whole runs of ASCII letters, and any others as substrings."""
    tables, _ = _tables()
    forms = {form for language in tables.values() for month in language.months for form in month}
    forms |= {name.lower() for names in du_parser.parserinfo.MONTHS for name in names}
    plain = frozenset(f for f in forms if _ASCII_WORD.fullmatch(f))
    other = sorted(forms - plain, key=len, reverse=True)
    return plain, re.compile("|".join(map(re.escape, other))) if other else None


def _may_name_month_and_day(text: str) -> bool:
    """False only for text from which no strict reading can take both a month and a day.

    dateutil takes a month from a month name, from a second number, or from one run of six or
    more digits (YYMMDD, YYYYMMDD); a day needs a number. Normalizing only ever adds digits as
    the minutes of a time (`15h` -> `15:00`, `noon` -> `12:00 pm`), and the month names it writes
    come from month forms of the tables or from CJK dates with 月/월, all looked for here."""
    if not text.isascii() and any(c.isdigit() and not c.isdecimal() for c in text):
        return True  # digits the runs below do not see: leave them to the full reading
    runs = _DIGIT_RUN.findall(text)
    if not runs:
        return False
    if len(runs) > 1 or len(runs[0]) >= 6:
        return True
    # A month name reaches dateutil as a word of its own, between characters that are not
    # letters; normalizing takes letters out only where no ASCII letter stands next to them
    # (CJK weekdays, zone words, ordinal endings), so the name is a run of ASCII letters here.
    plain, other = _month_words()
    if other is None and text.isascii():
        # Cleaning changes only the white space and quotes of ASCII text, no run of letters.
        return not plain.isdisjoint(_ASCII_WORD.findall(text.lower()))
    clean = _clean(text)
    if not _CJK_MONTH.isdisjoint(clean):
        return True
    folded = clean.lower()
    return not plain.isdisjoint(_ASCII_WORD.findall(folded)) or (other is not None and other.search(folded) is not None)


_Strict = tuple[tuple[str, zones.Choice] | ParsedDate, _Reading | None]


@lru_cache(maxsize=_MEMO_SIZE)
def _strict(text: str, key: _ContextKey) -> _Strict:
    """Steps 1 to 3 with a strict reading: what _prepare gives, and the reading when the zone
    words allow one."""
    return _fast(text, key) or _full_strict(text, key)


def _full_strict(text: str, key: _ContextKey) -> _Strict:
    ctx = _context(key)
    prepared = _prepare(text, ctx)
    if isinstance(prepared, ParsedDate) or not prepared[1].clear:
        return prepared, None
    return prepared, _read(prepared[0], ctx, fuzzy=False)


# --- Fast path ------------------------------------------------------------------------------------
#
# Most date lines are written in a few plain forms: "March 8, 2019 at 8:33 am EST", "8 March
# 2019, 8:33 pm HKT", "2019-03-22 03:21 +0800". On those the steps above only take out the zone
# and the filler "at" and name the month in English, and dateutil reads the numbers as written:
# _fast gives what _full_strict gives (tests/test_dates.py checks it against it) without their
# dozen regex passes and two dateutil parses. Any other text, or a word that the context's
# tables may give another meaning (a relative word, a zone phrase, a filler), is left to them.
# A year is four digits not starting with 0: dateutil reads "0099" as 1999.

_FAST_FORM = re.compile(
    r"(?:(?P<month>[A-Z][a-z]{2,8}) (?P<mday>\d{1,2}), (?P<myear>[1-9]\d{3})"
    r"|(?P<day>\d{1,2}) (?P<dmonth>[A-Z][a-z]{2,8}) (?P<dyear>[1-9]\d{3})"
    r"|(?P<iyear>[1-9]\d{3})-(?P<imonth>\d\d)-(?P<iday>\d\d))"
    r"(?:(?P<sep> at |, | )(?P<hour>\d{1,2}):(?P<minute>\d\d)(?: (?P<ampm>[ap]m))?)?"
    r"(?: (?:(?P<offset>[+-]\d\d:?\d\d)|(?P<zone>[A-Z]{2,5})))?"
)
_LETTERS = re.compile(r"[^\W\d_]+")
# Zone words that a normalizing step before find_zones would rewrite ("NOON" -> "12:00 pm").
_CLOCK_WORDS = frozenset({"am", "pm", "noon", "uhr"})


@dataclass(frozen=True, slots=True)
class _FastWords:
    """What the fast path knows about the words of one language and zone table; each word is
    judged once and remembered (there are few: month names, "at", "am", "pm", zone words)."""

    words: _Words
    user: Mapping[str, zones.Zone]
    language: str
    # A letter run of the text that one of these fully matches may begin a relative phrase or
    # a zone phrase: a phrase can only match where its first letters are a whole letter run.
    starts: re.Pattern[str]
    months: dict[str, tuple[str, int] | None] = field(default_factory=dict)
    plain_words: dict[str, bool] = field(default_factory=dict)
    choices: dict[str, zones.Choice | None] = field(default_factory=dict)

    def month(self, word: str) -> tuple[str, int] | None:
        """A month name that no step before the names changes: its English name and number."""
        if word not in self.months:
            name = self.words.names.get(_fold(word))  # "" for a weekday
            kept = not self.starts.fullmatch(word) and not self.words.filler.fullmatch(word)
            self.months[word] = (name, _english_months().index(name) + 1) if name and kept else None
        return self.months[word]

    def plain(self, word: str) -> bool:
        """True for a word that the full path leaves as it is: "am", "pm"."""
        if word not in self.plain_words:
            self.plain_words[word] = not (
                self.starts.fullmatch(word) or self.words.filler.fullmatch(word) or _fold(word) in self.words.names
            )
        return self.plain_words[word]

    def at_is_filler(self) -> bool:
        """True when "at" is taken out as a filler and starts no phrase."""
        if "at" not in self.plain_words:
            self.plain_words["at"] = bool(self.words.filler.fullmatch("at")) and not self.starts.fullmatch("at")
        return self.plain_words["at"]

    def choice(self, zone: str) -> zones.Choice | None:
        """The choice for a text whose only zone word is `zone` (a word in capitals, an offset
        written after a time, or "" for none), when it names a known zone or none."""
        if zone not in self.choices:
            self.choices[zone] = self._choose(zone)
        return self.choices[zone]

    def _choose(self, zone: str) -> zones.Choice | None:
        if not zone:
            return zones.choose([])
        if zone[0] in "+-":
            mention: zones.Mention | None = zones.offset_after_time(zone)
        elif self.starts.fullmatch(zone) or zone.lower() in _CLOCK_WORDS:
            return None  # a step before find_zones would read it
        else:
            is_date_word = self.words.is_date_word
            mention = zones.zone_word(zone, language=self.language, user=self.user, is_date_word=is_date_word)
        if mention is None or mention.zone is None or mention.invalid:
            return None
        return zones.choose([mention])


def _first_letters(phrases: list[str] | tuple[str, ...] | frozenset[str]) -> list[str] | None:
    """The first letter run of each phrase; None when one does not begin with a letter."""
    runs = [_LETTERS.match(p) for p in phrases]
    return None if any(r is None for r in runs) else [r[0] for r in runs if r is not None]


@lru_cache(maxsize=64)
def _fast_words(language: str, table: tuple[tuple[str, str], ...]) -> _FastWords | None:
    """Per language and configured zone table (not per header date, as the memo is)."""
    words = _words(language)
    user = zones.user_table(dict(table))
    tables, _ = _tables()
    own = [tables[tag] for tag in dict.fromkeys(("en", zones.language_tags(language or "en")[-1])) if tag in tables]
    relative = _first_letters([w for t in own for w in t.relative])
    phrases = _first_letters(zones.phrases_of(language or "en", user))
    # Fillers of one word of letters match whole letter runs only, so each word can be judged
    # alone; any other filler, or a phrase that starts with no letter, leaves the full path.
    if relative is None or phrases is None or not all(_LETTERS.fullmatch(f) for f in words.fillers):
        return None
    starts = re.compile(f"(?:{_alternation(relative + phrases) or '(?!)'})", re.I)
    return _FastWords(words=words, user=user, language=language or "en", starts=starts)


def _fast(text: str, key: _ContextKey) -> _Strict | None:
    """What _full_strict gives for a date in a plain form, or None for the full path."""
    form = _FAST_FORM.fullmatch(text)
    if form is None:
        return None
    if form["offset"] and not form["hour"]:
        return None  # find_zones takes an offset as a zone only after a time
    fast = _fast_words(key[2], key[4])
    if fast is None or fast.words.labels.match(text):
        return None
    date_part = _fast_date(form, fast)
    time_part = _fast_time(form, fast)
    choice = fast.choice(form["offset"] or form["zone"] or "")
    if date_part is None or time_part is None or choice is None:
        return None
    normalized, (year, month, day) = date_part
    written, clock = time_part
    try:
        naive = datetime(year, month, day, *(clock or (0, 0)))  # noqa: DTZ001 - made aware later
    except ValueError:
        return None  # dateutil's say on an impossible date
    return (normalized + written, choice), _Reading(naive, (), clock is not None)


def _fast_date(form: re.Match[str], fast: _FastWords) -> tuple[str, tuple[int, int, int]] | None:
    """The normalized date and its year, month and day."""
    if form["iyear"]:
        text = f"{form['iyear']}-{form['imonth']}-{form['iday']}"
        return text, (int(form["iyear"]), int(form["imonth"]), int(form["iday"]))
    month = fast.month(form["month"] or form["dmonth"])
    if month is None:
        return None
    english, number = month
    if form["month"]:
        return f"{english} {form['mday']}, {form['myear']}", (int(form["myear"]), number, int(form["mday"]))
    return f"{form['day']} {english} {form['dyear']}", (int(form["dyear"]), number, int(form["day"]))


def _fast_time(form: re.Match[str], fast: _FastWords) -> tuple[str, tuple[int, int] | None] | None:
    """The normalized time with its separator, and the hour and minute ("" and None without)."""
    if not form["hour"]:
        return "", None
    hour, minute, ampm, sep = int(form["hour"]), int(form["minute"]), form["ampm"], form["sep"]
    if sep == " at " and not fast.at_is_filler():
        return None
    # dateutil refuses an hour over 12 with am/pm; hour 0 with them is left to it too.
    if ampm is not None and not (fast.plain(ampm) and 1 <= hour <= 12):
        return None
    if ampm is not None:
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    written = f"{',' if sep == ', ' else ''} {form['hour']}:{form['minute']}" + (f" {ampm}" if ampm else "")
    return written, (hour, minute)


def parse_date(text: str, ctx: DateContext) -> ParsedDate:
    """Parse one date string; the value is None when it cannot be read."""
    return _parse_date(text, _key(ctx))


@lru_cache(maxsize=_MEMO_SIZE)
def _parse_date(text: str, key: _ContextKey) -> ParsedDate:
    prepared, reading = _strict(text, key)
    if isinstance(prepared, ParsedDate):
        return prepared
    ctx = _context(key)
    normalized, choice = prepared
    if reading is None:
        return _loosely(text, normalized, choice, ctx)
    if not _in_range(reading):
        reason = f": the year {reading.naive.year} is not between {_EARLIEST} and {_LATEST}"
        return _unparsed(text, reason)
    if reading.missing and ctx.header_date is None:
        missing = " or ".join(reading.missing)
        return _unparsed(text, f": it has no {missing}, and no header date to take it from")
    value, found = _place(text, reading, choice, ctx)
    return ParsedDate(value=value, has_time=reading.has_time, findings=tuple(found))


def looks_like_date(text: str, ctx: DateContext) -> bool:
    """True when the line is a date by itself: a strict parse succeeds and the text names at
    least a day of a month (a header date is not needed for that)."""
    if len(text) > _MAX_LENGTH:  # _prepare: too long to be a date
        return False
    if not (_ASCII_DIGIT.search(text) if text.isascii() else any(ch.isdigit() for ch in text)):
        return False
    if not _may_name_month_and_day(text):
        return False
    prepared, reading = _strict(text, _key(ctx))
    if isinstance(prepared, ParsedDate):
        return False
    return _in_range(reading) and reading is not None and not {"month", "day"} & set(reading.missing)


_NO_LINE = ParsedDate(value=None, has_time=False, findings=())


def _read_line(raw: Located | None, what: str, ctx: DateContext, source: str) -> tuple[ParsedDate, list[Diagnostic]]:
    """One raw date line parsed, its findings placed on its line."""
    if raw is None:
        return _NO_LINE, []
    parsed = parse_date(raw.text, ctx)
    found = list(parsed.findings)
    if parsed.value is not None and not parsed.has_time:
        offset = zones.format_offset(parsed.value.utcoffset() or timedelta(0))
        message = f"The {what} date {_quote(raw.text)} has no time; using 00:00 ({offset})."
        found.append(Finding(code=Code.NO_TIME, message=message))
    return parsed, [f.at(source, raw.line) for f in found]


def _fallback(raw: Located | None, ctx: DateContext, source: str, header_at: int) -> tuple[datetime | None, Diagnostic]:
    """No readable published date: the header date at 00:00, or E-NO-DATE without one."""
    if ctx.header_date is None:
        message = "The article has no readable published date and no header date, so it cannot be placed in a feed."
        return None, Finding(code=Code.NO_DATE, message=message).at(source, raw.line if raw else header_at)
    message = f"No readable published date; using the header date {ctx.header_date} at 00:00 in {ctx.default_zone}."
    midnight = datetime.combine(ctx.header_date, time(), _default_zone(ctx))
    return midnight, Finding(code=Code.NO_TIME, message=message).at(source, header_at)


def _is_before(updated: ParsedDate, published: datetime) -> bool:
    """An updated date with no time is before only when its day is: on the published day it
    cannot be placed before the published time."""
    if updated.value is None:
        return False
    if updated.has_time:
        return updated.value < published
    try:
        published_day = published.astimezone(updated.value.tzinfo).date()
    except OverflowError:  # a header date of year 1 or 9999, moved across midnight
        published_day = published.date()
    return updated.value.date() < published_day


def resolve_dates(
    raw_published: Located | None, raw_updated: Located | None, *, source: str, header_line: int, ctx: DateContext
) -> ResolvedDates:
    """The article's published and updated instants, with every rule of section 6.5.

    "More than a day from the header date" compares the calendar day the article wrote (in its
    own zone) with the header date: the header day, the day before and the day after match.
    An updated date with no time on the published day leaves the updated date as published.
    """
    parsed, diags = _read_line(raw_published, "published", ctx, source)
    published = parsed.value
    if published is None:
        published, fallback = _fallback(raw_published, ctx, source, max(header_line, 1))
        diags.append(fallback)
        if published is None:
            return ResolvedDates(published=None, updated=None, diagnostics=tuple(diags))
    elif raw_published is not None and (_header_days_apart(published, ctx) or 0) > 1:
        message = (
            f"The published date {published.date()} is more than a day from the header date "
            f"{ctx.header_date}; the published date is used."
        )
        diags.append(Finding(code=Code.DATE_MISMATCH, message=message).at(source, raw_published.line))
    later, found = _read_line(raw_updated, "updated", ctx, source)
    diags += found
    updated = published
    if later.value is not None and raw_updated is not None:
        if _is_before(later, published):
            message = (
                f"The updated date {later.value.isoformat()} is before the published date "
                f"{published.isoformat()}; it is dropped."
            )
            diags.append(Finding(code=Code.UPDATED_BEFORE_PUBLISHED, message=message).at(source, raw_updated.line))
        elif later.has_time or later.value > published:
            updated = later.value
    return ResolvedDates(published=published, updated=updated, diagnostics=tuple(diags))
