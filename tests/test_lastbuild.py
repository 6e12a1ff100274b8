"""What a build remembers for the next: a rebuild that changed only what grouping never reads
patches the last build (renders the changed pages and the feeds that list them, carries the
rest over), and writes what a clean build writes, byte for byte, and reports what it reports."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path
from random import Random
from typing import Any

import pytest

from bench.corpus import article, generate
from feeds import cache, pipeline, publish
from feeds.config import Settings
from feeds.errors import Code, Diagnostic
from feeds.group import Grouped, group
from feeds.lastbuild import LastBuild, grouping_fields
from feeds.model import Article
from feeds.pipeline import BuildReport
from tests.conftest import make_settings, snapshot
from tests.factories import make_article

N = 60
BYLINED = 3  # an article of layout A: a category, a byline, a published time
DATE_ONLY = 7  # an article that gives only its date: 00:00, which others may share


@pytest.fixture
def site(tmp_path: Path) -> Settings:
    generate(tmp_path / "articles", N)
    return make_settings(tmp_path / "articles", tmp_path / "site" / "output")


@pytest.fixture
def groupings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many articles each build grouped: a patched build groups none."""
    counts: list[int] = []
    real = group

    def counting(articles: Sequence[Article], settings: Settings) -> Grouped:
        counts.append(len(articles))
        return real(articles, settings)

    monkeypatch.setattr(pipeline, "group", counting)
    return counts


def edit(site: Settings, index: int, change: Callable[[str], str]) -> None:
    """Write article `index` as generated, with `change` made to its text."""
    text = article(index).text
    changed = change(text)
    assert changed != text, "the edit changes nothing"
    (site.articles / article(index).name).write_text(changed, "utf-8")


def clean(site: Settings, tmp_path: Path) -> tuple[BuildReport, dict[str, bytes]]:
    """The report and the files of a build without any cache, of the same articles and settings."""
    output = tmp_path / "clean" / "output"
    report = pipeline.build(replace(site, output=output), use_cache=False)
    return report, snapshot(output)


def assert_as_clean(site: Settings, report: BuildReport, tmp_path: Path, groupings: list[int]) -> None:
    """The output and report of the last build are a clean build's (which `groupings` does not count)."""
    before = list(groupings)
    expected, files = clean(site, tmp_path)
    del groupings[len(before):]
    assert snapshot(site.output) == files
    assert report.diagnostics == expected.diagnostics
    assert report.feeds == expected.feeds
    assert (report.found, report.published) == (expected.found, expected.published)


PATCHED = {
    "the text": lambda text: text.replace("Report coast growth", "Report coast growth & <shrinkage>", 1),
    "the title": lambda text: text.replace("Housing 3", "Housing, revised 3"),
    "the header's date, which the published time overrides": lambda text: text.replace(
        "date 2022-02-25", "date 2022-02-21"),
}


@pytest.mark.parametrize("change", PATCHED.values(), ids=PATCHED.keys())
def test_a_change_grouping_never_reads_is_patched(
    site: Settings, tmp_path: Path, groupings: list[int], change: Callable[[str], str]
) -> None:
    first = pipeline.build(site)
    edit(site, BYLINED, change)
    report = pipeline.build(site)
    assert groupings == [N]  # the first build's only
    assert (report.parsed, report.unchanged) == (1, False)
    assert (report.feeds, report.diagnostics) != (first.feeds, first.diagnostics)
    assert_as_clean(site, report, tmp_path, groupings)


def test_a_patch_after_a_patch_starts_from_the_spare(site: Settings, tmp_path: Path, groupings: list[int]) -> None:
    pipeline.build(site)
    for revision in (1, 2, 3):
        edit(site, BYLINED, lambda text, r=revision: text.replace("Report coast", f"Report ({r}) coast", 1))  # type: ignore[misc]
        report = pipeline.build(site)
        assert_as_clean(site, report, tmp_path / str(revision), groupings)
    assert groupings == [N]


