"""Golden tests: each tests/data/golden/<name>.txt beside the parse it must give, <name>.json.

    pytest tests/test_golden.py --regen-golden

rewrites the JSON files from the current code; review them as a diff (`git diff tests/data`)
before committing: a golden file states what is right, not what the code happens to do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from feeds.body import parse_blocks
from feeds.normalize import normalize
from feeds.readers import ReadOptions, read_text
from tests.conftest import make_settings

GOLDEN = Path(__file__).parent / "data" / "golden"
SETTINGS = make_settings(Path("articles"), Path("output"), timezone="UTC", language="en",
                         default_category="General", default_author="Newsroom")
OPTIONS = ReadOptions(language=SETTINGS.language, timezone=SETTINGS.timezone, zones=dict(SETTINGS.zones))
INPUTS = sorted(GOLDEN.glob("*.txt"))


def expected_parse(path: Path) -> dict[str, Any]:
    """What the reader and the normalizer make of one file, as plain JSON values."""
    read = read_text(path.read_bytes(), path.name, OPTIONS)
    out: dict[str, Any] = {"file": path.name}
    diagnostics = read.diagnostics
    if read.article is not None:
        raw = read.article
        normalized = normalize(raw, SETTINGS)
        diagnostics = normalized.diagnostics
        a = normalized.article
        if a is not None:
            out |= {
                "title": a.title,
                "category": a.category.name,
                "language": a.language,
                "authors": [{"name": x.name, "organization": x.is_organization, "line": x.line} for x in a.authors],
                "published": a.published.isoformat(),
                "updated": a.updated.isoformat(),
                "summary": a.summary,
                "blocks": [{str(b.kind): list(b.items)} for b in parse_blocks([p.text for p in raw.body])],
                "body_lines": [p.line for p in raw.body],
                "bio": list(a.bio),
            }
    out["skipped"] = any(d.is_error for d in diagnostics)
    out["diagnostics"] = [[str(d.code), d.line] for d in sorted(diagnostics, key=lambda d: (d.line, d.code))]
    return out


def _is_flat(value: Any) -> bool:
    return not isinstance(value, dict | list) or (
        isinstance(value, list) and not any(isinstance(v, dict | list) for v in value)
    )


def _json(value: Any, indent: str = "") -> str:
    """JSON for review: one key per line; a list of plain values, or an object of them, on one line."""
    inner = indent + "  "
    if _is_flat(value) or (isinstance(value, dict) and indent and all(_is_flat(v) for v in value.values())):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_json(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    return "[\n" + ",\n".join(inner + _json(v, inner) for v in value) + f"\n{indent}]"


def _dump(value: dict[str, Any]) -> str:
    return _json(value) + "\n"


def test_there_are_golden_files_for_every_layout() -> None:
    names = [p.stem for p in INPUTS]
    for layout in "abcd":
        assert sum(n.startswith(f"{layout}-") for n in names) >= 4, layout
    assert sum(n.startswith("h-") for n in names) >= 8


def test_every_input_has_its_expected_parse_and_no_more(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--regen-golden"):
        for stale in set(GOLDEN.glob("*.json")) - {p.with_suffix(".json") for p in INPUTS}:
            stale.unlink()
    assert {p.stem for p in GOLDEN.glob("*.json")} == {p.stem for p in INPUTS}


@pytest.mark.parametrize("path", INPUTS, ids=[p.stem for p in INPUTS])
def test_golden(path: Path, request: pytest.FixtureRequest) -> None:
    got = _dump(expected_parse(path))
    target = path.with_suffix(".json")
    if request.config.getoption("--regen-golden"):
        target.write_text(got, "utf-8")
        return
    assert target.exists(), f"run pytest {__file__} --regen-golden, then review {target.name}"
    assert json.loads(got) == json.loads(target.read_text("utf-8"))
