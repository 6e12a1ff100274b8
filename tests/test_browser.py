"""index.html and the styled feeds in a real browser: Debian's headless Chromium, driven by
chromedriver, reading the site from an HTTP server on 127.0.0.1 (as a static host serves it).

What a person sees is read back as the text of the elements that are displayed. The page
must list every feed; a feed must read as a page (its title, entry titles, authors), not as
raw XML in Chromium's tree viewer, and without the XSLT deprecation banner or warning.

Skipped when chromium or chromedriver is missing, unless CI is set: then it fails.
`scripts/test` installs both (Debian packages chromium, chromium-driver) when run as root.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from feeds import pipeline
from feeds.model import FeedKind
from feeds.render import FeedFormat, feed_file
from tests.conftest import BUNDLED, make_settings

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
# Without the background-networking flags Chromium keeps dialling Google's hosts, which this
# closed network refuses; --no-sandbox because CI runs as root.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1000,1300")
VIEWER = "This XML file does not appear to have any style information"
BANNER = "xslt-warning-banner"  # the element Chromium puts at the top of a page made by XSLT

# The text of every displayed element: Element.innerText exists only in HTML documents.
VISIBLE_TEXT = """
function visible(node) {
  let parts = [];
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) parts.push(child.data.trim());
    else if (child.nodeType === Node.ELEMENT_NODE && getComputedStyle(child).display !== 'none')
      parts.push(visible(child));
  }
  return parts.filter(Boolean).join('\\n');
}
const root = document.documentElement;
return getComputedStyle(root).display === 'none' ? '' : visible(root);
"""


def require_browser() -> None:
    if CHROMIUM and CHROMEDRIVER:
        return
    if os.environ.get("CI"):
        pytest.fail("CI is set but chromium or chromedriver is missing: install the Debian packages "
                    "chromium and chromium-driver (scripts/test does, as root).")
    pytest.skip("Debian's chromium and chromium-driver are not installed (scripts/test installs them when "
                "run as root); with CI set this test fails instead of skipping.")


class _Quiet(SimpleHTTPRequestHandler):
    # What a static host sends: .xml as application/xml, which browsers display.
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,  # noqa: RUF012 (the base class's own)
                      ".xml": "application/xml", ".css": "text/css", ".opml": "text/x-opml"}

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def http_server(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 at an ephemeral port; yields the root URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[pipeline.BuildReport, str, Path]]:
    """The bundled articles built for, and served at, http://127.0.0.1:PORT/news/."""
    require_browser()
    root = tmp_path_factory.mktemp("www")
    with http_server(root) as url:
        base_url = url + "news/"
        report = pipeline.build(make_settings(BUNDLED, root / "news", base_url=base_url))
        raw = (root / "news" / "atom.xml").read_bytes().split(b"\n")
        (root / "unstyled.xml").write_bytes(b"\n".join(raw[:1] + raw[2:]))  # the same feed, no stylesheet
        yield report, base_url, root / "news"


@pytest.fixture(scope="module")
def browser(site: tuple[pipeline.BuildReport, str, Path],
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")  # Selenium Manager must not look for drivers online
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(browser: Any, url: str) -> tuple[str, list[dict[str, Any]]]:
    """Load `url`; the text a person sees, and what the page logged to the console."""
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(url)
    text: str = browser.execute_script(VISIBLE_TEXT)
    logs: list[dict[str, Any]] = browser.get_log("browser")
    return text, logs


def assert_no_xslt_warning(browser: Any, text: str, logs: list[dict[str, Any]]) -> None:
    assert browser.execute_script(f"return document.getElementsByTagName('{BANNER}').length") == 0
    assert "XSLT" not in text
    assert [entry for entry in logs if entry.get("source") == "deprecation" or "XSLT" in entry["message"]] == []


def test_index_lists_every_feed(browser: Any, site: tuple[pipeline.BuildReport, str, Path]) -> None:
    report, base_url, _ = site
    text, logs = open_page(browser, base_url + "index.html")
    for feed in report.feeds:
        assert feed.title in text
    alternates = browser.execute_script(
        "return [...document.querySelectorAll('link[rel=alternate]')].map(l => [l.type, l.href])")
    assert len(alternates) == 3 * len(report.feeds)  # Atom, RSS, JSON Feed
    assert [base_url + feed_file(report.feeds[0], FeedFormat.ATOM)] == [
        href for kind, href in alternates[:1] if kind == "application/atom+xml"]
    assert browser.execute_script("return getComputedStyle(document.body).maxWidth") != "none"  # style.css
    assert_no_xslt_warning(browser, text, logs)
    assert [entry for entry in logs if entry["level"] == "SEVERE" and "favicon" not in entry["message"]] == []


@pytest.mark.parametrize("fmt", list(FeedFormat))
@pytest.mark.parametrize("kind", [FeedKind.ALL, FeedKind.CATEGORY, FeedKind.AUTHOR])
def test_a_feed_opened_in_the_browser_reads_as_a_page(
    browser: Any, site: tuple[pipeline.BuildReport, str, Path], fmt: FeedFormat, kind: FeedKind,
) -> None:
    report, base_url, _ = site
    feed = max((f for f in report.feeds if f.kind is kind), key=lambda f: len(f.entries))
    text, logs = open_page(browser, base_url + feed_file(feed, fmt))

    assert browser.execute_script("return document.documentElement.localName") == ("feed" if fmt is
                                                                                   FeedFormat.ATOM else "rss")
    assert browser.execute_script("return document.styleSheets.length") == 1  # feed.css, applied
    assert VIEWER not in text
    assert "This is a web feed" in browser.execute_script(
        "return getComputedStyle(document.documentElement, '::before').content")
    lines = text.splitlines()
    assert lines[0] == feed.title
    for article in feed.entries:
        assert article.title in lines
        assert all(author.name in lines for author in article.authors)
        assert article.id not in text  # ids, links and the escaped HTML content stay hidden
    assert "<p>" not in text
    assert_no_xslt_warning(browser, text, logs)
    assert [entry for entry in logs if entry["level"] == "SEVERE" and "favicon" not in entry["message"]] == []


def test_without_the_stylesheet_chromium_shows_raw_xml(
    browser: Any, site: tuple[pipeline.BuildReport, str, Path],
) -> None:
    """The control: the check above can tell a styled feed from Chromium's XML tree viewer."""
    _, base_url, _ = site
    text, _ = open_page(browser, base_url.removesuffix("news/") + "unstyled.xml")
    assert VIEWER in text


def test_a_screenshot_of_a_styled_feed(browser: Any, site: tuple[pipeline.BuildReport, str, Path],
                                       tmp_path: Path) -> None:
    """Kept for a person to look at: FEEDS_SCREENSHOTS=DIR copies it there."""
    report, base_url, _ = site
    feed = next(f for f in report.feeds if f.kind is FeedKind.CATEGORY)
    browser.get(base_url + feed_file(feed, FeedFormat.ATOM))
    shot = tmp_path / "styled-feed.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    if target := os.environ.get("FEEDS_SCREENSHOTS"):
        shutil.copy(shot, Path(target) / shot.name)
