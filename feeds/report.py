"""How a build's outcome is shown: to a person (grouped text) and to a machine (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import count, groupby, takewhile
from typing import Any

from feeds.archive import archive_file
from feeds.errors import Diagnostic
from feeds.jsonfeed import json_feed_path
from feeds.model import Feed
from feeds.pipeline import BuildReport
from feeds.render import FeedFormat, feed_file


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def text_lines(report: BuildReport) -> Iterator[str]:
    """Every diagnostic, grouped under its file."""
    for file, diagnostics in groupby(report.diagnostics, key=lambda d: d.file):
        yield file
        for d in diagnostics:
            yield f"  line {d.line}: {d.severity} {d.code}: {d.message}"


def summary(report: BuildReport) -> str:
    skipped = len(report.skipped)
    counts = f"{_plural(report.found, 'article')} read, {report.published} published, {skipped} skipped, " \
             f"{_plural(report.warnings, 'warning')}"
    if report.output is None:
        return counts + "."
    written = f"{_plural(len(report.feeds), 'feed')} ({_plural(len(report.output.files), 'file')} in all)"
    return f"{counts}; {written} written to {report.output.output}."


def json_lines(report: BuildReport) -> Iterator[str]:
    """One JSON object per diagnostic, then one with the counts."""
    for d in report.diagnostics:
        yield json.dumps(_diagnostic(d), ensure_ascii=False)
    yield json.dumps({"summary": _counts(report)}, ensure_ascii=False)


def as_json(report: BuildReport) -> str:
    """The whole report, for `--report FILE` and CI artifacts."""
    data: dict[str, Any] = {
        **_counts(report),
        "diagnostics": [_diagnostic(d) for d in report.diagnostics],
        "feeds": [
            {"kind": str(f.kind), "title": f.title, "entries": len(f.entries), "articles": f.total,
             "files": _feed_files(f, report)}
            for f in report.feeds
        ],
    }
    if report.output is not None:
        data["output"] = str(report.output.output)
        data["changed"] = list(report.output.changed)
        data["removed"] = list(report.output.removed)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _feed_files(feed: Feed, report: BuildReport) -> list[str]:
    """The files a feed was published as: Atom, RSS, JSON Feed, then its archive pages, oldest first."""
    files = [*(feed_file(feed, fmt) for fmt in FeedFormat), json_feed_path(feed)]
    if report.output is not None:
        written = report.output.files
        files += takewhile(written.__contains__, (archive_file(feed.path, n) for n in count(1)))
    return files


def _counts(report: BuildReport) -> dict[str, Any]:
    return {"found": report.found, "published": report.published, "skipped": len(report.skipped),
            "errors": report.errors, "warnings": report.warnings, "skipped_files": list(report.skipped)}


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {"severity": str(d.severity), "code": str(d.code), "file": d.file, "line": d.line,
            "message": d.message}
