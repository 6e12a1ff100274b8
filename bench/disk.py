"""The disk's own floor: what creating as many files as a build publishes costs with no feeds
code at all, so that the build's publish figures can be read against it.

    .venv/bin/python -m bench.disk                      # 100,000 files of 4 KB, as the article pages
    .venv/bin/python -m bench.disk --files 10000 --size 3800 --per-folder 10000

It writes the files into one folder (as `articles/`) under --workdir, flushes them with one
`sync`, then removes them and flushes again, and prints each step's wall time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=4_000, help="bytes per file")
    parser.add_argument("--per-folder", type=int, default=100_000, help="files per folder")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/feeds-bench"))
    args = parser.parse_args()

    root = args.workdir / "disk-floor"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    os.sync()
    data = b"x" * args.size
    folders = [str(root / f"f{i}") for i in range(0, args.files, args.per_folder)]
    for folder in folders:
        os.mkdir(folder)

    started = time.perf_counter()
    for i in range(args.files):
        with open(os.path.join(folders[i // args.per_folder], f"page-{i:06d}.html"), "xb") as f:
            f.write(data)
    written = time.perf_counter()
    os.sync()
    synced = time.perf_counter()
    shutil.rmtree(root)
    removed = time.perf_counter()
    os.sync()
    done = time.perf_counter()
    print(f"{args.files:,} files of {args.size:,} bytes: write {written - started:.2f} s, "
          f"sync {synced - written:.2f} s, remove {removed - synced:.2f} s, sync {done - removed:.2f} s")


if __name__ == "__main__":
    main()
