"""WebSub pings, sent to a small hub that the test runs on 127.0.0.1."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs

import pytest
from typer.testing import CliRunner

from feeds import cache, pipeline, websub
from feeds.cli import app
from feeds.config import load_settings
from feeds.errors import ConfigError
from feeds.publish import Published
from feeds.serve import running
from tests.conftest import BASE_URL, BUNDLED, make_settings
from tests.served import loopback_only

Form = dict[str, list[str]]


@dataclass
class Hub:
    """Records every request; answers from `answers` in order, then with `rule(form)`."""

    url: str = ""
    received: list[tuple[str, str, Form]] = field(default_factory=list)  # (method, content type, form)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    rule: Callable[[Form], int] = lambda form: 204

    @property
    def topics(self) -> list[str]:
        return [form["hub.url"][0] for _, _, form in self.received]


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    loopback_only(monkeypatch)


@pytest.fixture
def hub() -> Iterator[Hub]:
    state = Hub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            form = parse_qs(body.decode("ascii"), strict_parsing=True)
            state.received.append((self.command, self.headers.get("Content-Type", ""), form))
            status, headers = state.answers.pop(0) if state.answers else (state.rule(form), {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with running(server) as url:
        state.url = url + "hub"
        yield state


@pytest.fixture
def sleeps() -> list[float]:
    return []


def published_feed_urls(published: Published | None) -> set[str]:
    assert published is not None
    return {BASE_URL + p for p in published.changed if PurePosixPath(p).name in websub.FEED_FILES}


def test_ping_posts_one_form_encoded_publish_request_per_topic(hub: Hub, sleeps: list[float]) -> None:
    topics = [BASE_URL + "atom.xml", BASE_URL + "category/world/rss.xml?x=1&y=2"]
    report = websub.ping(hub.url, topics, sleep=sleeps.append)
    assert report.ok
    assert [(r.status, r.attempts) for r in report.results] == [(204, 1), (204, 1)]
    assert hub.received == [
        ("POST", "application/x-www-form-urlencoded", {"hub.mode": ["publish"], "hub.url": [t], "hub.topic": [t]})
        for t in topics
    ]
    assert sleeps == []
    assert str(report.results[0]) == f"pinged {topics[0]} (HTTP 204 No Content)"
    assert report.summary() == f"2 of 2 feeds pinged at {hub.url}."


def test_retries_on_503_then_succeeds(hub: Hub, sleeps: list[float]) -> None:
    hub.answers = [(503, {}), (503, {})]
    report = websub.ping(hub.url, [BASE_URL + "atom.xml"], backoff=0.5, sleep=sleeps.append)
    assert report.ok
    assert (report.results[0].status, report.results[0].attempts) == (204, 3)
    assert len(hub.received) == 3
    assert sleeps == [0.5, 1.0]


def test_429_waits_as_long_as_retry_after_says(hub: Hub, sleeps: list[float]) -> None:
    hub.answers = [(429, {"Retry-After": "7"})]
    assert websub.ping(hub.url, [BASE_URL + "atom.xml"], sleep=sleeps.append).ok
    assert sleeps == [7.0]


def test_failure_after_every_attempt_is_reported(hub: Hub, sleeps: list[float]) -> None:
    hub.rule = lambda form: 500
    report = websub.ping(hub.url, [BASE_URL + "atom.xml"], attempts=4, sleep=sleeps.append)
    assert not report.ok
    (result,) = report.failed
    assert (result.status, result.reason, result.attempts) == (500, "Internal Server Error", 4)
    assert str(result) == f"FAILED {BASE_URL}atom.xml (HTTP 500 Internal Server Error after 4 attempts)"
    assert sleeps == [1.0, 2.0, 4.0]
    assert report.summary() == f"0 of 1 feed pinged at {hub.url}."


def test_a_client_error_is_not_retried(hub: Hub, sleeps: list[float]) -> None:
    hub.rule = lambda form: 400
    report = websub.ping(hub.url, [BASE_URL + "atom.xml"], sleep=sleeps.append)
    assert [(r.ok, r.status, r.attempts) for r in report.results] == [(False, 400, 1)]
    assert len(hub.received) == 1
    assert sleeps == []


def test_no_answer_is_retried_and_reported(sleeps: list[float]) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    closed = f"http://127.0.0.1:{server.server_address[1]}/hub"
    server.server_close()  # nothing listens there now
    report = websub.ping(closed, [BASE_URL + "atom.xml"], sleep=sleeps.append, timeout=2)
    (result,) = report.failed
    assert result.status is None
    assert result.attempts == 3
    assert result.reason.startswith("no answer: ")
    assert "refused" in result.reason


def test_the_test_itself_cannot_reach_beyond_loopback(sleeps: list[float]) -> None:
    with pytest.raises(AssertionError, match="beyond the loopback interface"):
        websub.ping("http://192.0.2.1/hub", [BASE_URL + "atom.xml"], attempts=1, sleep=sleeps.append)


def test_only_an_http_hub_is_pinged() -> None:
    with pytest.raises(ValueError, match="http"):
        websub.ping("file:///etc/passwd", [BASE_URL + "atom.xml"])


def state_of(output: Path) -> Path:
    """The build cache folder of a build into `output` with the default settings."""
    return cache.default_folder(make_settings(output.parent, output))


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the bundled articles (so that one can be edited) and where they are built."""
    articles = tmp_path / "articles"
    shutil.copytree(BUNDLED, articles)
    return articles, tmp_path / "site" / "output"


