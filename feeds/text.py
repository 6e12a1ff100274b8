"""Text hygiene shared by every stage (ARTICLE_FORMAT.md section 0)."""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters carry no text and break equality and word splitting: the zero-width
# space, joiners, word joiner, BOM and soft hyphen, and the invisible direction marks and
# embeddings (U+200E-200F, U+202A-202E, U+2066-2069), which scraped text uses to reorder what
# a reader sees.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u180e\u2061-\u2064\u202a-\u202e\u2066-\u2069"
# XML 1.0 allows tab, LF, CR and U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff" + _ZERO_WIDTH + "]")
# No-break spaces and the separators that are not LF (NEL, U+2028, U+2029) are plain spaces.
_AS_SPACE = str.maketrans(dict.fromkeys("\u00a0\u202f\t\x85\u2028\u2029", " "))
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
    }
)  # fmt: skip
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d-]")
# The ASCII members of _XML_ILLEGAL, and the tab as a space: what clean_line does to ASCII
# text, as one bytes.translate over a whole file (several times faster than the regex).
_ASCII_ILLEGAL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_ASCII_TAB = bytes.maketrans(b"\t", b" ")


def clean_line(line: str) -> str:
    """One input line made safe: NFC, no illegal or zero-width characters,
    no-break and other odd spaces as plain spaces, no trailing white space."""
    line = _XML_ILLEGAL.sub("", line)
    if line.isascii():  # NFC changes no ASCII text, and a tab is the only ASCII odd space
        return line.replace("\t", " ").rstrip()
    line = unicodedata.normalize("NFC", line)
    line = line.translate(_AS_SPACE)
    return line.rstrip()


def clean_text(raw: str) -> list[str]:
    """The lines of a decoded file, after the hygiene rules of section 0."""
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    if raw.isascii():
        return [line.rstrip() for line in clean_ascii(raw.encode("ascii")).split("\n")]
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return [clean_line(line) for line in raw.split("\n")]


def clean_ascii(data: bytes) -> str:
    """The text of a file that is all ASCII, from its bytes, with LF line endings and what
    clean_line does to each line but the stripping: done once for the whole file by one
    bytes.translate, before the one decode."""
    if b"\r" in data:  # most files have none: spare the two replaces their copies
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data.translate(_ASCII_TAB, _ASCII_ILLEGAL).decode("ascii")


def collapse(text: str) -> str:
    """Runs of white space as one space, stripped at both ends."""
    if text.isascii() and "  " not in text and "\t" not in text:
        return text.strip()  # no run to collapse: the regex would only replace each space by itself
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """The key under which two strings are "equal" (section 0): case-folded,
    white space collapsed, curly and straight quotes and all dashes the same."""
    if not text.isascii():  # every curly quote and odd dash is outside ASCII
        text = _DASHES.sub("-", text.translate(_QUOTES))
    return " ".join(text.casefold().split())
