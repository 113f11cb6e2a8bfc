"""What the deadline radar and search everywhere read of joint business plans."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import peewee

from channeldesk.domain.lookups import Deadline, SearchText
from channeldesk.domain.plan import ActivityStatus
from channeldesk.store.lenient import stored_date

OPEN_PLAN = "bp.deleted = 0 AND p.deleted = 0 AND bp.status != 'archived'"
PLAN_JOIN = ("JOIN business_plan bp ON bp.id = x.plan_id "
             "JOIN partner p ON p.id = bp.partner_id")


def deadlines(db: peewee.Database, start: date, end: date) -> list[Deadline]:
    """Plan activities not done or cancelled, and commitments not done, due in the range,
    of plans that are not archived."""
    span = (start.isoformat(), end.isoformat())
    finished = (ActivityStatus.DONE.value, ActivityStatus.CANCELLED.value)
    activities = db.execute_sql(
        f"SELECT x.id, x.title, x.due_on, p.name, bp.period FROM plan_activity x {PLAN_JOIN} "
        f"WHERE x.deleted = 0 AND {OPEN_PLAN} AND x.status NOT IN (?, ?) "
        "AND x.due_on BETWEEN ? AND ?", (*finished, *span))
    commitments = db.execute_sql(
        f"SELECT x.id, x.text, x.due_on, p.name, bp.period FROM plan_commitment x {PLAN_JOIN} "
        f"WHERE x.deleted = 0 AND {OPEN_PLAN} AND x.done = 0 AND x.due_on BETWEEN ? AND ?",
        span)
    found = [(stored_date(due, "plan_activity.due_on"), "Plan activity", title, partner,
              period, "plan_activity", row_id)
             for row_id, title, due, partner, period in activities]
    found += [(stored_date(due, "plan_commitment.due_on"), "Plan commitment", text, partner,
               period, "plan_commitment", row_id)
              for row_id, text, due, partner, period in commitments]
    return sorted(Deadline(day, kind, title, f"{partner} · {period}", table, row_id, "plans")
                  for day, kind, title, partner, period, table, row_id in found
                  if day is not None)  # an invalid date is reported, not shown


def search_texts(db: peewee.Database) -> Iterator[SearchText]:
    """Plans by partner, period and title."""
    rows = db.execute_sql(
        "SELECT bp.id, p.name, bp.period, bp.title FROM business_plan bp "
        "JOIN partner p ON p.id = bp.partner_id WHERE bp.deleted = 0 AND p.deleted = 0 "
        "ORDER BY p.name, bp.period")
    for row_id, partner, period, title in rows:
        yield SearchText("plans", "business_plan", row_id, f"{partner} · {period}",
                         " ".join(part for part in (partner, period, title) if part))


search_texts.reads = ("partner",)  # type: ignore[attr-defined]  # titles name the partner
