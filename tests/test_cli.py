"""The command line: exit codes, messages and the files written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from feeds.cli import app
from tests.conftest import BUNDLED, SIMPLE, write_article

runner = CliRunner()
# 4 feeds (everything, World, Jane Roe, John Doe) x Atom, RSS, JSON Feed; index.html, feeds.opml,
# style.css, feed.css; one article page.
FILES = 4 * 3 + 4 + 1


def test_build_defaults_to_articles_and_output(site: Path) -> None:
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    assert (site / "output" / "atom.xml").is_file()
    assert (site / "output" / "category" / "world" / "rss.xml").is_file()
    assert (site / "output" / "author" / "jane-roe" / "atom.xml").is_file()
    assert result.stdout.strip().endswith(f"4 feeds ({FILES} files in all) written to {site / 'output'}.")
    assert result.stdout.startswith("1 article read, 1 published, 0 skipped, 0 warnings;")


def test_the_help_shows_each_option_default_written_in_brackets() -> None:
    """The help is rich text, where `[...]` would be taken for a style and dropped unescaped."""
    result = runner.invoke(app, ["build", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())  # the help's own line breaks and box drawing aside
    shown = ["[default: articles]", "[default: output]", "[default: feeds.toml, else [tool.feeds] in pyproject.toml]"]
    assert [s for s in shown if s not in text] == []


def test_a_skipped_article_exits_1_and_the_rest_is_written(site: Path) -> None:
    (site / "articles" / "broken.txt").write_bytes(b"\xff\xfe\x00")
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    assert "broken.txt\n  line 1: error E-DECODE: The file is not valid UTF-8" in result.stderr
    assert (site / "output" / "atom.xml").is_file()


def test_strict_turns_warnings_into_failure(site: Path) -> None:
    write_article(site / "articles", "nodate.txt", "Headline only here\n\nBody text here.\n")
    assert runner.invoke(app, ["check"]).exit_code == 1  # E-NO-DATE
    (site / "articles" / "nodate.txt").unlink()
    write_article(site / "articles", "noauthor.txt", "date 2024-01-01 Headline\n\nBody.\n")
    assert runner.invoke(app, ["check"]).exit_code == 0
    assert runner.invoke(app, ["check", "--strict"]).exit_code == 1


def test_bad_settings_exit_2_and_write_nothing(site: Path) -> None:
    (site / "feeds.toml").write_text('base_url = "nope"\n')
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 2
    assert result.stderr.startswith("feeds: Invalid settings in ")
    assert not (site / "output").exists()


def test_usage_error_exits_2(site: Path) -> None:
    assert runner.invoke(app, ["build", "--no-such-option"]).exit_code == 2


def test_missing_articles_folder_exits_2(site: Path) -> None:
    result = runner.invoke(app, ["build", "--articles", "nowhere"])
    assert result.exit_code == 2
    assert "The articles folder" in result.stderr


def test_refuses_to_replace_a_folder_it_did_not_write(site: Path) -> None:
    (site / "mine").mkdir()
    (site / "mine" / "thesis.tex").write_text("precious")
    result = runner.invoke(app, ["build", "--output", "mine"])
    assert result.exit_code == 3
    assert "refusing to replace it" in result.stderr
    assert (site / "mine" / "thesis.tex").read_text() == "precious"


def test_check_json_lines(site: Path) -> None:
    write_article(site / "articles", "noauthor.txt", "date 2024-01-01 Headline\n\nBody.\n")
    result = runner.invoke(app, ["check", "--json"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[-1]["summary"]["published"] == 2
    assert {"severity": "warning", "code": "W-NO-AUTHOR", "file": "noauthor.txt"}.items() <= lines[0].items()


def test_report_file(site: Path) -> None:
    result = runner.invoke(app, ["build", "--report", "report.json"])
    assert result.exit_code == 0
    data = json.loads((site / "report.json").read_text())
    assert data["published"] == 1
    assert "atom.xml" in data["changed"]


def test_python_dash_m_and_the_bundled_articles(tmp_path: Path) -> None:
    """The README's first command, as a subprocess: no traceback, exit 0."""
    out = tmp_path / "output"
    env = {**os.environ, "TZ": "Asia/Tokyo"}
    done = subprocess.run(
        [sys.executable, "-m", "feeds", "build", "--articles", str(BUNDLED), "--output", str(out)],
        cwd=BUNDLED.parent, capture_output=True, text=True, env=env, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (out / "index.html").is_file()


def test_a_second_build_says_nothing_changed(site: Path) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0
    assert "Nothing changed since the last build: the output was left as it was." in result.stderr
    assert result.stdout.strip().endswith(f"4 feeds ({FILES} files in all) written to {site / 'output'}.")
    assert len(list((site / ".feeds-cache").glob("build-*.sqlite3"))) == 1


def test_no_cache_parses_everything_again(site: Path) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    result = runner.invoke(app, ["build", "--no-cache", "--verbose"])
    assert result.exit_code == 0
    assert "1 of 1 files parsed, the rest taken from the build cache." in result.stderr
    assert "Nothing changed" not in result.stderr


def test_verbose_says_what_was_parsed_and_written(site: Path) -> None:
    result = runner.invoke(app, ["build", "-v"])
    assert "1 of 1 files parsed, the rest taken from the build cache." in result.stderr
    assert "files changed, 0 removed." in result.stderr
    write_article(site / "articles", "second.txt", SIMPLE.replace("Harbour cranes", "Harbour ferries"))
    result = runner.invoke(app, ["build", "--verbose"])
    assert "1 of 2 files parsed, the rest taken from the build cache." in result.stderr


def test_quiet_prints_errors_only(site: Path) -> None:
    write_article(site / "articles", "noauthor.txt", "date 2024-01-01 Headline\n\nBody.\n")
    result = runner.invoke(app, ["build", "--quiet"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == ""
    (site / "articles" / "broken.txt").write_bytes(b"\xff\xfe\x00")
    result = runner.invoke(app, ["build", "-q", "--strict"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "E-DECODE" in result.stderr
    assert "W-NO-AUTHOR" not in result.stderr


def test_quiet_check_keeps_the_exit_status_of_warnings(site: Path) -> None:
    write_article(site / "articles", "noauthor.txt", "date 2024-01-01 Headline\n\nBody.\n")
    result = runner.invoke(app, ["check", "--quiet", "--strict"])
    assert result.exit_code == 1
    assert result.stdout == ""


def test_no_progress_bar_when_not_on_a_terminal(site: Path) -> None:
    result = runner.invoke(app, ["build"])
    assert "Parsing articles" not in result.stderr
    assert "\x1b[" not in result.stderr