def test_only_changed_feeds_are_pinged_and_a_second_ping_sends_nothing(
    hub: Hub, sleeps: list[float], site: tuple[Path, Path]
) -> None:
    articles, output = site
    first = pipeline.build(make_settings(articles, output))
    changed = websub.changed_feeds(output, BASE_URL, state_dir=state_of(output))
    assert changed == sorted(published_feed_urls(first.output))

    report = websub.ping_changed(output, BASE_URL, hub.url, state_dir=state_of(output), sleep=sleeps.append)
    assert report.ok
    assert set(hub.topics) == published_feed_urls(first.output)
    assert len(hub.topics) == 3 * len(first.feeds)  # atom.xml, rss.xml, feed.json
    assert websub.state_path(state_of(output)) == output.parent / ".feeds-cache" / "pinged.json"

    hub.received.clear()
    pipeline.build(make_settings(articles, output))  # the same bytes again
    again = websub.ping_changed(output, BASE_URL, hub.url, state_dir=state_of(output), sleep=sleeps.append)
    assert again.ok
    assert (again.results, hub.received) == ((), [])
    assert again.summary() == f"No feed changed since the last ping; nothing sent to {hub.url}."

    edited = articles / "2024-03-harbour-freight-volumes.txt"
    edited.write_text(edited.read_text("utf-8").replace("Volumes Edge Up", "Volumes Rise"), "utf-8")
    third = pipeline.build(make_settings(articles, output))
    assert websub.ping_changed(output, BASE_URL, hub.url, state_dir=state_of(output), sleep=sleeps.append).ok
    assert set(hub.topics) == published_feed_urls(third.output)
    assert {BASE_URL + "atom.xml", BASE_URL + "rss.xml"} < set(hub.topics)
    assert len(hub.topics) < 2 * len(third.feeds)  # the feeds without that article are not pinged
    assert sleeps == []


def test_a_topic_the_hub_refused_is_sent_again_next_time(
    hub: Hub, sleeps: list[float], site: tuple[Path, Path]
) -> None:
    articles, output = site
    pipeline.build(make_settings(articles, output))
    hub.rule = lambda form: 400 if form["hub.url"][0].endswith("/rss.xml") else 202
    report = websub.ping_changed(output, BASE_URL, hub.url, state_dir=state_of(output), sleep=sleeps.append)
    assert not report.ok
    refused = sorted(r.topic for r in report.failed)
    assert refused
    assert all(t.endswith("/rss.xml") for t in refused)
    assert websub.changed_feeds(output, BASE_URL, state_dir=state_of(output)) == refused

    hub.received.clear()
    hub.rule = lambda form: 204
    assert websub.ping_changed(output, BASE_URL, hub.url, state_dir=state_of(output), sleep=sleeps.append).ok
    assert sorted(hub.topics) == refused
    assert websub.changed_feeds(output, BASE_URL, state_dir=state_of(output)) == []


