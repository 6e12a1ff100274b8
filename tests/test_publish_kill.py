"""A build killed at any moment (SIGKILL, no cleanup of any kind) leaves the previous output
exactly as it was, or the complete new one once the swap is done; the next build succeeds
and removes what the killed one left. Disk full: the same, with an error.

Each build runs in a child interpreter. The deterministic kill points are made by the
test's own driver (DRIVER below), which wraps one step of `feeds.publish` so that the
process kills itself right there: nothing in the package knows about these tests. A
timing sweep then kills plain builds from outside at several moments.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feeds import pipeline
from feeds.cache import CACHE_FOLDER
from feeds.publish import MANIFEST, _recover
from tests.conftest import REPO, make_settings, snapshot
from tests.corpus import generate

DRIVER = r"""
import errno, os, pathlib, signal, sys, tempfile
import feeds.publish as publish
from feeds import pipeline
from feeds.cache import CACHE_FOLDER
from tests.conftest import make_settings

stage, articles, output = sys.argv[1:4]
calls = {"write": 0, "rename": 0}

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def after(function, then):
    def wrapped(*args, **kwargs):
        result = function(*args, **kwargs)
        then()
        return result
    return wrapped

def before(function, first):
    def wrapped(*args, **kwargs):
        first()
        return function(*args, **kwargs)
    return wrapped

write_bytes, rename = pathlib.Path.write_bytes, pathlib.Path.rename

def counted(function):
    # Every file of the new tree is either written or hard-linked from the old one.
    def wrapped(*args):
        calls["write"] += 1
        if calls["write"] == 100:
            if stage == "writing":
                die()
            if stage == "disk-full":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return function(*args)
    return wrapped

def manifest_write(self, *args, **kwargs):
    if self.name == publish.MANIFEST:
        die()
    return write_bytes(self, *args, **kwargs)

def counted_rename(self, target):
    result = rename(self, target)
    calls["rename"] += 1
    if stage == f"fallback-{calls['rename']}":
        die()
    return result

if stage == "staging-created":
    publish.tempfile = type(tempfile)("tempfile")
    publish.tempfile.mkdtemp = after(tempfile.mkdtemp, die)
elif stage == "spare-writing":  # the first file written into the spare
    publish._write_file = before(publish._write_file, die)
elif stage in ("writing", "disk-full"):
    publish._write_file = counted(publish._write_file)
    publish._Linker.link = counted(publish._Linker.link)
elif stage == "manifest":
    pathlib.Path.write_bytes = manifest_write
elif stage == "before-swap":
    publish._swap = before(publish._swap, die)
elif stage == "after-swap":
    publish._swap = after(publish._swap, die)
elif stage.startswith("fallback"):  # fallback-N dies after the Nth rename; plain "fallback" never
    publish._exchange = lambda a, b: False
    pathlib.Path.rename = counted_rename
elif stage != "none":
    raise SystemExit(f"unknown stage {stage}")

try:
    pipeline.build(make_settings(pathlib.Path(articles), pathlib.Path(output)))
except publish.PublishError as e:
    print(e, file=sys.stderr)
    raise SystemExit(3)
