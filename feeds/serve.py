"""`feeds serve`: build, serve the output on localhost for a look in a browser, rebuild on change.

The handler looks the output folder up by name on every request and never holds
it open, so each atomic swap by `publish` is served from the next request on.
The articles folder is polled (names, sizes, mtimes) rather than watched: no
extra dependency, and the same on every system. The poll's sleep is the only
clock this module reads, and nothing of it reaches the feeds.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from feeds.cache import default_folder
from feeds.config import Settings
from feeds.errors import ConfigError, FeedsError

Signature = tuple[tuple[str, int, int], ...]


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 (the base class's own attribute)
        **SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/xml",
        ".json": "application/json",
        ".opml": "text/x-opml",
    }

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")  # a reload in the browser shows the rebuild
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: one line per rebuild is what the terminal shows."""


def preview_folder(settings: Settings) -> Path:
    """Where `feeds serve` builds by default: `.feeds-cache/preview/output`. Its pages link to
    the local server, so they are kept out of the output folder that gets published; its own
    build cache goes beside it, in `.feeds-cache/preview/`, apart from the real build's."""
    return default_folder(settings) / "preview" / "output"


def open_server(output: Path, *, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A server for `output` (not started); port 0 picks a free one."""
    handler = functools.partial(_Handler, directory=os.fspath(output.absolute()))
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as e:
        raise ConfigError(f"Cannot serve on {host}:{port}: {e.strerror}; choose another --port.") from e
    server.daemon_threads = True
    return server


def server_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/"


@contextlib.contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[str]:
    """Serve in a background thread; yields the server's URL, and stops and closes it on exit."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield server_url(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def signature(folder: Path) -> Signature:
    """What changes when an article is added, removed or edited: (path, size, mtime_ns) per file.

    Hidden files and folders (editors' swap files, `.git`) are left out.
    """
    found: list[tuple[str, int, int]] = []
    for root, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(root, name)
            with contextlib.suppress(OSError):  # removed while we looked: the next poll sees it
                info = path.stat()
                if stat.S_ISREG(info.st_mode):
                    found.append((path.relative_to(folder).as_posix(), info.st_size, info.st_mtime_ns))
    return tuple(found)


def serve(
    build: Callable[[str], object],
    output: Path,
    *,
    articles: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    poll_interval: float = 1.0,
    stop: threading.Event | None = None,
    log: Callable[[str], None] = print,
) -> None:
    """Serve `output` at http://host:port/ until `stop` is set (or Ctrl-C), rebuilding on change.

    `build(url)` is called with the server's own URL (so the pages link to the local
    server) first, then after every change to `articles`; its result is logged as one
    line. A rebuild that raises a `FeedsError` is logged and the previous output stays
    served; an error in the first build is raised.
    """
    stop = stop if stop is not None else threading.Event()
    with running(open_server(output, host=host, port=port)) as url:
        seen = signature(articles)  # before building: an edit during the build is rebuilt next
        log(f"Built: {build(url)}")
        log(f"Serving {output} at {url} (Ctrl-C to stop)")
        while not stop.wait(poll_interval):
            current = signature(articles)
            if current == seen:
                continue
            seen = current
            try:
                result = build(url)
            except FeedsError as e:
                log(f"Rebuild failed; still serving the previous output: {e}")
                continue
            log(f"Rebuilt: {result}")
