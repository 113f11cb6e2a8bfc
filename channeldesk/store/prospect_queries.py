"""The SQL behind the Prospects views: filtered, sorted id lists and rows fetched by id.

Search runs on the device-local ``prospect_search`` table (accent-folded text, kept up
to date by ``prospect_derived.catch_up``), so "lodz" finds "Łódź" without calling Python
per row; sorting by company or owner uses the stored folded keys for the same reason.

When a catch-up could not run (another program held the write lock), the stale prospects
are not left out: the queries switch to LEFT JOINs and compute a stale prospect's keys
and score on the fly (``fold`` and ``fit_now``), so a list and an export stay complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

import peewee

from channeldesk.domain.prospect import OPEN_STAGES, PIPELINE
from channeldesk.domain.text_order import sort_key
from channeldesk.store.lenient import stored_date
from channeldesk.store.prospect_derived import (
    FACT_COLUMNS,
    SEARCHED_COLUMNS,
    fresh_fits,
    has_stale,
    register_fit_now,
)

LAST_TOUCH = (
    "(SELECT max(a.occurred_on) FROM prospect_activity a "
    "WHERE a.prospect_id = p.id AND a.deleted = 0)"
)
STAGE_ORDER = "CASE p.stage " + " ".join(
    f"WHEN '{stage.value}' THEN {n}" for n, stage in enumerate(PIPELINE)) + " ELSE 99 END"


class ProspectSort(StrEnum):
    COMPANY = "company"
    WEBSITE = "website"
    COUNTRY = "country"
    REGION = "region"
    VERTICAL = "vertical"
    EMPLOYEES = "employees"
    REVENUE = "annual_revenue_minor"
    PARTNER_TYPE = "partner_type"
    SOURCE = "source"
    STAGE = "stage"
    SCORE = "score"
    OWNER = "owner"
    NEXT_STEP = "next_step"
    NEXT_STEP_ON = "next_step_on"
    LAST_TOUCH = "last_touch"


_SORT_SQL: dict[ProspectSort, str] = {
    ProspectSort.COMPANY: "{company_key}",
    ProspectSort.WEBSITE: "p.website",
    ProspectSort.COUNTRY: "p.country",
    ProspectSort.REGION: "p.region",
    ProspectSort.VERTICAL: "p.vertical",
    ProspectSort.EMPLOYEES: "coalesce(p.employees, -1)",
    ProspectSort.REVENUE: "coalesce(p.annual_revenue_minor, -1)",
    ProspectSort.PARTNER_TYPE: "p.partner_type",
    ProspectSort.SOURCE: "p.source",
    ProspectSort.STAGE: STAGE_ORDER,
    ProspectSort.SCORE: "coalesce({score}, -1)",
    ProspectSort.OWNER: "{owner_key}",
    ProspectSort.NEXT_STEP: "p.next_step",
    ProspectSort.NEXT_STEP_ON: "coalesce(p.next_step_on, '9999')",
    ProspectSort.LAST_TOUCH: f"coalesce({LAST_TOUCH}, '')",
}

# (label, lowest, highest) of the score bands offered as a filter
SCORE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Strong fit (70–100)", 70, 100), ("Fair fit (40–69)", 40, 69), ("Weak fit (0–39)", 0, 39),
)


@dataclass(frozen=True)
class ProspectFilter:
    """What the user narrowed the list to; empty means everything."""

    text: str = ""
    stages: frozenset[str] = field(default_factory=frozenset)
    owners: frozenset[str] = field(default_factory=frozenset)
    regions: frozenset[str] = field(default_factory=frozenset)
    verticals: frozenset[str] = field(default_factory=frozenset)
    min_score: int | None = None
    max_score: int | None = None
    overdue_on: date | None = None  # only open prospects whose next step is before this day


@dataclass(frozen=True)
class ProspectRow:
    """One line of the prospects table."""

    id: str
    company: str
    website: str
    country: str
    region: str
    vertical: str
    employees: int | None
    annual_revenue_minor: int | None
    currency: str
    partner_type: str
    source: str
    stage: str
    score: int | None
    breakdown: str
    owner: str
    next_step: str
    next_step_on: date | None
    last_touch: date | None
    lost_reason: str
    converted_partner_id: str | None


@dataclass(frozen=True)
class Derived:
    """The SQL for a prospect's derived values: the stored rows, or (with stale rows
    about) the stored row when it is current and the value computed now when not."""

    company_key: str = "s.company_key"
    owner_key: str = "s.owner_key"
    text_key: str = "s.text_key"
    score: str = "f.score"
    joins: str = ("prospect p JOIN prospect_search s ON s.prospect_id = p.id "
                  "LEFT JOIN prospect_fit f ON f.prospect_id = p.id")


def _current_or(stored: str, now: str) -> str:
    return (f"(CASE WHEN st.prospect_id IS NULL AND s.prospect_id IS NOT NULL "
            f"THEN {stored} ELSE {now} END)")


STORED = Derived()
ON_THE_FLY = Derived(
    company_key=_current_or("s.company_key", "fold(p.company)"),
    owner_key=_current_or("s.owner_key", "fold(p.owner)"),
    text_key=_current_or("s.text_key", " || ' ' || ".join(
        f"fold(p.{name})" for name in SEARCHED_COLUMNS)),
    score=_current_or("f.score", f"fit_now({', '.join(f'p.{c}' for c in FACT_COLUMNS)})"),
    joins=("prospect p LEFT JOIN prospect_search s ON s.prospect_id = p.id "
           "LEFT JOIN prospect_fit f ON f.prospect_id = p.id "
           "LEFT JOIN prospect_stale st ON st.prospect_id = p.id"),
)


def derived_for(db: peewee.Database) -> Derived:
    """How to read derived values now: stored, or on the fly while some are stale."""
    if not has_stale(db):
        return STORED
    register_fit_now(db)
    return ON_THE_FLY


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(flt: ProspectFilter, derived: Derived = STORED) -> tuple[str, list]:
    clauses, params = ["p.deleted = 0"], []
    for term in sort_key(flt.text).split():
        clauses.append(f"{derived.text_key} LIKE ? ESCAPE '\\'")
        params.append(like_pattern(term))
    for column, chosen in (("stage", flt.stages), ("owner", flt.owners),
                           ("region", flt.regions), ("vertical", flt.verticals)):
        if chosen:
            clauses.append(f"p.{column} IN ({', '.join('?' * len(chosen))})")
            params.extend(sorted(chosen))
    if flt.min_score is not None:
        clauses.append(f"{derived.score} >= ?")
        params.append(flt.min_score)
    if flt.max_score is not None:
        clauses.append(f"{derived.score} <= ?")
        params.append(flt.max_score)
    if flt.overdue_on is not None:
        open_marks = ", ".join("?" * len(OPEN_STAGES))
        clauses.append(f"p.next_step_on < ? AND p.stage IN ({open_marks})")
        params.extend([flt.overdue_on.isoformat(), *sorted(OPEN_STAGES)])
    return " AND ".join(clauses), params


FROM = STORED.joins
FROM_PROSPECT = ("prospect p ON p.id = s.prospect_id "
                 "LEFT JOIN prospect_fit f ON f.prospect_id = p.id")


def prospect_ids_sql(flt: ProspectFilter, sort: ProspectSort = ProspectSort.COMPANY,
                     descending: bool = False, derived: Derived = STORED) -> tuple[str, list]:
    """The query of :func:`prospect_ids` (the benchmark runs it raw as its baseline)."""
    direction = "DESC" if descending else "ASC"
    if derived is not STORED:
        where, params = _where(flt, derived)
        order = _SORT_SQL[sort].format(**vars(derived))
        tie = ", p.id" if sort is ProspectSort.COMPANY else f", {derived.company_key}, p.id"
        return (f"SELECT p.id FROM {derived.joins} WHERE {where} "
                f"ORDER BY {order} {direction}{tie}", params)
    if sort is ProspectSort.COMPANY and replace(flt, text="") == ProspectFilter():
        # Search text alone, company order: one walk of the covering index.
        clauses, params = ["s.live = 1"], []
        for term in sort_key(flt.text).split():
            clauses.append("s.text_key LIKE ? ESCAPE '\\'")
            params.append(like_pattern(term))
        return (f"SELECT s.prospect_id FROM prospect_search s WHERE {' AND '.join(clauses)} "
                f"ORDER BY s.company_key {direction}, s.prospect_id {direction}", params)
    where, params = _where(flt)
    tie = ", p.id" if sort is ProspectSort.COMPANY else ", s.company_key, p.id"
    # With search text, read the (small) search rows first and look up only the matches.
    source = f"prospect_search s CROSS JOIN {FROM_PROSPECT}" if flt.text.strip() else FROM
    return (f"SELECT p.id FROM {source} WHERE {where} "
            f"ORDER BY {_SORT_SQL[sort].format(**vars(STORED))} {direction}{tie}", params)


def prospect_ids(db: peewee.Database, flt: ProspectFilter,
                 sort: ProspectSort = ProspectSort.COMPANY, descending: bool = False,
                 limit: int | None = None) -> list[str]:
    """Ids of the live prospects that match, in display order (ties by company, id).

    Call ``prospect_derived.catch_up`` first: the query is fastest with nothing stale,
    though complete either way.
    """
    sql, params = prospect_ids_sql(flt, sort, descending, derived_for(db))
    if limit is not None:
        sql, params = f"{sql} LIMIT ?", [*params, limit]
    return [row[0] for row in db.execute_sql(sql, params)]


_ROW_COLUMNS = ("p.id, p.company, p.website, p.country, p.region, p.vertical, p.employees, "
                "p.annual_revenue_minor, p.currency, p.partner_type, p.source, p.stage, "
                "f.score, coalesce(f.breakdown, ''), p.owner, p.next_step, p.next_step_on, "
                f"{LAST_TOUCH}, p.lost_reason, p.converted_partner_id")


def prospect_rows(db: peewee.Database, ids: Sequence[str]) -> dict[str, ProspectRow]:
    """The table rows for these ids (deleted ones included, so a view never shows holes)."""
    rows: dict[str, ProspectRow] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ", ".join("?" * len(chunk))
        sql = (f"SELECT {_ROW_COLUMNS} FROM prospect p "
               f"LEFT JOIN prospect_fit f ON f.prospect_id = p.id WHERE p.id IN ({marks})")
        fits = fresh_fits(db, chunk) if has_stale(db) else {}
        for values in db.execute_sql(sql, chunk):
            values = list(values)
            values[16] = stored_date(values[16], "prospect dates")
            values[17] = stored_date(values[17], "prospect dates")
            if values[0] in fits:
                values[12], values[13] = fits[values[0]]
            rows[values[0]] = ProspectRow(*values)
    return rows


def count_live_prospects(db: peewee.Database) -> int:
    return db.execute_sql("SELECT count(*) FROM prospect WHERE deleted = 0").fetchone()[0]


def distinct_values(db: peewee.Database, column: str) -> list[str]:
    """The values in use for a filter list (owners, verticals), folded order."""
    if column not in {"owner", "vertical", "region", "country", "source"}:
        raise ValueError(column)
    values = [row[0] for row in db.execute_sql(
        f"SELECT DISTINCT {column} FROM prospect WHERE deleted = 0 AND {column} != ''")]
    return sorted(values, key=sort_key)


def stage_counts(db: peewee.Database, flt: ProspectFilter) -> dict[str, int]:
    """How many matching prospects each stage holds (the board's column headers)."""
    derived = derived_for(db)
    where, params = _where(flt, derived)
    return {stage: count for stage, count in db.execute_sql(
        f"SELECT p.stage, count(*) FROM {derived.joins} WHERE {where} GROUP BY p.stage",
        params)}
