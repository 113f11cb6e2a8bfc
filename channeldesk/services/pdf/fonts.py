"""The embedded TTF font, so partner names in any European script print correctly.

reportlab's built-in fonts are Latin-1 only: "Łódź", "Ελληνική", "Москва" would print as
black boxes. DejaVu Sans (shipped in resources/fonts with its licence) covers Latin
Extended, Greek and Cyrillic. Scripts it cannot set well (CJK and Thai have no glyphs;
Arabic and Hebrew would need shaping and right-to-left order that reportlab does not do)
are reported by :func:`covers` so callers can choose what to do.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from channeldesk.services.pdf.assets import font_path

REGULAR = "DeskSans"
BOLD = "DeskSans-Bold"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


class FontMissingError(RuntimeError):
    """The shipped font file is not where it should be (a broken installation)."""


@cache
def register_fonts() -> str:
    """Register the font family once per process; returns the regular font's name."""
    for name, file_name in FILES.items():
        path = font_path(file_name)
        if not path.is_file():
            raise FontMissingError(
                f"The PDF font {path} is missing; reinstall ChannelDesk.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR


def covers(text: str) -> bool:
    """True when every character can be set: the font has a glyph and the script needs
    no shaping or right-to-left layout."""
    register_fonts()
    glyphs = pdfmetrics.getFont(REGULAR).face.charToGlyph
    for char in text:
        if char.isspace():
            continue
        if unicodedata.bidirectional(char) in ("R", "AL") or ord(char) not in glyphs:
            return False
    return True


def unprintable_characters(value: object) -> list[str]:
    """The distinct characters of every text in ``value`` (a document: dataclasses,
    tuples, lists, dicts, strings) that the PDF cannot set, in first-seen order."""
    found: dict[str, None] = {}
    for text in _texts(value):
        if not covers(text):
            found.update(dict.fromkeys(char for char in text
                                       if not char.isspace() and not covers(char)))
    return list(found)


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            yield from _texts(getattr(value, item.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
