"""ISO 639-1 codes with their English names and endonyms, to recognize `en English`
on the header line without mistaking a title such as `de Gaulle Remembered` for one."""

from __future__ import annotations

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

_BY_NAME = {(code, fold(name)) for code, names in _NAMES.items() for name in names}


def language_of(code_and_name: str) -> str | None:
    """The language code of a header remainder such as `en English` or `zh-HK 中文`, else None."""
    code, _, name = code_and_name.partition(" ")
    primary = code.lower().split("-")[0].split("_")[0]
    if (primary, fold(name)) not in _BY_NAME:
        return None
    subtags = code.replace("_", "-").split("-")[1:]
    return "-".join([primary, *(t.upper() if len(t) == 2 else t for t in subtags)])
