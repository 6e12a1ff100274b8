"""The build cache: what each article file parsed into, so that a rebuild parses only new or
changed files, and what it published, so that it renders only feeds and pages that changed.

Everything is keyed by what it depends on, never by when it was made:

- a parse result by the sha256 of the file's bytes, its path in the articles folder, and the
  *fingerprint*: every setting but the folders, the package version, a hash of the package's
  own source and data files, the versions of the libraries that shape the output, and the
  schema of this cache. A stale entry therefore cannot be found, only a current one;
- what a feed document or an article page was published as -- each file's path and sha256,
  not its bytes: those are in the output -- by what the document depends on (the
  fingerprint, the feed's own fields and its entries' parse keys and dates; the article's
  parse key and dates), so that an unchanged one is not rendered again.

A parse result is two rows with a CRC-32 each: the light part, read for every article to group
them (table `light`, small rows, many to a page), and the text, read only for what is rendered
(table `texts`), kept only for what later builds render (`feeds/spill.py`). Both are decoded
defensively: a row that fails either check is a miss (the file is parsed again), never an
error; a text found damaged when it is read is deleted, and its file parsed again
(`pipeline._Build.texts`). A database that cannot be opened or whose schema differs is deleted
and made again. The cache only ever holds what feeds wrote itself; it is as trusted as the
installed package.

The stamps of an articles folder, and what every key was published as, are each one value
(table `blobs`: marshal, with a CRC-32), read whole, and rows for what changed since it was
written (table `changes`): a build reads all of them or none, a full build changes most of them
(100,000 rows cost ten times more to write than one value of their bytes), and a rebuild a few
(which are rows, until there are `_CHANGES` of them; then the value is written again).

`stamps` are the one thing not keyed by content: path -> (size, mtime, ctime, inode,
content hash), so that a file whose stat is unchanged need not be read and hashed again
(git's index does the same). Only stamps of files last changed (mtime or ctime) more than two
seconds before the build began reading are kept: a file changed within the same clock tick as
its stamp was taken could otherwise keep a stamp that no longer fits its bytes.

Storage is one SQLite file per fingerprint, `<cache folder>/build-<fingerprint>.sqlite3`
(`database_name`; the two used last are kept); the default folder is `.feeds-cache` beside
the output folder. `Store.scratch()` is the same in a temporary folder, for `--no-cache`
builds: article bodies wait on disk, not in memory, either way.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import hashlib
import importlib.metadata
import marshal
import os
import shutil
import sqlite3
import struct
import sys
import tempfile
import zlib
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feeds
from feeds.config import Settings
from feeds.errors import Code, Diagnostic
from feeds.model import Article, Author, Category

SCHEMA = 8  # bump when the tables or the record layout change
DATABASE = "build.sqlite3"  # the name in a scratch folder; in the cache folder, `database_name`
_KEEP = 2  # databases kept in the cache folder: this build's, and the one used last before it
CACHE_FOLDER = ".feeds-cache"
_BATCH = 500  # keys per SELECT … IN (…): below every SQLite's variable limit
_FEW = 30_000  # light records looked up by key; more are read with the whole table (the same time at 100,000)
_RACY_NS = 2_000_000_000  # stamps this close to the last write are checked by content
_PATH_SETTINGS = frozenset({"articles", "output", "cache_dir"})  # where, not what
_LIBRARIES = ("feedgen", "python-dateutil", "tzdata", "lxml")


def default_folder(settings: Settings) -> Path:
    """The `cache_dir` setting, else `.feeds-cache` beside the output folder."""
    if settings.cache_dir is not None:
        return settings.cache_dir
    return settings.output.absolute().parent / CACHE_FOLDER


# --- Fingerprints and keys ------------------------------------------------------------------


def _value_text(value: object) -> str:
    if isinstance(value, Mapping):
        return repr(sorted((str(k), _value_text(v)) for k, v in value.items()))
    return repr(value)


def settings_text(settings: Settings) -> str:
    """Every setting that can change an output byte, as stable text (all but the folders)."""
    return "\n".join(f"{f.name}={_value_text(getattr(settings, f.name))}"
                     for f in fields(settings) if f.name not in _PATH_SETTINGS)


@functools.cache
def code_hash() -> str:
    """sha256 of the package's own files (so an edited checkout never reuses old results),
    the versions of the libraries and of the tz database that shape the output."""
    digest = hashlib.sha256()
    package = Path(feeds.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    for folder in zoneinfo.TZPATH:  # the system tz database wins over tzdata when present
        with contextlib.suppress(OSError), open(os.path.join(folder, "tzdata.zi"), "rb") as f:
            digest.update(f.readline())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def fingerprint(settings: Settings) -> bytes:
    """Everything besides an article's own bytes and path that its parse result depends on."""
    text = f"schema={SCHEMA}\nversion={feeds.__version__}\ncode={code_hash()}\n{settings_text(settings)}"
    return hashlib.sha256(text.encode("utf-8")).digest()