def test_a_new_base_url_pings_every_feed_at_its_new_address(
    hub: Hub, sleeps: list[float], site: tuple[Path, Path]
) -> None:
    articles, output = site
    pipeline.build(make_settings(articles, output))
    assert websub.ping_changed(output, BASE_URL, hub.url, state_dir=state_of(output), sleep=sleeps.append).ok
    moved = "https://news.example.com/"
    changed = websub.changed_feeds(output, moved, state_dir=state_of(output))
    assert changed
    assert all(url.startswith(moved) for url in changed)


CONFIG = """base_url = "https://example.org/news/"
id_authority = "example.org"
id_date = "2024-01-01"
"""

runner = CliRunner()


@pytest.fixture
def cli_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "feeds.toml").write_text(CONFIG)
    shutil.copytree(BUNDLED, tmp_path / "articles")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_ping_reports_each_feed_and_exits_0(hub: Hub, cli_site: Path) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    result = runner.invoke(app, ["ping", "--hub", hub.url])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"pinged {BASE_URL}atom.xml (HTTP 204 No Content)"
    assert lines[-1] == f"{len(hub.received)} of {len(hub.received)} feeds pinged at {hub.url}."
    again = runner.invoke(app, ["ping", "--hub", hub.url])
    assert (again.exit_code, again.stdout) == (0, f"No feed changed since the last ping; nothing sent to {hub.url}.\n")


def test_cli_ping_keeps_its_state_in_the_configured_cache_dir(hub: Hub, cli_site: Path) -> None:
    (cli_site / "feeds.toml").write_text(CONFIG + 'cache_dir = "state"\n')
    assert runner.invoke(app, ["build"]).exit_code == 0
    assert runner.invoke(app, ["ping", "--hub", hub.url]).exit_code == 0
    assert (cli_site / "state" / "pinged.json").is_file()
    assert not (cli_site / ".feeds-cache" / "pinged.json").exists()


def test_cli_ping_exits_1_when_the_hub_refuses(hub: Hub, cli_site: Path) -> None:
    (cli_site / "feeds.toml").write_text(CONFIG + f'hub = "{hub.url}"\n')  # the setting, not --hub
    runner.invoke(app, ["build"])
    hub.rule = lambda form: 403 if form["hub.url"] == [BASE_URL + "atom.xml"] else 202  # 4xx: never retried
    result = runner.invoke(app, ["ping"])
    assert result.exit_code == 1
    assert f"FAILED {BASE_URL}atom.xml (HTTP 403 Forbidden)" in result.stdout.splitlines()
    assert result.stdout.endswith(f"{len(hub.received) - 1} of {len(hub.received)} feeds pinged at {hub.url}.\n")


def test_cli_ping_without_a_hub_or_a_build_exits_2(hub: Hub, cli_site: Path) -> None:
    result = runner.invoke(app, ["ping"])
    assert result.exit_code == 2
    assert result.stderr == 'feeds: No WebSub hub to ping: set hub = "https://…" in the settings, or pass --hub.\n'
    result = runner.invoke(app, ["ping", "--hub", hub.url])
    assert result.exit_code == 2
    assert "holds no build of feeds" in result.stderr
    assert hub.received == []


@pytest.mark.parametrize("value", ["ftp://hub.example.net/", "hub.example.net", "https://hub.example.net/#x", ""])
def test_the_hub_setting_must_be_an_http_url(value: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"hub .* must be an absolute http"):
        load_settings(config_file=None, cwd=tmp_path,
                      overrides={"base_url": BASE_URL, "id_authority": "example.org", "id_date": "2024", "hub": value})


def test_the_hub_setting_is_read(tmp_path: Path) -> None:
    (tmp_path / "feeds.toml").write_text(CONFIG + 'hub = "https://hub.example.net/"\n')
    settings = load_settings(config_file=None, cwd=tmp_path, overrides={})
    assert settings.hub == "https://hub.example.net/"
    assert load_settings(config_file=None, cwd=tmp_path, overrides={"hub": "http://127.0.0.1:9/"}).hub \
        == "http://127.0.0.1:9/"
