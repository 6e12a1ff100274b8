"""The benchmark: build a synthetic corpus (bench/corpus.py) of each size and time every stage.

    .venv/bin/python -m bench.run --sizes 1000,10000,100000              # clean builds
    .venv/bin/python -m bench.run --sizes 100000 --incremental           # + no-op and one-change rebuilds
    .venv/bin/python -m bench.run --sizes 10000 --incremental --verify   # + byte-compare with a clean build

Corpora and outputs go under --workdir (default /tmp/feeds-bench), never into the repository;
a corpus is generated once and reused. Each build runs in a fresh process, so its peak RSS is
its own: `rss` is the main process, `rss all` the most the main process and its workers held
at once (sampled every 50 ms from the driver: a thread in the measured process would make
the build start its workers from a fork server, not as in CI). Stage times come from the
pipeline's own progress events:

    read     find the files, stat them, hash the changed ones, look them up in the cache
    parse    read + normalize what the cache does not have (worker processes)
    group    articles -> feeds, and the text of the feeds' entries back from the cache
    render   feeds (feedgen) and pages, interleaved with writing them
    publish  writing the files, the manifest, syncfs, the swap, and saving the cache
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.corpus import article, generate

STAGES = ("read", "parse", "group", "render", "publish")
CONFIG = """base_url = "https://example.org/news/"
id_authority = "example.org"
id_date = "2024-01-01"
title = "Bench News"
"""


# --- In the measured process ------------------------------------------------------------------


class StageClock:
    """A pipeline `Progress` that adds up the wall time spent in each stage."""

    def __init__(self) -> None:
        self.times: dict[str, float] = defaultdict(float)
        self.current = "read"  # what runs before the first event: finding the files
        self.last = time.perf_counter()

    def _close(self, stage: str) -> None:
        now = time.perf_counter()
        self.times[stage] += now - self.last
        self.last = now

    def stage(self, stage: Any, total: int | None) -> None:
        self._close(self.current)
        self.current = str(stage)

    def advance(self, stage: Any, amount: int = 1) -> None:
        name = str(stage)
        if name == "render":  # the time since the last file was written went into rendering this one
            self._close("render")
        elif name == "write":  # ... and the time since it was rendered into writing it
            self._close("publish")

    def finish(self) -> dict[str, float]:
        self._close("publish" if self.current in ("render", "publish") else self.current)
        return dict(self.times)


class TreeSampler(threading.Thread):
    """The largest total RSS of the process `root` and its descendants, and the CPU time each of
    the others used (the last sample of each: a worker's last 50 ms may be missed), sampled from
    the driver. A sample takes about 1 ms, 2 % of a core at this rate."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak = 0
        self.cpu: dict[int, float] = {}  # descendant pid -> CPU seconds, user + system
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            self.sample()

    def sample(self) -> None:
        rss, cpu = _tree(self.root)
        self.peak = max(self.peak, rss)
        self.cpu.update(cpu)

    def stop(self) -> int:
        self.stopped.set()
        self.join()
        return self.peak


def _tree(root: int) -> tuple[int, dict[int, float]]:
    """The total RSS of `root` and its descendants, and the CPU time of each descendant."""
    children: dict[int, list[int]] = defaultdict(list)
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children[int(fields[1])].append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
    total, todo, theirs = 0, [root], {}
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        if pid != root:
            theirs[pid] = cpu.get(pid, 0.0)
        todo += children.get(pid, [])
    return total, theirs


def measure(corpus: Path, site: Path, *, use_cache: bool, workers: int | None) -> dict[str, Any]:
    from feeds import pipeline
    from feeds.config import load_settings

    settings = load_settings(config_file=site / "feeds.toml", cwd=site,
                             overrides={"articles": corpus, "output": site / "output"})
    clock = StageClock()
    started = time.perf_counter()
    report = pipeline.build(settings, progress=clock, use_cache=use_cache, workers=workers)
    wall = time.perf_counter() - started
    stages = clock.finish()
    own = resource.getrusage(resource.RUSAGE_SELF)
    assert report.output is not None
    return {
        "wall": wall, "stages": stages, "found": report.found, "published": report.published,
        "parsed": report.parsed, "unchanged": report.unchanged, "changed": len(report.output.changed),
        "rss": own.ru_maxrss * 1024, "cpu": own.ru_utime + own.ru_stime,
        "files": len(report.output.files), "bytes": _size(site / "output"),
        "cache_bytes": _size(site / ".feeds-cache"),
    }


def _size(folder: Path) -> int:
    total = 0
    for root, _, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


# --- The driver ---------------------------------------------------------------------------------


def corpus_for(workdir: Path, n: int, seed: int) -> Path:
    folder = workdir / f"corpus-{n}-{seed}"
    marker = folder / f".complete-{n}-{seed}"  # hidden: feeds passes over it
    if not marker.exists():
        print(f"generating {n:,} articles in {folder} …", file=sys.stderr, flush=True)
        generate(folder, n, seed)
        marker.write_text("ok\n")
    else:
        restore(folder, n, seed)
    return folder


def restore(corpus: Path, n: int, seed: int) -> None:
    """Undo the edits of `--incremental` that a run killed before its cleanup left behind: else
    its "1 changed" would find the change already made, and build nothing."""
    victim = article(recent_article(n, seed), seed)
    path = corpus / victim.name
    if path.read_text("utf-8") != victim.text:
        path.write_text(victim.text, "utf-8")
    (corpus / article(new_article(n, seed), seed).name).unlink(missing_ok=True)


def run_one(corpus: Path, site: Path, *, use_cache: bool, workers: int | None) -> dict[str, Any]:
    """`measure` in a fresh interpreter, so that each peak RSS is that build's own; the RSS of it
    and its workers, and their CPU time, sampled from here."""
    command = [sys.executable, "-m", "bench.run", "--_measure", str(corpus), str(site),
               "--workers", str(workers or 0)] + ([] if use_cache else ["--no-cache"])
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          cwd=Path(__file__).resolve().parent.parent) as build:
        sampler = TreeSampler(build.pid)
        sampler.start()
        out, err = build.communicate()
        sampler.stop()
    if build.returncode != 0:
        raise SystemExit(f"the measured build failed:\n{err}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["rss_all"] = sampler.peak
    result["cpu_others"] = sum(sampler.cpu.values())
    return result


def recent_article(n: int, seed: int) -> int:
    """An edit worth timing: a recent article with a byline, so that its page and its feeds
    (everything, its category, its authors) all change: the newest such of the first 2,000."""
    candidates = [(article(i, seed).name.split("/")[:2], i) for i in range(min(n, 2000))
                  if "\nBy: " in article(i, seed).text]
    return max(candidates)[1]


def new_article(n: int, seed: int) -> int:
    """An addition worth timing: the next article the corpus would have that has a byline."""
    return next(i for i in range(n, n + 1000) if "\nBy: " in article(i, seed).text)


TRASH = ".trash"  # sites moved aside during a run, removed after its last measurement


def fresh_site(workdir: Path, name: str) -> Path:
    site = workdir / name
    if site.exists():
        # Moved aside, not deleted: for minutes after 100,000 files are deleted, creating one
        # on ext4 costs 0.3-0.5 ms instead of 30 us (`perf`: ext4_create passes over the
        # inodes freed recently, in `recently_deleted`), which would be charged to the build.
        discard(workdir, site)
    site.mkdir(parents=True)
    (site / "feeds.toml").write_text(CONFIG)
    return site


def discard(workdir: Path, folder: Path) -> None:
    trash = workdir / TRASH
    trash.mkdir(exist_ok=True)
    folder.rename(trash / f"{folder.name}-{time.time_ns()}")


def empty_trash(workdir: Path) -> None:
    if (workdir / TRASH).exists():
        print("removing the sites of earlier builds (not timed) …", file=sys.stderr, flush=True)
        shutil.rmtree(workdir / TRASH, ignore_errors=True)


def fastest(tries: list[dict[str, Any]]) -> dict[str, Any]:
    return min(tries, key=lambda r: float(r["wall"]))


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def table_row(n: int, label: str, r: dict[str, Any]) -> str:
    stages = " | ".join(f"{r['stages'].get(s, 0.0):.2f}" for s in STAGES)
    rate = r["found"] / r["wall"] if r["wall"] else 0.0
    size = f"{_mb(r['bytes'])} ({r['files']:,} files)"
    return (f"| {n:,} | {label} | {r['wall']:.2f} | {stages} | {r['cpu']:.1f} + {r['cpu_others']:.1f} | "
            f"{rate:,.0f} | {r['parsed']:,} | {_mb(r['rss'])} | {_mb(r['rss_all'])} | {size} |")


HEADER = ("| articles | build | wall s | " + " | ".join(STAGES) + " | CPU s: main + workers | articles/s | parsed | "
          "peak RSS main | peak RSS all | output |\n|" + "---|" * (len(STAGES) + 9))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--incremental", action="store_true", help="also time a no-op and a one-change rebuild")
    parser.add_argument("--verify", action="store_true",
                        help="compare the one-change rebuild with a clean build of the same files")
    parser.add_argument("--no-cache", action="store_true", help="build without the cache")
    parser.add_argument("--workers", type=int, default=0, help="worker processes (0: one per core)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1,
                        help="time each build this many times and show the fastest (a VM's speed varies)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/feeds-bench"))
    parser.add_argument("--_measure", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    workers = args.workers or None

    if args._measure:
        corpus, site = args._measure
        print(json.dumps(measure(corpus, site, use_cache=not args.no_cache, workers=workers)))
        return

    print(f"feeds benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}", file=sys.stderr)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        corpus = corpus_for(args.workdir, n, args.seed)
        tries = []
        for _ in range(max(1, args.repeat)):
            site = fresh_site(args.workdir, f"site-{n}")
            tries.append(run_one(corpus, site, use_cache=not args.no_cache, workers=workers))
        rows.append(table_row(n, "clean" if not args.no_cache else "clean, --no-cache", fastest(tries)))
        print(rows[-1], file=sys.stderr, flush=True)
        if not args.incremental:
            continue
        noop = fastest([run_one(corpus, site, use_cache=True, workers=workers) for _ in range(max(1, args.repeat))])
        rows.append(table_row(n, "no-op" + ("" if noop["unchanged"] else " (rebuilt!)"), noop))
        print(rows[-1], file=sys.stderr, flush=True)
        index = recent_article(n, args.seed)
        victim = article(index, args.seed)
        path = corpus / victim.name
        added = corpus / article(new_article(n, args.seed), args.seed).name
        try:
            # The first rebuild starts from the output; every later one from the spare (the
            # output before last), as in CI where each push changes something: time both.
            # (The first can be timed once per site: after it, there is a spare.)
            for revisions, label in (([1], "1 changed"), (range(2, 2 + max(1, args.repeat)), "1 changed again")):
                tries = []
                for revision in revisions:
                    path.write_text(article(index, args.seed, revision=revision).text, "utf-8")
                    tries.append(run_one(corpus, site, use_cache=True, workers=workers))
                one = fastest(tries)
                rows.append(table_row(n, f"{label} ({one['changed']} files)", one))
                print(rows[-1], file=sys.stderr, flush=True)
            added.parent.mkdir(parents=True, exist_ok=True)
            tries, gone = [], []
            for _ in range(max(1, args.repeat)):
                added.write_text(article(new_article(n, args.seed), args.seed).text, "utf-8")
                tries.append(run_one(corpus, site, use_cache=True, workers=workers))
                added.unlink()
                gone.append(run_one(corpus, site, use_cache=True, workers=workers))
            for label, runs in (("1 added", tries), ("1 removed (the one added)", gone)):
                one = fastest(runs)
                rows.append(table_row(n, f"{label} ({one['changed']} files)", one))
                print(rows[-1], file=sys.stderr, flush=True)
            if args.verify:
                clean = fresh_site(args.workdir, f"site-{n}-verify")
                run_one(corpus, clean, use_cache=False, workers=workers)
                same = _manifest(site / "output") == _manifest(clean / "output")
                rows.append(f"| {n:,} | rebuilt == clean build: {'yes, byte for byte' if same else 'NO'} |")
                print(rows[-1], file=sys.stderr, flush=True)
                discard(args.workdir, clean)
        finally:
            path.write_text(victim.text, "utf-8")
            added.unlink(missing_ok=True)
    print(HEADER)
    print("\n".join(rows))
    empty_trash(args.workdir)


def _manifest(output: Path) -> dict[str, str]:
    from feeds.publish import read_manifest

    return read_manifest(output)


if __name__ == "__main__":
    main()
