"""feeds.dates: ARTICLE_FORMAT.md section 6, one case per rule and per diagnostic code."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds import dates
from feeds.dates import DateContext, ParsedDate, looks_like_date, parse_date, resolve_dates
from feeds.errors import Code
from feeds.model import Located

HEADER = date(2024, 1, 11)  # a Thursday
SUMMER = date(2024, 7, 4)


def ctx(
    language: str = "en",
    header: date | None = HEADER,
    *,
    default_zone: str = "UTC",
    zones: Mapping[str, str] | None = None,
    month_only: bool = False,
) -> DateContext:
    return DateContext(
        header_date=header,
        language=language,
        default_zone=default_zone,
        zones=zones or {},
        header_month_only=month_only,
    )


def codes(parsed: ParsedDate) -> list[Code]:
    return [f.code for f in parsed.findings]


def iso(parsed: ParsedDate) -> str | None:
    return None if parsed.value is None else parsed.value.isoformat()


# --- Normalization and parsing: (language, header, text) -> value, findings ------------------

PARSES: list[tuple[str, date, str, str, list[Code]]] = [
    # The examples of the brief and the bundled articles.
    ("en", HEADER, "January 11, 2024 at 9:51 am EST", "2024-01-11T09:51:00-05:00", []),
    ("en", HEADER, "January 16, 2024 at 8:42 am EST", "2024-01-16T08:42:00-05:00", []),
    ("en", HEADER, "14 March 2024, 5:15 pm HKT", "2024-03-14T17:15:00+08:00", []),
    ("en", HEADER, "2024-06-12 08:30 +05:30", "2024-06-12T08:30:00+05:30", []),
    ("en", SUMMER, "July 9, 2024 at 3:10 pm EDT", "2024-07-09T15:10:00-04:00", []),
    ("en", HEADER, "November 5, 2024 14:05 UTC", "2024-11-05T14:05:00+00:00", []),
    ("de", HEADER, "8. Oktober 2024 um 14:30 UTC+2", "2024-10-08T14:30:00+02:00", []),
    # Labels, even when the caller left them on.
    ("en", HEADER, "Published: January 11, 2024 9:51 am ET", "2024-01-11T09:51:00-05:00", []),
    ("en", HEADER, "Posted on January 11, 2024 9:51 am ET", "2024-01-11T09:51:00-05:00", []),
    ("en", HEADER, "Last updated at 11 Jan 2024 10:00 GMT", "2024-01-11T10:00:00+00:00", []),
    ("en", HEADER, "First published: 11 Jan 2024 10:00 GMT", "2024-01-11T10:00:00+00:00", []),
    ("en", HEADER, "Modified 11 Jan 2024 10:00 GMT", "2024-01-11T10:00:00+00:00", []),
    ("de", HEADER, "Veröffentlicht am 11. Januar 2024 um 10:00 MEZ", "2024-01-11T10:00:00+01:00", []),
    ("fr", HEADER, "Publié le 11 janvier 2024 à 10h00 UTC", "2024-01-11T10:00:00+00:00", []),
    # a.m./p.m., noon, midnight.
    ("en", HEADER, "Jan 11, 2024 9:51 a.m. GMT", "2024-01-11T09:51:00+00:00", []),
    ("en", HEADER, "Jan 11, 2024 9:51 P.M. GMT", "2024-01-11T21:51:00+00:00", []),
    ("en", HEADER, "Jan 11, 2024 at noon GMT", "2024-01-11T12:00:00+00:00", []),
    ("en", HEADER, "Jan 11, 2024 at 12 noon GMT", "2024-01-11T12:00:00+00:00", []),
    ("en", HEADER, "Jan 11, 2024 midnight GMT", "2024-01-11T00:00:00+00:00", []),
    # 14.51 and 15h51.
    ("en-GB", HEADER, "11 January 2024 14.51 GMT", "2024-01-11T14:51:00+00:00", []),
    ("fr", HEADER, "11 janvier 2024 15h51 UTC", "2024-01-11T15:51:00+00:00", []),
    ("fr", HEADER, "11 janvier 2024 à 14h UTC", "2024-01-11T14:00:00+00:00", []),
    ("de", HEADER, "11.01.2024 14 Uhr MEZ", "2024-01-11T14:00:00+01:00", []),
    # Ordinals.
    ("en", HEADER, "3rd March 2024 10:00 UTC", "2024-03-03T10:00:00+00:00", []),
    ("en", HEADER, "March 1st, 2024 10:00 UTC", "2024-03-01T10:00:00+00:00", []),
    ("en", HEADER, "the 22nd of March 2024 10:00 UTC", "2024-03-22T10:00:00+00:00", []),
    ("en", HEADER, "Thursday, 11th January 2024 10:00 UTC", "2024-01-11T10:00:00+00:00", []),
    ("fr", HEADER, "1er février 2024 10h00 UTC", "2024-02-01T10:00:00+00:00", []),
    ("de", HEADER, "11. Januar 2024, 14:30 Uhr MEZ", "2024-01-11T14:30:00+01:00", []),
    # Offsets written with UTC/GMT, the sign as written (not the POSIX reverse).
    ("en", HEADER, "2024-01-11 14:30 UTC+8", "2024-01-11T14:30:00+08:00", []),
    ("en", HEADER, "2024-01-11 14:30 GMT+5:30", "2024-01-11T14:30:00+05:30", []),
    ("en", HEADER, "2024-01-11 14:30 (GMT-04:00)", "2024-01-11T14:30:00-04:00", []),
    ("en", HEADER, "2024-01-11 14:30 UTC-3", "2024-01-11T14:30:00-03:00", []),
    ("en", HEADER, "2024-01-11 14:30 UTC−3", "2024-01-11T14:30:00-03:00", []),  # a minus sign
    ("en", HEADER, "2024-01-11T14:30:00Z", "2024-01-11T14:30:00+00:00", []),
    ("en", HEADER, "2024-01-11T14:30:00-0500", "2024-01-11T14:30:00-05:00", []),
    ("en", HEADER, "Jan 11 2024 9:51 am -05:00 (EST)", "2024-01-11T09:51:00-05:00", []),
    # Months and weekdays of each language, with and without accents, full and short.
    ("de", HEADER, "Donnerstag, 11. Januar 2024 10:00 UTC", "2024-01-11T10:00:00+00:00", []),
    ("de", HEADER, "11. März 2024 10:00 UTC", "2024-03-11T10:00:00+00:00", []),
    ("de", HEADER, "11. Maerz 2024 10:00 UTC", "2024-03-11T10:00:00+00:00", []),
    ("de", HEADER, "Do, 11. Jan. 2024 10:00 UTC", "2024-01-11T10:00:00+00:00", []),
    ("es", HEADER, "11 de enero de 2024 10:00 UTC", "2024-01-11T10:00:00+00:00", []),
    ("es", HEADER, "miércoles, 11 de enero del 2024 a las 14:30 horas (CET)", "2024-01-11T14:30:00+01:00", []),
    ("es", HEADER, "11 ago 2024 10:00 UTC", "2024-08-11T10:00:00+00:00", []),
    ("fr", HEADER, "11 janvier 2024 à 14h30 UTC", "2024-01-11T14:30:00+00:00", []),
    ("fr", HEADER, "jeudi 11 févr. 2024 10h00 UTC", "2024-02-11T10:00:00+00:00", []),
    ("fr", HEADER, "11 fevrier 2024 10h00 UTC", "2024-02-11T10:00:00+00:00", []),
    ("fr", HEADER, "11 août 2024 10h00 UTC", "2024-08-11T10:00:00+00:00", []),
    ("pt", HEADER, "quinta-feira, 11 de janeiro de 2024 às 14h30 UTC", "2024-01-11T14:30:00+00:00", []),
    ("pt", HEADER, "11 de março de 2024 10:00 UTC", "2024-03-11T10:00:00+00:00", []),
    ("it", HEADER, "giovedì 11 gennaio 2024 alle ore 14:30 UTC", "2024-01-11T14:30:00+00:00", []),
    ("it", HEADER, "11 set 2024 10:00 UTC", "2024-09-11T10:00:00+00:00", []),
    ("nl", HEADER, "donderdag 11 januari 2024 om 14:30 UTC", "2024-01-11T14:30:00+00:00", []),
    ("nl", HEADER, "11 mrt 2024 10:00 UTC", "2024-03-11T10:00:00+00:00", []),
    ("en", HEADER, "11 JANUARY 2024 10:00 UTC", "2024-01-11T10:00:00+00:00", []),
    # A full month name of another language is read in any article.
    ("en", HEADER, "11 janvier 2024 10:00 UTC", "2024-01-11T10:00:00+00:00", []),
    # CJK forms.
    ("zh", HEADER, "2024年1月11日 14:30 UTC", "2024-01-11T14:30:00+00:00", []),
    ("zh", HEADER, "2024年1月11日 下午2时30分 北京时间", "2024-01-11T14:30:00+08:00", []),
    ("ja", HEADER, "2024年1月11日(木) 14時30分 JST", "2024-01-11T14:30:00+09:00", []),
    ("ko", HEADER, "2024년 1월 11일 (목) 오후 2:30 KST", "2024-01-11T14:30:00+09:00", []),
    # Digits of other scripts.
    ("en", HEADER, "２０２４-０１-１１ １４:３０ UTC", "2024-01-11T14:30:00+00:00", []),
    # Day-first or month-first by language and region; ISO always year-first.
    ("en", HEADER, "03/04/2024 10:00 UTC", "2024-03-04T10:00:00+00:00", []),
    ("en-US", HEADER, "03/04/2024 10:00 UTC", "2024-03-04T10:00:00+00:00", []),
    ("en-GB", HEADER, "03/04/2024 10:00 UTC", "2024-04-03T10:00:00+00:00", []),
    ("en-AU", HEADER, "03/04/2024 10:00 UTC", "2024-04-03T10:00:00+00:00", []),
    ("en-IN", HEADER, "03/04/2024 10:00 UTC", "2024-04-03T10:00:00+00:00", []),
    ("de", HEADER, "03.04.2024 10:00 UTC", "2024-04-03T10:00:00+00:00", []),
    ("fr", HEADER, "03/04/2024 10:00 UTC", "2024-04-03T10:00:00+00:00", []),
    ("de", HEADER, "2024-01-05 10:00 UTC", "2024-01-05T10:00:00+00:00", []),
    ("fr", HEADER, "2024/01/05 10:00 UTC", "2024-01-05T10:00:00+00:00", []),
    # The header date fills what the text leaves out; two-digit years sit around its year.
    ("en", HEADER, "March 3, 10:00 UTC", "2024-03-03T10:00:00+00:00", []),
    ("en", date(2019, 6, 1), "March 3, 10:00 UTC", "2019-03-03T10:00:00+00:00", []),
    ("en", HEADER, "14:30 UTC", "2024-01-11T14:30:00+00:00", []),
    ("en-GB", HEADER, "11/01/24 10:00 UTC", "2024-01-11T10:00:00+00:00", []),
    ("en-GB", date(1999, 12, 31), "11/01/98 10:00 UTC", "1998-01-11T10:00:00+00:00", []),
    ("en-GB", date(2150, 1, 1), "11/01/98 10:00 UTC", "2198-01-11T10:00:00+00:00", []),
]


@pytest.mark.parametrize(("language", "header", "text", "expected", "found"), PARSES)
def test_parse(language: str, header: date, text: str, expected: str, found: list[Code]) -> None:
    parsed = parse_date(text, ctx(language, header))
    assert iso(parsed) == expected
    assert codes(parsed) == found
    assert parsed.has_time


def test_a_date_keeps_the_offset_it_stated() -> None:
    parsed = parse_date("2024-01-11 14:30 +05:30", ctx())
    assert parsed.value is not None
    assert parsed.value.tzinfo == timezone(timedelta(hours=5, minutes=30))
    assert parsed.value == datetime(2024, 1, 11, 9, 0, tzinfo=UTC)  # compared as instants


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "3rd March 2024", "2024-03-03T00:00:00+00:00"),
        ("es", "11 de enero de 2024", "2024-01-11T00:00:00+00:00"),
        ("en", "January 11, 2024", "2024-01-11T00:00:00+00:00"),
        ("en", "January 11, 2024 EST", "2024-01-11T00:00:00-05:00"),
        ("de", "11.01.2024", "2024-01-11T00:00:00+00:00"),
        ("zh", "2024年1月11日", "2024-01-11T00:00:00+00:00"),
    ],
)
def test_a_date_without_a_time(language: str, text: str, expected: str) -> None:
    parsed = parse_date(text, ctx(language))
    assert (iso(parsed), parsed.has_time, codes(parsed)) == (expected, False, [])


# --- Zones -----------------------------------------------------------------------------------

ZONES = [
    # Names that state standard or summer time are fixed offsets, in any season.
    ("en", HEADER, "EST", "-05:00", []),
    ("en", SUMMER, "EDT", "-04:00", []),
    ("en", HEADER, "PST", "-08:00", [Code.TZ_AMBIGUOUS]),
    ("en", HEADER, "CET", "+01:00", []),
    ("en", SUMMER, "CEST", "+02:00", []),
    ("en", SUMMER, "BST", "+01:00", [Code.TZ_AMBIGUOUS]),
    ("en", HEADER, "AEDT", "+11:00", []),
    ("en", HEADER, "JST", "+09:00", []),
    ("en", HEADER, "GMT", "+00:00", []),
    ("en", SUMMER, "GMT", "+00:00", []),  # GMT is also UTC: never a DST mismatch
    ("en", HEADER, "Z", "+00:00", []),
    ("en", HEADER, "Eastern Standard Time", "-05:00", []),
    # Generic names are IANA zones: DST applies.
    ("en", HEADER, "ET", "-05:00", []),
    ("en", SUMMER, "ET", "-04:00", []),
    ("en", SUMMER, "PT", "-07:00", []),
    ("en", HEADER, "HKT", "+08:00", []),
    ("en", SUMMER, "Eastern Time", "-04:00", []),
    ("en", SUMMER, "eastern time", "-04:00", []),
    ("en", SUMMER, "Central European Time", "+02:00", []),
    ("en", SUMMER, "Europe/Paris", "+02:00", []),
    ("en", HEADER, "America/Argentina/Buenos_Aires", "-03:00", []),
    # A standard name on a summer date, a summer name on a winter date: kept as written.
    ("en", SUMMER, "EST", "-05:00", [Code.TZ_DST_MISMATCH]),
    ("en", HEADER, "EDT", "-04:00", [Code.TZ_DST_MISMATCH]),
    ("en", SUMMER, "CET", "+01:00", [Code.TZ_DST_MISMATCH]),
    ("en", HEADER, "BST", "+01:00", [Code.TZ_AMBIGUOUS, Code.TZ_DST_MISMATCH]),
    ("en", SUMMER, "MST", "-07:00", []),  # Arizona keeps MST all year
    # Ambiguous codes: the built-in meaning with a warning, unless the language settles it.
    ("fr", HEADER, "IST", "+05:30", [Code.TZ_AMBIGUOUS]),
    ("en", HEADER, "IST", "+05:30", []),
    ("hi", HEADER, "IST", "+05:30", []),
    ("he", HEADER, "IST", "+02:00", []),
    ("he", SUMMER, "IST", "+02:00", [Code.TZ_DST_MISMATCH]),
    ("en-IE", SUMMER, "IST", "+01:00", []),
    ("en", HEADER, "CST", "-06:00", [Code.TZ_AMBIGUOUS]),
    ("en-US", HEADER, "CST", "-06:00", []),
    ("zh", HEADER, "CST", "+08:00", []),
    ("en-GB", SUMMER, "BST", "+01:00", []),
    ("en", HEADER, "AST", "-04:00", [Code.TZ_AMBIGUOUS]),
    ("en", HEADER, "ECT", "-05:00", [Code.TZ_AMBIGUOUS]),
    ("en", HEADER, "India Standard Time", "+05:30", []),  # the long name is not ambiguous
    # Regional tables.
    ("en-AU", HEADER, "EST", "+10:00", []),
    ("en-AU", HEADER, "EDT", "+11:00", []),
    ("de", HEADER, "MEZ", "+01:00", []),
    ("de", SUMMER, "MESZ", "+02:00", []),
    ("fr", HEADER, "HNE", "-05:00", []),
    ("es", SUMMER, "hora peninsular", "+02:00", []),
    ("pt", HEADER, "horário de Brasília", "-03:00", []),
    ("pt", HEADER, "horario de Brasilia", "-03:00", []),
]


@pytest.mark.parametrize(("language", "day", "zone", "offset", "found"), ZONES)
def test_zone(language: str, day: date, zone: str, offset: str, found: list[Code]) -> None:
    text = f"{day.isoformat()} 10:00 {zone}"
    parsed = parse_date(text, ctx(language, day))
    assert iso(parsed) == f"{day.isoformat()}T10:00:00{offset}"
    assert codes(parsed) == found


def test_generic_zones_are_iana_zones_and_fixed_names_are_offsets() -> None:
    generic = parse_date("2024-01-11 10:00 ET", ctx()).value
    fixed = parse_date("2024-01-11 10:00 EST", ctx()).value
    assert generic is not None
    assert fixed is not None
    assert generic.tzinfo == ZoneInfo("America/New_York")
    assert fixed.tzinfo == timezone(timedelta(hours=-5))


def test_the_configured_table_comes_first() -> None:
    table = {"IST": "Asia/Jerusalem", "ET": "+01:00", "Newsroom Time": "Asia/Tokyo", "xyz": "+03:00"}
    assert iso(parse_date("2024-07-04 10:00 IST", ctx(zones=table))) == "2024-07-04T10:00:00+03:00"
    assert iso(parse_date("2024-07-04 10:00 ET", ctx(zones=table))) == "2024-07-04T10:00:00+01:00"
    assert iso(parse_date("2024-07-04 10:00 newsroom time", ctx(zones=table))) == "2024-07-04T10:00:00+09:00"
    assert iso(parse_date("2024-07-04 10:00 XYZ", ctx(zones=table))) == "2024-07-04T10:00:00+03:00"
    assert codes(parse_date("2024-07-04 10:00 IST", ctx("fr", zones=table))) == []


def test_an_invalid_configured_entry_is_passed_over() -> None:
    parsed = parse_date("2024-01-11 10:00 IST", ctx("fr", zones={"IST": "Mars/Base"}))
    assert iso(parsed) == "2024-01-11T10:00:00+05:30"


def test_an_explicit_offset_wins_over_a_name() -> None:
    assert iso(parse_date("2024-01-11 10:00 +01:00 EST", ctx())) == "2024-01-11T10:00:00+01:00"


def test_no_zone_is_read_in_the_default_zone() -> None:
    parsed = parse_date("January 11, 2024 10:00", ctx(default_zone="America/New_York"))
    assert iso(parsed) == "2024-01-11T10:00:00-05:00"
    assert codes(parsed) == [Code.TZ_ASSUMED]
    assert parsed.findings[0].message == (
        "The date 'January 11, 2024 10:00' names no time zone; read in America/New_York (the configured default zone)."
    )


def test_an_unknown_zone_word_is_read_in_the_default_zone() -> None:
    parsed = parse_date("January 11, 2024 10:00 XYZ", ctx(default_zone="Europe/Berlin"))
    assert iso(parsed) == "2024-01-11T10:00:00+01:00"
    assert codes(parsed) == [Code.TZ_UNKNOWN]
    assert parsed.findings[0].message == (
        "The time zone 'XYZ' is not known; read in Europe/Berlin (the configured default zone). "
        "Set [tool.feeds.zones] XYZ to give it a meaning."
    )


def test_zone_messages_are_sentences() -> None:
    ambiguous = parse_date("2024-01-11 10:00 IST", ctx("fr")).findings[0].message
    assert ambiguous == (
        "The zone 'IST' is ambiguous; read as India Standard Time (+05:30), not Israel Standard Time "
        "(+02:00) or Irish Standard Time (+01:00). Set [tool.feeds.zones] IST to choose another."
    )
    mismatch = parse_date("July 4, 2024 9:51 am EST", ctx(header=SUMMER)).findings[0].message
    assert mismatch == (
        "The zone 'EST' states -05:00, but America/New_York is at -04:00 on 2024-07-04; kept -05:00 as written."
    )


def test_the_french_verb_est_is_not_a_zone() -> None:
    parsed = parse_date("11 janvier 2024 à 10h00 UTC", ctx("fr"))
    assert iso(parsed) == "2024-01-11T10:00:00+00:00"
    assert looks_like_date("Le marché est ouvert", ctx("fr")) is False


# --- What cannot be read -----------------------------------------------------------------------

UNPARSED = [
    ("en", HEADER, ""),
    ("en", HEADER, "   "),
    ("en", HEADER, "soon"),
    ("en", HEADER, "Jan 11 1066 10:00 UTC"),  # before 1900
    ("en", HEADER, "Jan 11 2301 10:00 UTC"),  # after 2200
    ("en", HEADER, "2024-01-11 10:00 UTC+25"),  # no place uses that offset
    ("en", HEADER, "2024-01-11 10:00 EST / 15:00 CET"),  # two zones
    ("en", HEADER, "2024-02-30 10:00 UTC"),  # no such day
    ("en", None, "March 3, 10:00 UTC"),  # no year and no header date to take it from
    ("en", None, "14:30 UTC"),
    ("en", HEADER, "x" * 300),
]


@pytest.mark.parametrize(("language", "header", "text"), UNPARSED)
def test_unparsed(language: str, header: date | None, text: str) -> None:
    parsed = parse_date(text, ctx(language, header))
    assert (parsed.value, parsed.has_time, codes(parsed)) == (None, False, [Code.DATE_UNPARSED])


def test_unparsed_messages_say_why() -> None:
    [finding] = parse_date("March 3", ctx(header=None)).findings
    assert finding.message == (
        "Cannot read 'March 3' as a date: it has no year, and no header date to take it from; "
        "the text is kept as written."
    )
    [finding] = parse_date("Jan 11 1066", ctx()).findings
    assert finding.message == (
        "Cannot read 'Jan 11 1066' as a date: the year 1066 is not between 1900 and 2200; the text is kept as written."
    )


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "47 minutes ago"),
        ("en", "Updated 2 hours ago"),
        ("en", "yesterday at 14:30"),
        ("en", "Today 10:00 ET"),
        ("de", "vor 5 Minuten"),
        ("de", "gestern, 14:30 Uhr"),
        ("fr", "il y a 3 heures"),
        ("es", "hace 2 horas"),
        ("pt", "há 2 horas"),
        ("it", "2 ore fa"),
        ("nl", "3 uur geleden"),
    ],
)
def test_relative_times_are_ignored(language: str, text: str) -> None:
    parsed = parse_date(text, ctx(language))
    assert (parsed.value, codes(parsed)) == (None, [Code.DATE_UNPARSED])
    assert "relative time" in parsed.findings[0].message
    assert looks_like_date(text, ctx(language)) is False


def test_a_loose_reading_near_the_header_date_is_kept() -> None:
    parsed = parse_date("Filed by our desk around 14:30 on 12 Jan 2024 GMT", ctx())
    assert iso(parsed) == "2024-01-12T14:30:00+00:00"
    assert codes(parsed) == [Code.DATE_FUZZY]
    assert parsed.findings[0].message.startswith("Read 'Filed by our desk around 14:30 on 12 Jan 2024 GMT' loosely")


@pytest.mark.parametrize(
    ("header", "month_only"),
    [(date(2024, 5, 1), False), (None, False), (date(2024, 3, 1), True)],
)
def test_a_loose_reading_far_from_the_header_date_is_rejected(header: date | None, month_only: bool) -> None:
    parsed = parse_date("Filed by our desk around 14:30 on 12 Jan 2024 GMT", ctx(header=header, month_only=month_only))
    assert (parsed.value, codes(parsed)) == (None, [Code.DATE_UNPARSED])


def test_a_header_month_takes_in_the_whole_month() -> None:
    parsed = parse_date("Filed around 14:30 on 31 Jan 2024 GMT", ctx(header=date(2024, 1, 1), month_only=True))
    assert iso(parsed) == "2024-01-31T14:30:00+00:00"


# --- looks_like_date -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("January 11, 2024 at 9:51 am EST", True),
        ("11 January", True),  # a header date is not needed to see a date
        ("2024-01-11", True),
        ("Thursday 11 January 2024", True),
        ("14:30", False),  # no day
        ("2024", False),
        ("In 2024, 5 people were hired", False),
        ("BNN Newsroom", False),
        ("47 minutes ago", False),
        ("Filed around 14:30 on 12 Jan 2024", False),  # only a loose reading
        ("", False),
    ],
)
def test_looks_like_date(text: str, expected: bool) -> None:
    assert looks_like_date(text, ctx(header=None)) is expected


# --- resolve_dates: section 6.5 --------------------------------------------------------------


def line(text: str, number: int) -> Located:
    return Located(text=text, line=number)


def resolve(
    published: str | None, updated: str | None = None, *, header: date | None = HEADER, header_line: int = 1
) -> dates.ResolvedDates:
    return resolve_dates(
        None if published is None else line(published, 8),
        None if updated is None else line(updated, 9),
        source="a.txt",
        header_line=header_line,
        ctx=ctx(header=header, default_zone="Europe/Paris"),
    )


def diagnosed(resolved: dates.ResolvedDates) -> list[tuple[Code, int]]:
    return [(d.code, d.line) for d in resolved.diagnostics]


def test_published_and_updated() -> None:
    resolved = resolve("January 11, 2024 9:51 am EST", "January 11, 2024 11:00 am EST")
    assert resolved.published == datetime(2024, 1, 11, 14, 51, tzinfo=UTC)
    assert resolved.updated == datetime(2024, 1, 11, 16, 0, tzinfo=UTC)
    assert resolved.diagnostics == ()


def test_no_updated_date_is_the_published_date() -> None:
    resolved = resolve("January 11, 2024 9:51 am EST")
    assert resolved.updated == resolved.published


@pytest.mark.parametrize("header_line", [1, 0])
def test_no_published_date_is_the_header_date_at_midnight(header_line: int) -> None:
    resolved = resolve(None, header_line=header_line)
    assert resolved.published == datetime(2024, 1, 11, tzinfo=ZoneInfo("Europe/Paris"))
    assert resolved.updated == resolved.published
    assert diagnosed(resolved) == [(Code.NO_TIME, 1)]
    assert resolved.diagnostics[0].message == (
        "No readable published date; using the header date 2024-01-11 at 00:00 in Europe/Paris."
    )


def test_an_unreadable_published_date_falls_back_to_the_header_date() -> None:
    resolved = resolve("sometime soon", header_line=1)
    assert resolved.published == datetime(2024, 1, 11, tzinfo=ZoneInfo("Europe/Paris"))
    assert diagnosed(resolved) == [(Code.DATE_UNPARSED, 8), (Code.NO_TIME, 1)]


def test_a_relative_published_date_falls_back_to_the_header_date() -> None:
    resolved = resolve("3 hours ago")
    assert diagnosed(resolved) == [(Code.DATE_UNPARSED, 8), (Code.NO_TIME, 1)]


@pytest.mark.parametrize(("published", "at_line"), [(None, 1), ("sometime soon", 8)])
def test_neither_date_is_an_error(published: str | None, at_line: int) -> None:
    resolved = resolve(published, "January 11, 2024 9:51 am EST", header=None, header_line=0)
    assert (resolved.published, resolved.updated) == (None, None)
    assert diagnosed(resolved)[-1] == (Code.NO_DATE, at_line)
    assert resolved.diagnostics[-1].is_error


def test_a_published_date_with_no_time_is_noted() -> None:
    resolved = resolve("January 11, 2024")
    assert resolved.published == datetime(2024, 1, 11, tzinfo=ZoneInfo("Europe/Paris"))
    assert diagnosed(resolved) == [(Code.NO_TIME, 8)]


@pytest.mark.parametrize(
    ("published", "mismatch"),
    [
        ("January 11, 2024 9:51 am EST", False),
        ("January 10, 2024 0:01 am EST", False),  # the day before
        ("January 12, 2024 11:59 pm EST", False),  # the day after
        ("January 12, 2024 11:59 pm -12:00", False),  # the day the article wrote, in its zone
        ("January 13, 2024 0:01 am EST", True),
        ("January 9, 2024 11:59 pm EST", True),
        ("March 1, 2024 10:00 UTC", True),
    ],
)
def test_a_published_date_far_from_the_header_date(published: str, mismatch: bool) -> None:
    resolved = resolve(published)
    assert resolved.published == parse_date(published, ctx()).value  # the published line wins
    assert ((Code.DATE_MISMATCH, 8) in diagnosed(resolved)) is mismatch


def test_date_mismatch_message() -> None:
    [diagnostic] = resolve("March 1, 2024 10:00 UTC").diagnostics
    assert str(diagnostic) == (
        "a.txt:8: warning W-DATE-MISMATCH: The published date 2024-03-01 is more than a day from "
        "the header date 2024-01-11; the published date is used."
    )


def test_no_mismatch_without_a_header_date() -> None:
    assert resolve("March 1, 2024 10:00 UTC", header=None).diagnostics == ()


@pytest.mark.parametrize(
    ("updated", "kept"),
    [
        ("January 11, 2024 9:00 am EST", False),
        ("January 10, 2024", False),
        ("January 11, 2024", True),  # no time, on the published day: not before it
        ("January 11, 2024 9:51 am EST", True),
    ],
)
def test_an_updated_date_before_the_published_date_is_dropped(updated: str, kept: bool) -> None:
    resolved = resolve("January 11, 2024 9:51 am EST", updated)
    assert resolved.published is not None
    assert resolved.updated is not None
    assert resolved.updated >= resolved.published
    assert ((Code.UPDATED_BEFORE_PUBLISHED, 9) in diagnosed(resolved)) is not kept


def test_an_unreadable_updated_date_is_the_published_date() -> None:
    resolved = resolve("January 11, 2024 9:51 am EST", "47 minutes ago")
    assert resolved.updated == resolved.published
    assert diagnosed(resolved) == [(Code.DATE_UNPARSED, 9)]


def test_findings_are_placed_on_their_lines() -> None:
    resolved = resolve("January 11, 2024 9:51", "July 4, 2024 9:51 am EST")
    assert diagnosed(resolved) == [(Code.TZ_ASSUMED, 8), (Code.TZ_DST_MISMATCH, 9)]


@pytest.mark.parametrize(
    ("header", "zone"), [(date(1, 1, 1), "Pacific/Kiritimati"), (date(9999, 12, 31), "Etc/GMT+12")]
)
def test_header_dates_at_the_ends_of_the_calendar(header: date, zone: str) -> None:
    resolved = resolve_dates(
        None, line("January 11, 2024 UTC", 9), source="a.txt", header_line=1, ctx=ctx(header=header, default_zone=zone)
    )
    assert resolved.published == datetime.combine(header, datetime.min.time(), ZoneInfo(zone))
    assert resolved.updated is not None


# --- Determinism: no clock, no machine zone --------------------------------------------------

SAMPLES = [
    "January 11, 2024 9:51 am EST",
    "January 11, 2024 9:51 am",
    "11/01/24 14:30",
    "14:30 EDT",
    "2024-07-04 10:00 IST",
    "Filed around 14:30 on 12 Jan 2024",
]


def snapshot() -> list[tuple[str | None, bool, list[Code]]]:
    results = [parse_date(s, ctx()) for s in SAMPLES]
    return [(iso(p), p.has_time, codes(p)) for p in results]


@pytest.fixture
def machine_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_zone")
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "America/New_York", "Asia/Kolkata"])
def test_the_machine_zone_changes_nothing(monkeypatch: pytest.MonkeyPatch, zone: str) -> None:
    expected = snapshot()
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    assert snapshot() == expected


def test_the_clock_is_never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz: object = None) -> Frozen:
            raise AssertionError("the clock was read")

        @classmethod
        def today(cls) -> Frozen:
            raise AssertionError("the clock was read")

    monkeypatch.setattr("dateutil.parser._parser.datetime.datetime", Frozen)
    assert iso(parse_date("March 3, 10:00 UTC", ctx())) == "2024-03-03T10:00:00+00:00"
    assert parse_date("March 3, 10:00 UTC", ctx(header=None)).value is None


# --- The word tables -----------------------------------------------------------------------------


def test_long_month_and_weekday_names_never_collide_across_languages() -> None:
    languages, _ = dates._tables()
    seen: dict[str, str] = {}
    for language in languages.values():
        groups = [*zip(language.months, dates._english_months(), strict=True), *((f, "") for f in language.weekdays)]
        for forms, meaning in groups:
            for form in forms:
                if len(form) >= 4:
                    assert seen.setdefault(form, meaning) == meaning, form


def test_short_names_never_collide_with_english() -> None:
    languages, _ = dates._tables()
    for tag, language in languages.items():
        own = dates._name_table([language], short=True)
        english = dates._name_table([languages["en"]], short=True)
        clashes = {f for f in own.keys() & english.keys() if own[f] != english[f]}
        assert not clashes, (tag, clashes)


# --- Properties ----------------------------------------------------------------------------------

LANGUAGES = st.sampled_from(["en", "en-US", "en-GB", "de", "fr", "es", "pt", "it", "nl", "zh", "he", "", "xx"])
HEADERS = st.one_of(st.none(), st.dates())


@settings(max_examples=300, deadline=None)
@given(text=st.text(), language=LANGUAGES, header=HEADERS, month_only=st.booleans())
def test_any_text_parses_without_raising(text: str, language: str, header: date | None, month_only: bool) -> None:
    context = ctx(language, header, default_zone="America/New_York", month_only=month_only)
    parsed = parse_date(text, context)
    assert parsed.value is None or parsed.value.utcoffset() is not None
    assert parsed.value is not None or codes(parsed) == [Code.DATE_UNPARSED]
    assert isinstance(looks_like_date(text, context), bool)


DATEISH = st.lists(
    st.sampled_from(
        ["2024", "11", "1", "31", "99", ":", ".", "-", "/", "+", " ", "Jan", "janvier", "de", "am", "pm", "a.m.",
         "noon", "EST", "ET", "IST", "UTC+8", "GMT-04:00", "Z", "T", "h", "Uhr", "th", "年", "月", "日", "ago",
         "Europe/Paris", "Eastern Time", "(", ")", ","]
    ),
    max_size=14,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    published=st.one_of(st.none(), st.text(), DATEISH),
    updated=st.one_of(st.none(), st.text(), DATEISH),
    language=LANGUAGES,
    header=HEADERS,
    default_zone=st.sampled_from(["UTC", "Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"]),
)
def test_resolve_dates_never_raises(
    published: str | None, updated: str | None, language: str, header: date | None, default_zone: str
) -> None:
    resolved = resolve_dates(
        None if published is None else line(published, 3),
        None if updated is None else line(updated, 4),
        source="a.txt",
        header_line=0,
        ctx=ctx(language, header, default_zone=default_zone),
    )
    if resolved.published is None:
        assert resolved.updated is None
        assert [d.code for d in resolved.diagnostics][-1] == Code.NO_DATE
    else:
        assert resolved.published.utcoffset() is not None
        assert resolved.updated is not None
        assert resolved.updated >= resolved.published
    assert all(d.line >= 1 for d in resolved.diagnostics)


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2200, 12, 30)),  # noqa: DTZ001
    minutes=st.integers(min_value=-12 * 60, max_value=14 * 60),
    pattern=st.sampled_from(
        [
            "{iso}",
            "{day} {month} {year} {hh}:{mm} UTC{sign}{oh}:{om}",
            "{month} {day}, {year} {hh}:{mm} GMT{sign}{oh}{om}",
        ]
    ),
)
def test_written_dates_read_back(moment: datetime, minutes: int, pattern: str) -> None:
    zone = timezone(timedelta(minutes=minutes))
    written = moment.replace(second=0, microsecond=0, tzinfo=zone)
    text = pattern.format(
        iso=written.isoformat(),
        day=written.day,
        month=MONTHS[written.month - 1],
        year=written.year,
        hh=f"{written.hour:02d}",
        mm=f"{written.minute:02d}",
        sign="-" if minutes < 0 else "+",
        oh=f"{abs(minutes) // 60:02d}",
        om=f"{abs(minutes) % 60:02d}",
    )
    parsed = parse_date(text, ctx(header=written.date()))
    assert parsed.value == written
    assert parsed.value is not None
    assert parsed.value.utcoffset() == written.utcoffset()


def test_articles_keep_their_offsets_and_sort_by_instant() -> None:
    """Section 6: a date keeps the offset the article stated; sorting uses the instant."""
    from pathlib import Path

    from feeds.group import newest_first
    from tests.conftest import make_settings
    from tests.test_reader import parse

    settings = make_settings(Path("a"), Path("o"))
    texts = {
        "tokyo.txt": "Published: January 11, 2024 at 9:00 pm JST",  # 12:00 UTC
        "new-york.txt": "Published: January 11, 2024 at 7:30 am EST",  # 12:30 UTC
        "london.txt": "Published: January 11, 2024 at 11:45 am GMT",  # 11:45 UTC
    }
    articles = []
    for name, line in texts.items():
        result = parse(f"date 2024-01-11 en English\nWorld\n\nA title\nBy: Jane Roe\n{line}\n\nBody.\n", name, settings)
        assert result.article is not None
        articles.append(result.article)
    assert [a.published.isoformat() for a in articles] == [
        "2024-01-11T21:00:00+09:00", "2024-01-11T07:30:00-05:00", "2024-01-11T11:45:00+00:00",
    ]
    assert [a.source for a in newest_first(articles)] == ["new-york.txt", "tokyo.txt", "london.txt"]


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127)))
def test_clean_of_ascii_text_takes_the_short_way(text: str) -> None:
    assert dates._clean(text) == dates._clean_any(text)


# --- The fast path agrees with the full one -------------------------------------------------------

FAST_MONTHS = st.sampled_from(
    [*MONTHS, "Jan", "Sept", "Mar", "Januar", "Mars", "Mai", "Ago", "Dez", "Monday", "Mon", "Noon", "Hoy", "Hier",
     "Vor", "Today", "Hello", "Date", "Stand", "Posted", "At", "De", "Am"]
)  # fmt: skip
FAST_ZONES = st.sampled_from(
    ["", " EST", " EDT", " UTC", " GMT", " HKT", " IST", " CST", " MEZ", " CEST", " ET", " XYZ", " AM", " PM",
     " NOON", " UHR", " MAR", " JAN", " SEPT", " MON", " HOY", " HIER", " VOR", " AT", " MORN", " +0800", " -05:00",
     " +05:30", " +1500", " -1300", " +0860", " +14:00", " -0000"]
)  # fmt: skip
# Configured tables with names that collide with the words of the fast forms.
FAST_TABLES = st.sampled_from(
    [{}, {"ET": "America/New_York"}, {"Eastern Time": "-05:00"}, {"Morning": "+02:00"}, {"March time": "+03:00"},
     {"Hoy": "+01:00", "XYZ": "+03:00"}, {"pm time": "+04:00"}, {"at noon": "+05:00"}, {"EST": "+07:00"}]
)  # fmt: skip


def _number(draw: st.DrawFn, low: int, high: int, width: int) -> str:
    value = draw(st.integers(min_value=low, max_value=high))
    return f"{value:0{width}d}" if draw(st.booleans()) else str(value)


@st.composite
def fast_forms(draw: st.DrawFn) -> str:
    """Texts in and near the forms of the fast path, impossible dates and odd words included."""
    year = draw(st.sampled_from(["0000", "0099", "1000", "1899", "1900", "2024", "2200", "2201", "9999"]))
    day = _number(draw, 0, 33, 2)
    month = draw(FAST_MONTHS)
    date_part = draw(st.sampled_from([f"{month} {day}, {year}", f"{day} {month} {year}",
                                      f"{year}-{_number(draw, 0, 13, 2)}-{_number(draw, 0, 32, 2)}"]))
    time_part = ""
    if draw(st.booleans()):
        sep = draw(st.sampled_from([" at ", ", ", " "]))
        ampm = draw(st.sampled_from(["", " am", " pm"]))
        time_part = f"{sep}{_number(draw, 0, 25, 2)}:{_number(draw, 0, 60, 2)}{ampm}"
    return date_part + time_part + draw(FAST_ZONES)


@settings(max_examples=3000, deadline=None)
@given(text=fast_forms(), language=LANGUAGES, header=HEADERS, table=FAST_TABLES)
def test_fast_path_agrees_with_the_full_path(
    text: str, language: str, header: date | None, table: dict[str, str]
) -> None:
    key = dates._key(ctx(language, header, zones=table))
    fast = dates._fast(text, key)
    assert fast is None or fast == dates._full_strict(text, key)


@pytest.mark.parametrize(
    "text",
    ["March 8, 2019", "March 8, 2019 at 8:33 am EST", "November 9, 2024 14:05 UTC", "8 March 2019, 8:33 pm HKT",
     "2019-03-22 03:21 +0800", "2019-03-22 03:21 -05:00", "2024-01-11"],
)  # fmt: skip
def test_common_forms_take_the_fast_path(text: str) -> None:
    assert dates._fast(text, dates._key(ctx())) is not None