def test_an_output_brought_back_as_a_copy_is_patched(site: Settings, tmp_path: Path, groupings: list[int]) -> None:
    """A CI job that restores the output and its spare from a cache: new folders, the same files."""
    pipeline.build(site)
    edit(site, BYLINED, PATCHED["the text"])
    pipeline.build(site)  # now there is a spare too
    for folder in (site.output, site.output.with_name(".output.spare")):
        shutil.copytree(folder, tmp_path / "cached" / folder.name)
        shutil.rmtree(folder)
        shutil.copytree(tmp_path / "cached" / folder.name, folder)  # modification times as they were
    edit(site, BYLINED, PATCHED["the title"])
    report = pipeline.build(site)
    assert groupings == [N]
    assert (report.parsed, report.unchanged) == (1, False)
    assert_as_clean(site, report, tmp_path, groupings)
    assert pipeline.build(site).unchanged


def test_a_rebuild_that_changes_nothing_keeps_the_copy_it_began_as_the_spare(
    site: Settings, tmp_path: Path, groupings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a spare (after a first build) a build begins a hard-linked copy of the output
    while it reads; one that publishes nothing keeps it as the spare, which the next starts from."""
    pipeline.build(site)
    spare = site.output.with_name(".output.spare")
    assert not spare.exists()
    begun: list[str] = []
    real = publish._Listing.start

    def start(arguments: Sequence[str]) -> publish._Listing | None:
        assert arguments[0] == "--link"
        begun.append(Path(arguments[2]).name.partition("-")[0])  # where it links to
        return real(arguments)

    monkeypatch.setattr(publish._Listing, "start", start)

    def finished(self: publish._Listing) -> publish._Linked | None:
        found = self.result()
        return None if found is None else publish._Linked(found[1])

    with monkeypatch.context() as patched:
        patched.setattr(publish._Listing, "abandon", finished)  # the copy made first
        assert pipeline.build(site).unchanged
    assert begun == [".output.new"]
    assert snapshot(spare) == snapshot(site.output)
    edit(site, BYLINED, PATCHED["the text"])
    report = pipeline.build(site)
    assert begun == [".output.new", ".output.spare"]  # listed (and topped up), not copied again
    assert groupings == [N]
    assert_as_clean(site, report, tmp_path, groupings)


def test_a_build_with_other_settings_does_not_copy_the_output_it_will_replace(
    site: Settings, tmp_path: Path, groupings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing remembered of this output with these settings: nearly every file will differ,
    so the new tree starts empty, not as links to the old files, each then replaced."""
    pipeline.build(site)
    begun: list[Sequence[str]] = []
    real = publish._Listing.start

    def start(arguments: Sequence[str]) -> publish._Listing | None:
        begun.append(arguments)
        return real(arguments)

    monkeypatch.setattr(publish._Listing, "start", start)
    retitled = replace(site, title="Other News")
    report = pipeline.build(retitled)
    assert begun == []  # no spare to list, and no copy
    assert report.parsed == N
    assert_as_clean(retitled, report, tmp_path, groupings)
    assert pipeline.build(retitled).unchanged
    assert [arguments[0] for arguments in begun] == ["--link"]  # remembered now: a copy begins


REGROUPED = {  # it leaves its places in the feeds and takes others, moving no other article
    "the time": lambda text: text.replace("6:28 pm", "7:28 pm"),
    "the zone": lambda text: text.replace("6:28 pm UTC", "1:28 pm EST"),  # the same instant
    "the category": lambda text: text.replace("Environment\n", "Transport\n"),  # its bio opens with it too (layout B)
    "the author, to a new one": lambda text: text.replace("By: Victor Wong", "By: Victor Wang"),  # a feed starts
}


@pytest.mark.parametrize("change", REGROUPED.values(), ids=REGROUPED.keys())
def test_a_change_grouping_reads_that_moves_no_other_article_is_patched(
    site: Settings, tmp_path: Path, groupings: list[int], change: Callable[[str], str]
) -> None:
    pipeline.build(site)
    edit(site, BYLINED, change)
    report = pipeline.build(site)
    assert groupings == [N]
    assert_as_clean(site, report, tmp_path, groupings)


GROUPED_AGAIN = {
    "another language": lambda text: text.replace("date 2022-02-25 en English", "date 2022-02-25 de German"),
    # Its category's feed would end and another start, but its author's feed may get another
    # subtitle: the bio, which opens with the category line (layout B), reads otherwise now.
    "the category, where its author's bio opens with it": lambda text: text.replace(
        "Environment\n", "Astronomy\n", 1),
}


@pytest.mark.parametrize("change", GROUPED_AGAIN.values(), ids=GROUPED_AGAIN.keys())
def test_a_change_grouping_reads_that_moves_others_is_built_in_full(
    site: Settings, tmp_path: Path, groupings: list[int], change: Callable[[str], str]
) -> None:
    pipeline.build(site)
    edit(site, BYLINED, change)
    assert_as_clean(site, pipeline.build(site), tmp_path, groupings)
    assert groupings == [N, N]


def test_a_changed_time_keeps_a_moved_twin_built_in_full(site: Settings, tmp_path: Path, groupings: list[int]) -> None:
    twin = site.articles / "zz-twin.txt"
    twin.write_text((site.articles / article(DATE_ONLY).name).read_text("utf-8"), "utf-8")
    pipeline.build(site)
    twin.write_text(twin.read_text("utf-8").replace("date 2016-05-15", "date 2016-05-16"), "utf-8")
    assert_as_clean(site, pipeline.build(site), tmp_path, groupings)
    assert groupings == [N + 1, N + 1]  # untie had moved it: its twin's neighbourhood must be grouped again


def add(site: Settings, name: str, change: Callable[[str], str]) -> None:
    """A new file `name`: article `BYLINED`, changed by `change` (which should move its time)."""
    (site.articles / name).write_text(change(article(BYLINED).text), "utf-8")


def later(text: str) -> str:
    """The article a day later, under another title: the same category, byline and language."""
    return text.replace("February 25, 2022 at 6:28 pm", "February 26, 2022 at 9:41 am").replace(
        "date 2022-02-25", "date 2022-02-26").replace("Housing 3", "Housing, the sequel")


def earlier(text: str) -> str:
    """The article a year earlier, under another title."""
    return text.replace("February 25, 2022 at 6:28 pm", "March 3, 2021 at 9:41 am").replace(
        "date 2022-02-25", "date 2021-03-03").replace("Housing 3", "Housing, the prequel")


ADDED = {
    "an article in known feeds": ("2022/02/sequel.txt", later, 1),
    "a file that cannot be published": ("2022/02/empty.txt", lambda text: "", 0),
    "an older article, with another bio of its author": ("2021/03/prequel.txt", lambda text: earlier(text).replace(
        "Victor Wong Mountain climate", "Victor Wong now covers climate"), 1),
    "another spelling, used less than the feed's (two articles by Rafael Larsen)": (
        "2022/02/sequel.txt", lambda text: later(text).replace("By: Victor Wong", "By: Rafael LARSEN"), 1),
    "a new author, whose feed starts": (
        "2022/02/sequel.txt", lambda text: later(text).replace("By: Victor Wong", "By: Someone New"), 1),
    "a new category, whose feed starts": (
        "2022/02/sequel.txt", lambda text: later(text).replace("Environment\n", "Astronomy\n", 1), 1),
    "a newer bio of its author, the author feed's description now": ("2022/02/sequel.txt", lambda text: later(
        text).replace("Victor Wong Mountain climate", "Victor Wong now covers climate"), 1),
    "a new author with a bio, and a second one": ("2022/02/sequel.txt", lambda text: later(text).replace(
        "By: Victor Wong", "By: Someone New and Ada Other").replace("Victor Wong Mountain climate",
                                                                    "Someone New Mountain climate"), 1),
}


@pytest.mark.parametrize(("name", "change", "published"), ADDED.values(), ids=ADDED.keys())
def test_a_new_file_grouping_can_place_alone_is_patched(
    site: Settings, tmp_path: Path, groupings: list[int], name: str, change: Callable[[str], str], published: int
) -> None:
    first = pipeline.build(site)
    add(site, name, change)
    report = pipeline.build(site)
    assert groupings == [N]
    assert (report.found, report.parsed, report.published) == (N + 1, 1, first.published + published)
    assert_as_clean(site, report, tmp_path, groupings)


def test_new_feeds_take_their_places_among_the_others(site: Settings, tmp_path: Path, groupings: list[int]) -> None:
    pipeline.build(site)
    for n, (author, category) in enumerate([("Aaron First", "Aardvarks"), ("Zed Last", "Zoology"),
                                            ("Mid Dle", "Middle"), ("Zed Last", "Middle")]):
        add(site, f"2022/02/new-{n}.txt", lambda text, n=n, a=author, c=category: later(text).replace(  # type: ignore[misc]
            "February 26", f"February {26 - n}").replace("2022-02-26", f"2022-02-{26 - n}").replace(
            "By: Victor Wong", f"By: {a}").replace("Environment\n", f"{c}\n", 1))
        assert_as_clean(site, pipeline.build(site), tmp_path / str(n), groupings)
    assert groupings == [N]


def test_new_files_one_after_another_are_patched(site: Settings, tmp_path: Path, groupings: list[int]) -> None:
    pipeline.build(site)
    for day in (26, 27, 28):
        add(site, f"2022/02/day-{day}.txt", lambda text, d=day: later(text).replace(  # type: ignore[misc]
            "February 26", f"February {d}").replace("2022-02-26", f"2022-02-{d}"))
        assert_as_clean(site, pipeline.build(site), tmp_path / str(day), groupings)
    assert groupings == [N]


NOT_ALONE = {
    "a new author whose feed's folder another's is": lambda text: later(text).replace(
        "By: Victor Wong", "By: Victor-Wong"),
    "a spelling as used as the feed's, which sorts first": lambda text: later(text).replace(
        "By: Victor Wong", "By: Omar WONG"),  # Omar Wong wrote one article
    "the same minute as another": lambda text: later(text).replace("February 26, 2022 at 9:41 am",
                                                                    "February 25, 2022 at 6:28 pm"),
    "another language": lambda text: later(text).replace("date 2022-02-26 en English", "date 2022-02-26 de German"),
}


@pytest.mark.parametrize("change", NOT_ALONE.values(), ids=NOT_ALONE.keys())
def test_a_new_file_that_moves_others_is_built_in_full(
    site: Settings, tmp_path: Path, groupings: list[int], change: Callable[[str], str]
) -> None:
    pipeline.build(site)
    add(site, "2022/02/sequel.txt", change)
    report = pipeline.build(site)
    assert_as_clean(site, report, tmp_path, groupings)
    assert groupings == [N, N + 1]
    assert report.parsed == 1  # by the patch that did not work out: the full build took it from the cache


def test_a_full_rebuild_sends_each_document_it_renders_to_the_workers_once(
    site: Settings, tmp_path: Path, groupings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most feed documents of a full rebuild are reused; the few rendered go to the workers in
    chunks, and a chunk sent early, because the files reused after it filled the window, is
    sent once, with the next documents in another."""
    monkeypatch.setattr(pipeline, "SERIAL_BELOW", 0)  # worker processes even for a few files
    monkeypatch.setattr(pipeline, "_RENDER_AHEAD", 1)  # a short window, which reaches back to the chunk being filled
    sent: list[Any] = []
    send = pipeline._Build.send

    def counting(build: Any, chunk: Any, pool: Any) -> None:
        sent.append(chunk)
        send(build, chunk, pool)

    monkeypatch.setattr(pipeline._Build, "send", counting)
    pipeline.build(site)
    sent.clear()
    add(site, "2022/02/sequel.txt", NOT_ALONE["the same minute as another"])
    report = pipeline.build(site, workers=2)
    assert groupings == [N, N + 1]
    assert len(sent) > 1
    assert len({id(chunk) for chunk in sent}) == len(sent)
    documents = [(job.feed.path, job.renderer) for chunk in sent for job in chunk.jobs]
    assert len(set(documents)) == len(documents)
    assert_as_clean(site, report, tmp_path, groupings)


REMOVED = {  # (the added article, how many feeds end when it goes)
    "an article of known feeds": (later, 0),
    "the only article of its author": (lambda text: later(text).replace("By: Victor Wong", "By: Someone Alone"), 1),
    "the only article of its author and of its category": (lambda text: later(text).replace(
        "By: Victor Wong", "By: Someone Alone").replace("Environment\n", "Astronomy\n", 1), 2),
    "the newest bio of its author, an older one the description again": (lambda text: later(text).replace(
        "Victor Wong Mountain climate", "Victor Wong now covers climate"), 0),
}


@pytest.mark.parametrize(("change", "ended"), REMOVED.values(), ids=REMOVED.keys())
def test_a_removed_file_whose_going_moves_nothing_is_patched(
    site: Settings, tmp_path: Path, groupings: list[int], change: Callable[[str], str], ended: int
) -> None:
    add(site, "2022/02/sequel.txt", change)
    first = pipeline.build(site)
    (site.articles / "2022/02/sequel.txt").unlink()
    report = pipeline.build(site)
    assert groupings == [N + 1]
    assert (report.found, report.published) == (N, first.published - 1)
    assert len(first.feeds) - len(report.feeds) == ended  # their files go with them
    assert report.output is not None
    assert any(p.startswith("articles/") for p in report.output.removed)
    assert sum(p.endswith("/feed.json") for p in report.output.removed) == ended
    assert_as_clean(site, report, tmp_path, groupings)


def test_removed_entries_are_followed_by_the_members_kept_after_them(tmp_path: Path, groupings: list[int]) -> None:
    generate(tmp_path / "articles", N)
    site = make_settings(tmp_path / "articles", tmp_path / "site" / "output", entries_per_feed=3)
    pipeline.build(site)
    everything = pipeline.build(site).feeds[0]
    for step, gone in enumerate(everything.entries):  # newest first: each time, the next comes up
        (site.articles / gone.source).unlink()
        assert_as_clean(site, pipeline.build(site), tmp_path / str(step), groupings)
    assert len(groupings) < 1 + len(everything.entries)  # some of them were patched


def test_a_removed_file_that_could_not_be_published_is_patched(
    site: Settings, tmp_path: Path, groupings: list[int]
) -> None:
    add(site, "2022/02/empty.txt", lambda text: "")
    pipeline.build(site)
    (site.articles / "2022/02/empty.txt").unlink()
    assert_as_clean(site, pipeline.build(site), tmp_path, groupings)
    assert groupings == [N]


GROUPED_AGAIN_WHEN_GONE = {
    "a twin of another": lambda text: text.replace("Housing 3", "Housing, the twin"),  # the same minute
}


@pytest.mark.parametrize("change", GROUPED_AGAIN_WHEN_GONE.values(), ids=GROUPED_AGAIN_WHEN_GONE.keys())
def test_a_removed_file_that_moves_others_is_built_in_full(
    site: Settings, tmp_path: Path, groupings: list[int], change: Callable[[str], str]
) -> None:
    add(site, "2022/02/zz-gone.txt", change)
    pipeline.build(site)
    (site.articles / "2022/02/zz-gone.txt").unlink()
    assert_as_clean(site, pipeline.build(site), tmp_path, groupings)
    assert groupings == [N + 1, N]


def test_many_additions_and_removals_build_as_clean(tmp_path: Path, groupings: list[int]) -> None:
    """Articles come and go in a site of small feeds: patched or not, each build is a clean one."""
    generate(tmp_path / "articles", N)
    site = make_settings(tmp_path / "articles", tmp_path / "site" / "output", entries_per_feed=4)
    pipeline.build(site)
    random = Random(5)
    pool = [article(i) for i in range(N, N + 40)]
    for step in range(24):
        present = sorted(p.relative_to(site.articles).as_posix() for p in site.articles.rglob("*.txt"))
        if random.random() < 0.5 and pool:
            new = pool.pop(random.randrange(len(pool)))
            (site.articles / new.name).parent.mkdir(parents=True, exist_ok=True)
            (site.articles / new.name).write_text(new.text, "utf-8")
        else:
            (site.articles / random.choice(present)).unlink()
        assert_as_clean(site, pipeline.build(site), tmp_path / str(step), groupings)
    assert len(groupings) < 25  # some of them were patched


def test_new_files_of_the_corpus_build_as_clean(site: Settings, tmp_path: Path, groupings: list[int]) -> None:
    pipeline.build(site)
    for count in (N + 1, N + 3, N + 8):
        generate(site.articles, count)  # most name new authors: patched or not, the bytes are a clean build's
        assert_as_clean(site, pipeline.build(site), tmp_path / str(count), groupings)


def test_an_article_moved_apart_from_its_twin_keeps_its_moved_time(
    site: Settings, tmp_path: Path, groupings: list[int]
) -> None:
    # Two articles of one day, neither with a time: grouping moves the second a second later.
    twin = site.articles / "zz-twin.txt"
    twin.write_text((site.articles / article(DATE_ONLY).name).read_text("utf-8"), "utf-8")
    first = pipeline.build(site)
    moved = {a.updated for feed in first.feeds for a in feed.entries if a.source == "zz-twin.txt"}
    assert len(moved) == 1
    assert next(iter(moved)).second == 1
    twin.write_text(twin.read_text("utf-8") + "\nA paragraph added later.\n", "utf-8")
    report = pipeline.build(site)
    assert groupings == [N + 1]
    assert_as_clean(site, report, tmp_path, groupings)
    assert {a.updated for feed in report.feeds for a in feed.entries if a.source == "zz-twin.txt"} == moved


def test_a_rebuild_that_changes_nothing_reports_the_moved_times_too(site: Settings) -> None:
    twin = site.articles / "zz-twin.txt"
    twin.write_text((site.articles / article(DATE_ONLY).name).read_text("utf-8"), "utf-8")
    first = pipeline.build(site)
    again = pipeline.build(site)
    assert again.unchanged
    assert again.feeds == first.feeds


def test_with_archive_pages_every_rebuild_is_in_full(tmp_path: Path, groupings: list[int]) -> None:
    generate(tmp_path / "articles", N)
    site = make_settings(tmp_path / "articles", tmp_path / "site" / "output", archives=True, entries_per_feed=5)
    pipeline.build(site)
    edit(site, BYLINED, PATCHED["the text"])
    assert_as_clean(site, pipeline.build(site), tmp_path, groupings)
    assert groupings == [N, N]


def test_more_changed_files_than_a_patch_takes_are_built_in_full(
    site: Settings, tmp_path: Path, groupings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "PATCH_AT_MOST", 1)
    pipeline.build(site)
    for index in (BYLINED, DATE_ONLY):
        edit(site, index, lambda text: text + "\nOne more paragraph.\n")
    assert_as_clean(site, pipeline.build(site), tmp_path, groupings)
    assert groupings == [N, N]


def test_a_file_gone_from_the_output_makes_the_patch_a_full_build(
    site: Settings, tmp_path: Path, groupings: list[int]
) -> None:
    pipeline.build(site)
    page = sorted((site.output / "articles").iterdir())[0].name
    for tree in (site.output, site.output.with_name(".output.spare")):
        (tree / "articles" / page).unlink(missing_ok=True)
    edit(site, BYLINED, PATCHED["the text"])
    assert_as_clean(site, pipeline.build(site), tmp_path, groupings)
    assert groupings == [N, N]


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """When each build swapped its output in, and when it kept what the next build starts from."""
    seen: list[str] = []
    swap, save = publish._swap, cache.Store.save_build

    def swapping(staging: Path, output: Path) -> None:
        swap(staging, output)
        seen.append("swapped")

    def saving(store: cache.Store, output: str, record: bytes) -> None:
        seen.append("remembered")
        save(store, output, record)

    monkeypatch.setattr(publish, "_swap", swapping)
    monkeypatch.setattr(cache.Store, "save_build", saving)
    return seen


def test_what_the_next_build_starts_from_is_kept_once_the_output_is_in_place(
    site: Settings, groupings: list[int], steps: list[str]
) -> None:
    """Kept before the swap, it would describe an output that a build killed in between never
    put in place."""
    pipeline.build(site)
    edit(site, BYLINED, PATCHED["the text"])
    pipeline.build(site)
    assert groupings == [N]  # a clean build, then a patch
    assert steps == ["swapped", "remembered"] * 2


@pytest.mark.parametrize("patched", [False, True], ids=["clean", "patch"])
def test_the_cache_is_written_while_the_new_output_is_flushed(
    site: Settings, groupings: list[int], monkeypatch: pytest.MonkeyPatch, patched: bool
) -> None:
    """The flush before the swap (`syncfs`) takes seconds on a disk: meanwhile the build stores
    what the next one needs, which it only keeps (`remember`) once the swap is done."""
    if patched:
        pipeline.build(site)
        edit(site, BYLINED, PATCHED["the text"])
    made = threading.Event()
    flushed_after: list[bool] = []
    record, flush = pipeline._Build.record_for_next_build, publish._sync

    def recording(build: pipeline._Build, *args: Any, **kwargs: Any) -> bytes | None:
        made.set()
        return record(build, *args, **kwargs)

    def flushing(root: Path) -> None:
        flushed_after.append(made.wait(timeout=10))  # made by the other thread, or never
        flush(root)

    monkeypatch.setattr(pipeline._Build, "record_for_next_build", recording)
    monkeypatch.setattr(publish, "_sync", flushing)
    report = pipeline.build(site)
    assert flushed_after == [True]
    assert groupings == [N]  # the patch groups nothing
    assert pipeline.build(site).unchanged  # what it stored answers the next build
    assert report.published == N


def test_grouping_fields_leave_out_only_what_grouping_never_reads() -> None:
    a = make_article(1)
    same = replace(a, title="Another title", summary="Another summary.", content_html="<p>Another.</p>")
    assert grouping_fields(same) == grouping_fields(a)
    for other in (replace(a, id="tag:example.org,2024-01-01:x"), replace(a, language="de"), replace(a, bio=("A",)),
                  replace(a, authors=(replace(a.authors[0], line=9),)),
                  replace(a, category=replace(a.category, line=4)),
                  replace(a, published=a.published.astimezone(timezone(timedelta(hours=2)))),
                  replace(a, link=a.link + "x")):
        assert grouping_fields(other) != grouping_fields(a)


def a_last_build(names: tuple[str, ...], hashes: tuple[bytes, ...]) -> LastBuild:
    index = group([make_article(n) for n in range(3)], make_settings(Path("a"), Path("o"))).index
    return LastBuild(build_key=b"k", manifest=b"m", published=1, diagnostics=(),
                     feeds=(), names=names, hashes=hashes, moved={}, unpublished=frozenset({names[-1]}), index=index,
                     beyond=())


def test_a_record_that_is_not_one_decodes_to_none() -> None:
    last = a_last_build(("a.txt", "b.txt"), (b"1", b"2"))
    assert LastBuild.decode(last.encode()) == last
    encoded = last.encode()
    for value in (None, (), (1, 2, 3), ("x",) * 13, (*encoded[:-5], ("a.txt",), *encoded[-4:]),
                  (*encoded[:-2], ((), False, (), 1, 2), ()), (*encoded[:-2], (("x",), False, (), 1, 2), ()),
                  (*encoded[:-1], ((b"k",),))):
        assert LastBuild.decode(value) is None


def test_diff_names_the_files_changed_added_and_removed() -> None:
    last = a_last_build(("a", "b", "c"), (b"1", b"2", b"3"))
    assert last.diff(["a", "b", "c"], [b"1", b"x", b"3"]) == ([(1, 1)], [], [])
    assert last.diff(["a", "b", "c"], [b"1", b"2", b"3"]) == ([], [], [])
    assert last.diff(["a", "aa", "b", "c", "d"], [b"1", b"5", b"2", b"x", b"4"]) == ([(3, 2)], [1, 4], [])
    assert last.diff(["a", "c"], [b"1", b"x"]) == ([(1, 2)], [], [1])
    assert last.diff(["b", "d"], [b"2", b"4"]) == ([], [1], [0, 2])
    assert last.diff(["a", "b", "c"], [b"1", None, b"3"]) is None


def test_a_patch_swaps_a_files_diagnostics_in_their_places() -> None:
    def d(file: str, line: int, code: Code, message: str = "m") -> Diagnostic:
        return Diagnostic(code=code, file=file, line=line, message=message)

    others = [d("a.txt", 3, Code.NO_TIME), d("c.txt", 1, Code.NO_AUTHOR), d("b.txt", 9, Code.SLUG_COLLISION)]
    old = [d("b.txt", 2, Code.NO_TIME), d("b.txt", 2, Code.NO_AUTHOR, "z")]
    new = [d("b.txt", 12, Code.NO_TIME), d("b.txt", 1, Code.TITLE_FROM_FILENAME), d("b.txt", 2, Code.NO_AUTHOR, "a")]
    encoded = cache.encode_diagnostics(pipeline._sorted([*others, *old]))
    assert pipeline._replaced(encoded, old, new) == pipeline._sorted([*others, *new])
    assert pipeline._replaced(encoded, [*old, d("x.txt", 1, Code.NO_TIME)], new) is None


def test_a_new_file_whose_id_another_has_is_built_in_full(
    site: Settings, tmp_path: Path, groupings: list[int]
) -> None:
    add(site, "2022/02/sequel.TXT", later)  # its id: articles/2022/02/sequel.TXT
    pipeline.build(site)
    add(site, "2022/02/sequel.TXT.txt", lambda text: later(text).replace("February 26", "February 27"))
    report = pipeline.build(site)
    assert_as_clean(site, report, tmp_path, groupings)
    assert groupings == [N + 1, N + 2]
    assert any(d.code is Code.DUP_ID for d in report.diagnostics)


def test_a_change_taken_back_is_patched_from_the_cache(site: Settings, tmp_path: Path, groupings: list[int]) -> None:
    pipeline.build(site)
    edit(site, BYLINED, PATCHED["the text"])
    assert pipeline.build(site).parsed == 1
    (site.articles / article(BYLINED).name).write_text(article(BYLINED).text, "utf-8")
    report = pipeline.build(site)
    assert (report.parsed, report.unchanged) == (0, False)  # its bytes were parsed by the first build
    assert_as_clean(site, report, tmp_path, groupings)
    assert groupings == [N]


def test_a_removed_file_whose_twin_then_keeps_its_own_time_is_built_in_full(
    site: Settings, tmp_path: Path, groupings: list[int]
) -> None:
    # Its id sorts first, so it keeps the minute and `untie` moves the other, which takes
    # its own time back once it is gone.
    add(site, "2022/02/aaa-twin.txt", lambda text: text.replace("Housing 3", "Housing, the twin"))
    pipeline.build(site)
    (site.articles / "2022/02/aaa-twin.txt").unlink()
    assert_as_clean(site, pipeline.build(site), tmp_path, groupings)
    assert groupings == [N + 1, N]


@pytest.mark.parametrize("gone", ["2022/02/sequel.TXT", "2022/02/sequel.TXT.txt"])
def test_a_removed_file_that_shared_its_id_is_built_in_full(
    site: Settings, tmp_path: Path, groupings: list[int], gone: str
) -> None:
    add(site, "2022/02/sequel.TXT", later)  # the one published: its name sorts first
    add(site, "2022/02/sequel.TXT.txt", lambda text: later(text).replace("February 26", "February 27"))
    pipeline.build(site)
    (site.articles / gone).unlink()
    assert_as_clean(site, pipeline.build(site), tmp_path, groupings)
    assert groupings == [N + 2, N + 1]
