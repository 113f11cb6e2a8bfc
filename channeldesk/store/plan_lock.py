"""Signed and archived plans are read-only: the store-level guard of the plan tables.

The rule itself (which fields still change on a signed plan, the status flow) is
:func:`channeldesk.domain.plan.lock_refusal`; this module only finds, for a write to a
plan table, the status of the plan it belongs to, and asks the rule. It is registered
with :mod:`channeldesk.store.write_guards` for every plan table, so no write path
(window, command line, import, undo, a pulled change) can change a signed plan.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from channeldesk.domain.plan import PlanPart, is_locked, lock_refusal
from channeldesk.store import write_guards

PARTS = {
    "business_plan": PlanPart.PLAN,
    "plan_objective": PlanPart.OBJECTIVE,
    "plan_target": PlanPart.TARGET,
    "plan_commitment": PlanPart.COMMITMENT,
    "plan_activity": PlanPart.ACTIVITY,
    "plan_signature": PlanPart.SIGNATURE,
}
IN_CHUNK = 400


def _statuses(conn: sqlite3.Connection, sql: str, ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start:start + IN_CHUNK]
        found.update(conn.execute(sql.format(marks=", ".join("?" * len(chunk))), chunk))
    return found


def plan_statuses(conn: sqlite3.Connection, table: str, row_ids: list[str]) -> dict[str, str]:
    """Row id → the status of the plan the row is (or belongs to); rows not found (not
    created here yet) are left out."""
    if table == "business_plan":
        return _statuses(conn, "SELECT id, status FROM business_plan WHERE id IN ({marks})",
                         row_ids)
    return _statuses(conn, f'SELECT r.id, bp.status FROM "{table}" AS r JOIN business_plan '
                           "AS bp ON bp.id = r.plan_id WHERE r.id IN ({marks})", row_ids)


def _parent(values: Mapping[str, Any]) -> Any:
    return values.get("plan_id", values.get("plan"))


def _guard(table: str) -> write_guards.WriteGuard:
    part = PARTS[table]

    def inserting(conn: sqlite3.Connection, rows: list[Mapping[str, Any]]) -> str | None:
        if part is PlanPart.PLAN:
            return None  # a new plan may start in any status (demo data, a pulled plan)
        parents = sorted({str(_parent(row)) for row in rows if _parent(row)})
        statuses = _statuses(conn, "SELECT id, status FROM business_plan WHERE id IN "
                                   "({marks})", parents)
        return next((problem for status in set(statuses.values()) if is_locked(status)
                     if (problem := lock_refusal(status, part, adding=True))), None)

    def updating(conn: sqlite3.Connection, row_ids: list[str],
                 changes: Mapping[str, Any]) -> str | None:
        fields = frozenset(changes)
        new_status = changes.get("status") if part is PlanPart.PLAN else None
        for status in set(plan_statuses(conn, table, row_ids).values()):
            problem = lock_refusal(status, part, fields,
                                   new_status=None if new_status is None else str(new_status))
            if problem:
                return problem
        return None

    return write_guards.WriteGuard(inserting, updating)


def register_plan_guards() -> None:
    """Guard every plan table (called once, when the plan models are imported)."""
    for table in PARTS:
        write_guards.register(table, _guard(table))