def database_name(fingerprint: bytes) -> str:
    """The database of the builds with this fingerprint. A change of settings or of the package
    makes every stored result stale at once: in a database of its own, they go with one
    unlink instead of row by row (about 10 s per 100,000 articles); and a preview with its
    own settings (`feeds serve`) keeps its database beside the site's."""
    return f"build-{fingerprint.hex()[:16]}.sqlite3"


def parse_key(fingerprint: bytes, name: str, content_hash: bytes) -> bytes:
    return hashlib.sha256(b"parse\0" + fingerprint + name.encode("utf-8") + b"\0" + content_hash).digest()


def content_hash(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# --- Records: one parse result as bytes, and back -----------------------------------------

_RECORD = 1
_MARSHAL = 2  # the newest format without back-references or interning: the same value, the same bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """One parse result, encoded: the light part (everything but the text), and the text.

    `light` decodes to an `Article` whose `summary` and `content_html` are empty: enough
    to group articles into feeds. `hydrate` puts the text back for what gets rendered.
    """

    light: bytes
    summary: bytes
    content: bytes

    def __reduce__(self) -> tuple[Any, tuple[bytes, bytes, bytes]]:
        # Every parse result crosses from a worker process: pickled as its three values, a
        # record costs 5 µs where a slotted dataclass's own state handling costs 15.
        return _record, (self.light, self.summary, self.content)


def _record(light: bytes, summary: bytes, content: bytes) -> Record:
    return Record(light=light, summary=summary, content=content)


def encode_time(moment: datetime) -> tuple[str, str, int]:
    if isinstance(moment.tzinfo, ZoneInfo) and moment.tzinfo.key:
        # An IANA zone is kept as such (wall time, zone, fold): the value comes back equal in every way.
        return moment.replace(tzinfo=None).isoformat(), moment.tzinfo.key, moment.fold
    return moment.isoformat(), "", 0


def decode_time(value: Any) -> datetime:
    text, zone, fold = value
    if zone:
        return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone), fold=fold)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive datetime in a cache record")
    if moment.tzinfo != UTC and moment.utcoffset() == UTC.utcoffset(None):
        moment = moment.replace(tzinfo=UTC)
    return moment


def encode_diagnostics(diagnostics: Iterable[Diagnostic]) -> tuple[tuple[str, str, int, str], ...]:
    return tuple((str(d.code), d.file, d.line, d.message) for d in diagnostics)


_CODES = {str(code): code for code in Code}  # a dict lookup is much cheaper than Code(value)


def decode_diagnostics(values: Iterable[Any]) -> tuple[Diagnostic, ...]:
    if not values:
        return ()
    return tuple(Diagnostic(code=_CODES[code], file=str(file), line=int(line), message=str(message))
                 for code, file, line, message in values)


def encode(article: Article | None, diagnostics: Sequence[Diagnostic]) -> Record:
    diags = encode_diagnostics(diagnostics)
    if article is None:
        return Record(light=marshal.dumps((_RECORD, None, diags), _MARSHAL), summary=b"", content=b"")
    fields_ = (
        article.id, article.source, article.title, article.link,
        encode_time(article.published), encode_time(article.updated), article.language,
        tuple((a.name, a.is_organization, a.line) for a in article.authors),
        (article.category.name, article.category.line), tuple(article.bio),
    )
    return Record(light=marshal.dumps((_RECORD, fields_, diags), _MARSHAL),
                  summary=article.summary.encode("utf-8"), content=article.content_html.encode("utf-8"))


def decode_light(light: bytes, *, summary: str = "", content_html: str = "") -> tuple[
        Article | None, tuple[Diagnostic, ...]]:
    """The record's article (with the text given, else none), and its diagnostics. Raises
    ValueError (or another Exception) for anything that is not a record this version wrote."""
    version, fields_, diags = marshal.loads(light)  # noqa: S302 - our own bytes, CRC-checked
    if version != _RECORD:
        raise ValueError("another record version")
    diagnostics = decode_diagnostics(diags)
    if fields_ is None:
        return None, diagnostics
    (id_, source, title, link, published, updated, language, authors, category, bio) = fields_
    published_at = decode_time(published)
    article = Article(
        id=id_, source=source, title=title, link=link, published=published_at,
        updated=published_at if updated == published else decode_time(updated), language=language,
        authors=_authors(authors), category=_category(category),
        summary=summary, content_html=content_html, bio=tuple(map(str, bio)) if bio else (),
    )
    for text in (id_, source, title, link, language, category[0]):
        if not isinstance(text, str):
            raise TypeError("a text field is not text")
    return article, diagnostics


# A rebuild decodes every article's record; the same few hundred bylines and categories (at the
# same lines) recur across them, and they are frozen values, so each is made once and shared.
@functools.lru_cache(maxsize=1 << 16)
def _authors(values: tuple[tuple[str, bool, int], ...]) -> tuple[Author, ...]:
    return tuple(Author(name=n, is_organization=bool(o), line=int(line)) for n, o, line in values)


@functools.lru_cache(maxsize=1 << 12)
def _category(value: tuple[str, int]) -> Category:
    return Category(name=value[0], line=int(value[1]))


# --- The store ------------------------------------------------------------------------------


class PublishedFiles:
    """key -> (path, sha256 hex) of each file last published for it. A rebuild of 100,000 articles
    looks up every page, so the rows stay text as SQLite gives them until one is asked for."""

    def __init__(self, rows: dict[bytes, str]) -> None:
        self._rows = rows

    def get(self, key: bytes | None) -> tuple[tuple[str, str], ...] | None:
        """The files of `key`; None for a key not stored, or stored damaged (a wrong digest
        only costs a render: publish checks it against the files it has)."""
        text = self._rows.get(key) if key is not None else None
        if not isinstance(text, str) or not text.endswith("\n"):
            return None
        files = []
        for line in text[:-1].split("\n"):
            digest, _, path = line.partition(" ")
            if len(digest) != 64 or not path:
                return None
            files.append((path, digest))
        return tuple(files)



class CacheError(Exception):
    """The store failed under us (a corrupt database, a full disk): the build starts again
    without it. Never shown to a person as such."""

    def __init__(self, message: str, *, corrupt: bool) -> None:
        super().__init__(message)
        self.corrupt = corrupt  # the database itself is damaged: delete it

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in a worker process, it comes back through a pickle: `corrupt` is keyword-only.
        return functools.partial(CacheError, corrupt=self.corrupt), (str(self),)


Stamp = tuple[int, int, int, int]
"""What `stat` says about a file -- (size, mtime_ns, ctime_ns, inode): while all of it is
unchanged, so are the file's bytes."""


def stamp_of(result: os.stat_result) -> Stamp:
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino)


