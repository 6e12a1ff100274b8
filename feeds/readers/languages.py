"""ISO 639-1 codes with their English names and endonyms, to recognize `en English`
on the header line without mistaking a title such as `de Gaulle Remembered` for one."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from feeds.text import fold

_NAMES: dict[str, tuple[str, ...]] = {
    "ar": ("Arabic", "العربية"), "bg": ("Bulgarian", "български"), "bn": ("Bengali", "বাংলা"),
    "ca": ("Catalan", "català"), "cs": ("Czech", "čeština", "česky"), "cy": ("Welsh", "Cymraeg"),
    "da": ("Danish", "dansk"), "de": ("German", "Deutsch"), "el": ("Greek", "Ελληνικά"),
    "en": ("English",), "es": ("Spanish", "español", "castellano"), "et": ("Estonian", "eesti"),
    "eu": ("Basque", "euskara"), "fa": ("Persian", "فارسی"), "fi": ("Finnish", "suomi"),
    "fr": ("French", "français"), "ga": ("Irish", "Gaeilge"), "gl": ("Galician", "galego"),
    "gu": ("Gujarati", "ગુજરાતી"), "he": ("Hebrew", "עברית"), "hi": ("Hindi", "हिन्दी", "हिंदी"),
    "hr": ("Croatian", "hrvatski"), "hu": ("Hungarian", "magyar"), "id": ("Indonesian", "Bahasa Indonesia"),
    "is": ("Icelandic", "íslenska"), "it": ("Italian", "italiano"), "ja": ("Japanese", "日本語"),
    "ko": ("Korean", "한국어"), "lt": ("Lithuanian", "lietuvių"), "lv": ("Latvian", "latviešu"),
    "mr": ("Marathi", "मराठी"), "ms": ("Malay", "Bahasa Melayu"), "nl": ("Dutch", "Nederlands"),
    "no": ("Norwegian", "norsk"), "nb": ("Norwegian Bokmål", "norsk bokmål"), "pa": ("Punjabi", "ਪੰਜਾਬੀ"),
    "pl": ("Polish", "polski"), "pt": ("Portuguese", "português"), "ro": ("Romanian", "română"),
    "ru": ("Russian", "русский"), "sk": ("Slovak", "slovenčina"), "sl": ("Slovenian", "slovenščina"),
    "sr": ("Serbian", "српски", "srpski"), "sv": ("Swedish", "svenska"), "sw": ("Swahili", "Kiswahili"),
    "ta": ("Tamil", "தமிழ்"), "te": ("Telugu", "తెలుగు"), "th": ("Thai", "ไทย"),
    "tl": ("Tagalog", "Filipino"), "tr": ("Turkish", "Türkçe"), "uk": ("Ukrainian", "українська"),
    "ur": ("Urdu", "اردو"), "vi": ("Vietnamese", "Tiếng Việt"), "zh": ("Chinese", "中文", "汉语", "漢語"),
}  # fmt: skip

# ISO 639-2/3 codes of the languages above, read as their two-letter code.
_ALPHA3: dict[str, str] = {
    "ara": "ar", "bul": "bg", "ben": "bn", "cat": "ca", "ces": "cs", "cze": "cs", "cym": "cy",
    "wel": "cy", "dan": "da", "deu": "de", "ger": "de", "ell": "el", "gre": "el", "eng": "en",
    "spa": "es", "est": "et", "eus": "eu", "baq": "eu", "fas": "fa", "per": "fa", "fin": "fi",
    "fra": "fr", "fre": "fr", "gle": "ga", "glg": "gl", "guj": "gu", "heb": "he", "hin": "hi",
    "hrv": "hr", "hun": "hu", "ind": "id", "isl": "is", "ice": "is", "ita": "it", "jpn": "ja",
    "kor": "ko", "lit": "lt", "lav": "lv", "mar": "mr", "msa": "ms", "may": "ms", "nld": "nl",
    "dut": "nl", "nor": "no", "nob": "nb", "pan": "pa", "pol": "pl", "por": "pt", "ron": "ro",
    "rum": "ro", "rus": "ru", "slk": "sk", "slo": "sk", "slv": "sl", "srp": "sr", "swe": "sv",
    "swa": "sw", "tam": "ta", "tel": "te", "tha": "th", "tgl": "tl", "fil": "tl", "tur": "tr",
    "ukr": "uk", "urd": "ur", "vie": "vi", "zho": "zh", "chi": "zh",
}  # fmt: skip

# A language tag as written on a header line: `en`, `eng`, `en-US`, `zh_HK`, `sr-Latn`.
_TAG = re.compile(r"^([A-Za-z]{2,3})((?:[-_][A-Za-z0-9]{2,8})*)$")


def _key(name: str) -> str:
    """Names compare case-, space- and accent-insensitively: `Français` = `francais`."""
    decomposed = unicodedata.normalize("NFD", fold(name))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


_CODE_OF_NAME: dict[str, str] = {}
for _code, _names in _NAMES.items():
    for _name in _names:
        _CODE_OF_NAME.setdefault(_key(_name), _code)


@lru_cache(maxsize=256)  # a folder's articles repeat a few remainders: `en English`
def language_of(rest: str) -> str | None:
    """The language a header remainder names, else None (the remainder is then a title or
    a sentence, section 3).

    `<code> <name>` where the code is a known ISO 639 code (two or three letters, with an
    optional region: `en-US`) and the name is that language's English name or endonym:
    `en English`, `de Deutsch`, `zh 中文`, `fr Français`. A known code alone in lower case (`en`) or a
    language name alone (`English`) also counts. `de Gaulle Remembered` does not: "Gaulle
    Remembered" is not the name of German.
    """
    words = rest.split(None, 1)
    if not words:
        return None
    if len(words) == 1 and (code := _CODE_OF_NAME.get(_key(words[0]))) is not None:
        return code
    tag = _TAG.match(words[0])
    if tag is None:
        return None
    primary = tag[1].lower()
    primary = _ALPHA3.get(primary, primary)
    if primary not in _NAMES:
        return None
    if len(words) == 1 and not tag[1].islower():
        return None  # a code alone is written in lower case: `No` is a word, `no` Norwegian
    if len(words) == 2 and _key(words[1]) not in {_key(n) for n in _NAMES[primary]}:
        return None
    subtags = [t for t in re.split(r"[-_]", tag[2]) if t]
    return "-".join([primary, *(t.upper() if len(t) == 2 else t for t in subtags)])
