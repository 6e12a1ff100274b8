"""How a build's outcome is shown: to a person (grouped text) and to a machine (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import groupby
from typing import Any

from feeds.errors import Diagnostic
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
    return f"{counts}; {_plural(len(report.feeds) * len(FeedFormat), 'feed')} written to {report.output.output}."


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
             "files": [feed_file(f, fmt) for fmt in FeedFormat]}
            for f in report.feeds
        ],
    }
    if report.output is not None:
        data["output"] = str(report.output.output)
        data["changed"] = list(report.output.changed)
        data["removed"] = list(report.output.removed)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _counts(report: BuildReport) -> dict[str, Any]:
    return {"found": report.found, "published": report.published, "skipped": len(report.skipped),
            "errors": report.errors, "warnings": report.warnings, "skipped_files": list(report.skipped)}


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {"severity": str(d.severity), "code": str(d.code), "file": d.file, "line": d.line,
            "message": d.message}
