"""The progress bar: drawn on a terminal once a build runs long enough, never elsewhere."""

from __future__ import annotations

import io
import threading

from rich.console import Console

from feeds.pipeline import Stage
from feeds.progress import TerminalBar, wanted


def terminal(buffer: io.StringIO) -> Console:
    return Console(file=buffer, force_terminal=True, width=100, color_system=None)


def test_the_bar_follows_the_stages() -> None:
    buffer = io.StringIO()
    with TerminalBar(terminal(buffer), delay=0) as bar:
        bar.stage(Stage.READ, 10)
        bar.advance(Stage.READ, 10)
        bar.stage(Stage.PARSE, 4)
        for _ in range(4):
            bar.advance(Stage.PARSE)
        bar.stage(Stage.RENDER, 3)
        bar.advance(Stage.RENDER)
        bar.advance(Stage.WRITE)  # not counted twice
        bar._bar.refresh()
        assert bar._bar.tasks[0].completed == 1
        assert bar._bar.tasks[0].description == "Writing feeds and pages"
    shown = buffer.getvalue()
    assert "Writing feeds and pages" in shown
    assert "1/3" in shown


def test_a_short_build_draws_nothing() -> None:
    buffer = io.StringIO()
    with TerminalBar(terminal(buffer), delay=60) as bar:
        bar.stage(Stage.PARSE, 4)
        bar.advance(Stage.PARSE, 4)
    assert buffer.getvalue() == ""


def test_the_bar_appears_at_the_first_event_after_its_delay_and_no_thread_runs_before() -> None:
    buffer = io.StringIO()
    now = [0.0]
    threads = threading.active_count()
    with TerminalBar(terminal(buffer), delay=1.0, clock=lambda: now[0]) as bar:
        bar.stage(Stage.PARSE, 4)
        now[0] = 0.9
        bar.advance(Stage.PARSE)
        assert threading.active_count() == threads  # the build may fork its workers
        assert not bar._bar.live.is_started
        now[0] = 1.0
        bar.advance(Stage.PARSE)
        assert bar._bar.live.is_started
    assert "2/4" in buffer.getvalue()


def test_only_on_a_terminal_and_never_in_ci() -> None:
    assert wanted(terminal(io.StringIO()), {})
    assert not wanted(terminal(io.StringIO()), {"CI": "true"})
    assert not wanted(Console(file=io.StringIO()), {})