"""

KILLED = -signal.SIGKILL


def beside(output: Path) -> list[str]:
    """What else is in the output's parent folder: staging leftovers (the build cache and the
    spare, the output before last, are expected)."""
    return sorted(p.name for p in output.parent.iterdir()
                  if p.name not in ("output", ".output.spare", CACHE_FOLDER, "tmp"))


def run(stage: str, articles: Path, output: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", DRIVER, stage, str(articles), str(output)],
                          cwd=REPO, capture_output=True, text=True, timeout=60, check=False, env=killable(output))


def killable(output: Path) -> dict[str, str]:
    """The environment of a build that may be killed: what it leaves in the temporary folder
    (multiprocessing's, for one) goes beside its output, not into the machine's /tmp."""
    temporary = output.parent / "tmp"
    temporary.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "TMPDIR": str(temporary)}


class Site:
    """The old articles and their output, and the new articles and the output they must give."""

    def __init__(self, root: Path) -> None:
        self.old_articles = root / "old-articles"
        self.new_articles = root / "new-articles"
        generate(self.old_articles, 150, seed=5)
        shutil.copytree(self.old_articles, self.new_articles)
        for path in sorted(self.new_articles.rglob("*.txt"))[::7]:
            path.unlink()  # some articles are gone...
        generate(self.new_articles / "added", 20, seed=6)  # ...and some are new
        self.old_output = root / "old"
        self.new_output = root / "new"
        pipeline.build(make_settings(self.old_articles, self.old_output))
        pipeline.build(make_settings(self.new_articles, self.new_output))
        self.old = snapshot(self.old_output)
        self.new = snapshot(self.new_output)
        assert self.old != self.new

    def deploy(self, where: Path) -> Path:
        """A site whose output folder holds the old build."""
        output = where / "site" / "output"
        # Hard links: quick, and safe, since a build never writes into a file of the old tree.
        shutil.copytree(self.old_output, output, copy_function=os.link)
        return output

    def rebuild_cleans_up(self, output: Path) -> None:
        report = pipeline.build(make_settings(self.new_articles, output))
        assert report.published > 0
        assert snapshot(output) == self.new
        assert beside(output) == []


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return Site(tmp_path_factory.mktemp("kill"))


@pytest.mark.parametrize("stage", ["staging-created", "writing", "manifest", "before-swap"])
def test_killed_before_the_swap_leaves_the_old_output(site: Site, tmp_path: Path, stage: str) -> None:
    output = site.deploy(tmp_path)
    result = run(stage, site.new_articles, output)
    assert result.returncode == KILLED, result.stderr
    assert snapshot(output) == site.old
    assert all(name.startswith(".output.new-") for name in beside(output))
    site.rebuild_cleans_up(output)


def test_killed_while_bringing_the_spare_up_to_date(site: Site, tmp_path: Path) -> None:
    """The spare is the output before last: a kill while it is rewritten leaves the output as it
    was, and the next build, which cannot trust that spare any more, publishes the right tree."""
    output = site.deploy(tmp_path)
    site.rebuild_cleans_up(output)  # output: the new build; spare: the old one
    third = tmp_path / "third-articles"
    shutil.copytree(site.new_articles, third)
    first = sorted(third.rglob("*.txt"))[0]
    first.write_text(first.read_text("utf-8") + "\nOne more paragraph, added later.\n", "utf-8")
    expected = tmp_path / "expected"
    pipeline.build(make_settings(third, expected))

    assert run("spare-writing", third, output).returncode == KILLED
    assert snapshot(output) == site.new
    report = pipeline.build(make_settings(third, output))
    assert report.published > 0
    assert snapshot(output) == snapshot(expected)
    assert snapshot(output.with_name(".output.spare")) == site.new


def test_killed_after_the_swap_leaves_the_whole_new_output(site: Site, tmp_path: Path) -> None:
    output = site.deploy(tmp_path)
    assert run("after-swap", site.new_articles, output).returncode == KILLED
    assert snapshot(output) == site.new
    site.rebuild_cleans_up(output)


def test_without_an_atomic_exchange_a_kill_between_the_renames_is_mended(site: Site, tmp_path: Path) -> None:
    """The fallback for systems without RENAME_EXCHANGE: output -> .output.old, staging -> output."""
    output = site.deploy(tmp_path)
    assert run("fallback-1", site.new_articles, output).returncode == KILLED
    assert not output.exists()  # the one moment the fallback has no output; the next build mends it
    assert snapshot(output.with_name(".output.old")) == site.old
    _recover(output)
    assert snapshot(output) == site.old
    site.rebuild_cleans_up(output)

    for renames in (2, 3):  # the new tree is in place; the old one is set aside or in staging
        output = site.deploy(tmp_path / str(renames))
        assert run(f"fallback-{renames}", site.new_articles, output).returncode == KILLED
        assert snapshot(output) == site.new
        site.rebuild_cleans_up(output)


def test_the_fallback_publishes_like_the_exchange(site: Site, tmp_path: Path) -> None:
    output = site.deploy(tmp_path)
    result = run("fallback", site.new_articles, output)
    assert result.returncode == 0, result.stderr
    assert snapshot(output) == site.new
    assert beside(output) == []


def test_a_full_disk_leaves_the_old_output_and_says_so(site: Site, tmp_path: Path) -> None:
    output = site.deploy(tmp_path)
    result = run("disk-full", site.new_articles, output)
    assert result.returncode == 3
    assert "No space left on device" in result.stderr
    assert snapshot(output) == site.old
    assert beside(output) == []


def test_killed_from_outside_at_any_moment(site: Site, tmp_path: Path) -> None:
    """SIGKILL a plain build at several moments after its staging folder appears."""
    outcomes = []
    for n, delay in enumerate((0.0, 0.01, 0.05, 0.2)):
        output = site.deploy(tmp_path / str(n))
        child = subprocess.Popen([sys.executable, "-c", DRIVER, "none", str(site.new_articles), str(output)],
                                 cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=killable(output))
        deadline = time.monotonic() + 30
        while not any(output.parent.glob(".output.new-*")) and child.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        tree = snapshot(output)
        assert tree in (site.old, site.new), f"killed after {delay}s: a tree that is neither build"
        assert MANIFEST in tree
        outcomes.append("old" if tree == site.old else "new")
        site.rebuild_cleans_up(output)
    assert "old" in outcomes  # the sweep did catch builds in the middle
