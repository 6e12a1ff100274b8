"""WebSub: tell the hub which feeds changed, so that subscribers hear of it at once.

WebSub (W3C Recommendation, section 7) leaves the publisher-to-hub request to
the hub; every common hub takes the PubSubHubbub form: a form-encoded POST with
`hub.mode=publish` and the topic URL as `hub.url` (older hubs) or `hub.topic`
(newer ones). We send both, with the same URL, one request per topic: a hub that
rejects one topic does not lose the others. Any 2xx is success; connection
errors, timeouts, 429 and 5xx are retried with a growing pause; other answers
fail at once.

What was pinged is remembered in `pinged.json` in the build cache folder
(`cache.default_folder`: the `cache_dir` setting, else `.feeds-cache` beside the
output): public URL -> sha256 of the bytes the hub was told about. It cannot live
in the output folder, which every build replaces wholesale. `changed_feeds` compares it
with the publish manifest, and only topics the hub accepted are recorded, so a
failed ping is sent again next time.
"""

from __future__ import annotations

import http.client
import json
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode, urlsplit

from feeds.errors import InputError, PublishError
from feeds.publish import MANIFEST, read_manifest

FEED_FILES = frozenset({"atom.xml", "rss.xml", "feed.json"})
STATE_FILE = "pinged.json"
_STATE_FORMAT = 1
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_PAUSE = 60.0
_USER_AGENT = "feeds (WebSub publisher)"


@dataclass(frozen=True, slots=True, kw_only=True)
class TopicResult:
    topic: str
    ok: bool
    status: int | None  # the hub's last HTTP status; None when no answer came
    reason: str  # the hub's reason phrase, or why no answer came
    attempts: int

    def __str__(self) -> str:
        answer = f"HTTP {self.status} {self.reason}".rstrip() if self.status is not None else self.reason
        tries = "" if self.attempts == 1 else f" after {self.attempts} attempts"
        return f"{'pinged' if self.ok else 'FAILED'} {self.topic} ({answer}{tries})"


@dataclass(frozen=True, slots=True, kw_only=True)
class PingReport:
    hub: str
    results: tuple[TopicResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def pinged(self) -> tuple[str, ...]:
        return tuple(r.topic for r in self.results if r.ok)

    @property
    def failed(self) -> tuple[TopicResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    def summary(self) -> str:
        if not self.results:
            return f"No feed changed since the last ping; nothing sent to {self.hub}."
        count = len(self.results)
        return f"{count - len(self.failed)} of {count} feed{'s' if count != 1 else ''} pinged at {self.hub}."


def ping(
    hub: str,
    topics: Sequence[str],
    *,
    attempts: int = 3,
    backoff: float = 1.0,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> PingReport:
    """Notify `hub` that each of `topics` changed. Never raises for what the hub or network does.

    A retried request waits `backoff`, then twice that, and so on (or the hub's
    `Retry-After` seconds when it gives them, up to a minute).
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    if urlsplit(hub).scheme not in ("http", "https"):
        raise ValueError(f"the hub must be an http(s) URL, not {hub!r}")
    return PingReport(hub=hub, results=tuple(
        _ping_topic(hub, topic, attempts=attempts, backoff=backoff, timeout=timeout, sleep=sleep)
        for topic in topics
    ))


def _ping_topic(hub: str, topic: str, *, attempts: int, backoff: float, timeout: float,
                sleep: Callable[[float], None]) -> TopicResult:
    body = urlencode({"hub.mode": "publish", "hub.url": topic, "hub.topic": topic}).encode("ascii")
    result = TopicResult(topic=topic, ok=False, status=None, reason="not sent", attempts=0)
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(  # noqa: S310 (http(s) checked in ping)
            hub, data=body, method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": _USER_AGENT})
        pause = backoff * 2 ** (attempt - 1)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) checked in ping)
                response.read()
                return TopicResult(topic=topic, ok=True, status=response.status, reason=response.reason,
                                   attempts=attempt)
        except urllib.error.HTTPError as e:
            with e:
                result = TopicResult(topic=topic, ok=False, status=e.code, reason=str(e.reason), attempts=attempt)
                if e.code not in _RETRY_STATUS:
                    return result
                pause = _retry_after(e.headers.get("Retry-After"), pause)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
            reason = e.reason if isinstance(e, urllib.error.URLError) else str(e) or type(e).__name__
            result = TopicResult(topic=topic, ok=False, status=None, reason=f"no answer: {reason}", attempts=attempt)
        if attempt < attempts:
            sleep(pause)
    return result


def _retry_after(value: str | None, default: float) -> float:
    """The hub's `Retry-After` when it is a number of seconds (capped), else our own pause."""
    if value is not None and value.strip().isdigit():
        return min(float(value.strip()), _MAX_PAUSE)
    return default


def state_path(state_dir: Path) -> Path:
    """Where the pinged state is kept inside the build cache folder `state_dir`."""
    return state_dir / STATE_FILE


def feed_digests(output: Path, base_url: str) -> dict[str, str]:
    """Public URL -> sha256 of every feed file (atom.xml, rss.xml, feed.json) of the last build."""
    return {
        base_url + path: digest
        for path, digest in sorted(read_manifest(output).items())
        if PurePosixPath(path).name in FEED_FILES
    }


def read_pinged(state_dir: Path) -> dict[str, str]:
    """Public URL -> sha256 the hub was last told about; empty when there is no state."""
    try:
        data = json.loads(state_path(state_dir).read_text("utf-8"))
        topics = data["topics"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {str(k): str(v) for k, v in topics.items()} if isinstance(topics, dict) else {}


def changed_feeds(output: Path, base_url: str, *, state_dir: Path) -> list[str]:
    """The public URLs of feed files whose bytes the hub has not been told about yet."""
    return _changed(feed_digests(output, base_url), read_pinged(state_dir))


def _changed(digests: Mapping[str, str], pinged: Mapping[str, str]) -> list[str]:
    return [url for url, digest in digests.items() if pinged.get(url) != digest]


def record_pinged(state_dir: Path, digests: Mapping[str, str], topics: Iterable[str]) -> None:
    """Remember `topics` as pinged with their `digests`; forget feeds that are gone."""
    state = {url: d for url, d in read_pinged(state_dir).items() if url in digests}
    state.update({url: digests[url] for url in topics})
    path = state_path(state_dir)
    document = {"format": _STATE_FORMAT, "topics": dict(sorted(state.items()))}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{STATE_FILE}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(json.dumps(document, indent=1) + "\n")
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise PublishError(f"The hub was pinged, but what was pinged cannot be recorded in {path}: "
                           f"{e.strerror}; the next ping sends those feeds again.", path=path) from e


def ping_changed(
    output: Path,
    base_url: str,
    hub: str,
    *,
    state_dir: Path,
    attempts: int = 3,
    backoff: float = 1.0,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> PingReport:
    """Ping `hub` for every feed of `output` that changed since the last ping, and record those it took.

    The digests are read once, before pinging: a build that lands meanwhile is pinged next time.
    """
    if not (output / MANIFEST).is_file():
        raise InputError(f"{output} holds no build of feeds (no {MANIFEST}); run `feeds build` first.")
    digests = feed_digests(output, base_url)
    topics = _changed(digests, read_pinged(state_dir))
    report = ping(hub, topics, attempts=attempts, backoff=backoff, timeout=timeout, sleep=sleep)
    if topics:
        record_pinged(state_dir, digests, report.pinged)
    return report
