"""Tables that look the same everywhere: branded header row repeated on every page,
zebra rows, text that wraps inside its cell instead of running past the page."""

from __future__ import annotations

from datetime import date

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table, TableStyle

from channeldesk.services.pdf.fonts import markup, text_width
from channeldesk.services.pdf.layout import CONTENT_W
from channeldesk.services.pdf.styles import RULE, ZEBRA, Styles, centred

# The most of one text a table cell shows: a row must fit on a page (a table row cannot
# split across pages, so a 5,000-character label would stop the export), and a partner
# reads a label, not an essay. Longer text is cut with an ellipsis.
CELL_CHARS = 300


def para(text: str, style) -> Paragraph:
    """A paragraph of user text: escaped (so '<' or '&' print as typed), in visual order
    for right-to-left scripts, each script in a font that has it."""
    return Paragraph(markup(text or "", style.fontName), style)


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
