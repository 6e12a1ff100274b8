"""Everything that can go wrong, as values (diagnostics) or as exceptions.

A bad article is never an exception that stops the build: the reader and the
normalizer return `Diagnostic` values, which end up in the `BuildReport`.
Exceptions are kept for what stops the build as a whole (bad settings, a
publish that cannot complete), and all of them share one root, `FeedsError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Code(StrEnum):
    """The diagnostic codes of ARTICLE_FORMAT.md section 10, plus the publisher's own."""

    # Errors: the article is skipped.
    DECODE = "E-DECODE"
    EMPTY = "E-EMPTY"
    NO_DATE = "E-NO-DATE"
    EMPTY_BODY = "E-EMPTY-BODY"
    DUP_ID = "E-DUP-ID"
    # Warnings: the article is published.
    NO_HEADER = "W-NO-HEADER"
    HDR_MONTH = "W-HDR-MONTH"
    HDR_DATE = "W-HDR-DATE"
    TITLE_FROM_FILENAME = "W-TITLE-FROM-FILENAME"
    AUTHOR_DISCARDED = "W-AUTHOR-DISCARDED"
    NO_AUTHOR = "W-NO-AUTHOR"
    TZ_AMBIGUOUS = "W-TZ-AMBIGUOUS"
    TZ_UNKNOWN = "W-TZ-UNKNOWN"
    TZ_ASSUMED = "W-TZ-ASSUMED"
    TZ_DST_MISMATCH = "W-TZ-DST-MISMATCH"
    DATE_FUZZY = "W-DATE-FUZZY"
    DATE_UNPARSED = "W-DATE-UNPARSED"
    NO_TIME = "W-NO-TIME"
    DATE_MISMATCH = "W-DATE-MISMATCH"
    UPDATED_BEFORE_PUBLISHED = "W-UPDATED-BEFORE-PUBLISHED"
    # The publisher's own: two names that would share one feed folder.
    SLUG_COLLISION = "W-SLUG-COLLISION"

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if self.value.startswith("E-") else Severity.WARNING


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A diagnostic before it knows where it happened (what pure helpers return)."""

    code: Code
    message: str

    def at(self, file: str, line: int) -> Diagnostic:
        return Diagnostic(code=self.code, file=file, line=line, message=self.message)


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """Something a person should know about one input file.

    `file` is the path relative to the articles folder (POSIX separators), `line`
    is 1-based, and `message` is a sentence written for the person at the terminal.
    """

    code: Code
    file: str
    line: int
    message: str

    @property
    def severity(self) -> Severity:
        return self.code.severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity} {self.code}: {self.message}"


class FeedsError(Exception):
    """The root of every error this package raises on purpose."""


class ConfigError(FeedsError):
    """A setting is missing or invalid; nothing is written."""


class InputError(FeedsError):
    """The articles folder cannot be read at all (missing, not a folder)."""


class PublishError(FeedsError):
    """The output could not be written; the previous output is left as it was."""

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path
