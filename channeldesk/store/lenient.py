"""Reading stored values that may break their field's rules, without breaking the reader.

An older version, an older server or a restored backup may have left a value the
description does not allow (``occurred_on = 'not-a-date'``, ``employees = 'lots'``). A
table, a tab, a PDF or a screenshot must still show every other row: such a value reads
as None (the row says "invalid" where it shows it) and is logged once per column per
process, not once per paint (one bad date used to raise 88,303 exceptions).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

log = logging.getLogger(__name__)

INVALID_TEXT = "(invalid)"
_reported: set[str] = set()


def report_invalid(where: str, value: Any) -> None:
    """Log an invalid stored value once per ``where`` ("activity.occurred_on")."""
    if where not in _reported:
        _reported.add(where)
        log.warning("%s holds a value its rules do not allow (%r, maybe more); such values "
                    "are shown as invalid until someone corrects them", where,
                    str(value)[:80])


def stored_date(value: Any, where: str) -> date | None:
    """A stored ISO date as a date; None for empty or invalid (reported once)."""
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    report_invalid(where, value)
    return None


def stored_int(value: Any, where: str) -> int | None:
    """A stored integer; None for empty or anything else (reported once)."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    report_invalid(where, value)
    return None
