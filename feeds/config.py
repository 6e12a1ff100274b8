"""The settings: read from TOML once, checked once, then passed around frozen.

Where they come from, first match wins for each key: the command line, then
`--config FILE`, else `feeds.toml` in the current folder, else `[tool.feeds]` in
`pyproject.toml` there. Every problem is reported at once, as one `ConfigError`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feeds.dates import check_zone_table
from feeds.errors import ConfigError

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_AUTHORITY = re.compile(rf"^(?:[A-Za-z0-9._%+-]+@)?{_LABEL}(?:\.{_LABEL})*$")  # RFC 4151: a domain or an e-mail
_TAG_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything a build depends on besides the articles themselves."""

    articles: Path
    output: Path
    base_url: str  # absolute http(s) URL ending in "/": where `output` is published
    title: str
    description: str
    id_authority: str  # tag: URI authority (RFC 4151), e.g. "example.org"
    id_date: str  # tag: URI date, fixed forever: "2024" or "2024-01-01"
    language: str = "en"
    timezone: str = "UTC"
    default_category: str = "News"
    default_author: str = "Newsroom"
    entries_per_feed: int = 50
    archives: bool = False  # RFC 5005 archive pages: every entry, not only the newest N, stays published
    zones: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    hub: str | None = None  # WebSub hub: feeds link to it with rel="hub", `feeds ping` notifies it
    cache_dir: Path | None = None  # the build cache; None: `.feeds-cache` beside the output folder

    def url(self, path: str) -> str:
        """The absolute public URL of a path inside the output folder."""
        return self.base_url + path


_KEYS: dict[str, type | tuple[type, ...]] = {
    "articles": (str, Path),
    "output": (str, Path),
    "base_url": str,
    "title": str,
    "description": str,
    "id_authority": str,
    "id_date": str,
    "language": str,
    "timezone": str,
    "default_category": str,
    "default_author": str,
    "entries_per_feed": int,
    "archives": bool,
    "zones": dict,
    "hub": str,
    "cache_dir": (str, Path),
}


def find_config(cwd: Path) -> Path | None:
    """`feeds.toml`, else a `pyproject.toml` with a `[tool.feeds]` table, in `cwd`."""
    candidate = cwd / "feeds.toml"
    if candidate.is_file():
        return candidate
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file() and "tool" in (table := _read_toml(pyproject)) and "feeds" in table["tool"]:
        return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except OSError as e:
        raise ConfigError(f"Cannot read the settings file {path}: {e.strerror}.") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"The settings file {path} is not valid TOML: {e}.") from e


def read_table(path: Path) -> dict[str, Any]:
    """The feeds settings table of a file: the whole of feeds.toml, or pyproject's [tool.feeds]."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("feeds")
        if not isinstance(table, dict):
            raise ConfigError(f"{path} has no [tool.feeds] table.")
        return table
    return data


def load_settings(
    *, config_file: Path | None, cwd: Path, overrides: Mapping[str, object]
) -> Settings:
    """Merge the settings file and the command-line `overrides` (None values are ignored)."""
    path = config_file if config_file is not None else find_config(cwd)
    table = read_table(path) if path is not None else {}
    base = path.parent if path is not None else cwd
    merged: dict[str, Any] = {**table, **{k: v for k, v in overrides.items() if v is not None}}
    where = str(path) if path is not None else "the command line (no feeds.toml or [tool.feeds] found)"
    settings = _validate(merged, where=where)
    # Paths in a settings file are relative to that file; on the command line, to `cwd`.
    def folder(key: str) -> Path:
        value = Path(merged.get(key, key))
        root = cwd if overrides.get(key) is not None or path is None else base
        return value if value.is_absolute() else root / value

    cache_dir = folder("cache_dir") if merged.get("cache_dir") is not None else None
    return replace(settings, articles=folder("articles"), output=folder("output"), cache_dir=cache_dir)


def _validate(raw: dict[str, Any], *, where: str) -> Settings:
    problems: list[str] = []
    for key in sorted(set(raw) - set(_KEYS)):
        problems.append(f"unknown setting {key!r}")
    for key, kind in _KEYS.items():
        value = raw.get(key)
        if value is not None and (not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool)):
            expected = kind[0] if isinstance(kind, tuple) else kind
            problems.append(f"{key} must be a {expected.__name__}, not {type(value).__name__}")
            raw.pop(key)

    base_url = raw.get("base_url")
    if base_url is None:
        problems.append('base_url is missing: the public URL the output folder is served from, '
                        'e.g. base_url = "https://example.org/news/" (or --base-url)')
    else:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            problems.append(f"base_url {base_url!r} must be an absolute http(s) URL with no query or fragment")
        elif not base_url.endswith("/"):
            base_url += "/"
    authority = raw.get("id_authority")
    if authority is None:
        problems.append('id_authority is missing: a domain or e-mail you own, fixed forever, '
                        'e.g. id_authority = "example.org" (it makes entry ids; see README "Ids")')
    elif not _AUTHORITY.match(authority):
        problems.append(f"id_authority {authority!r} must be a domain name or an e-mail address")
    id_date = raw.get("id_date")
    if id_date is None:
        problems.append('id_date is missing: a date when you owned id_authority, fixed forever, '
                        'e.g. id_date = "2024-01-01"')
    elif not _TAG_DATE.match(id_date) or not _valid_tag_date(id_date):
        problems.append(f"id_date {id_date!r} must be a real date written YYYY, YYYY-MM or YYYY-MM-DD")
    language = raw.get("language", "en")
    if not _LANGUAGE.match(language):
        problems.append(f"language {language!r} must be a language tag such as 'en' or 'en-GB'")
    timezone = raw.get("timezone", "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"timezone {timezone!r} is not an IANA time zone name such as 'Europe/Paris'")
    hub = raw.get("hub")
    if hub is not None:
        parts = urlsplit(hub)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
            problems.append(f"hub {hub!r} must be an absolute http(s) URL with no fragment")
    per_feed = raw.get("entries_per_feed", 50)
    if per_feed < 1:
        problems.append(f"entries_per_feed must be at least 1, not {per_feed}")
    zones = raw.get("zones", {})
    problems += [f"zones: {p}" for p in check_zone_table(zones)]
    for key in ("title", "default_category", "default_author"):
        if key in raw and not raw[key].strip():
            problems.append(f"{key} must not be empty")

    if problems or base_url is None or authority is None or id_date is None:
        raise ConfigError(f"Invalid settings in {where}:\n" + "\n".join(f"  - {p}" for p in problems))
    return Settings(
        articles=Path("articles"),
        output=Path("output"),
        base_url=base_url,
        title=raw.get("title", "News"),
        description=raw.get("description", raw.get("title", "News")),
        id_authority=authority.lower(),
        id_date=id_date,
        language=language,
        timezone=timezone,
        default_category=raw.get("default_category", "News"),
        default_author=raw.get("default_author", "Newsroom"),
        entries_per_feed=per_feed,
        archives=raw.get("archives", False),
        zones=MappingProxyType(dict(zones)),
        hub=hub,
    )


def _valid_tag_date(text: str) -> bool:
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True