_PACKED_STAMP = struct.Struct("<QqqQ")  # a stamp as stored, followed by the file's sha256
_HASH_SIZE = 32
_STAMPED = _PACKED_STAMP.size + _HASH_SIZE
_CHANGES = 5_000  # rows of changes kept beside a stored dict (`Store._change`); more: it is written again


def remembered_hash(remembered: bytes | None, stamp: Stamp) -> bytes | None:
    """The content hash a `Store.stamps` value holds, if it was remembered with this `stamp`."""
    if remembered is None or remembered[:_PACKED_STAMP.size] != _PACKED_STAMP.pack(*stamp):
        return None
    return remembered[_PACKED_STAMP.size:]


def settled(stamp: Stamp, scan_started_ns: int) -> bool:
    """Last changed well before the scan began, so any later change shows in the stamp.
    (A change in the same clock tick as the stamp was taken would not.)"""
    return max(stamp[1], stamp[2]) < scan_started_ns - _RACY_NS


_TABLES = """
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS light(key BLOB PRIMARY KEY, crc INTEGER NOT NULL, light BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS texts(key BLOB PRIMARY KEY, crc INTEGER NOT NULL, summary BLOB NOT NULL,
                                 content BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS blobs(name TEXT PRIMARY KEY, crc INTEGER NOT NULL, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS changes(name TEXT NOT NULL, key NOT NULL, value, PRIMARY KEY(name, key));
"""


