"""Tables that look the same everywhere: branded header row repeated on every page,
zebra rows, text that wraps inside its cell instead of running past the page."""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from channeldesk.services.pdf.fonts import REGULAR
from channeldesk.services.pdf.layout import CONTENT_W
from channeldesk.services.pdf.styles import RULE, ZEBRA, Styles, centred


def para(text: str, style) -> Paragraph:
    """A paragraph of user text: escaped, so '<' or '&' in a name print as typed."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "–"


def data_table(header: list[str], rows: list[list], widths: list[float], styles: Styles,
               right_columns: frozenset[int] = frozenset()) -> Table:
    """``rows`` hold strings or flowables; strings become wrapping paragraphs."""
    head = [para(text, styles.header_cell_right if n in right_columns else styles.header_cell)
            for n, text in enumerate(header)]
    body = [[cell if not isinstance(cell, str) else
             para(cell, styles.cell_right if n in right_columns else styles.cell)
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
    cells = [[Paragraph(f'<font color="#{colour.hexval()[2:]}">{escape(value)}</font>',
                        value_style), para(label, label_style)]
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
