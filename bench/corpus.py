"""A deterministic synthetic corpus in the news-text article format (ARTICLE_FORMAT.md).

    from bench.corpus import generate
    paths = generate(Path("/tmp/corpus-1000"), 1000)        # the same bytes on every machine

    python -m bench.corpus /tmp/corpus-1000 1000 [--seed 0]

Every article is 3-4 KB, in one of the layouts of ARTICLE_FORMAT.md section 9 (A 45 %,
B 35 %, C 10 %, D 10 %), in one of 20 categories, by 1-3 of 500 authors (C and D have
no byline: the default author), published between 2015 and October 2026 (all in the
past) with a zone written in one of several ways (EST/EDT by season, UTC, HKT, numeric
offsets, a date with no time). Files are spread over `<year>/<month>/` folders, as an
archive keeps them. Article `i` depends only on `(seed, i)`, so `generate(folder, 10_000)`
holds the files of `generate(folder, 1_000)` and more.
"""

from __future__ import annotations

import argparse
import functools
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

CATEGORIES = (
    "World", "Business", "Technology", "Science", "Health", "Politics", "Sports", "Culture",
    "Environment", "Education", "Travel", "Food", "Opinion", "Markets", "Energy", "Transport",
    "Housing", "Weather", "Local News", "Media",
)
_FIRST = (
    "Maria", "Tom", "Helen", "Priya", "Daniel", "Sofia", "Lukas", "Aisha", "Kenji", "Olga",
    "Mateo", "Grace", "Omar", "Ingrid", "Samuel", "Mei", "Rafael", "Nadia", "Peter", "Chloe",
    "Ibrahim", "Lena", "Victor", "Anna", "Hugo",
)
_LAST = (
    "Lopez", "Becker", "Chu", "Raman", "Okafor", "Almeida", "Brandt", "Khan", "Tanaka", "Ivanova",
    "Silva", "Mensah", "Haddad", "Larsen", "Reyes", "Wong", "Moreau", "Novak", "Keller", "Dubois",
)
AUTHORS = tuple(f"{first} {last}" for first in _FIRST for last in _LAST)  # 500 names

_WORD_TEXT = (
    "harbour council market energy river city report growth survey board plan project school "
    "station forecast budget network company district region workers residents officials data "
    "program service museum festival bridge port railway airport farmers hospital research "
    "university court housing prices exports imports trade policy climate water coast valley "
    "mountain island village season weekend morning evening figures analysts investors tenants "
    "volunteers engineers students teachers doctors nurses drivers pilots scientists visitors"
)
_WORDS = tuple(_WORD_TEXT.split())
_VERBS = (
    "said", "reported", "announced", "expected", "estimated", "confirmed", "warned", "noted",
    "found", "argued", "planned", "approved", "rejected", "reviewed", "measured",
)
_SENTENCE_POOL = 4000
_TARGET = (2300, 3000)  # body characters: with header, byline and bio, 3-4 KB a file
_NEWEST = date(2026, 10, 31)  # nothing is published after this: every date is in the past
_OLDEST = date(2015, 1, 1)
_NEW_YORK = ZoneInfo("America/New_York")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@dataclass(frozen=True, slots=True)
class GeneratedArticle:
    name: str  # path relative to the corpus folder, POSIX
    text: str


@functools.lru_cache(maxsize=4)
def _sentences(seed: int) -> tuple[str, ...]:
    rng = random.Random(f"sentences-{seed}")
    out = []
    for _ in range(_SENTENCE_POOL):
        words = rng.choices(_WORDS, k=rng.randint(8, 22))
        words.insert(rng.randint(2, len(words) - 1), rng.choice(_VERBS))
        if rng.random() < 0.3:
            words.insert(rng.randint(1, len(words) - 1), f"{rng.randint(2, 980)}")
        out.append(" ".join(words).capitalize() + ".")
    return tuple(out)


