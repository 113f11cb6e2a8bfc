"""The partner pack's table of contents, sized to the room left on the cover.

A pack with every feature's section has nine or more entries; one column of them no longer
fits under the cover's facts and figures, and a contents list spilling onto page 2 (or a
page of its own for a few lines) is filler. The entries are set in one column while they
fit and in two columns, read down the left one first, when they do not.
"""

from __future__ import annotations

from ast import literal_eval
from math import ceil

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents, drawPageNumbers

from channeldesk.services.pdf.fonts import REGULAR

GUTTER = 10 * mm
_CALLBACK = "cover_contents_entry_end"
_PLACEHOLDER = [(0, "Contents", 0, None)]  # the first of multiBuild's passes knows none


class CoverContents(TableOfContents):
    """reportlab's table of contents, under its heading, with a two-column layout when
    one column is too tall for the space the frame offers (the rest of the cover)."""

    def __init__(self, heading: Flowable, entry_style) -> None:
        super().__init__(tableStyle=TableStyle([  # reportlab's own, in the embedded font
            ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]),
            levelStyles=[entry_style], dotsMinLevel=0)
        # The heading is the table's first row: a heading kept with the next flowable
        # would be laid out with it at unlimited height, so one column always "fits".
        self.heading = heading
        self.columns = 1

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        entries = self._lastEntries or _PLACEHOLDER
        self._table = self._layout(entries, 1, availWidth)
        self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
        self.columns = 1
        if self.height > availHeight and len(entries) > 1:
            self._table = self._layout(entries, 2, availWidth)
            self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
            self.columns = 2
        return self.width, self.height

    def _layout(self, entries: list[tuple], columns: int, width: float) -> Table:
        """The entries down ``columns`` columns, each entry ending in dots and its page
        number at the right edge of its own column."""
        column_w = (width - GUTTER * (columns - 1)) / columns
        self._set_entry_end(column_w)
        cells = [self._entry(*entry) for entry in entries]
        rows = ceil(len(cells) / columns)
        data = []
        for row in range(rows):
            line: list = []
            for column in range(columns):
                index = column * rows + row
                if column:
                    line.append("")
                line.append(cells[index] if index < len(cells) else "")
            data.append(line)
        widths = [column_w] if columns == 1 else [column_w, GUTTER, column_w]
        heading = [self.heading] + [""] * (len(widths) - 1)
        table = Table([heading, *data], colWidths=widths, style=self.tableStyle,
                      hAlign="LEFT", repeatRows=1)
        style = getattr(self.heading, "style", None)
        table.setStyle([("SPAN", (0, 0), (-1, 0)),
                        ("TOPPADDING", (0, 0), (-1, 0), getattr(style, "spaceBefore", 0)),
                        ("BOTTOMPADDING", (0, 0), (-1, 0), getattr(style, "spaceAfter", 0))])
        return table

    def _entry(self, level: int, text: str, page: int, key: str | None) -> Paragraph:
        if key:
            text = f'<a href="#{key}">{text}</a>'
            key_value = repr(key).replace(",", "\\x2c").replace('"', "\\x2c")
        else:
            key_value = None
        return Paragraph(f'{text}<onDraw name="{_CALLBACK}" label="{page},{level},'
                         f'{key_value}"/>', self.getLevelStyle(level))

    def _set_entry_end(self, column_w: float) -> None:
        """Dots and the page number, drawn where the entry's text ends (the canvas is
        at the cell's origin, so the column's width is the right edge)."""
        def entry_end(canvas, _kind, label: str) -> None:
            page, level, key = label.split(",")
            drawPageNumbers(canvas, self.getLevelStyle(int(level)),
                            [(int(page), literal_eval(key))], column_w, 0, " . ")
        self.canv.setNamedCB(_CALLBACK, entry_end)
