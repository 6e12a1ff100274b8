"""A progress bar for long builds, drawn with rich (which typer already brings in).

`TerminalBar` implements `pipeline.Progress`. It appears only once a build has run for
`delay` seconds (at the first event after that), so short builds print nothing extra, and
it is transient: when the build ends it disappears and the report follows. Until it
appears, no thread of its own runs: a build forks its worker processes only from a
process without other threads (`pipeline._pool_context`). The CLI uses it
only when stderr is a terminal and not in CI; the pipeline never knows what draws it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
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

    def __init__(self, console: Console, *, delay: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )
        self._task: TaskID = self._bar.add_task("Starting", total=None)
        self._clock = clock
        self._shown_at = clock() + delay
        self._shown = False

    def __enter__(self) -> TerminalBar:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._bar.stop()  # a no-op when it never started

    def stage(self, stage: Stage, total: int | None) -> None:
        label = LABELS.get(stage)
        if label is not None:
            self._bar.reset(self._task, total=total, description=label)
        self._show()

    def advance(self, stage: Stage, amount: int = 1) -> None:
        if stage is not Stage.WRITE:  # files are counted once, as they are rendered
            self._bar.advance(self._task, amount)
        self._show()

    def _show(self) -> None:
        if not self._shown and self._clock() >= self._shown_at:
            self._shown = True
            self._bar.start()  # its thread redraws it from now on
