"""What the deadline radar and search everywhere read of onboarding: unfinished tasks of
running checklists, agreements that expire, and checklists by partner and template."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import peewee

from channeldesk.domain.lookups import Deadline, SearchText
from channeldesk.domain.onboarding import label
from channeldesk.store.lenient import stored_date

FEATURE = "onboarding"


def deadlines(db: peewee.Database, start: date, end: date) -> list[Deadline]:
    """Open or blocked tasks of running checklists due in the range (overdue ones are
    due before today, so a range that starts in the past shows them), and signed
    agreements expiring in it."""
    span = (start.isoformat(), end.isoformat())
    tasks = db.execute_sql(
        "SELECT x.id, x.title, x.due_on, x.status, p.name FROM onboarding_task x "
        "JOIN onboarding_plan op ON op.id = x.plan_id JOIN partner p ON p.id = op.partner_id "
        "WHERE x.deleted = 0 AND op.deleted = 0 AND p.deleted = 0 AND op.status = 'active' "
        "AND x.status IN ('open', 'blocked') AND x.due_on BETWEEN ? AND ?", span)
    agreements = db.execute_sql(
        "SELECT a.id, a.agreement_type, a.expires_on, p.name FROM agreement a "
        "JOIN partner p ON p.id = a.partner_id WHERE a.deleted = 0 AND p.deleted = 0 "
        "AND a.status = 'signed' AND a.expires_on BETWEEN ? AND ?", span)
    found = [Deadline(day,
                      "Onboarding task (blocked)" if status == "blocked" else "Onboarding task",
                      title, partner, "onboarding_task", row_id, FEATURE)
             for row_id, title, due, status, partner in tasks
             if (day := stored_date(due, "onboarding_task.due_on")) is not None]
    found += [Deadline(day, "Agreement expires", label(kind), partner, "agreement", row_id,
                       FEATURE)
              for row_id, kind, expires, partner in agreements
              if (day := stored_date(expires, "agreement.expires_on")) is not None]
    return sorted(found)


def search_texts(db: peewee.Database) -> Iterator[SearchText]:
    """Checklists by partner, template and owner; agreements by kind and partner."""
    plans = db.execute_sql(
        "SELECT op.id, p.name, coalesce(t.name, ''), op.owner, op.status "
        "FROM onboarding_plan op JOIN partner p ON p.id = op.partner_id "
        "LEFT JOIN onboarding_template t ON t.id = op.template_id "
        "WHERE op.deleted = 0 AND p.deleted = 0 ORDER BY p.name")
    for row_id, partner, template, owner, status in plans:
        yield SearchText(FEATURE, "onboarding_plan", row_id,
                         f"{partner} · onboarding ({label(status).lower()})",
                         " ".join(filter(None, (partner, template, owner, "onboarding"))))
    agreements = db.execute_sql(
        "SELECT a.id, a.agreement_type, a.file_name, p.name FROM agreement a "
        "JOIN partner p ON p.id = a.partner_id WHERE a.deleted = 0 AND p.deleted = 0 "
        "ORDER BY p.name")
    for row_id, kind, file_name, partner in agreements:
        yield SearchText(FEATURE, "agreement", row_id, f"{partner} · {label(kind)}",
                         " ".join(filter(None, (partner, label(kind), file_name))))
