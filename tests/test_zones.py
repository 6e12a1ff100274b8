"""feeds.zones: the zone tables (feeds/data/zones.toml), finding zone words, the user's table."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from feeds import zones
from feeds.dates import check_zone_table, zone_table
from feeds.zones import Mention, Source, Zone

WINTER = datetime(2024, 1, 11, 10, 0)  # noqa: DTZ001 - a local time, as dateutil reads it
SUMMER = datetime(2024, 7, 4, 10, 0)  # noqa: DTZ001


def tags() -> list[str]:
    return list(zones._load()[1])


# --- The built-in tables -----------------------------------------------------------------------


def test_every_entry_is_an_offset_or_a_zone() -> None:
    for table in [zone_table(), *(zones.language_table(t) for t in tags())]:
        for key, zone in table.items():
            assert (zone.offset is None) != (zone.zone is None), key
            assert zone.region is None or zone.offset is not None, key
            assert zone.name, key


def test_every_ambiguous_code_is_in_the_table() -> None:
    ambiguous = {k for k, z in zone_table().items() if z.ambiguous}
    assert ambiguous == {"IST", "CST", "BST", "AST", "ECT", "PST"}


def test_language_tags_are_lower_case() -> None:
    assert all(t == t.lower() for t in tags())


@pytest.mark.parametrize(
    ("key", "offset"),
    [("EST", "-05:00"), ("EDT", "-04:00"), ("CST", "-06:00"), ("CDT", "-05:00"), ("MST", "-07:00"),
     ("MDT", "-06:00"), ("PST", "-08:00"), ("PDT", "-07:00"), ("CET", "+01:00"), ("CEST", "+02:00"),
     ("GMT", "+00:00"), ("BST", "+01:00"), ("WET", "+00:00"), ("WEST", "+01:00"), ("EET", "+02:00"),
     ("EEST", "+03:00"), ("AEST", "+10:00"), ("AEDT", "+11:00"), ("ACST", "+09:30"), ("NZST", "+12:00"),
     ("NZDT", "+13:00"), ("JST", "+09:00"), ("KST", "+09:00"), ("SGT", "+08:00"), ("IST", "+05:30"),
     ("NST", "-03:30"), ("UTC", "+00:00")],
)  # fmt: skip
def test_names_that_state_standard_or_summer_time_are_fixed(key: str, offset: str) -> None:
    zone = zone_table()[key]
    assert zone.offset is not None
    assert zones.format_offset(zone.offset) == offset


@pytest.mark.parametrize(
    ("key", "iana"),
    [("ET", "America/New_York"), ("CT", "America/Chicago"), ("MT", "America/Denver"),
     ("PT", "America/Los_Angeles"), ("HKT", "Asia/Hong_Kong"), ("Central European Time", "Europe/Paris")],
)  # fmt: skip
def test_generic_names_are_iana_zones(key: str, iana: str) -> None:
    assert zone_table()[key].zone == iana


@pytest.mark.parametrize(
    ("language", "key", "offset"),
    [("en", "IST", "+05:30"), ("hi", "IST", "+05:30"), ("he", "IST", "+02:00"), ("en-IE", "IST", "+01:00"),
     ("zh", "CST", "+08:00"), ("zh-TW", "CST", "+08:00"), ("en-AU", "EST", "+10:00"), ("en_au", "EST", "+10:00"),
     ("de", "MEZ", "+01:00"), ("de-AT", "MESZ", "+02:00"), ("fr", "HNE", "-05:00")],
)  # fmt: skip
def test_language_tables(language: str, key: str, offset: str) -> None:
    zone = zones.language_table(language)[key]
    assert zone.offset is not None
    assert zones.format_offset(zone.offset) == offset


def test_a_region_overrides_its_language() -> None:
    assert zones.language_table("en")["IST"].name == "India Standard Time"
    assert zones.language_table("en-IE")["IST"].name == "Irish Standard Time"


def test_language_tags() -> None:
    assert zones.language_tags("en-GB") == ("en-gb", "en")
    assert zones.language_tags("de") == ("de",)
    assert zones.language_tags(" PT_br ") == ("pt-br", "pt")


# --- Offsets and DST -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("+05:30", 330), ("-0400", -240), ("+8", 480), ("+14:00", 840), ("-12:00", -720), ("+00:00", 0)],
)
def test_parse_offset(text: str, minutes: int) -> None:
    assert zones.parse_offset(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["+15:00", "-13:00", "+05:60", "05:30", "+5:3", "UTC", ""])
def test_parse_offset_refuses_what_no_place_uses(text: str) -> None:
    assert zones.parse_offset(text) is None


@pytest.mark.parametrize(("minutes", "text"), [(330, "+05:30"), (-210, "-03:30"), (0, "+00:00"), (-30, "-00:30")])
def test_format_offset(minutes: int, text: str) -> None:
    assert zones.format_offset(timedelta(minutes=minutes)) == text


def test_dst_mismatch() -> None:
    est, edt, mst = zone_table()["EST"], zone_table()["EDT"], zone_table()["MST"]
    assert est.dst_mismatch(WINTER) is None
    assert est.dst_mismatch(SUMMER) == timedelta(hours=-4)
    assert edt.dst_mismatch(WINTER) == timedelta(hours=-5)
    assert mst.dst_mismatch(SUMMER) is None  # no region: Arizona keeps MST all year
    assert zone_table()["ET"].dst_mismatch(SUMMER) is None  # generic: never a mismatch


def test_describe_gives_the_offset_at_that_time() -> None:
    assert zone_table()["IST"].describe(WINTER) == "India Standard Time (+05:30)"
    assert zone_table()["ET"].describe(SUMMER) == "Eastern Time (-04:00)"


def test_make_tzinfo() -> None:
    assert zones.make_tzinfo("+05:30") is not None
    assert zones.make_tzinfo("Europe/Paris") is not None
    for bad in ("Mars/Base", "../../etc/passwd", "", "+25:00"):
        assert zones.make_tzinfo(bad) is None


# --- The configured table ----------------------------------------------------------------------


def test_a_valid_table_has_no_problems() -> None:
    table = {"IST": "Asia/Kolkata", "ET": "-05:00", "Newsroom Time": "Europe/Paris", "mesz": "+02:00"}
    assert check_zone_table(table) == []


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        (
            {"IST": "Asia/Calcutta2"},
            "The zone 'IST' is set to 'Asia/Calcutta2', which is neither an offset between -12:00 and +14:00 "
            "like +05:30 nor a time zone name like Europe/Paris.",
        ),
        (
            {"IST": "+25:00"},
            "The zone 'IST' is set to '+25:00', which is neither an offset between -12:00 and +14:00 "
            "like +05:30 nor a time zone name like Europe/Paris.",
        ),
        ({"IST": 5}, 'The zone \'IST\' must be text like "+05:30" or "Asia/Kolkata", not 5.'),
        ({"UTC+8": "+08:00"}, "The zone name 'UTC+8' is not a word or phrase; use letters, like IST or Eastern Time."),
        ({"": "+08:00"}, "The zone name '' is not a word or phrase; use letters, like IST or Eastern Time."),
        ("IST", "The zone table must be a table of names, like IST = \"Asia/Kolkata\", not 'IST'."),
    ],
)
def test_check_zone_table(table: object, problem: str) -> None:
    assert check_zone_table(table) == [problem]


def test_user_table_leaves_out_bad_entries_and_reads_abbreviations_in_capitals() -> None:
    table = zones.user_table({"ist": "Asia/Jerusalem", "Newsroom Time": "+03:00", "BAD": "Nowhere/Land"})
    assert set(table) == {"IST", "Newsroom Time"}
    assert table["IST"].zone == "Asia/Jerusalem"
    assert table["Newsroom Time"].offset == timedelta(hours=3)


# --- Finding zone words ------------------------------------------------------------------------


def find(text: str, language: str = "en", user: dict[str, Zone] | None = None) -> tuple[str, list[Mention]]:
    return zones.find_zones(
        text, language=language, user=user or {}, is_date_word=lambda w: w in {"JAN", "DE", "ENERO"}
    )


@pytest.mark.parametrize(
    ("text", "written", "rest"),
    [
        ("11 Jan 2024 9:51 am EST", ["EST"], "11 Jan 2024 9:51 am"),
        ("11 Jan 2024 14:30 UTC+8", ["UTC+8"], "11 Jan 2024 14:30"),
        ("11 Jan 2024 14:30 (GMT-04:00)", ["(GMT-04:00)"], "11 Jan 2024 14:30"),
        ("2024-01-11T14:30:00+05:30", ["+05:30"], "2024-01-11T14:30:00"),
        ("2024-01-11T14:30:00Z", ["Z"], "2024-01-11T14:30:00"),
        ("2024-01-11 14:30 Europe/Paris", ["Europe/Paris"], "2024-01-11 14:30"),
        ("2024-01-11 14:30 Eastern   Time", ["Eastern   Time"], "2024-01-11 14:30"),
        ("2024-01-11 14:30 XYZ", ["XYZ"], "2024-01-11 14:30"),
        ("2024-01-11 14:30", [], "2024-01-11 14:30"),  # "-01" and "-11" are not offsets
        ("2024-01-11 9:51 am EST (-05:00)", ["EST", "-05:00"], "2024-01-11 9:51 am ( )"),
        ("11 JAN 2024 14:30 AM", [], "11 JAN 2024 14:30 AM"),  # month names and AM are not zones
        ("11 DE ENERO", [], "11 DE ENERO"),
        ("14:30 est", [], "14:30 est"),  # a zone code is written in capitals
    ],
)
def test_find_zones(text: str, written: list[str], rest: str) -> None:
    left, mentions = find(text)
    assert [m.written for m in mentions] == written
    assert " ".join(left.split()) == rest


def test_zone_words_come_back_in_the_order_written() -> None:
    _, mentions = find("10:00 EST UTC+1 Pacific Time")
    assert [m.written for m in mentions] == ["EST", "UTC+1", "Pacific Time"]


def test_lookup_order_user_language_default() -> None:
    user = zones.user_table({"IST": "+02:00"})
    assert find("10:00 IST", "he", user)[1][0].source is Source.USER
    assert find("10:00 IST", "he")[1][0].source is Source.LANGUAGE
    assert find("10:00 IST", "fr")[1][0].source is Source.DEFAULT


def test_an_offset_no_place_uses_is_invalid() -> None:
    [mention] = find("10:00 UTC+25")[1]
    assert mention.invalid
    assert mention.zone is None


# --- Choosing among zone words -----------------------------------------------------------------


def choose(text: str) -> zones.Choice:
    return zones.choose(find(text)[1])


def test_an_offset_wins_over_a_name() -> None:
    choice = choose("10:00 EST -04:00")
    assert choice.zone is not None
    assert choice.zone.offset == timedelta(hours=-4)
    assert choice.clear
    assert not choice.conflict


def test_the_first_known_name_is_used() -> None:
    choice = choose("10:00 EST Eastern Standard Time")
    assert choice.zone == zone_table()["EST"]
    assert not choice.conflict


@pytest.mark.parametrize("text", ["10:00 EST CET", "10:00 +01:00 -05:00"])
def test_two_different_zones_conflict(text: str) -> None:
    assert choose(text).conflict


def test_an_unknown_word_beside_a_known_zone_is_not_clear() -> None:
    choice = choose("10:00 EST XYZ")
    assert choice.zone == zone_table()["EST"]
    assert not choice.clear


def test_a_lone_unknown_word_is_reported() -> None:
    choice = choose("10:00 XYZ")
    assert (choice.zone, choice.unknown, choice.clear) == (None, "XYZ", True)
    assert not choose("10:00 XYZ QRS").clear
