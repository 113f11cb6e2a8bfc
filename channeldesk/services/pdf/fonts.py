"""Fonts for every script a partner's name may be written in, with per-character fallback.

reportlab's built-in fonts are Latin-1 only, and one TrueType font never covers every
script. So each style has a chain of embedded TrueType (glyf) fonts shipped in
resources/fonts with their licences:

- DejaVu Sans: Latin, Greek, Cyrillic, Hebrew and Arabic (with the presentation forms);
- Noto Sans Thai: Thai;
- Droid Sans Fallback: Chinese, Japanese (kana and kanji) and Korean (Hangul).

A text is split into runs, each set in the first font of the chain that has its
characters (:func:`font_runs`); combining marks stay with the letter they sit on.
reportlab neither shapes Arabic nor orders right-to-left text, so a text holding Arabic
or Hebrew is first reshaped (arabic-reshaper joins the letters into their contextual
forms) and put in visual order (python-bidi, the Unicode bidirectional algorithm), per
line: :func:`visual_order`. Every place a text is drawn goes through :func:`markup`
(paragraphs), :func:`draw_text` (the page canvas) or :func:`text_group` (charts).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from functools import cache
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from reportlab.graphics.shapes import Group, String
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from channeldesk.services.pdf.assets import font_path

REGULAR = "DeskSans"
BOLD = "DeskSans-Bold"
THAI = "DeskThai"
THAI_BOLD = "DeskThai-Bold"
CJK = "DeskCJK"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf",
         THAI: "NotoSansThai-Regular.ttf", THAI_BOLD: "NotoSansThai-Bold.ttf",
         CJK: "DroidSansFallback.ttf"}
# The fonts tried in turn for a character, by the style's own font (CJK has one weight).
CHAINS: dict[str, tuple[str, ...]] = {REGULAR: (REGULAR, THAI, CJK),
                                      BOLD: (BOLD, THAI_BOLD, CJK)}
_RIGHT_TO_LEFT = frozenset({"R", "AL"})


class FontMissingError(RuntimeError):
    """A shipped font file is not where it should be (a broken installation)."""


@cache
def register_fonts() -> str:
    """Register every font once per process; returns the regular font's name."""
    for name, file_name in FILES.items():
        path = font_path(file_name)
        if not path.is_file():
            raise FontMissingError(
                f"The PDF font {path} is missing; reinstall ChannelDesk.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    for family, bold in ((REGULAR, BOLD), (THAI, THAI_BOLD), (CJK, CJK)):
        addMapping(family, 0, 0, family)
        addMapping(family, 1, 0, bold)
        addMapping(family, 0, 1, family)
        addMapping(family, 1, 1, bold)
    return REGULAR


@cache
def glyphs_of(font: str) -> frozenset[int]:
    """The code points ``font`` has a glyph for."""
    register_fonts()
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


def _chain(font: str) -> tuple[str, ...]:
    return CHAINS.get(font, (font,))


def font_for(char: str, font: str) -> str | None:
    """The first font of ``font``'s chain that has ``char``, or None if none has."""
    code = ord(char)
    return next((name for name in _chain(font) if code in glyphs_of(name)), None)


def needs_bidi(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in text)


_ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))


def embed(name: str) -> str:
    """A name set inside a sentence ('For شركة النور', 'Where עמית stands'): isolated, so
    the sentence keeps its own direction and the name keeps its own."""
    return f"\u2068{name}\u2069" if needs_bidi(name) else name


def visual_order(text: str, base: str | None = None) -> str:
    """Arabic letters joined and right-to-left runs reversed, line by line, as the page
    must show them; text without Arabic or Hebrew is returned unchanged. The direction
    of a line is ``base`` ('L' or 'R') when given, else that of most of its letters
    outside an :func:`embed`-ded name."""
    if not text or not needs_bidi(text):
        return text.translate(_ISOLATES) if text else text
    return "\n".join(
        get_display(arabic_reshaper.reshape(line), base_dir=base or direction(line))
        .translate(_ISOLATES) if needs_bidi(line) else line.translate(_ISOLATES)
        for line in text.split("\n"))


