"""The same articles give byte-identical output: on another path, in another time zone,
with another hash seed, and nothing in the package reads the clock (FEEDS.md, STYLE.md)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from feeds.cache import CACHE_FOLDER
from tests.conftest import BASE_URL, BUNDLED, REPO, snapshot

SETTINGS = f"""\
title = "Test News"
description = "Articles for the tests."
base_url = "{BASE_URL}"
id_authority = "example.org"
id_date = "2024-01-01"
timezone = "UTC"
default_category = "General"
default_author = "Newsroom"
"""


def cli_build(config: Path, articles: Path, output: Path, **env: str) -> None:
    """`feeds build` in a fresh interpreter, with `env` on top of this one's environment."""
    result = subprocess.run(
        [sys.executable, "-m", "feeds", "build", "--config", str(config), "--articles", str(articles),
         "--output", str(output)],
        cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled articles built three times, each time from and to other folders."""
    root = tmp_path_factory.mktemp("determinism")
    config = root / "feeds.toml"
    config.write_text(SETTINGS, "utf-8")
    copy = shutil.copytree(BUNDLED, root / "elsewhere" / "the articles")
    outputs = {
        "utc": root / "a" / "output",
        "kiritimati": root / "b" / "public_html",
        "st_johns": root / "c" / "site",
    }
    cli_build(config, BUNDLED, outputs["utc"], TZ="UTC", PYTHONHASHSEED="0")
    cli_build(config, copy, outputs["kiritimati"], TZ="Pacific/Kiritimati", PYTHONHASHSEED="1")  # UTC+14
    cli_build(config, copy, outputs["st_johns"], TZ="America/St_Johns", PYTHONHASHSEED="2",  # UTC-3:30
              LC_ALL="C.UTF-8")
    return outputs


def test_three_builds_are_byte_identical(builds: dict[str, Path]) -> None:
    trees = {name: snapshot(path) for name, path in builds.items()}
    reference = trees["utc"]
    assert len(reference) > 40
    assert {"atom.xml", "rss.xml", "index.html", "feeds.opml", "feed.css", ".feeds-manifest.json"} <= set(reference)
    for name, tree in trees.items():
        assert tree.keys() == reference.keys(), name
        different = [path for path in reference if tree[path] != reference[path]]
        assert different == [], name


def test_a_rebuild_in_place_changes_nothing(builds: dict[str, Path], tmp_path: Path) -> None:
    output = tmp_path / "output"
    shutil.copytree(builds["utc"], output)
    config = tmp_path / "feeds.toml"
    config.write_text(SETTINGS, "utf-8")
    for zone in ("Asia/Kathmandu", "Etc/GMT+12"):  # the second with the build cache warm
        cli_build(config, BUNDLED, output, TZ=zone)
        assert snapshot(output) == snapshot(builds["utc"])
    beside = sorted(p.name for p in tmp_path.iterdir() if p.name != CACHE_FOLDER)
    assert beside == [".output.spare", "feeds.toml", "output"]


def test_no_file_holds_a_path_of_the_build_machine(builds: dict[str, Path]) -> None:
    for output in builds.values():
        machine = [str(output.parent.parent), str(REPO), str(Path.home()), "/tmp/"]
        for path, data in snapshot(output).items():
            text = data.decode("utf-8")
            assert not [m for m in machine if m in text], path


# What reads the wall clock. (File modification times are allowed: `feeds serve` polls them to
# know when to rebuild; what a build writes never depends on them, as the builds above show.)
_CLOCK_ATTRS = {
    "datetime": {"now", "utcnow", "today"},
    "date": {"today"},
    "time": {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"},
}


def clock_reads(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            owner = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
            if node.attr in _CLOCK_ATTRS.get(owner, set()):
                found.append(f"line {node.lineno}: {owner}.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module in ("time", "datetime"):
            found += [f"line {node.lineno}: from {node.module} import {a.name}" for a in node.names
                      if a.name in _CLOCK_ATTRS["time"] and node.module == "time"]
    return found


def test_nothing_in_the_package_reads_the_clock() -> None:
    sources = sorted((REPO / "feeds").rglob("*.py"))
    assert len(sources) > 10
    offenders = {str(p.relative_to(REPO)): found for p in sources if (found := clock_reads(p.read_text("utf-8")))}
    assert offenders == {}


@pytest.mark.parametrize(
    "code",
    ["datetime.now(UTC)", "datetime.datetime.utcnow()", "date.today()", "time.time()", "dt.datetime.today()",
     "from time import time", "time.localtime()"],
)
def test_the_clock_check_finds_each_way_of_reading_it(code: str) -> None:
    assert clock_reads(code)


def test_the_clock_check_lets_dates_be_built() -> None:
    assert clock_reads("datetime(2024, 1, 1, tzinfo=UTC); moment.time(); date(2024, 1, 1); time()") == []
