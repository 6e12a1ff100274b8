"""Time zone names and what they mean (ARTICLE_FORMAT.md section 6.3).

The tables are data (feeds/data/zones.toml); this module loads them, finds the zone words in
a normalized date string, and looks each one up in order: the project's configured table, the
table of the article's language and region, the built-in table. `feeds.dates` decides what the
findings are; nothing here reads the clock or the machine's zone.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from functools import cache
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo, available_timezones

_DATA = Path(__file__).parent / "data" / "zones.toml"

# Real offsets run from -12:00 (Baker Island) to +14:00 (Line Islands).
_MIN_OFFSET = timedelta(hours=-12)
_MAX_OFFSET = timedelta(hours=14)
_OFFSET = re.compile(r"([+-])(\d{1,2}):?(\d{2})?")
# A configured key: an abbreviation (letters) or a phrase (words separated by spaces).
_KEY = re.compile(r"[^\W\d_]+(?:[ '\-][^\W\d_]+)*")
_ABBREVIATION = re.compile(r"[A-Za-z]{1,5}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Zone:
    """One meaning of a zone name: a fixed offset, or an IANA zone where DST applies."""

    key: str  # as written in the table
    name: str  # the long name, for messages
    offset: timedelta | None = None  # the name states standard or summer time
    zone: str | None = None  # a generic name: an IANA zone
    region: str | None = None  # where a fixed name is used, to notice EST in July
    ambiguous: str | None = None  # the other meanings, when the code has several

    def tzinfo(self) -> tzinfo:
        if self.offset is not None:
            return _fixed_zone(self.offset)
        return ZoneInfo(self.zone or "UTC")

    def describe(self, naive: datetime) -> str:
        """'India Standard Time (+05:30)', with the offset it has at that local time."""
        offset = naive.replace(tzinfo=self.tzinfo()).utcoffset() or timedelta(0)
        return f"{self.name} ({format_offset(offset)})"

    def dst_mismatch(self, naive: datetime) -> timedelta | None:
        """The region's own offset at that local time, when a fixed name disagrees with it."""
        if self.offset is None or self.region is None:
            return None
        # What naive.replace(tzinfo=zone).utcoffset() gives, without making that datetime.
        actual = ZoneInfo(self.region).utcoffset(naive)
        return actual if actual is not None and actual != self.offset else None


@cache  # a few offsets, one per zone name used; making a timezone costs more than a lookup
def _fixed_zone(offset: timedelta) -> timezone:
    return timezone(offset)


class Source(StrEnum):
    """Where a zone word's meaning came from."""

    TEXT = "text"  # a numeric offset or an IANA name written in the date
    USER = "user"  # the project's [tool.feeds.zones]
    LANGUAGE = "language"  # the table of the article's language or region
    DEFAULT = "default"  # the built-in table


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """A zone word found in a date; `zone` is None when the word means nothing known."""

    written: str
    zone: Zone | None
    source: Source
    invalid: bool = False  # a numeric offset no place uses, like UTC+25

    @property
    def is_offset(self) -> bool:
        return self.source is Source.TEXT and self.zone is not None and self.zone.offset is not None


# --- Offsets and zone names -------------------------------------------------------------------


