"""`feeds serve`: build, serve on 127.0.0.1, rebuild when an article changes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from feeds import pipeline, report
from feeds.errors import ConfigError, PublishError
from feeds.serve import open_server, serve, signature
from tests.conftest import BUNDLED, make_settings
from tests.served import loopback_only

COUNT = len(list(BUNDLED.glob("*.txt")))
TITLE = "Harbour Freight Volumes Edge Up as Transshipment Traffic Returns"
ARTICLE = "2024-03-harbour-freight-volumes.txt"


def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def rewrite(path: Path, old: str, new: str) -> None:
    """Edit a file in one step, as an editor saving it would: a poll never sees it half written."""
    text = path.read_text("utf-8")
    assert old in text
    (path.parent / ".edit.tmp").write_text(text.replace(old, new), "utf-8")
    (path.parent / ".edit.tmp").replace(path)


def fetch(url: str) -> tuple[str, str, str]:
    """(Content-Type, Cache-Control, body) of a GET."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.headers["Content-Type"], response.headers["Cache-Control"], response.read().decode("utf-8")


def test_signature_sees_added_edited_and_removed_files_but_not_hidden_ones(tmp_path: Path) -> None:
    assert signature(tmp_path / "missing") == ()
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("two")
    first = signature(tmp_path)
    assert [name for name, _, _ in first] == ["a.txt", "sub/b.txt"]
    (tmp_path / ".a.txt.swp").write_text("editor")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "index").write_text("x")
    assert signature(tmp_path) == first
    (tmp_path / "a.txt").write_text("one!")
    assert signature(tmp_path) != first
    edited = signature(tmp_path)
    os.utime(tmp_path / "sub" / "b.txt", ns=(0, 10**9))  # same size, other mtime
    assert signature(tmp_path) != edited
    (tmp_path / "sub" / "b.txt").unlink()
    assert [name for name, _, _ in signature(tmp_path)] == ["a.txt"]


@pytest.fixture
def articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    loopback_only(monkeypatch)
    folder = tmp_path / "articles"
    shutil.copytree(BUNDLED, folder)
    return folder


class Running:
    """`serve` in a thread, with its log lines and a way to stop it."""

    def __init__(self, build: Callable[[str], object], output: Path, articles: Path) -> None:
        self.log: list[str] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(build, output, articles))
        self.thread.start()

    def _run(self, build: Callable[[str], object], output: Path, articles: Path) -> None:
        try:
            serve(build, output, articles=articles, port=0, poll_interval=0.02, stop=self.stop, log=self.log.append)
        except BaseException as e:  # handed to the test
            self.error = e

    @property
    def url(self) -> str:
        wait_for(lambda: any(line.startswith("Serving ") for line in self.log) or self.error is not None)
        line = next(line for line in self.log if line.startswith("Serving "))
        return line.split(" at ")[1].split(" ")[0]

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()


@pytest.fixture
def running() -> Iterator[Callable[[Callable[[str], object], Path, Path], Running]]:
    started: list[Running] = []

    def start(build: Callable[[str], object], output: Path, articles: Path) -> Running:
        started.append(Running(build, output, articles))
        return started[-1]

    yield start
    for server in started:
        server.close()


def builder(articles: Path, output: Path) -> Callable[[str], str]:
    settings = make_settings(articles, output)
    return lambda url: report.summary(pipeline.build(replace(settings, base_url=url)))


def test_serves_the_build_and_rebuilds_when_an_article_changes(
    articles: Path, tmp_path: Path, running: Callable[[Callable[[str], object], Path, Path], Running]
) -> None:
    output = tmp_path / "output"
    server = running(builder(articles, output), output, articles)
    url = server.url
    assert url.startswith("http://127.0.0.1:")
    assert server.log[0].startswith(f"Built: {COUNT} articles read, {COUNT} published")
    assert server.log[1] == f"Serving {output} at {url} (Ctrl-C to stop)"

    content_type, cache, index = fetch(url + "index.html")
    assert content_type == "text/html"
    assert cache == "no-cache"  # a reload in the browser shows the rebuild
    assert f'href="{url}atom.xml"' in index  # the pages link to the local server
    content_type, _, atom = fetch(url + "atom.xml")
    assert content_type == "application/xml"
    assert TITLE in atom

    rewrite(articles / ARTICLE, TITLE, "Harbour Freight Rises Again")
    wait_for(lambda: len(server.log) == 3)
    assert server.log[2].startswith(f"Rebuilt: {COUNT} articles read, {COUNT} published")
    _, _, atom = fetch(url + "atom.xml")  # the folder swapped in is served, not the one held before
    assert "Harbour Freight Rises Again" in atom
    assert TITLE not in atom

    server.close()
    assert server.error is None
    assert len(server.log) == 3
    with pytest.raises(urllib.error.URLError):
        fetch(url + "index.html")


def test_a_failed_rebuild_is_logged_and_the_previous_output_stays_served(
    articles: Path, tmp_path: Path, running: Callable[[Callable[[str], object], Path, Path], Running]
) -> None:
    output = tmp_path / "output"
    build = builder(articles, output)
    calls: list[str] = []

    def flaky(url: str) -> str:
        calls.append(url)
        if len(calls) == 2:
            raise PublishError("Cannot write the new feeds beside the output folder: disk full.")
        return build(url)

    server = running(flaky, output, articles)
    url = server.url
    (articles / ARTICLE).unlink()
    wait_for(lambda: len(server.log) == 3)
    assert server.log[2] == ("Rebuild failed; still serving the previous output: "
                             "Cannot write the new feeds beside the output folder: disk full.")
    assert TITLE in fetch(url + "atom.xml")[2]
    (articles / "2024-05-city-library-weekend-hours.txt").unlink()
    wait_for(lambda: len(server.log) == 4)
    assert server.log[3].startswith(f"Rebuilt: {COUNT - 2} articles read")
    assert TITLE not in fetch(url + "atom.xml")[2]


def test_an_error_in_the_first_build_is_raised_and_nothing_is_left_serving(tmp_path: Path) -> None:
    def broken(url: str) -> object:
        raise ConfigError("Invalid settings")

    with pytest.raises(ConfigError, match="Invalid settings"):
        serve(broken, tmp_path / "output", articles=tmp_path, port=0, stop=threading.Event(), log=print)


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    taken = open_server(tmp_path)
    try:
        port = taken.server_address[1]
        with pytest.raises(ConfigError, match=f"Cannot serve on 127.0.0.1:{port}: .*; choose another --port."):
            serve(lambda url: "", tmp_path, articles=tmp_path, port=port, stop=threading.Event(), log=print)
    finally:
        taken.server_close()


def test_the_command_builds_a_preview_apart_from_the_output_and_stops_on_ctrl_c(
    articles: Path, tmp_path: Path
) -> None:
    (tmp_path / "feeds.toml").write_text(
        'base_url = "https://example.org/news/"\nid_authority = "example.org"\nid_date = "2024-01-01"\n')
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    process = subprocess.Popen([sys.executable, "-m", "feeds", "serve", "--port", "0"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith(f"Built: {COUNT} articles read, {COUNT} published")
        serving = process.stdout.readline()
        preview = tmp_path / ".feeds-cache" / "preview" / "output"
        assert serving.startswith(f"Serving {preview} at http://127.0.0.1:")
        url = serving.split(" at ")[1].split(" ")[0]
        assert f"<link>{url}</link>" in fetch(url + "rss.xml")[2]
        assert not (tmp_path / "output").exists()  # the output to publish never gets local URLs
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
