"""A progress bar for long builds, drawn with rich (which typer already brings in).

`TerminalBar` implements `pipeline.Progress`. It appears only once a build has run for
`delay` seconds (a timer thread starts it), so short builds print nothing extra, and it
is transient: when the build ends it disappears and the report follows. The CLI uses it
only when stderr is a terminal and not in CI; the pipeline never knows what draws it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from feeds.pipeline import Stage

LABELS: Mapping[Stage, str] = {
    Stage.READ: "Reading the articles folder",
    Stage.PARSE: "Parsing articles",
    Stage.GROUP: "Grouping into feeds",
    Stage.RENDER: "Writing feeds and pages",
    Stage.PUBLISH: "Publishing",
}


def wanted(console: Console, environ: Mapping[str, str] = os.environ) -> bool:
    """Draw a bar: on a terminal that can show one, and not in CI (which sets `CI`)."""
    return console.is_terminal and not console.is_dumb_terminal and not environ.get("CI")


class TerminalBar:
    """One bar whose label and length follow the build's stages. Use it as a context manager."""

    def __init__(self, console: Console, *, delay: float = 1.0) -> None:
        self._bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )
        self._task: TaskID = self._bar.add_task("Starting", total=None)
        self._timer = threading.Timer(delay, self._bar.start)
        self._timer.daemon = True

    def __enter__(self) -> TerminalBar:
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._timer.cancel()
        self._timer.join()
        self._bar.stop()  # a no-op when it never started

    def stage(self, stage: Stage, total: int | None) -> None:
        label = LABELS.get(stage)
        if label is not None:
            self._bar.reset(self._task, total=total, description=label)

    def advance(self, stage: Stage, amount: int = 1) -> None:
        if stage is not Stage.WRITE:  # files are counted once, as they are rendered
            self._bar.advance(self._task, amount)