def format_offset(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_offset(text: str) -> timedelta | None:
    """'+05:30', '-0400', '+8' as a timedelta; None when not an offset any place uses."""
    match = _OFFSET.fullmatch(text.strip())
    if match is None:
        return None
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    offset = timedelta(hours=hours, minutes=minutes) * (-1 if sign == "-" else 1)
    return offset if minutes < 60 and _MIN_OFFSET <= offset <= _MAX_OFFSET else None


@cache
def iana_names() -> frozenset[str]:
    # From the installed tzdata, so a name is checked without opening paths built from input.
    return frozenset(available_timezones())


def make_tzinfo(name: str) -> tzinfo | None:
    """An offset ('+05:30') or an IANA name as a tzinfo; None when it is neither."""
    offset = parse_offset(name)
    if offset is not None:
        return timezone(offset)
    return ZoneInfo(name) if name in iana_names() else None


# --- The tables --------------------------------------------------------------------------------


def _entry(key: str, raw: Mapping[str, str], ambiguous: str | None = None) -> Zone:
    offset = parse_offset(raw["offset"]) if "offset" in raw else None
    if ("offset" in raw) == ("zone" in raw) or ("offset" in raw and offset is None):
        raise ValueError(f"zones.toml: {key!r} needs exactly one valid 'offset' or 'zone'")
    for iana in (raw.get("zone"), raw.get("region")):
        if iana is not None and iana not in iana_names():
            raise ValueError(f"zones.toml: {key!r} names the unknown zone {iana!r}")
    return Zone(
        key=key,
        name=raw.get("name", key),
        offset=offset,
        zone=raw.get("zone"),
        region=raw.get("region"),
        ambiguous=ambiguous,
    )


@cache
def _load() -> tuple[Mapping[str, Zone], Mapping[str, Mapping[str, Zone]]]:
    data = tomllib.loads(_DATA.read_text(encoding="utf-8"))
    ambiguous: dict[str, str] = data["ambiguous"]
    default = {k: _entry(k, v, ambiguous.get(k)) for k, v in data["zones"].items()}
    languages = {
        tag: MappingProxyType({k: _entry(k, v) for k, v in table.items()}) for tag, table in data["language"].items()
    }
    return MappingProxyType(default), MappingProxyType(languages)


def zone_table() -> Mapping[str, Zone]:
    """The built-in table: every name the reader knows without configuration."""
    return _load()[0]


def language_tags(language: str) -> tuple[str, ...]:
    """'en-GB' -> ('en-gb', 'en'): the region's table is consulted before the language's."""
    tag = language.strip().lower().replace("_", "-")
    base = tag.split("-", 1)[0]
    return (tag, base) if base != tag else (tag,)


def language_table(language: str) -> Mapping[str, Zone]:
    """The names that the article's language or region gives their own meaning."""
    tables = _load()[1]
    merged: dict[str, Zone] = {}
    for tag in reversed(language_tags(language)):  # the region overrides the language
        merged.update(tables.get(tag, {}))
    return merged


def check_zone_table(mapping: object) -> list[str]:
    """The problems with a configured zone table, as sentences; empty when it is valid.

    A key is an abbreviation or a phrase; a value is an offset like "+05:30" or an IANA zone
    name like "Asia/Kolkata". Anything may be passed (a TOML value), so nothing raises.
    """
    if not isinstance(mapping, Mapping):
        return [f'The zone table must be a table of names, like IST = "Asia/Kolkata", not {mapping!r}.']
    problems: list[str] = []
    for key, value in mapping.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key.strip()):
            problems.append(f"The zone name {key!r} is not a word or phrase; use letters, like IST or Eastern Time.")
            continue
        if not isinstance(value, str):
            problems.append(f'The zone {key!r} must be text like "+05:30" or "Asia/Kolkata", not {value!r}.')
        elif make_tzinfo(value) is None:
            problems.append(
                f"The zone {key!r} is set to {value!r}, which is neither an offset between "
                "-12:00 and +14:00 like +05:30 nor a time zone name like Europe/Paris."
            )
    return problems


def user_table(mapping: Mapping[str, str]) -> dict[str, Zone]:
    """The configured table as zones. Entries check_zone_table rejects are left out here,
    since the configuration loader reports them."""
    table: dict[str, Zone] = {}
    for key, value in mapping.items():
        if check_zone_table({key: value}):
            continue
        key = key.strip()
        offset = parse_offset(value)
        lookup_key = key.upper() if _ABBREVIATION.fullmatch(key) else key
        table[lookup_key] = Zone(key=key, name=key, offset=offset, zone=None if offset is not None else value)
    return table


# --- Finding zone words in a date ---------------------------------------------------------------

