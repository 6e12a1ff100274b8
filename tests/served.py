"""The bundled articles built and served on 127.0.0.1, for tests that read them back like a real client.

Nothing here reaches past the loopback interface: `loopback_only` makes any other
connection from this process fail the test, and proxies from the environment are
dropped, so that a client library never sends a loopback URL to a proxy.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from feeds import pipeline
from feeds.config import Settings
from feeds.jsonfeed import render_json_feeds
from feeds.serve import open_server, running, server_url
from tests.conftest import BUNDLED, make_settings

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    report: pipeline.BuildReport
    settings: Settings
    url: str  # the server's base URL, which is also the feeds' base_url


def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail on any connection from this process to an address other than 127.0.0.1 or ::1."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    connect = socket.socket.connect

    def checked(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not ipaddress.ip_address(address[0]).is_loopback:
            self.close()
            raise AssertionError(f"a test tried to reach {address} beyond the loopback interface")
        connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", checked)


def write_json_feeds(site: Site) -> None:
    """feed.json beside every atom.xml, until the pipeline writes them itself (same bytes either way)."""
    for rendered in render_json_feeds(site.report.feeds, site.settings):
        (site.settings.output / rendered.path).write_bytes(rendered.data)


@contextlib.contextmanager
def served_build(output: Path, *, articles: Path = BUNDLED, **changes: object) -> Iterator[Site]:
    """Build `articles` into `output` with the local server's URL as base_url, and serve it."""
    server = open_server(output)  # bound first: the feeds must name its port
    url = server_url(server)
    settings = make_settings(articles, output, base_url=url, **changes)
    with running(server):
        yield Site(report=pipeline.build(settings), settings=settings, url=url)
