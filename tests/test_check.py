"""`feeds check [--articles DIR] [--json] [--strict]`: parse only, every diagnostic grouped by
file (or JSON lines), a one-line count, and the exit status."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from feeds.cli import app
from tests.conftest import write_article

NO_AUTHOR = "date 2024-01-01 Headline here\n\nBody text.\n"  # W-NO-TIME line 1, W-NO-AUTHOR line 1
NO_BODY = "date 2024-01-01 en English\nWorld\n\nA title here\n\nBy: Jane Roe\n"  # E-EMPTY-BODY line 4

runner = CliRunner()



def test_a_clean_folder_exits_0_and_writes_nothing(site: Path) -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["1 article read, 1 published, 0 skipped, 0 warnings."]
    assert not (site / "output").exists()


def test_diagnostics_are_grouped_by_file_then_a_one_line_count(site: Path) -> None:
    write_article(site / "articles", "b-no-author.txt", NO_AUTHOR)
    write_article(site / "articles", "a-no-body.txt", NO_BODY)
    result = runner.invoke(app, ["check"])
    lines = result.stdout.splitlines()
    assert lines[0] == "a-no-body.txt"
    assert lines[1].startswith("  line 4: error E-EMPTY-BODY: ")
    assert lines[2] == "b-no-author.txt"
    assert [line.split(":")[0:2] for line in lines[3:5]] == [["  line 1", " warning W-NO-AUTHOR"],
                                                             ["  line 1", " warning W-NO-TIME"]]
    assert lines[-1] == "3 articles read, 2 published, 1 skipped, 2 warnings."
    assert len(lines) == 6


def test_a_skipped_article_exits_1(site: Path) -> None:
    write_article(site / "articles", "no-body.txt", NO_BODY)
    assert runner.invoke(app, ["check"]).exit_code == 1


def test_warnings_exit_0_unless_strict(site: Path) -> None:
    write_article(site / "articles", "no-author.txt", NO_AUTHOR)
    assert runner.invoke(app, ["check"]).exit_code == 0
    assert runner.invoke(app, ["check", "--strict"]).exit_code == 1


def test_strict_on_a_clean_folder_exits_0(site: Path) -> None:
    assert runner.invoke(app, ["check", "--strict"]).exit_code == 0


def test_json_lines_for_machines(site: Path) -> None:
    write_article(site / "articles", "no-body.txt", NO_BODY)
    (site / "articles" / "bad.txt").write_bytes(b"date 2024-01-01\nTitle\n\xff\n")
    result = runner.invoke(app, ["check", "--json"])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[:-1] == [
        {"severity": "error", "code": "E-DECODE", "file": "bad.txt", "line": 3,
         "message": records[0]["message"]},
        {"severity": "error", "code": "E-EMPTY-BODY", "file": "no-body.txt", "line": 4,
         "message": records[1]["message"]},
    ]
    assert records[-1]["summary"]["skipped"] == 2
    assert records[-1]["summary"]["skipped_files"] == ["bad.txt", "no-body.txt"]


def test_articles_option_and_nested_relative_file_names(site: Path) -> None:
    other = site / "elsewhere"
    write_article(other, "2024/05/no-author.txt", NO_AUTHOR)
    result = runner.invoke(app, ["check", "--articles", str(other)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "2024/05/no-author.txt"
    assert result.stdout.splitlines()[-1] == "1 article read, 1 published, 0 skipped, 2 warnings."


def test_check_of_the_layouts_and_hostile_files(site: Path) -> None:
    golden = Path(__file__).parent / "data" / "golden"
    result = runner.invoke(app, ["check", "--articles", str(golden), "--json"])
    summary = json.loads(result.stdout.splitlines()[-1])["summary"]
    assert summary["found"] == len(list(golden.glob("*.txt")))
    assert result.exit_code == (1 if summary["skipped"] else 0)