_UTC_OFFSET = re.compile(r"\(?\b(?:UTC|GMT|UT)\s*([+-])\s*(\d{1,2})(?:[:.]?(\d{2}))?\b\)?", re.I)
_IANA = re.compile(r"\b[A-Za-z]+(?:/[A-Za-z0-9_+\-]+){1,2}")
# A bare offset counts only after a time, so the "-01" of "2024-01-11" is never a zone.
_TIME_OFFSET = re.compile(r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:\s?[ap]m)?\s?(?P<off>[+-]\d\d(?::?\d\d)?)(?![\d:])", re.I)
# "+05:30" with its colon, anywhere: the parts of a date ("-01" of "2024-01-11") have none.
_COLON_OFFSET = re.compile(r"(?<![\w:+\-])(?P<off>[+-]\d\d:\d\d)(?![\w:])")
_ZULU = re.compile(r"(?:(?<=\d)|(?<=\d ))Z\b")  # "14:30Z", "14:30 Z"
_UPPER_WORD = re.compile(r"(?<![A-Za-z])[A-Z]{2,5}(?![A-Za-z])")
_NOT_ZONES = frozenset({"AM", "PM"})


def strip_accents(text: str) -> str:
    """'Brasília' -> 'Brasilia': names are matched with or without their accents."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def _fold(text: str) -> str:
    return " ".join(strip_accents(text).casefold().split())


@dataclass(frozen=True, slots=True)
class _Phrases:
    """Names written in words, as one pattern (longest first) and what each one means."""

    pattern: re.Pattern[str] | None
    meaning: Mapping[str, tuple[Zone, Source]]  # folded phrase -> its first meaning

    @classmethod
    def of(cls, entries: Iterable[_Entry]) -> _Phrases:
        meaning: dict[str, tuple[Zone, Source]] = {}
        for phrase, zone, source in entries:
            meaning.setdefault(_fold(phrase), (zone, source))  # the first table wins
        if not meaning:
            return cls(None, {})
        alternatives = sorted(meaning, key=len, reverse=True)
        body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in alternatives)
        # Bounded by anything but a letter, so "14:30北京时间" is found too.
        return cls(re.compile(rf"(?<![^\W\d_])(?:{body})(?![^\W\d_])", re.I), meaning)

    def read(self, match: re.Match[str]) -> Mention | None:
        # None when the regex's case folding matched what ours does not (a rare letter like "ſ").
        found = self.meaning.get(_fold(match[0]))
        return None if found is None else Mention(written=match[0], zone=found[0], source=found[1])


_Entry = tuple[str, Zone, Source]


def _phrase_entries(table: Mapping[str, Zone], source: Source) -> Iterator[_Entry]:
    """The names in a table that are written in words: phrase keys, and every long name."""
    for key, zone in table.items():
        for phrase in (key, zone.name):
            if not _ABBREVIATION.fullmatch(phrase):
                yield phrase, zone, source


@cache
def _phrases_for(tag: str, user: tuple[tuple[str, Zone], ...]) -> _Phrases:
    return _Phrases.of(
        chain(
            _phrase_entries(dict(user), Source.USER),
            _phrase_entries(language_table(tag), Source.LANGUAGE),
            _phrase_entries(zone_table(), Source.DEFAULT),
        )
    )


def _phrases(language: str, user: Mapping[str, Zone]) -> _Phrases:
    # Cached by the language and the user's table: compiling the pattern is the slow part.
    return _phrases_for(language_tags(language)[0], tuple(user.items()))


def _lookup(word: str, language: str, user: Mapping[str, Zone]) -> Mention:
    if word in user:
        return Mention(written=word, zone=user[word], source=Source.USER)
    in_language = language_table(language)
    if word in in_language:
        return Mention(written=word, zone=in_language[word], source=Source.LANGUAGE)
    return Mention(written=word, zone=zone_table().get(word), source=Source.DEFAULT)


def _offset_mention(written: str, sign: str, hours: str, minutes: str | None) -> Mention:
    offset = parse_offset(f"{sign}{hours}:{minutes or '00'}")
    if offset is None:
        return Mention(written=written, zone=None, source=Source.TEXT, invalid=True)
    name = format_offset(offset)
    return Mention(written=written, zone=Zone(key=name, name=name, offset=offset), source=Source.TEXT)


class _Blanker:
    """Takes matches out of a string, keeping every other position where it was, so that the
    zone words can be put back in the order they were written."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: list[tuple[int, Mention]] = []

    def take(
        self, pattern: re.Pattern[str], read: Callable[[re.Match[str]], Mention | None], group: int | str = 0
    ) -> None:
        for match in list(pattern.finditer(self.text)):
            mention = read(match)
            if mention is not None:
                start, end = match.span(group)
                self.text = self.text[:start] + " " * (end - start) + self.text[end:]
                self.found.append((start, mention))


