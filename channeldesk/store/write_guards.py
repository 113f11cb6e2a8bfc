"""Rules a write must pass whatever code makes it: the store asks them before it writes.

A feature whose records can be locked (a signed business plan) registers a guard for
each of its tables; :class:`~channeldesk.store.database.Store` calls :func:`check_insert`
and :func:`check_update` inside the write's transaction, so an edit from the window, the
command line, an import or an undo is refused the same way, before a byte is written.
Sync applies remote values with its own SQL and asks :func:`pulled_refusal` instead, to
turn such a change into a conflict rather than write it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class WriteRefused(ValueError):  # noqa: N818 -- a refusal worded for people
    """A guard refused the write; nothing was written. ``str()`` says why and what to do.

    Locks only ever tighten (a signed plan is archived, never reopened), so an undo step
    refused by one can never succeed later: the undo stack drops it (``expires_undo``).
    """

    expires_undo = True


@dataclass(frozen=True)
class WriteGuard:
    """What one table's guard answers: why inserting these rows, or changing these
    fields of these rows, is refused (None when it is not)."""

    inserting: Callable[[sqlite3.Connection, list[Mapping[str, Any]]], str | None]
    updating: Callable[[sqlite3.Connection, list[str], Mapping[str, Any]], str | None]


_GUARDS: dict[str, WriteGuard] = {}


def register(table: str, guard: WriteGuard) -> None:
    _GUARDS[table] = guard


def guarded(table: str) -> bool:
    return table in _GUARDS


def check_insert(conn: sqlite3.Connection, table: str,
                 rows: Iterable[Mapping[str, Any]]) -> None:
    """Raise :class:`WriteRefused` when a guard refuses one of the new rows."""
    guard = _GUARDS.get(table)
    if guard is not None:
        problem = guard.inserting(conn, list(rows))
        if problem:
            raise WriteRefused(problem)


def check_update(conn: sqlite3.Connection, table: str, row_ids: Iterable[str],
                 changes: Mapping[str, Any]) -> None:
    """Raise :class:`WriteRefused` when a guard refuses changing ``changes`` (column →
    new value) on these rows."""
    guard = _GUARDS.get(table)
    if guard is not None and changes:
        problem = guard.updating(conn, list(row_ids), changes)
        if problem:
            raise WriteRefused(problem)


def pulled_refusal(conn: sqlite3.Connection, table: str, row_id: str, field: str,
                   value: Any) -> str | None:
    """Why a value pulled from the server may not be written over this row here (a
    colleague edited a plan this copy holds as signed); None when it may."""
    guard = _GUARDS.get(table)
    return guard.updating(conn, [row_id], {field: value}) if guard is not None else None
