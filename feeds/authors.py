"""Author names from a by-line value (ARTICLE_FORMAT.md section 5).

Pure functions, no I/O. `split_byline("Jane Roe and John Doe, Staff Writers")` gives the two
people; the reader decides which line is a by-line, the normalizer turns names into `Author`s.

Decisions on the points the format leaves open:

- Separators: `,` `;` `&` and ` and ` (any case; `, and` is one separator). The other
  languages' "and" (` und `, ` y `, ` et `, ` e `) split only when written in lower case and
  when every side has at least two words, so `José Ortega y Gasset` stays one name while
  `Juan Pérez y María López` is two. A trailing `et al.` is dropped.
- Outlet or person after a comma: a piece after a comma is an affiliation, and is dropped,
  when it "looks like an organization": a known outlet (`_OUTLETS`), a single all-capital
  word of 2 to 6 letters (`BNN`, `NPR`), a piece with a role word anywhere (`Staff Writer`,
  `International Editor`, `Reuters correspondent in Beijing`) or one that ends with a desk
  word (`Web Desk`, `BNN Newsroom`, `Editorial Board`). Anything else after a comma is one
  more person: `Jane Roe, John Doe` is two people. The same test on a piece that is not
  after a comma (or has no kept person before it) makes an organization author instead:
  `Web Desk`, `Staff Reporter`, `Reuters`.
- Suffixes (`Jr.`, `Sr.`, `II`, `III`, `IV`, `PhD`, `MD`, `Esq.`) after a comma join the name
  before it with a space, spelled one way: `John Smith, Jr.` -> `John Smith Jr.`.
- A trailing parenthesised part is dropped (`Jane Roe (Reuters)` -> `Jane Roe`).
- A piece with a digit or more than 6 words is dropped with `W-AUTHOR-DISCARDED`; other
  drops (outlets, roles, orphan suffixes, empty pieces) are silent.
- A name written all in capitals is title-cased word by word: particles after the first word
  in lower case (`van`, `de`, `al-`), `O'`/`D'` and hyphen parts capitalised, `Mc` + capital,
  suffixes and known outlets in their usual spelling. Single-word acronyms stay capitals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from feeds.errors import Code, Finding
from feeds.text import collapse, fold

MAX_WORDS = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorName:
    name: str
    is_organization: bool


# Folded spelling -> the usual spelling. "The X" is also recognised as X.
_OUTLETS: dict[str, str] = {
    fold(name): name
    for name in (
        "Reuters", "Thomson Reuters", "AP", "Associated Press", "AFP", "Agence France-Presse",
        "Bloomberg", "Bloomberg News", "BBC", "BBC News", "CNN", "Xinhua",
        "Xinhua News Agency", "DPA", "EFE", "ANSA", "Kyodo", "Kyodo News", "Yonhap",
        "Yonhap News Agency", "TASS", "PTI", "Press Trust of India", "ANI", "IANS", "UPI",
        "Anadolu Agency", "Al Jazeera", "NPR", "NHK", "CBC News", "ABC News", "NBC News",
        "CBS News", "Fox News", "Sky News", "New York Times", "Washington Post",
        "Wall Street Journal", "Financial Times", "Guardian", "South China Morning Post",
        "BNN", "BNN Breaking",
    )
}  # fmt: skip

# fmt: off
_ROLE_WORDS = frozenset(
    {
        "editor", "correspondent", "reporter", "writer", "contributor", "columnist", "analyst",
        "producer", "journalist", "photographer", "photojournalist", "videographer",
        "commentator", "critic", "researcher", "intern", "stringer", "freelancer", "chief",
    }
)
_DESK_WORDS = frozenset(
    {
        "desk", "desks", "newsdesk", "newsroom", "team", "bureau", "board", "staff", "service",
        "services", "agency", "wire", "wires", "network",
    }
)
# Folded, dots removed -> the usual spelling.
_SUFFIXES: dict[str, str] = {
    "jr": "Jr.", "sr": "Sr.", "ii": "II", "iii": "III", "iv": "IV",
    "phd": "PhD", "md": "MD", "esq": "Esq.",
}
_PARTICLES = frozenset(
    {
        "van", "von", "der", "den", "de", "da", "das", "do", "dos", "di", "du", "del", "della",
        "la", "le", "bin", "binti", "bint", "ibn", "al", "el", "y", "ten", "ter",
    }
)
# Titles before a name: `Dr. Jane Roe` is name-like.
_HONORIFICS = frozenset({"dr", "prof", "mr", "mrs", "ms", "mx", "sir", "dame", "rev"})
# Capitalised function words never start or fill a person's name line ("About The Author").
_FUNCTION_WORDS = frozenset(
    {
        "the", "of", "and", "in", "on", "for", "to", "at", "with", "from", "about", "a", "an",
        "by",
    }
)
# Words that qualify a role or a desk: `Senior Editor`, `White House Correspondent`.
_ROLE_MODIFIERS = frozenset(
    {
        "staff", "senior", "chief", "deputy", "associate", "assistant", "managing", "executive",
        "contributing", "special", "political", "international", "foreign", "national", "business",
        "economics", "economic", "science", "health", "technology", "tech", "sports", "sport",
        "culture", "arts", "environment", "environmental", "climate", "news", "digital", "data",
        "investigative", "legal", "diplomatic", "security", "defence", "defense", "energy",
        "education", "features", "opinion", "politics", "markets", "finance", "financial", "world",
        "regional", "local", "city", "metro", "web", "online", "white", "house", "europe", "asia",
        "africa", "middle", "east", "america", "americas", "editorial", "general", "investment",
        "property", "travel", "food", "music", "film", "entertainment", "lifestyle", "weather",
        "crime", "court", "courts", "social", "media", "video", "photo", "picture", "graphics",
        "in", "large", "at", "of", "the", "for", "and",
    }
)
# Small words written in lower case inside a by-line: connectors and affiliations.
_LOWER_CASE_WORDS = frozenset(
    {"and", "und", "et", "e", "y", "al", "of", "the", "in", "at", "for", "from", "with", "on", "für", "par", "por"}
)
# fmt: on

_WORD = re.compile(r"[^\W\d_][^\W\d_'’\-]*")
_PREFIX = re.compile(r"^\s*(?:(?:written|words|reporting|story|text)\s+)?by\b\s*:?\s*", re.I)
# `, and`, `, &`, `,`, `;`, `&`, ` and `, and a spaced dash or bar (which reads like a comma:
# `Jane Roe - Reuters`); the group keeps the separator.
_SEPARATOR = re.compile(r"(\s*,\s*(?:(?:and|&)\s+)?|\s*;\s*|\s*&\s*|\s+and\s+|\s+[-–—|·•]\s+)", re.I)
_COMMA_LIKE = frozenset(",-–—|·•")
_FOREIGN_AND = re.compile(r"\s+(?:und|y|et|e)\s+")
_ET_AL = re.compile(r"\s+et\.?\s+al\b\W*$", re.I)
_TRAILING_PARENS = re.compile(r"(?<=\S)\s*\([^()]*\)[^\w(]*$")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+$")
_DIGIT = re.compile(r"\d")
_NAME_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*$")


def _trim(text: str) -> str:
    """Quotes, brackets and other punctuation trimmed off both ends, keeping the dot of a
    final initial or suffix (`Jane R.`, `John Smith Jr.`)."""
    start = 0
    while start < len(text) and not text[start].isalnum():
        start += 1
    text = text[start:]
    while text and not text[-1].isalnum():
        if text[-1] == ".":
            last = text.rsplit(" ", 1)[-1]
            if _INITIALS.match(last) or _suffix(last) is not None:
                break
        text = text[:-1].rstrip()
    return text


def _strip_piece(piece: str) -> str:
    """One name piece, cleaned: white space collapsed, no surrounding punctuation, no trailing
    `(Reuters)` or `et al.`."""
    text = _TRAILING_PARENS.sub("", collapse(piece))
    return _trim(_ET_AL.sub("", text))


def _suffix(word: str) -> str | None:
    """The usual spelling of a name suffix, or None when `word` is not one."""
    return _SUFFIXES.get(fold(word).replace(".", ""))


def _outlet(piece: str) -> str | None:
    key = fold(piece)
    if key.startswith("the "):
        key = key[4:]
    return _OUTLETS.get(key)


def _is_role_word(word: str) -> bool:
    return word in _ROLE_WORDS or (word.endswith("s") and word[:-1] in _ROLE_WORDS)


def _looks_like_organization(piece: str) -> bool:
    """An outlet, an acronym, a role (`Staff Writer`) or a desk (`Web Desk`)."""
    if _outlet(piece) is not None or _ACRONYM.match(piece):
        return True
    words = re.split(r"[\s\-]+", fold(piece))
    return any(_is_role_word(w) for w in words) or words[-1] in _DESK_WORDS


def _role_keys(words: list[str]) -> list[str] | None:
    """The folded words (hyphen parts apart) when every one is a word of roles and desks."""
    keys = [k for w in words for k in fold(w).split("-") if k]
    if keys and all(_is_role_word(k) or k in _DESK_WORDS or k in _ROLE_MODIFIERS for k in keys):
        return keys
    return None


def _is_role_phrase(words: list[str]) -> bool:
    """`Staff Writers`, `International Editor`, `White House Correspondent`, `Web Desk`: words
    of roles and desks only, ending with a role or desk word."""
    keys = _role_keys(words)
    return keys is not None and (_is_role_word(keys[-1]) or keys[-1] in _DESK_WORDS)


def _drop_affiliation(piece: str) -> str:
    """A person's name without what trails it with no comma: a role (`Jane Roe Staff Writer`),
    an outlet (`Jane Roe Reuters`) or a place (`Jane Roe in Beijing`). Only when what is left
    is name-like; a piece that is all role (`Staff Reporter`) is kept, an organization."""
    words = piece.split(" ")
    lowered = [w.lower() for w in words]
    if "in" in lowered:
        at = lowered.index("in")
        name, place = words[:at], words[at + 1 :]
        if place and is_name_like(" ".join(name)) and all(_is_name_word(w) or w in _PARTICLES for w in place):
            return " ".join(name)
    for cut in range(2, len(words)):
        head, tail = words[:cut], words[cut:]
        if (
            (_is_role_phrase(tail) or _outlet(" ".join(tail)) is not None)
            and is_name_like(" ".join(head))
            and _role_keys(head) is None
        ):
            return " ".join(head)
    return piece


def looks_like_names(value: str) -> bool:
    """Whether a by-line value reads as names rather than as a sentence: every word written in
    lower case is a name particle (`van`, `de`), a connector (`and`, `et al.`), a small word of
    an affiliation (`in`, `of`, `for`) or a role (`staff writer`). So `Jane Roe and John Doe,
    staff writers` is names, and `Friday officials expect the river to crest` is not."""
    for word in _WORD.findall(value):
        if not word[0].islower():
            continue
        key = fold(word)
        if not (
            key in _PARTICLES or key in _LOWER_CASE_WORDS or _is_role_word(key) or key in _DESK_WORDS
            or key in _ROLE_MODIFIERS
        ):
            return False
    return True


def _title_word(word: str, *, first: bool, last: bool) -> str:
    suffix = _suffix(word)
    if suffix is not None:
        return suffix
    lower = word.lower()
    if not first and not last and lower in _PARTICLES:
        return lower
    parts = []
    for i, part in enumerate(lower.split("-")):
        if i == 0 and not first and part in ("al", "el") and "-" in lower:
            parts.append(part)
            continue
        part = part[:1].upper() + part[1:]
        # O'Neil, D'Angelo: one letter, an apostrophe, then a capital.
        part = re.sub(r"^([^\W\d_])(['’])([^\W\d_])", lambda m: m[1] + m[2] + m[3].upper(), part)
        if part.startswith("Mc") and len(part) > 2:
            part = "Mc" + part[2].upper() + part[3:]
        parts.append(part)
    return "-".join(parts)


def _title_case(name: str) -> str:
    """`JANE O'NEIL` -> `Jane O'Neil`; names not written all in capitals are kept."""
    if not name.isupper():
        return name
    outlet = _outlet(name)
    if outlet is not None:
        return outlet
    if _ACRONYM.match(name):
        return name
    words = name.split(" ")
    return " ".join(_title_word(w, first=i == 0, last=i == len(words) - 1) for i, w in enumerate(words))


def _split_foreign(piece: str) -> list[str]:
    """`Juan Pérez y María López` -> two names; `José Ortega y Gasset` stays one."""
    parts = _FOREIGN_AND.split(piece)
    if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts):
        return parts
    return [piece]


@lru_cache(maxsize=1024)  # the reader and the normalizer split the same by-lines
def split_byline(value: str) -> tuple[tuple[AuthorName, ...], tuple[Finding, ...]]:
    """The authors named in a by-line value, in order, without duplicates.

    `value` is what follows `By:`; a leading `By`/`By:` is removed anyway. Never raises; an
    empty result means the by-line named nobody (the caller falls back).
    """
    text = _PREFIX.sub("", collapse(value), count=1)
    tokens = _SEPARATOR.split(text)
    # tokens: piece, separator, piece, separator, ..., piece
    names: list[AuthorName] = []
    findings: list[Finding] = []
    last_was_person = False
    for index in range(0, len(tokens), 2):
        after_comma = index > 0 and tokens[index - 1].strip() in _COMMA_LIKE
        for part, raw in enumerate(_split_foreign(collapse(tokens[index]))):
            after_comma = after_comma and part == 0
            piece = _read_piece(raw)
            was_person, last_was_person = last_was_person, False
            if not piece.text:
                continue
            if piece.suffix is not None:
                if after_comma and was_person:
                    names[-1] = AuthorName(name=f"{names[-1].name} {piece.suffix}", is_organization=False)
                    last_was_person = True
                continue
            if after_comma and piece.is_organization and names:
                continue  # an outlet or role after a name: `Jane Roe, Reuters`
            if piece.author is None:
                findings.append(Finding(code=Code.AUTHOR_DISCARDED, message=piece.dropped))
                continue
            names.append(piece.author)
            last_was_person = not piece.is_organization
    return dedupe(names), tuple(findings)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Piece:
    """One piece of a by-line read by itself; what its neighbours change is split_byline's."""

    text: str  # cleaned, without its affiliation; "" when nothing is left
    suffix: str | None = None  # its usual spelling, when the piece is a name suffix (`Jr.`)
    is_organization: bool = False
    author: AuthorName | None = None  # the name it gives, if any
    dropped: str = ""  # why a piece with text that is no suffix gives no name (W-AUTHOR-DISCARDED)