@contextlib.contextmanager
def _guarded() -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as e:  # locked, full, read-only: the file itself is fine
        raise CacheError(f"the build cache cannot be used: {e}", corrupt=False) from e
    except sqlite3.Error as e:
        raise CacheError(f"the build cache is damaged: {e}", corrupt=True) from e


class Store:
    """Parse results, what was published, file stamps and the last build of each output.

    `Store.open(folder, fingerprint)` is the persistent cache, `Store.scratch()` a throwaway one in a
    temporary folder; close either (or use it as a context manager). Every method raises
    `CacheError` and nothing else when the database fails.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path, *, persistent: bool) -> None:
        self._db = connection
        self.path = path
        self.persistent = persistent

    @property
    def folder(self) -> Path:
        return self.path.parent

    # -- opening and closing ---------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path, fingerprint: bytes) -> Store:
        """The cache in `folder` for builds with this `fingerprint`. One that is damaged or of
        another schema is deleted and made anew; where the folder cannot be written, a scratch
        store stands in. Of the databases of other fingerprints, the one used last is kept."""
        path = folder / database_name(fingerprint)
        for attempt in range(2):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                store = cls(_connect(path, durable=True), path, persistent=True)
            except sqlite3.OperationalError:
                break  # locked for a minute, read-only, …: leave the file alone
            except (sqlite3.Error, ValueError):
                if attempt == 0:
                    delete_database(path)
            except OSError:
                break
            else:
                _keep_recent(folder, path)
                return store
        return cls.scratch()

    @classmethod
    def scratch(cls) -> Store:
        folder = Path(tempfile.mkdtemp(prefix="feeds-scratch-"))
        try:
            with _guarded():
                return cls(_connect(folder / DATABASE, durable=False), folder / DATABASE, persistent=False)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        if self.persistent:  # used until now: `_keep_recent` keeps the databases used last
            with contextlib.suppress(OSError):
                os.utime(self.path)
        if not self.persistent:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def commit(self) -> None:
        with _guarded():
            self._db.commit()

    def scan_started(self) -> int:
        """The file system's time now (a marker file is touched and read back), in ns: what
        stamps are compared with. It never reaches the output."""
        marker = self.folder / "scan-marker"
        try:
            marker.write_bytes(b"")
            return marker.stat().st_mtime_ns
        except OSError:
            return 0  # no stamp is trusted

    # -- stamps ------------------------------------------------------------------------------

    def stamps(self, root: str) -> dict[str, bytes]:
        """name -> the stamp and content hash of each file seen under `root` by earlier builds,
        packed (`remembered_hash` reads them): a build reads one per article file, so they
        stay bytes, not tuples made in Python."""
        stamps = self._values(f"stamps\0{root}")
        return {name: value for name, value in stamps.items()
                if isinstance(name, str) and isinstance(value, bytes) and len(value) == _STAMPED}

    def save_stamps(self, root: str, changed: Mapping[str, tuple[Stamp, bytes]], gone: Iterable[str]) -> None:
        """Remember the stamps of the files under `root` that are new or `changed`; forget those `gone`."""
        changes: dict[Any, Any] = dict.fromkeys(gone)
        changes.update((name, _PACKED_STAMP.pack(*stamp) + digest) for name, (stamp, digest) in changed.items())
        self._change(f"stamps\0{root}", changes)

    # -- parse results -------------------------------------------------------------------------

    def light(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """key -> light record, for the keys whose light part is whole. (The light parts are a
        table of their own, a few per page, apart from the text: reading them all costs little.)"""
        wanted = set(keys)
        if not wanted:
            return {}
        with _guarded():
            if len(wanted) <= _FEW:
                batches = (self._db.execute(f"SELECT key, crc, light FROM light WHERE key IN ({_marks(b)})", b)  # noqa: S608
                           for b in _batches(list(wanted)))
                return {key: light for rows in batches for key, crc, light in rows
                        if isinstance(light, bytes) and zlib.crc32(light) == crc}
            rows = self._db.execute("SELECT key, crc, light FROM light")
            return {key: light for key, crc, light in rows
                    if key in wanted and isinstance(light, bytes) and zlib.crc32(light) == crc}

    def texts(self, keys: Sequence[bytes]) -> dict[bytes, tuple[str, str]]:
        """key -> (summary, content_html) of the keys whose text is there and whole. The store
        keeps the text of only some articles (`put_texts`); a damaged one is deleted. The
        caller parses the files of the others again."""
        with _guarded():
            found, damaged = _whole_texts(self._db, keys)
            if damaged:
                self._db.executemany("DELETE FROM texts WHERE key = ?", ((key,) for key in damaged))
        return found

    def has_parsed(self) -> bool:
        """Whether the store holds any parse result at all (else hashing files to look them up is wasted)."""
        with _guarded():
            return self._db.execute("SELECT 1 FROM light LIMIT 1").fetchone() is not None

    def put(self, entries: Sequence[tuple[bytes, Record]]) -> None:
        """Parse results, light part and text."""
        self.put_light(entries)
        self.put_texts((key, r.summary, r.content) for key, r in entries)

    def put_light(self, entries: Sequence[tuple[bytes, Record]]) -> None:
        """The light part of parse results: what grouping needs, found by `light`."""
        self.put_lights((key, r.light) for key, r in entries)

    def put_lights(self, lights: Iterable[tuple[bytes, bytes]]) -> None:
        """(parse key, light record) of parse results (`put_light`)."""
        with _guarded():
            _insert_lights(self._db, lights)

    def put_texts(self, texts: Iterable[tuple[bytes, bytes, bytes]]) -> None:
        """(key, summary, content) of articles whose light part is stored: what `texts` finds."""
        with _guarded():
            _insert_texts(self._db, texts)

    # -- what feed documents and article pages were published as -------------------------------

    def published(self) -> PublishedFiles:
        """What every key stored was last published as (`put_published`)."""
        return PublishedFiles(self._values("published"))

    def put_published(self, files: Iterable[tuple[bytes, str, str]]) -> None:
        """Remember (key, path, sha256 hex) of each file just published: all the files of a key at once."""
        by_key: dict[bytes, list[str]] = {}
        for key, path, digest in files:
            by_key.setdefault(key, []).append(f"{digest} {path}\n")
        self._change("published", {key: "".join(lines) for key, lines in by_key.items()})

    # -- values read and written whole --------------------------------------------------------

    def _values(self, name: str) -> dict[Any, Any]:
        """The dict stored as `name`: its value, with the changes since (a None value: gone)."""
        values = self._blob(name)
        with _guarded():
            _apply(values, self._db.execute("SELECT key, value FROM changes WHERE name = ?", (name,)))
        return values

    def _change(self, name: str, changes: Mapping[Any, Any]) -> None:
        """Set these keys of the dict stored as `name` (a None value: remove the key)."""
        if not changes:
            return
        with _guarded():
            (count,) = self._db.execute("SELECT count(*) FROM changes WHERE name = ?", (name,)).fetchone()
            if count + len(changes) <= _CHANGES:
                self._db.executemany("INSERT OR REPLACE INTO changes VALUES (?, ?, ?)",
                                     ((name, key, value) for key, value in changes.items()))
                return
        values = self._values(name)
        _apply(values, changes.items())
        self._put_blob(name, values)

    def _blob(self, name: str) -> dict[Any, Any]:
        """The dict stored as `name`, without the changes since; empty when there is none, or it
        is damaged."""
        with _guarded():
            row = self._db.execute("SELECT crc, value FROM blobs WHERE name = ?", (name,)).fetchone()
        if row is None or not isinstance(row[1], bytes) or zlib.crc32(row[1]) != row[0]:
            return {}
        try:
            value = marshal.loads(row[1])  # noqa: S302 - our own bytes, CRC-checked
        except (ValueError, EOFError, TypeError):
            return {}
        return value if isinstance(value, dict) else {}

    def _put_blob(self, name: str, value: dict[Any, Any]) -> None:
        """Store `value` whole as `name`: the changes before it are in it."""
        data = marshal.dumps(value, _MARSHAL)
        with _guarded():
            self._db.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)", (name, zlib.crc32(data), data))
            self._db.execute("DELETE FROM changes WHERE name = ?", (name,))

    # -- the last build of an output ------------------------------------------------------------

    def last_build(self, output: str) -> Any:
        """What `save_build` stored for `output` (marshal data), or None."""
        try:
            with open(self._build_file(output), "rb") as f:
                data = f.read()
        except OSError:
            return None
        if len(data) < 4 or zlib.crc32(data[4:]) != int.from_bytes(data[:4], "little"):
            return None
        try:
            return marshal.loads(data[4:])  # noqa: S302 - our own bytes, CRC-checked
        except (ValueError, EOFError, TypeError):
            return None

    def has_build(self, output: str) -> bool:
        """Whether `save_build` stored something for `output` (not read, nor checked)."""
        return os.path.isfile(self._build_file(output))

    def save_build(self, output: str, record: bytes) -> None:
        """Keep `record` (`build_record`) for the next build of `output`: a file beside the
        database, not a row in it (tens of MB at 100,000 articles, which a transaction would
        copy to its journal and flush). A file lost in a power cut, or half written, fails its
        CRC: no shortcut."""
        path = self._build_file(output)
        staged = f"{path}.{os.getpid()}"
        try:
            with open(staged, "wb") as f:
                f.write(record)
            os.replace(staged, path)
        except OSError as e:
            with contextlib.suppress(OSError):
                os.unlink(staged)
            raise CacheError(f"cannot keep the build's record: {e}", corrupt=False) from e

    @staticmethod
    def build_record(value: Any) -> bytes:
        """`value` (marshal data) as `save_build` keeps it and `last_build` reads it back."""
        data = marshal.dumps(value, _MARSHAL)
        return zlib.crc32(data).to_bytes(4, "little") + data

    def forget_build(self, output: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._build_file(output))

    def _build_file(self, output: str) -> str:
        return f"{self.path}.{hashlib.sha256(output.encode()).hexdigest()[:16]}.last"

    # -- garbage ------------------------------------------------------------------------------

    def collect(self, parse_keys: Iterable[bytes], published_keys: Iterable[bytes]) -> None:
        """Keep the cache near the size one build needs: when a table holds more than twice
        the keys this build used (and some slack), every row this build did not use goes."""
        live = set(published_keys)
        published = self._values("published")
        if len(published) > 2 * len(live) + 1000:
            self._put_blob("published", {key: files for key, files in published.items() if key in live})
        with _guarded():
            parsed = list(parse_keys)
            for table, keys in (("light", parsed), ("texts", parsed)):
                (count,) = self._db.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
                if count <= 2 * len(keys) + 1000:
                    continue
                self._db.execute("CREATE TEMP TABLE IF NOT EXISTS live_keys(key BLOB PRIMARY KEY)")
                self._db.execute("DELETE FROM live_keys")
                self._db.executemany("INSERT OR IGNORE INTO live_keys VALUES (?)", ((k,) for k in keys))
                self._db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM live_keys)")  # noqa: S608


def _apply(values: dict[Any, Any], changes: Iterable[tuple[Any, Any]]) -> None:
    """Set each (key, value) of `changes` in `values`; a None value removes the key."""
    for key, value in changes:
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value


def put_parsed_at(path: Path, *, durable: bool, lights: Iterable[tuple[bytes, bytes]],
                  texts: Iterable[tuple[bytes, bytes, bytes]]) -> None:
    """`Store.put_lights` and `Store.put_texts` into the store at `path` (`Store.path`) through a
    connection of its own, committed: from another thread or process, while the store's own
    connection does not write."""
    with _guarded():
        db = _connect(path, durable=durable)
        try:
            _insert_lights(db, lights)
            _insert_texts(db, texts)
            db.commit()
        finally:
            db.close()


def _insert_lights(db: sqlite3.Connection, lights: Iterable[tuple[bytes, bytes]]) -> None:
    db.executemany("INSERT OR REPLACE INTO light VALUES (?, ?, ?)",
                   ((key, zlib.crc32(light), light) for key, light in lights))


def _insert_texts(db: sqlite3.Connection, texts: Iterable[tuple[bytes, bytes, bytes]]) -> None:
    db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?, ?)",
                   ((key, zlib.crc32(content, zlib.crc32(summary)), summary, content)
                    for key, summary, content in texts))


def _whole_texts(db: sqlite3.Connection, keys: Sequence[bytes]) -> tuple[dict[bytes, tuple[str, str]], list[bytes]]:
    """key -> (summary, content_html) of the keys whose text is there and passes its checks;
    and the keys whose text is there and does not."""
    found: dict[bytes, tuple[str, str]] = {}
    damaged: list[bytes] = []
    for batch in _batches(keys):
        query = f"SELECT key, crc, summary, content FROM texts WHERE key IN ({_marks(batch)})"  # noqa: S608
        for key, crc, summary, content in db.execute(query, batch):
            if isinstance(summary, bytes) and isinstance(content, bytes) \
                    and zlib.crc32(content, zlib.crc32(summary)) == crc:
                with contextlib.suppress(UnicodeDecodeError):
                    found[key] = (summary.decode("utf-8"), content.decode("utf-8"))
                    continue
            damaged.append(key)
    return found, damaged


def _connect(path: Path, *, durable: bool) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=60)
    try:
        if durable:
            # A rollback journal, not WAL: most of what a build writes is new rows on new
            # pages, which a rollback journal does not copy, where WAL writes every page twice
            # (to the log, then into the database): 450 MB of text at 100,000 articles, and a
            # third of the CPU of storing it. Another build that shares the cache waits for a
            # transaction to end (`timeout`). A power cut at the wrong moment may damage the
            # file: a damaged cache is deleted and made again (`Store.open`, pipeline._run).
            db.execute("PRAGMA journal_mode=TRUNCATE")
            db.execute("PRAGMA synchronous=NORMAL")
        else:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
        db.executescript(_TABLES)
        row = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        if row is None:
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            db.commit()
        elif row[0] != str(SCHEMA):
            raise ValueError(f"cache schema {row[0]}, not {SCHEMA}")
    except BaseException:
        db.close()
        raise
    return db


def delete_database(path: Path) -> None:
    """Remove the cache database `path` and its journal files, nothing else."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")
    for last in path.parent.glob(f"{glob.escape(path.name)}.*.last"):  # `Store.save_build`
        with contextlib.suppress(OSError):
            last.unlink()


def _keep_recent(folder: Path, current: Path) -> None:
    """Mark `current` as used now; delete the databases of `folder` beyond the `_KEEP` used last."""
    with contextlib.suppress(OSError):
        os.utime(current)
    used: list[tuple[int, Path]] = []
    for path in folder.glob("build*.sqlite3"):
        with contextlib.suppress(OSError):
            used.append((path.stat().st_mtime_ns, path))
    others = sorted((p for p in used if p[1] != current), reverse=True)
    for _, path in others[_KEEP - 1:]:
        delete_database(path)


def _batches(keys: Sequence[bytes]) -> Iterator[Sequence[bytes]]:
    for start in range(0, len(keys), _BATCH):
        yield keys[start:start + _BATCH]


def _marks(batch: Sequence[object]) -> str:
    return ",".join("?" * len(batch))