def _read_utc_offset(match: re.Match[str]) -> Mention:
    return _offset_mention(match[0], match[1], match[2], match[3])


def _read_time_offset(match: re.Match[str]) -> Mention:
    return offset_after_time(match["off"])


def offset_after_time(written: str) -> Mention:
    """A numeric offset written after a time ('+0800', '-05:00'), as find_zones reads it."""
    return _offset_mention(written, written[0], written[1:3], written[3:].lstrip(":") or None)


def zone_word(
    word: str, *, language: str, user: Mapping[str, Zone], is_date_word: Callable[[str], bool]
) -> Mention | None:
    """A word in capitals as find_zones reads it; None when it is not a zone word at all."""
    if word in _NOT_ZONES or is_date_word(word):
        return None
    return _lookup(word, language, user)


def phrases_of(language: str, user: Mapping[str, Zone]) -> tuple[str, ...]:
    """The zone names written in words that find_zones looks for (folded), for feeds.dates'
    fast path, which must know when a word may be one of them."""
    return tuple(_phrases(language, user).meaning)


def _read_iana(match: re.Match[str]) -> Mention | None:
    if match[0] not in iana_names():
        return None
    return Mention(written=match[0], zone=Zone(key=match[0], name=match[0], zone=match[0]), source=Source.TEXT)


def find_zones(
    text: str, *, language: str, user: Mapping[str, Zone], is_date_word: Callable[[str], bool]
) -> tuple[str, list[Mention]]:
    """The text without its zone words, and the zone words in the order written.

    `text` has been normalized by feeds.dates (accents stripped, times as HH:MM). Words in
    capitals that are not zones are returned with `zone=None`; month and weekday names in
    capitals ("JAN", "MAR") are left alone.
    """

    def read_word(match: re.Match[str]) -> Mention | None:
        return zone_word(match[0], language=language, user=user, is_date_word=is_date_word)

    blank = _Blanker(text)
    blank.take(_UTC_OFFSET, _read_utc_offset)
    blank.take(_IANA, _read_iana)
    blank.take(_TIME_OFFSET, _read_time_offset, group="off")
    blank.take(_COLON_OFFSET, _read_time_offset, group="off")
    blank.take(_ZULU, lambda m: _lookup("Z", language, {}))
    phrases = _phrases(language, user)
    if phrases.pattern is not None:
        blank.take(phrases.pattern, phrases.read)
    blank.take(_UPPER_WORD, read_word)
    return blank.text, [mention for _, mention in sorted(blank.found, key=lambda f: f[0])]


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """The zone a date is read in, out of the zone words found in it."""

    mention: Mention | None = None  # the word whose meaning is used; None when there is none
    unknown: str | None = None  # an unknown zone word, when no known one was written
    invalid: str | None = None  # an offset no place uses (UTC+25): the date cannot be read
    conflict: bool = False  # two different zones: the date cannot be read
    clear: bool = True  # False when unknown words stand beside others: read loosely only

    @property
    def zone(self) -> Zone | None:
        return self.mention.zone if self.mention is not None else None


def choose(mentions: list[Mention]) -> Choice:
    """An explicit offset first, then the first known name (section 6.3)."""
    invalid = next((m.written for m in mentions if m.invalid), None)
    offsets = [m for m in mentions if m.is_offset]
    named = [m for m in mentions if m.zone is not None and not m.is_offset]
    unknown = [m.written for m in mentions if m.zone is None and not m.invalid]
    if invalid is not None:
        return Choice(invalid=invalid)
    if offsets:  # a name beside an offset ("-05:00 (EST)") only repeats it
        conflict = len({m.zone.offset for m in offsets if m.zone is not None}) > 1
        return Choice(mention=offsets[0], conflict=conflict, clear=not unknown)
    if named:
        conflict = len({m.zone for m in named}) > 1
        return Choice(mention=named[0], conflict=conflict, clear=not unknown)
    return Choice(unknown=next(iter(unknown), None), clear=len(unknown) <= 1)
