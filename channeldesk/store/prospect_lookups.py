"""What the deadline radar and search everywhere read of the prospect pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import peewee

from channeldesk.domain.lookups import Deadline, SearchText
from channeldesk.domain.prospect import OPEN_STAGES
from channeldesk.store.lenient import stored_date


def deadlines(db: peewee.Database, start: date, end: date) -> list[Deadline]:
    """Next steps of open prospects (not signed, not lost) due in the range."""
    stages = sorted(stage.value for stage in OPEN_STAGES)
    marks = ", ".join("?" for _ in stages)
    rows = db.execute_sql(
        "SELECT id, company, next_step, next_step_on FROM prospect "
        f"WHERE deleted = 0 AND stage IN ({marks}) AND next_step_on BETWEEN ? AND ? "
        "ORDER BY next_step_on, company", (*stages, start.isoformat(), end.isoformat()))
    return [Deadline(day, "Next step", step or "Next step", company, "prospect", row_id,
                     "prospects")
            for row_id, company, step, due in rows
            if (day := stored_date(due, "prospect.next_step_on")) is not None]


def search_texts(db: peewee.Database) -> Iterator[SearchText]:
    rows = db.execute_sql(
        "SELECT id, company, website, country, owner, vertical, contact_name, contact_email "
        "FROM prospect WHERE deleted = 0 ORDER BY company")
    for row_id, company, *rest in rows:
        yield SearchText("prospects", "prospect", row_id, company,
                         " ".join(part for part in (company, *rest) if part))
