"""The command line: `feeds build` and `feeds check`. The only module that imports typer.

Exit status: 0 every article published; 1 some articles skipped (the feeds for
the rest are written), or with --strict any warning; 2 a usage or settings
error, nothing written; 3 the output could not be written (the previous output
is left as it was).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from feeds import pipeline, report
from feeds.config import Settings, load_settings
from feeds.errors import ConfigError, InputError, PublishError

app = typer.Typer(
    help="Publish a folder of news articles as RSS 2.0 and Atom 1.0 feeds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ArticlesDir = Annotated[
    Path | None, typer.Option("--articles", "-a", help="Folder of article .txt files. [default: articles]")
]
OutputDir = Annotated[
    Path | None, typer.Option("--output", "-o", help="Folder the feeds are written to. [default: output]")
]
BaseUrl = Annotated[
    str | None, typer.Option("--base-url", help="Public URL the output folder is served from.")
]
ConfigFile = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Settings file. [default: feeds.toml, else [tool.feeds] in pyproject.toml]"),
]
Strict = Annotated[bool, typer.Option("--strict", help="Treat every warning as an error (exit status 1).")]

EXIT_SKIPPED = 1
EXIT_USAGE = 2
EXIT_PUBLISH = 3


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Our errors become one message on stderr and an exit status; nothing else is caught."""
    try:
        yield
    except (ConfigError, InputError) as e:
        typer.echo(f"feeds: {e}", err=True)
        raise typer.Exit(EXIT_USAGE) from e
    except PublishError as e:
        typer.echo(f"feeds: {e}\nThe previous output was left as it was.", err=True)
        raise typer.Exit(EXIT_PUBLISH) from e


def _settings(articles: Path | None, output: Path | None, base_url: str | None, config: Path | None) -> Settings:
    return load_settings(
        config_file=config,
        cwd=Path.cwd(),
        overrides={"articles": articles, "output": output, "base_url": base_url},
    )


def _exit_status(result: pipeline.BuildReport, strict: bool) -> int:
    if result.skipped or (strict and result.warnings):
        return EXIT_SKIPPED
    return 0


@app.command()
def build(
    articles: ArticlesDir = None,
    output: OutputDir = None,
    base_url: BaseUrl = None,
    config: ConfigFile = None,
    strict: Strict = False,
    report_file: Annotated[
        Path | None, typer.Option("--report", help="Also write the whole report as JSON to this file.")
    ] = None,
) -> None:
    """Build every feed from the articles folder into the output folder."""
    with user_errors():
        result = pipeline.build(_settings(articles, output, base_url, config))
    for line in report.text_lines(result):
        typer.echo(line, err=True)
    if report_file is not None:
        report_file.write_text(report.as_json(result), "utf-8")
    typer.echo(report.summary(result))
    raise typer.Exit(_exit_status(result, strict))


@app.command()
def check(
    articles: ArticlesDir = None,
    base_url: BaseUrl = None,
    config: ConfigFile = None,
    strict: Strict = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line, for machines.")] = False,
) -> None:
    """Parse every article and report what is wrong, writing nothing."""
    with user_errors():
        result = pipeline.check(_settings(articles, None, base_url, config))
    lines = report.json_lines(result) if as_json else (*report.text_lines(result), report.summary(result))
    for line in lines:
        typer.echo(line)
    raise typer.Exit(_exit_status(result, strict))


def main() -> None:
    app()
