"""A synthetic corpus of articles in the news-text format, for tests at scale.

    .venv/bin/python -m tests.corpus DIR [--count 1000] [--seed 0]

The same count and seed always give the same files. The articles use the four
layouts of ARTICLE_FORMAT.md section 9 (A to D), about 20 categories (one pair,
`Café` and `Cafe`, shares a slug on purpose), 150 authors, one to three
authors per article, English and German, dates from 2020 to mid-2026 (all in
the past) in a dozen zones stated as their abbreviation or offset, some
`Updated` lines, subheadings and lists, and text with `&`, `<`, quotes.
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

CATEGORIES = (
    "World", "Business", "Science", "Technology", "Health", "Sport", "Culture", "Politics", "Climate",
    "Education", "Travel", "Food", "Opinion", "Local", "Transport", "Energy", "Space", "Markets",
    "Café", "Cafe",
)  # fmt: skip
FIRST = ("Maria", "Tom", "Helen", "Priya", "Daniel", "Sofia", "Lukas", "José", "Zoë", "Søren",
         "Aisha", "Kenji", "Olga", "Mateo", "Chloé")  # fmt: skip
LAST = ("Lopez", "Becker", "Chu", "Raman", "Okafor", "Almeida", "Brandt", "Nguyen", "Kowalski", "Haddad")
AUTHORS = tuple(f"{first} {last}" for first in FIRST for last in LAST)  # 150 people

# (IANA zone, how a date in it is written): "abbr" uses the zone's own abbreviation.
ZONES = (
    ("America/New_York", "abbr"), ("America/Los_Angeles", "abbr"), ("Europe/London", "abbr"),
    ("Europe/Berlin", "abbr"), ("Asia/Hong_Kong", "abbr"), ("Asia/Tokyo", "abbr"),
    ("Asia/Kolkata", "offset"), ("Australia/Sydney", "abbr"), ("America/Sao_Paulo", "offset"),
    ("UTC", "abbr"), ("Asia/Shanghai", "gmt"), ("Asia/Kathmandu", "offset"),
)  # fmt: skip
START = datetime(2020, 1, 1, tzinfo=UTC)
END = datetime(2026, 6, 30, tzinfo=UTC)

SUBJECTS = ("The council", "A regional utility", "Researchers", "The ministry", "Local growers", "A startup",
            "Port operators", "Teachers' unions", "The central bank", "Volunteers", "Rail engineers")
VERBS = ("announced", "reported", "warned", "confirmed", "proposed", "delayed", "approved", "questioned")
OBJECTS = ("a plan to expand the network", "new figures on water quality", "a 12% rise in costs",
           "a pilot project in three districts", "changes to the timetable", "the results of a survey",
           "a review of safety rules", "funding of $4 million", "a <b>bold</b> & unusual proposal")
TAILS = ("on Tuesday", "after months of talks", "despite objections", "earlier this week",
         "in a statement", 'calling it "a first step"', "according to officials")
TOPICS = ("harbour", "library", "solar array", "bridge", "vaccine", "orchard", "museum", "tram line",
          "satellite", "wind farm", "school", "reef", "market", "festival", "hospital", "airport")
TITLE_VERBS = ("Expands", "Delays", "Wins Backing for", "Faces Questions Over", "Opens", "Rethinks",
               "Secures Funding for", "Reports Progress on")
HEADINGS = ("What happens next", "Costs and benefits", "A long road", "Reactions", "Background")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")  # fmt: skip
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
             "Oktober", "November", "Dezember")  # fmt: skip


def generate(folder: Path, count: int = 1000, seed: int = 0) -> list[Path]:
    """Write `count` articles below `folder`; the paths, in order."""
    rng = random.Random(seed)
    paths = []
    for number in range(count):
        path = folder / _file_name(rng, number)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_article(rng), "utf-8")
        paths.append(path)
    return paths


def _file_name(rng: random.Random, number: int) -> str:
    topic = rng.choice(TOPICS).replace(" ", "-")
    name = f"{number:05d}-{topic}.txt"
    return f"{2020 + number % 7}/{name}" if number % 3 == 0 else name


def _moment(rng: random.Random) -> datetime:
    seconds = rng.randrange(int((END - START).total_seconds()))
    zone, _ = rng.choice(ZONES)
    return (START + timedelta(seconds=seconds - seconds % 60)).astimezone(ZoneInfo(zone))


def _written(moment: datetime, german: bool) -> str:
    zone = next(style for name, style in ZONES if name == str(moment.tzinfo))
    offset = moment.strftime("%z")
    if zone == "abbr":
        suffix = moment.tzname() or "UTC"
    elif zone == "gmt":
        hours = int(offset[:3])
        suffix = f"GMT{hours:+d}"
    else:
        suffix = f"{offset[:3]}:{offset[3:]}"
    if german:
        return f"{moment.day}. {MONTHS_DE[moment.month - 1]} {moment.year} um {moment:%H:%M} {suffix}"
    month = MONTHS_EN[moment.month - 1]  # not %B: that follows the locale
    match moment.minute % 3:
        case 0:
            hour, half = moment.hour % 12 or 12, "am" if moment.hour < 12 else "pm"
            return f"{month} {moment.day}, {moment.year} at {hour}:{moment:%M} {half} {suffix}"
        case 1:
            return f"{moment.day} {month} {moment.year}, {moment:%H:%M} {suffix}"
        case _:
            return f"{moment:%Y-%m-%d %H:%M} {suffix}"


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


def _body(rng: random.Random) -> list[str]:
    lines = [_paragraph(rng) for _ in range(rng.randint(2, 4))]
    if rng.random() < 0.4:
        lines += [rng.choice(HEADINGS), _paragraph(rng)]
    if rng.random() < 0.2:
        lines += ["The plan includes:", *(f"- {rng.choice(OBJECTS)}" for _ in range(3)), _paragraph(rng)]
    return lines


def _title(rng: random.Random) -> str:
    place = rng.choice(("City", "Island", "Valley", "Harbour", "County", "Region"))
    return f"{place} {rng.choice(TITLE_VERBS)} {rng.choice(TOPICS).title()} Plan"


def _article(rng: random.Random) -> str:
    layout = rng.choice("AABBCD")
    published = _moment(rng)
    header = f"date {published:%Y-%m-%d}"
    if layout == "C":
        return "\n\n".join([f"{header} {_title(rng)}", *_body(rng)]) + "\n"
    if layout == "D":
        return "\n\n".join([f"{header} {_paragraph(rng)}", *_body(rng)]) + "\n"
    german = rng.random() < 0.1
    category = rng.choice(CATEGORIES)
    title = _title(rng)
    authors = rng.sample(AUTHORS, rng.choice((1, 1, 1, 2, 3)))
    byline = authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + " and " + authors[-1]
    lines = [f"{header} {'de Deutsch' if german else 'en English'}", category, "", title, ""]
    if layout == "A":
        lines.append("author")
    lines += [f"By: {byline}", f"Published: {_written(published, german)}"]
    if rng.random() < 0.2:
        updated = published + timedelta(hours=rng.randint(1, 30))
        lines.append(f"Updated: {_written(updated, german)}")
    lines += [title, "", *(line + "\n" for line in _body(rng))]
    bio_name = authors[0]
    lines += ["author" if layout == "A" else category, "", bio_name, "",
              f"{bio_name} writes about {rng.choice(TOPICS)}s and {rng.choice(TOPICS)}s for the paper."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = generate(args.folder, args.count, args.seed)
    print(f"{len(paths)} articles written to {args.folder}")


if __name__ == "__main__":
    main()