@lru_cache(maxsize=4096)  # a site's by-lines name the same people again and again
def _read_piece(raw: str) -> _Piece:
    piece = _drop_affiliation(_strip_piece(raw))
    if not piece:
        return _Piece(text="")
    suffix = _suffix(piece)
    if suffix is not None:
        return _Piece(text=piece, suffix=suffix)
    organization = _looks_like_organization(piece)
    if _DIGIT.search(piece):
        return _Piece(text=piece, is_organization=organization,
                      dropped=f'Dropped "{piece}" from the by-line: a name has no digits.')
    count = len(piece.split())
    if count > MAX_WORDS:
        return _Piece(text=piece, is_organization=organization,
                      dropped=f'Dropped "{piece}" from the by-line: it has {count} words, more than {MAX_WORDS}.')
    name = (_outlet(piece) if organization else None) or _title_case(piece)
    return _Piece(text=piece, is_organization=organization,
                  author=AuthorName(name=name, is_organization=organization))


@lru_cache(maxsize=4096)  # the few hundred names of a site's authors, deduplicated twice per article
def _name_key(name: str) -> str:
    return fold(name)


def dedupe(names: Iterable[AuthorName]) -> tuple[AuthorName, ...]:
    """The names in order, each kept once: the first of those equal under `fold()`."""
    seen: set[str] = set()
    kept: list[AuthorName] = []
    for name in names:
        key = _name_key(name.name)
        if key not in seen:
            seen.add(key)
            kept.append(name)
    return tuple(kept)


