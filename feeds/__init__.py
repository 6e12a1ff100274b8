"""feeds: publish a folder of scraped news articles as RSS 2.0 and Atom 1.0 feeds."""

from __future__ import annotations

__version__ = "0.1.0"
