"""The only place that parses dates and resolves time zones (ARTICLE_FORMAT.md section 6).

PLACEHOLDER: a minimal version that keeps the public API below; being replaced
by the full implementation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from dateutil import parser as du_parser

from feeds.errors import Code, Diagnostic, Finding
from feeds.model import Located

_BUILTIN = {"EST": "-05:00", "EDT": "-04:00", "UTC": "+00:00", "GMT": "+00:00", "HKT": "Asia/Hong_Kong"}


@dataclass(frozen=True, slots=True, kw_only=True)
class DateContext:
    """What a date is read against: the article's header date and language, and the settings."""

    header_date: date | None
    language: str  # "en", "en-GB", "de", ...
    default_zone: str  # an IANA name, e.g. "UTC" or "America/New_York"
    zones: Mapping[str, str] = field(default_factory=dict)  # user table: "ET" -> IANA name or "+05:30"


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


def _zone(name: str) -> tzinfo:
    if name[:1] in "+-":
        sign = -1 if name[0] == "-" else 1
        hours, minutes = name[1:].split(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    return ZoneInfo(name)


def parse_date(text: str, ctx: DateContext) -> ParsedDate:
    """Parse one date string; the value is None when it cannot be read."""
    default = datetime.combine(ctx.header_date or date(2000, 1, 1), time())
    tzinfos = {k: _zone(v) for k, v in {**_BUILTIN, **ctx.zones}.items()}
    try:
        value = du_parser.parse(text.replace(" at ", " "), default=default, tzinfos=tzinfos)
    except (ValueError, OverflowError):
        return ParsedDate(value=None, has_time=False,
                          findings=(Finding(code=Code.DATE_UNPARSED, message=f"Cannot read the date {text!r}."),))
    findings: tuple[Finding, ...] = ()
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(ctx.default_zone))
        findings = (Finding(code=Code.TZ_ASSUMED, message=f"No time zone in {text!r}; assumed {ctx.default_zone}."),)
    return ParsedDate(value=value, has_time=True, findings=findings)


def looks_like_date(text: str, ctx: DateContext) -> bool:
    """True when the line is a date by itself (a strict parse succeeds)."""
    if not any(ch.isdigit() for ch in text):
        return False
    return parse_date(text, ctx).value is not None


def resolve_dates(raw_published: Located | None, raw_updated: Located | None, *,
                  source: str, header_line: int, ctx: DateContext) -> ResolvedDates:
    """The article's published and updated instants, with every rule of section 6.5."""
    diags: list[Diagnostic] = []
    published: datetime | None = None
    if raw_published is not None:
        p = parse_date(raw_published.text, ctx)
        diags += [f.at(source, raw_published.line) for f in p.findings]
        published = p.value
    if published is None and ctx.header_date is not None:
        published = datetime.combine(ctx.header_date, time(), ZoneInfo(ctx.default_zone))
        diags.append(Diagnostic(code=Code.NO_TIME, file=source, line=max(header_line, 1),
                                message="No published time; using the header date at midnight."))
    if published is None:
        diags.append(Diagnostic(code=Code.NO_DATE, file=source, line=1,
                                message="No published date and no header date."))
        return ResolvedDates(published=None, updated=None, diagnostics=tuple(diags))
    updated = published
    if raw_updated is not None:
        u = parse_date(raw_updated.text, ctx)
        diags += [f.at(source, raw_updated.line) for f in u.findings]
        if u.value is not None and u.value >= published:
            updated = u.value
    return ResolvedDates(published=published, updated=updated, diagnostics=tuple(diags))
