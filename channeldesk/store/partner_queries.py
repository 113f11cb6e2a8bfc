"""The SQL behind the Partners views: filtered, sorted id lists and rows fetched by id.

Sorting and filtering run in SQLite so that a table of 100,000 partners never loads them
all into Python: the view asks for the ordered ids once, then fetches the rows it shows in
small blocks (see ``ui/models/record_table.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import peewee

from channeldesk.domain.text_order import sort_key
from channeldesk.store.lenient import stored_date

LAST_ACTIVITY = (
    "(SELECT max(a.occurred_on) FROM activity a "
    "WHERE a.partner_id = p.id AND a.deleted = 0)"
)


class PartnerSort(StrEnum):
    NAME = "name"
    TYPE = "partner_type"
    TIER = "tier"
    STATUS = "status"
    REGION = "region"
    COUNTRY = "country"
    OWNER = "owner"
    LAST_ACTIVITY = "last_activity"


_SORT_SQL: dict[PartnerSort, str] = {
    PartnerSort.NAME: "fold(p.name)",
    PartnerSort.TYPE: "p.partner_type",
    PartnerSort.TIER: ("CASE p.tier WHEN 'platinum' THEN 4 WHEN 'gold' THEN 3 "
                       "WHEN 'silver' THEN 2 WHEN 'registered' THEN 1 ELSE 0 END"),
    PartnerSort.STATUS: "p.status",
    PartnerSort.REGION: "p.region",
    PartnerSort.COUNTRY: "fold(p.country)",
    PartnerSort.OWNER: "fold(p.owner)",
    PartnerSort.LAST_ACTIVITY: f"coalesce({LAST_ACTIVITY}, '')",
}


@dataclass(frozen=True)
class PartnerFilter:
    """What the user narrowed the list to; empty means everything."""

    text: str = ""
    partner_types: frozenset[str] = field(default_factory=frozenset)
    tiers: frozenset[str] = field(default_factory=frozenset)
    statuses: frozenset[str] = field(default_factory=frozenset)
    regions: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class PartnerRow:
    """One line of the partners table."""

    id: str
    name: str
    partner_type: str
    tier: str
    status: str
    region: str
    country: str
    owner: str
    last_activity: date | None


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(flt: PartnerFilter) -> tuple[str, list]:
    clauses, params = ["p.deleted = 0"], []
    for term in flt.text.split():
        # The name is compared folded, so "lodz" finds "Łódź"; the rest with plain LIKE.
        clauses.append(
            "(fold(p.name) LIKE ? ESCAPE '\\' OR p.country LIKE ? ESCAPE '\\' "
            "OR p.owner LIKE ? ESCAPE '\\' OR p.website LIKE ? ESCAPE '\\')"
        )
        params.extend([_like_pattern(sort_key(term))] + [_like_pattern(term)] * 3)
    for column, chosen in (("partner_type", flt.partner_types), ("tier", flt.tiers),
                           ("status", flt.statuses), ("region", flt.regions)):
        if chosen:
            clauses.append(f"p.{column} IN ({', '.join('?' * len(chosen))})")
            params.extend(sorted(chosen))
    return " AND ".join(clauses), params


def _tie_break(sort: PartnerSort) -> str:
    """Equal keys fall back to the name, then the id, so the order is stable."""
    return ", p.id" if sort is PartnerSort.NAME else ", fold(p.name), p.id"


def partner_ids(db: peewee.Database, flt: PartnerFilter,
                sort: PartnerSort = PartnerSort.NAME, descending: bool = False) -> list[str]:
    """Ids of the live partners that match, in display order (ties broken by name, id)."""
    where, params = _where(flt)
    direction = "DESC" if descending else "ASC"
    sql = (f"SELECT p.id FROM partner p WHERE {where} "
           f"ORDER BY {_SORT_SQL[sort]} {direction}{_tie_break(sort)}")
    return [row[0] for row in db.execute_sql(sql, params)]


def partner_rows(db: peewee.Database, ids: Sequence[str]) -> dict[str, PartnerRow]:
    """The table rows for these ids (deleted ones included, so a view never shows holes)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    sql = (f"SELECT p.id, p.name, p.partner_type, p.tier, p.status, p.region, p.country, "
           f"p.owner, {LAST_ACTIVITY} FROM partner p WHERE p.id IN ({marks})")
    rows = {}
    for values in db.execute_sql(sql, list(ids)):
        last = stored_date(values[8], "activity.occurred_on")
        rows[values[0]] = PartnerRow(*values[:8], last_activity=last)
    return rows


def count_live_partners(db: peewee.Database) -> int:
    return db.execute_sql("SELECT count(*) FROM partner WHERE deleted = 0").fetchone()[0]


def any_partner_ever(db: peewee.Database) -> bool:
    """Whether the file ever held a partner (deleted ones count: they still sync)."""
    return db.execute_sql("SELECT EXISTS (SELECT 1 FROM partner)").fetchone()[0] == 1