def direction(line: str) -> str:
    """'R' when most letters outside embedded names are right-to-left, else 'L': an
    English sentence that starts with an Arabic name is still an English sentence (the
    Unicode default, the first letter, would set it right to left)."""
    outside, depth = [], 0
    for char in line:
        if char == "\u2068":
            depth += 1
        elif char == "\u2069":
            depth = max(0, depth - 1)
        elif not depth:
            outside.append(unicodedata.bidirectional(char))
    rtl = sum(kind in _RIGHT_TO_LEFT for kind in outside)
    return "R" if rtl > outside.count("L") else "L"


def _sticks(char: str) -> bool:
    """Spaces and combining marks (Thai vowels and tone marks) stay in the current run."""
    return char.isspace() or unicodedata.combining(char) > 0 or \
        unicodedata.category(char) in ("Mn", "Me", "Cf")


def font_runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` (already in visual order) split into (font, characters) runs."""
    primary = glyphs_of(font) if font in CHAINS else None
    if primary is not None and all(ord(char) in primary for char in text):
        return [(font, text)] if text else []  # the usual case: one run, no lookups
    runs: list[tuple[str, str]] = []
    current = font
    for char in text:
        if not (_sticks(char) and runs):
            current = font_for(char, font) or font
        if runs and runs[-1][0] == current:
            runs[-1] = (current, runs[-1][1] + char)
        else:
            runs.append((current, char))
    return runs


def markup(text: str, font: str = REGULAR, base: str | None = None) -> str:
    """Paragraph markup for user text: escaped, in visual order (see
    :func:`visual_order`), each run of a script the style's font lacks wrapped in
    ``<font name=...>``; newlines become line breaks."""
    parts = []
    for name, chars in font_runs(visual_order(text or "", base), font):
        chunk = escape(chars).replace("\n", "<br/>")
        parts.append(chunk if name == font else f'<font name="{name}">{chunk}</font>')
    return "".join(parts)


def text_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` as drawn with fallback fonts."""
    return sum(pdfmetrics.stringWidth(chars, name, size)
               for name, chars in font_runs(visual_order(text), font))


def fit(text: str, font: str, size: float, width: float) -> str:
    """The text, shortened with an ellipsis if it would run past ``width``."""
    if text_width(text, font, size) <= width:
        return text
    # Halve first: a 5,000-character label must not be trimmed one character at a time.
    while len(text) > 64 and text_width(text[: len(text) // 2] + "…", font, size) > width:
        text = text[: len(text) // 2]
    while text and text_width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def draw_text(canvas, x: float, y: float, text: str, font: str, size: float,
              anchor: str = "start") -> None:
    """Draw one line on the page canvas with fallback fonts; ``anchor`` is start, middle
    or end (the x the text starts at, is centred on or ends at)."""
    runs = font_runs(visual_order(text), font)
    width = sum(pdfmetrics.stringWidth(chars, name, size) for name, chars in runs)
    x -= {"start": 0, "middle": width / 2, "end": width}[anchor]
    for name, chars in runs:
        canvas.setFont(name, size)
        canvas.drawString(x, y, chars)
        x += pdfmetrics.stringWidth(chars, name, size)


def text_group(x: float, y: float, text: str, font: str, size: float, fill,
               anchor: str = "start") -> Group:
    """A chart label (reportlab.graphics) with fallback fonts, one String per run."""
    runs = font_runs(visual_order(text), font)
    width = sum(pdfmetrics.stringWidth(chars, name, size) for name, chars in runs)
    x -= {"start": 0, "middle": width / 2, "end": width}[anchor]
    group = Group()
    for name, chars in runs:
        group.add(String(x, y, chars, fontName=name, fontSize=size, fillColor=fill))
        x += pdfmetrics.stringWidth(chars, name, size)
    return group


def covers(text: str) -> bool:
    """True when every character of ``text`` has a glyph in one of the fonts."""
    return all(_sticks(char) or font_for(char, REGULAR) is not None
               for char in visual_order(text))


def unprintable_characters(value: object) -> list[str]:
    """The distinct characters of every text in ``value`` (a document: dataclasses,
    tuples, lists, dicts, strings) that no shipped font has, in first-seen order."""
    found: dict[str, None] = {}
    for text in _texts(value):
        if not covers(text):
            found.update(dict.fromkeys(char for char in text
                                       if not _sticks(char) and not covers(char)))
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
