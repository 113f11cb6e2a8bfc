"""Which stored values of a few rows break their field's rules, so a table can say so.

A typed read turns such a value into None (see ``store.lenient``): a bad date would
show as an empty cell, and a CAM could not tell "no date" from "a date nobody can read".
Tables look up the rows they show (a block of ~200 at a time) here and mark the cells
"(invalid)" instead. The rules are the table's description (``fields.type_problem``),
the same ones the server and sync apply.

Only kinds whose typed read loses the value are checked (dates, timestamps, numbers,
money, choices, yes/no): a text or reference that breaks a rule still reads as itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from peewee import Database

from channeldesk.store.description import description_for
from channeldesk.store.fields import Kind, type_problem
from channeldesk.store.lenient import INVALID_TEXT

__all__ = ["INVALID_TEXT", "invalid_fields"]

_CHECKED_KINDS = frozenset({Kind.DATE, Kind.INT, Kind.MONEY, Kind.CHOICE, Kind.BOOL,
                            Kind.TIMESTAMP})
_CHUNK = 500  # ids per query, well under SQLite's bound-parameter limit


def invalid_fields(db: Database, table: str, ids: Sequence[str],
                   fields: Iterable[str] | None = None) -> dict[str, dict[str, str]]:
    """Row id → {field: what is wrong} for the given rows' unreadable values.

    ``fields`` limits the check to the fields a view shows (all checked kinds when None).
    Rows with nothing wrong are left out, so the answer is usually empty.
    """
    description = description_for(table)
    if description is None or not ids:
        return {}
    wanted = None if fields is None else set(fields)
    specs = [spec for spec in description.fields if spec.kind in _CHECKED_KINDS
             and (wanted is None or spec.name in wanted)]
    if not specs:
        return {}
    columns = ", ".join(f'"{spec.name}"' for spec in specs)
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start:start + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        sql = f'SELECT id, {columns} FROM "{table}" WHERE id IN ({marks})'
        for row_id, *values in db.execute_sql(sql, chunk):
            problems = {spec.name: problem for spec, value in zip(specs, values, strict=True)
                        if (problem := type_problem(spec, value)) is not None}
            if problems:
                found[row_id] = problems
    return found
