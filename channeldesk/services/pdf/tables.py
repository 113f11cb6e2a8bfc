"""Tables that look the same everywhere: branded header row repeated on every page,
zebra rows, text that wraps inside its cell instead of running past the page."""

from __future__ import annotations

from datetime import date

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table, TableStyle

from channeldesk.services.pdf.fonts import REGULAR, direction, markup, needs_bidi, text_width
from channeldesk.services.pdf.layout import CONTENT_W
from channeldesk.services.pdf.styles import RULE, ZEBRA, Styles, centred

# The most of one text a table cell shows: a row must fit on a page (a table row cannot
# split across pages, so a 5,000-character label would stop the export), and a partner
# reads a label, not an essay. Longer text is cut with an ellipsis.
CELL_CHARS = 300


def para(text: str, style) -> Paragraph:
    """A paragraph of user text: escaped (so '<' or '&' print as typed), in visual order
    for right-to-left scripts, each script in a font that has it."""
    text = text or ""
    if needs_bidi(text):
        return BidiParagraph(text, style)
    if _has_cjk(text):
        style = _cjk_style(style)
    return Paragraph(markup(text, style.fontName), style)


def _has_cjk(text: str) -> bool:
    """Chinese or Japanese (written without spaces between words)."""
    return any("\u3000" <= char <= "\u30ff" or "\u3400" <= char <= "\u9fff"
               or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"
               for char in text)


def _cjk_style(style: ParagraphStyle) -> ParagraphStyle:
    """Lines broken between any two ideographs or kana, keeping the Japanese rules: a
    line never starts with '・', 'ー' or a small kana (reportlab's CJK wrap). Without
    it a long name has no space to break at and is cut mid-word wherever it overflows."""
    if style.wordWrap == "CJK":
        return style
    return ParagraphStyle(f"{style.name}_cjk", parent=style, wordWrap="CJK")


class BidiParagraph(Paragraph):
    """A paragraph holding Arabic or Hebrew, broken into lines in reading order.

    reportlab breaks lines left to right over the text it is given; given a right-to-left
    paragraph already in visual order, its first line would hold the end of the text. So
    the lines are found on the logical text at the width offered, then each is put in
    visual order on its own, in the paragraph's one direction. A right-to-left paragraph
    of more than one line is set flush right, as its readers expect.
    """

    def __init__(self, text: str, style) -> None:
        self._logical, self._style, self._width = text, style, None
        self._base = direction(text)
        super().__init__(markup(text, style.fontName, self._base), style)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if availWidth != self._width:
            self._width = availWidth
            room = availWidth - self._style.leftIndent - self._style.rightIndent
            lines = [line for block in self._logical.split("\n")
                     for line in _logical_lines(block, self._style.fontName,
                                                self._style.fontSize, room)]
            style = self._style
            if len(lines) > 1 and self._base == "R" and style.alignment == TA_LEFT:
                style = ParagraphStyle(f"{style.name}_rtl", parent=style, alignment=TA_RIGHT)
            Paragraph.__init__(self, "<br/>".join(markup(line, style.fontName, self._base)
                                                  for line in lines), style)
        return super().wrap(availWidth, availHeight)


def _logical_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` (a word wider than
    the line keeps a line of its own)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current]


def cell_text(text: str, limit: int = CELL_CHARS) -> str:
    """``text`` cut at a word near ``limit`` characters, with an ellipsis."""
    text = text or ""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut).rstrip() + "…"


def day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "–"


def data_table(header: list[str], rows: list[list], widths: list[float], styles: Styles,
               right_columns: frozenset[int] = frozenset()) -> Table:
    """``rows`` hold strings or flowables; strings become wrapping paragraphs."""
    head = [para(text, styles.header_cell_right if n in right_columns else styles.header_cell)
            for n, text in enumerate(header)]
    body = [[cell if not isinstance(cell, str) else
             para(cell_text(cell), styles.cell_right if n in right_columns else styles.cell)
             for n, cell in enumerate(row)] for row in rows]
    table = Table([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # else cells set reportlab's Helvetica
        ("BACKGROUND", (0, 0), (-1, 0), styles.brand),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
    ]
    commands += [("BACKGROUND", (0, n), (-1, n), ZEBRA) for n in range(2, len(rows) + 1, 2)]
    table.setStyle(TableStyle(commands))
    return table


def kpi_tiles(tiles: list[tuple[str, str, colors.Color]], s: Styles,
              width: float | None = None) -> Table:
    """A row of big figures with a caption each: (caption, figure, colour of the figure)."""
    cell_w = (width or CONTENT_W) / len(tiles)
    value_style = centred(s.h1)
    label_style = centred(s.small)
    cells = [[Paragraph(f'<font color="#{colour.hexval()[2:]}">'
                        f'{markup(cell_text(value, 80), value_style.fontName)}</font>',
                        _fitting(value_style, cell_text(value, 80), cell_w - 14)),
              para(cell_text(label, 120), label_style)]
             for label, value, colour in tiles]
    table = Table([cells], colWidths=[cell_w] * len(tiles))
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("INNERGRID", (0, 0), (-1, -1), 0.6, RULE),
        ("BACKGROUND", (0, 0), (-1, -1), s.brand_light),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))
    return table


def _fitting(style: ParagraphStyle, text: str, width: float) -> ParagraphStyle:
    """``style``, smaller if need be so a big figure ('¥180,000,000') stays on one line."""
    needed = text_width(text, style.fontName, style.fontSize)
    if needed <= width:
        return style
    size = max(7.0, style.fontSize * width / needed)
    return ParagraphStyle(f"{style.name}_fit", parent=style, fontSize=size,
                          leading=max(size * 1.25, style.leading * 0.6))
