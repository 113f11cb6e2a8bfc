"""A program's currency, kind and period are fixed once money moved under it.

Every ledger amount and every claim is in minor units of the program's currency, and
co-op accrual and rebates are computed over the program's period for its kind: changing
any of the three after a ledger entry or a claim exists would silently turn €10,000.00
into ¥1,000,000 or re-base earned funds on other sales. This module is the store-level
guard of ``incentive_program`` (registered with :mod:`channeldesk.store.write_guards`),
so the window, the command line, an undo and a pulled change are all refused the same
way; :func:`program_change_refusal` is what the edit operation asks first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from channeldesk.store import write_guards

FIXED_ONCE_USED = ("currency", "kind", "period")
IN_CHUNK = 400


def _programs(conn: sqlite3.Connection, ids: list[str]) -> list[tuple]:
    found: list[tuple] = []
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start:start + IN_CHUNK]
        marks = ", ".join("?" * len(chunk))
        found += conn.execute(
            f"SELECT id, name, currency, kind, period FROM incentive_program "
            f"WHERE id IN ({marks})", chunk).fetchall()
    return found


def has_money(conn: sqlite3.Connection, program_id: str) -> bool:
    """Whether a live ledger entry or claim is booked under the program."""
    return conn.execute(
        "SELECT EXISTS (SELECT 1 FROM fund_ledger_entry WHERE deleted = 0 AND program_id = ?)"
        " OR EXISTS (SELECT 1 FROM claim WHERE deleted = 0 AND program_id = ?)",
        (program_id, program_id)).fetchone()[0] == 1


def _changed(current: Mapping[str, Any], changes: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in FIXED_ONCE_USED:
        if name in changes and str(changes[name] or "").upper() != str(
                current[name] or "").upper():
            changed.append(name)
    return changed


def _sentence(name: str, currency: str, changed: list[str], new: Mapping[str, Any]) -> str:
    what = " and ".join(changed) if len(changed) < 3 else "currency, kind and period"
    instead = (f"a new program for {str(new['currency']).upper()}"
               if "currency" in changed else "a new program for that")
    return (f"'{name}' has funds or claims in {currency}, so its {what} can no longer "
            f"change. Create {instead} instead.")


def program_change_refusal(conn: sqlite3.Connection, program_ids: list[str],
                           changes: Mapping[str, Any]) -> str | None:
    """Why ``changes`` may not be written to these programs (None when they may)."""
    if not any(name in changes for name in FIXED_ONCE_USED):
        return None
    for program_id, name, currency, kind, period in _programs(conn, program_ids):
        current = {"currency": currency, "kind": kind, "period": period}
        changed = _changed(current, changes)
        if changed and has_money(conn, program_id):
            return _sentence(name, currency, changed, changes)
    return None


def register_program_guard() -> None:
    """Guard the program table (called once, when the incentive models are imported)."""
    write_guards.register("incentive_program", write_guards.WriteGuard(
        inserting=lambda _conn, _rows: None,
        updating=program_change_refusal))
