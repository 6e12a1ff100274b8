"""Input formats: one module per format, chosen by file suffix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from feeds.readers.text import ReadOptions, ReadResult, read_text

Reader = Callable[[bytes, str, ReadOptions], ReadResult]

READERS: Final[dict[str, Reader]] = {".txt": read_text}

__all__ = ["READERS", "ReadOptions", "ReadResult", "Reader", "read_text"]