def _is_name_word(word: str) -> bool:
    if _INITIALS.match(word):
        return word[0].isupper()
    if word[:3].lower() in ("al-", "el-"):
        word = word[3:]
    return bool(_NAME_WORD.match(word)) and word[0].isupper()


@lru_cache(maxsize=4096)  # a bio opens with the name line of one of a site's few hundred authors
def is_name_like(line: str) -> bool:
    """2 to 5 capitalised words, as a person's name line: `Aqsa Younas Rana`, `Vincent van
    Gogh`, `Mary-Ann O'Neil`, `Jane R. Roe`, `John Smith Jr.`, `Ahmed al-Hassan`, `Dr. Jane Roe`.

    Lower-case particles (`van`, `de`, `bin`, ...) are allowed but not last, suffixes count
    as words, and at least two words are capitalised. Digits, sentence punctuation and
    capitalised function words (`The`, `By`, `About`) make a line not name-like.
    """
    words = collapse(line).split(" ")
    if not 2 <= len(words) <= 5:
        return False
    capitalised = 0
    for i, word in enumerate(words):
        if (_suffix(word) is not None and i > 0) or (i == 0 and fold(word).rstrip(".") in _HONORIFICS):
            continue
        if word in _PARTICLES:
            if i == len(words) - 1:
                return False
            continue
        if fold(word) in _FUNCTION_WORDS or not _is_name_word(word):
            return False
        capitalised += 1
    return capitalised >= 2
