"""The command line: `feeds build` and `feeds check`. The only module that imports typer.

Exit status: 0 every article published; 1 some articles skipped (the feeds for
the rest are written), or with --strict any warning; 2 a usage or settings
error, nothing written; 3 the output could not be written (the previous output
is left as it was).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from feeds import cache, pipeline, report
from feeds.config import Settings, load_settings
from feeds.errors import ConfigError, InputError, PublishError

app = typer.Typer(
    help="Publish a folder of news articles as RSS 2.0 and Atom 1.0 feeds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ArticlesDir = Annotated[
    Path | None, typer.Option("--articles", "-a", help=r"Folder of article .txt files. \[default: articles]")
]
OutputDir = Annotated[
    Path | None, typer.Option("--output", "-o", help=r"Folder the feeds are written to. \[default: output]")
]
BaseUrl = Annotated[
    str | None, typer.Option("--base-url", help="Public URL the output folder is served from.")
]
ConfigFile = Annotated[
    Path | None,
    typer.Option("--config", "-c", help=r"Settings file. \[default: feeds.toml, else \[tool.feeds] in pyproject.toml]"),
]
Strict = Annotated[bool, typer.Option("--strict", help="Treat every warning as an error (exit status 1).")]
NoCache = Annotated[bool, typer.Option(
    "--no-cache", help="Parse every article again, ignoring the build cache (and leaving it as it is).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only: no progress, warnings or summary.")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Also say what was parsed, reused and changed.")]

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


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[pipeline.Progress | None]:
    """A progress bar on stderr for builds that take more than a second, on a terminal only."""
    from rich.console import Console

    from feeds.progress import TerminalBar, wanted

    console = Console(stderr=True)
    if quiet or not wanted(console):
        yield None
        return
    with TerminalBar(console) as bar:
        yield bar


def _shown(result: pipeline.BuildReport, quiet: bool) -> pipeline.BuildReport:
    """What is printed: with --quiet, the errors only."""
    return replace(result, diagnostics=tuple(d for d in result.diagnostics if d.is_error)) if quiet else result


def _details(result: pipeline.BuildReport) -> Iterator[str]:
    """--verbose: where the articles came from and what was written."""
    yield f"{result.parsed:,} of {result.found:,} files parsed, the rest taken from the build cache."
    if result.output is not None and not result.unchanged:
        yield f"{len(result.output.changed):,} files changed, {len(result.output.removed):,} removed."


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
    no_cache: NoCache = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Build every feed from the articles folder into the output folder."""
    with user_errors():
        settings = _settings(articles, output, base_url, config)
        with _progress(quiet) as progress:
            result = pipeline.build(settings, progress=progress, use_cache=not no_cache)
    for line in report.text_lines(_shown(result, quiet)):
        typer.echo(line, err=True)
    if report_file is not None:
        report_file.write_text(report.as_json(result), "utf-8")
    if verbose and not quiet:
        for line in _details(result):
            typer.echo(line, err=True)
    if result.unchanged and not quiet:
        typer.echo("Nothing changed since the last build: the output was left as it was.", err=True)
    if not quiet:
        typer.echo(report.summary(result))
    raise typer.Exit(_exit_status(result, strict))


@app.command()
def check(
    articles: ArticlesDir = None,
    base_url: BaseUrl = None,
    config: ConfigFile = None,
    strict: Strict = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line, for machines.")] = False,
    no_cache: NoCache = False,
    quiet: Quiet = False,
) -> None:
    """Parse every article and report what is wrong, writing nothing (but the build cache)."""
    with user_errors():
        settings = _settings(articles, None, base_url, config)
        with _progress(quiet or as_json) as progress:
            result = pipeline.check(settings, progress=progress, use_cache=not no_cache)
    if as_json:
        lines: Iterable[str] = report.json_lines(result)  # for machines: always whole
    else:
        lines = (*report.text_lines(_shown(result, quiet)), *(() if quiet else (report.summary(result),)))
    for line in lines:
        typer.echo(line)
    raise typer.Exit(_exit_status(result, strict))


@app.command()
def ping(
    output: OutputDir = None,
    base_url: BaseUrl = None,
    config: ConfigFile = None,
    hub: Annotated[str | None, typer.Option("--hub", help="WebSub hub to notify (default: the hub setting).")] = None,
) -> None:
    """Tell the WebSub hub which feeds changed since the last ping (exit 1 if any was not taken)."""
    from feeds import websub

    with user_errors():
        settings = load_settings(config_file=config, cwd=Path.cwd(),
                                 overrides={"output": output, "base_url": base_url, "hub": hub})
        if settings.hub is None:
            raise ConfigError('No WebSub hub to ping: set hub = "https://…" in the settings, or pass --hub.')
        result = websub.ping_changed(settings.output, settings.base_url, settings.hub,
                                     state_dir=cache.default_folder(settings))
    for line in result.results:
        typer.echo(str(line))
    typer.echo(result.summary())
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def serve(
    articles: ArticlesDir = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Folder the preview is built in (default: .feeds-cache/preview/output).",
    )] = None,
    config: ConfigFile = None,
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port on 127.0.0.1 to serve at.")] = 8000,
) -> None:
    """Build, serve the feeds at http://127.0.0.1:PORT/ and rebuild when an article changes."""
    from feeds import serve as preview

    with user_errors():
        settings = load_settings(config_file=config, cwd=Path.cwd(), overrides={"articles": articles, "output": output})
        folder = settings.output if output is not None else preview.preview_folder(settings)

        def rebuild(url: str) -> str:
            # cache_dir=None: the preview's cache sits beside it, so that its builds (other URLs,
            # other keys) never collect the real build's cache entries.
            result = pipeline.build(replace(settings, base_url=url, output=folder, cache_dir=None))
            for line in report.text_lines(result):
                typer.echo(line, err=True)
            return report.summary(result)

        with contextlib.suppress(KeyboardInterrupt):
            preview.serve(rebuild, folder, articles=settings.articles, port=port, log=typer.echo)


def main() -> None:
    app()