def _dated(moment: datetime, rng: random.Random) -> str:
    """The published value as scrapers write it, in one of several zones and shapes."""
    month = _MONTHS[moment.month - 1]
    hour12 = moment.hour % 12 or 12
    ampm = "am" if moment.hour < 12 else "pm"
    summer = bool(moment.replace(tzinfo=_NEW_YORK).dst())  # EDT in summer, EST in winter: no mismatch
    shape = rng.randrange(7)
    if shape == 0:
        zone = "EDT" if summer else "EST"
        return f"{month} {moment.day}, {moment.year} at {hour12}:{moment.minute:02d} {ampm} {zone}"
    if shape == 1:
        return f"{moment.day} {month} {moment.year}, {hour12}:{moment.minute:02d} {ampm} HKT"
    if shape == 2:
        return f"{month} {moment.day}, {moment.year} {moment.hour:02d}:{moment.minute:02d} UTC"
    if shape == 3:
        offset = rng.choice(("+05:30", "-03:00", "+01:00", "+09:00", "-08:00", "+02:00"))
        return f"{moment:%Y-%m-%d} {moment.hour:02d}:{moment.minute:02d} {offset}"
    if shape == 4:
        offset = rng.choice(("-0300", "+0100", "+0800", "-0500"))
        return f"{moment:%Y-%m-%d} {moment.hour:02d}:{moment.minute:02d} {offset}"
    if shape == 5:
        return f"{month} {moment.day}, {moment.year} at {hour12}:{moment.minute:02d} {ampm} UTC"
    return f"{month} {moment.day}, {moment.year}"  # no time: W-TZ-ASSUMED


def article(index: int, seed: int = 0, *, revision: int = 0) -> GeneratedArticle:
    """Article number `index` of the corpus `seed`; another `revision` changes its text only."""
    rng = random.Random(f"article-{seed}-{index}")
    pool = _sentences(seed)
    day = _OLDEST + timedelta(days=rng.randrange((_NEWEST - _OLDEST).days + 1))
    moment = datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60))  # noqa: DTZ001
    category = CATEGORIES[rng.randrange(len(CATEGORIES))]
    authors = rng.sample(AUTHORS, rng.choice((1, 1, 1, 2, 2, 3)))
    title_words = rng.choices(_WORDS, k=rng.randint(5, 10))
    title = " ".join(w.capitalize() for w in title_words) + f" {index}"
    slug = "-".join(title_words[:5]) + f"-{index:06d}"
    name = f"{day.year}/{day.month:02d}/{slug}.txt"

    target = rng.randint(*_TARGET)
    paragraphs: list[str] = []
    size = 0
    while size < target:
        if paragraphs and rng.random() < 0.12:
            text = " ".join(w.capitalize() for w in rng.choices(_WORDS, k=rng.randint(2, 5)))  # subheading
        elif paragraphs and rng.random() < 0.05:
            text = "\n".join(f"- {rng.choice(pool)}" for _ in range(rng.randint(2, 4)))
        else:
            text = " ".join(rng.choices(pool, k=rng.randint(2, 5)))
        paragraphs.append(text)
        size += len(text) + 2
    if paragraphs[-1][-1] != ".":
        paragraphs.append(rng.choice(pool))
    if revision:
        paragraphs.append(f"This article was revised ({revision}).")
    body = "\n\n".join(paragraphs)
    bio_name = authors[0]
    bio = f"{bio_name} " + " ".join(rng.choices(pool, k=2))
    published = _dated(moment, rng)
    updated = ""
    if rng.random() < 0.15:
        later = moment + timedelta(hours=rng.randint(10, 30))  # after published in any of its zones
        updated = f"Updated: {_MONTHS[later.month - 1]} {later.day}, {later.year} {later:%H:%M} UTC\n"
    byline = " and ".join(authors) if len(authors) < 3 else f"{authors[0]}, {authors[1]} & {authors[2]}"

    layout = rng.choices("ABCD", weights=(45, 35, 10, 10))[0]
    header = f"date {day:%Y-%m-%d}"
    if layout == "A":
        text = (f"{header} en English\n{category}\n\n{title}\n\nauthor\nBy: {byline}\nPublished: {published}\n"
                f"{updated}{title}\n\n{body}\n\nauthor\n\n{bio_name}\n\n{bio}\n")
    elif layout == "B":
        text = (f"{header} en English\n{category}\n\n{title}\n\nBy: {byline}\nPublished: {published}\n"
                f"{updated}{title}\n\n{body}\n\n{category}\n\n{bio_name}\n\n{bio}\n")
    elif layout == "C":
        text = f"{header} {title}\n\n{body}\n"
    else:
        text = f"{header} {body}\n"
    return GeneratedArticle(name=name, text=text)


def generate(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """Write articles 0..n-1 of corpus `seed` under `folder`; files already there with the
    same bytes are left alone. Returns the paths in index order."""
    paths: list[Path] = []
    made: set[Path] = set()
    for index in range(n):
        generated = article(index, seed)
        path = folder / generated.name
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        data = generated.text.encode("utf-8")
        try:
            same = path.stat().st_size == len(data) and path.read_bytes() == data
        except OSError:
            same = False
        if not same:
            path.write_bytes(data)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic article corpus.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generate(args.folder, args.n, args.seed)


if __name__ == "__main__":
    main()
