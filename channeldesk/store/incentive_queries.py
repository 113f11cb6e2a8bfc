"""The SQL behind the Incentives tab: claims filtered and sorted in SQLite, and every fund
balance summed from the ledger in one aggregate (``domain/fund_ledger.py`` says what the
sums mean; this module says them in SQL, and a test holds the two to the same answer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import peewee

from channeldesk.domain.fund_ledger import Balances, ClaimTotals, Entry
from channeldesk.store.lenient import stored_date

IN_CHUNK = 400

# Per claim (or per non-claim group) sums by kind; the outer query adds them up and
# derives what each claim holds: approved - paid once approved, else reserved - released.
_SUMS = """
SELECT program_id, claim_id,
  SUM(CASE WHEN kind = 'allocate' THEN amount ELSE 0 END) AS allocated,
  SUM(CASE WHEN kind = 'accrue' THEN amount ELSE 0 END) AS accrued,
  SUM(CASE WHEN kind = 'expire' THEN amount ELSE 0 END) AS expired,
  SUM(CASE WHEN kind = 'reserve' THEN amount ELSE 0 END) AS reserved,
  SUM(CASE WHEN kind = 'release' THEN amount ELSE 0 END) AS released,
  SUM(CASE WHEN kind = 'claim' THEN amount ELSE 0 END) AS claimed,
  SUM(CASE WHEN kind = 'approve' THEN amount ELSE 0 END) AS approved,
  SUM(CASE WHEN kind = 'pay' THEN amount ELSE 0 END) AS paid,
  SUM(kind = 'approve') AS approvals
FROM fund_ledger_entry
WHERE deleted = 0 AND {scope} {extra}
GROUP BY program_id, claim_id
"""
_BALANCES = f"""
SELECT program_id, SUM(allocated), SUM(accrued),
  SUM(CASE WHEN claim_id IS NULL THEN 0 WHEN approvals > 0 THEN approved - paid
      ELSE reserved - released END),
  SUM(claimed), SUM(approved), SUM(paid), SUM(expired)
FROM ({_SUMS}) GROUP BY program_id
"""


def partner_balances(db: peewee.Database, partner_id: str, program_id: str | None = None,
                     through: date | None = None) -> dict[str, Balances]:
    """Each program's balances of one partner's fund (program id → balances), from the
    ledger entries dated up to ``through`` (all when None)."""
    extra, params = _narrowing(program_id, through)
    rows = db.execute_sql(_BALANCES.format(scope="partner_id = ?", extra=extra),
                          (partner_id, *params))
    return {row[0]: Balances(*(int(v or 0) for v in row[1:])) for row in rows}


@dataclass(frozen=True)
class ProgramOverview:
    """A program with its budget and the balances of all its partners' funds."""

    id: str
    name: str
    kind: str
    period: str
    currency: str
    partner_types: str
    tiers: str
    reimbursement_pct: int
    claim_deadline_days: int
    budget: int
    balances: Balances


def program_overview(db: peewee.Database) -> list[ProgramOverview]:
    """Every live program, by name, with its budget and summed partner balances."""
    sums = {row[0]: Balances(*(int(v or 0) for v in row[1:])) for row in db.execute_sql(
        _BALANCES.format(scope="partner_id IS NOT NULL", extra=""))}
    budgets = dict(db.execute_sql(
        "SELECT program_id, SUM(amount) FROM fund_ledger_entry WHERE deleted = 0 "
        "AND kind = 'budget' GROUP BY program_id").fetchall())
    rows = db.execute_sql(
        "SELECT id, name, kind, period, currency, partner_types, tiers, reimbursement_pct, "
        "claim_deadline_days FROM incentive_program WHERE deleted = 0 "
        "ORDER BY fold(name), period")
    return [ProgramOverview(*row, int(budgets.get(row[0]) or 0),
                            sums.get(row[0], Balances())) for row in rows]


def partner_total(db: peewee.Database, partner_id: str, program_id: str,
                  through: date | None = None) -> Balances:
    """One program's balances of one partner's fund (all zero when it has none)."""
    return partner_balances(db, partner_id, program_id, through).get(program_id, Balances())


def _narrowing(program_id: str | None, through: date | None) -> tuple[str, list]:
    extra, params = "", []
    if program_id:
        extra += " AND program_id = ?"
        params.append(program_id)
    if through:
        extra += " AND entry_date <= ?"
        params.append(through.isoformat())
    return extra, params


_CLAIM_SUMS = """
SELECT claim_id,
  SUM(CASE WHEN kind = 'reserve' THEN amount ELSE 0 END),
  SUM(CASE WHEN kind = 'release' THEN amount ELSE 0 END),
  SUM(CASE WHEN kind = 'claim' THEN amount ELSE 0 END),
  SUM(CASE WHEN kind = 'approve' THEN amount ELSE 0 END),
  SUM(CASE WHEN kind = 'pay' THEN amount ELSE 0 END),
  SUM(kind = 'approve')
FROM fund_ledger_entry WHERE deleted = 0 AND claim_id IS NOT NULL {scope}
GROUP BY claim_id
"""


def claim_sums(db: peewee.Database, claim_ids: Sequence[str] | None = None,
               partner_id: str | None = None,
               program_id: str | None = None) -> dict[str, ClaimTotals]:
    """Each claim's ledger sums (claim id → totals): of ``claim_ids`` (a few hundred ids a
    query), or of every claim of a partner and/or program, or of every claim. The one
    place these sums are written in SQL: the table, the exports and the statement read
    them here (claims without entries are left out; their totals are all 0)."""
    found: dict[str, ClaimTotals] = {}
    if claim_ids is not None:
        ids = list(claim_ids)
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start:start + IN_CHUNK]
            scope = f"AND claim_id IN ({', '.join('?' * len(chunk))})"
            found.update(_read_sums(db, scope, chunk))
        return found
    scope, params = "", []
    if partner_id:
        scope, params = scope + " AND partner_id = ?", [*params, partner_id]
    if program_id:
        scope, params = scope + " AND program_id = ?", [*params, program_id]
    return _read_sums(db, scope, params)


def _read_sums(db: peewee.Database, scope: str, params: list) -> dict[str, ClaimTotals]:
    return {row[0]: ClaimTotals(*(int(v or 0) for v in row[1:]))
            for row in db.execute_sql(_CLAIM_SUMS.format(scope=scope), params)}


def claim_totals(db: peewee.Database, claim_id: str) -> ClaimTotals:
    """One claim's ledger sums (see :func:`claim_sums`)."""
    return claim_sums(db, [claim_id]).get(claim_id, ClaimTotals())


def ledger_entries(db: peewee.Database, partner_id: str | None = None,
                   program_id: str | None = None) -> list[Entry]:
    """Live entries as the domain's balance arithmetic takes them (tests, checks)."""
    where, params = ["deleted = 0"], []
    if partner_id:
        where.append("partner_id = ?")
        params.append(partner_id)
    if program_id:
        where.append("program_id = ?")
        params.append(program_id)
    rows = db.execute_sql(f"SELECT kind, amount, claim_id FROM fund_ledger_entry "
                          f"WHERE {' AND '.join(where)}", params)
    return [Entry(kind, amount, claim_id) for kind, amount, claim_id in rows]


def program_budget(db: peewee.Database, program_id: str) -> tuple[int, int]:
    """A program's budget and what is allocated or accrued to partners out of it."""
    row = db.execute_sql(
        "SELECT SUM(CASE WHEN kind = 'budget' THEN amount ELSE 0 END), "
        "SUM(CASE WHEN kind IN ('allocate', 'accrue') THEN amount ELSE 0 END) "
        "FROM fund_ledger_entry WHERE deleted = 0 AND program_id = ?",
        (program_id,)).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def allocation_amount(db: peewee.Database, allocation_id: str) -> int:
    """What an allocation gave (its live 'allocate' entries)."""
    row = db.execute_sql(
        "SELECT coalesce(SUM(amount), 0) FROM fund_ledger_entry WHERE deleted = 0 "
        "AND allocation_id = ? AND kind = 'allocate'", (allocation_id,)).fetchone()
    return int(row[0])


def proof_kinds(db: peewee.Database, claim_id: str) -> list[str]:
    """The kinds of proof attached to a claim (one per live file)."""
    return [row[0] for row in db.execute_sql(
        "SELECT proof_kind FROM claim_proof WHERE deleted = 0 AND claim_id = ?", (claim_id,))]


def sales_reports(db: peewee.Database, partner_id: str,
                  currency: str) -> list[tuple[str, int]]:
    """A partner's live sales reports in ``currency`` as (period text, sales), oldest
    first."""
    return [(text, int(sales or 0)) for text, sales in db.execute_sql(
        "SELECT period, sales FROM sales_report WHERE deleted = 0 AND partner_id = ? "
        "AND currency = ? ORDER BY created_at, id", (partner_id, currency))]


def reported_periods(db: peewee.Database) -> list[tuple[str, str]]:
    """Every live sales report's (partner id, period text)."""
    return list(db.execute_sql(
        "SELECT partner_id, period FROM sales_report WHERE deleted = 0 "
        "ORDER BY created_at, id"))


# -- the claims list ---------------------------------------------------------------------

class ClaimSort(StrEnum):
    TITLE = "title"
    PARTNER = "partner"
    PROGRAM = "program"
    STATE = "state"
    REQUESTED = "requested"
    ACTIVITY_END = "activity_end"
    UPDATED = "updated"


_SORT_SQL = {
    ClaimSort.TITLE: "fold(c.title)",
    ClaimSort.PARTNER: "fold(p.name)",
    ClaimSort.PROGRAM: "fold(g.name)",
    ClaimSort.STATE: "c.state",
    ClaimSort.REQUESTED: "c.requested",
    ClaimSort.ACTIVITY_END: "coalesce(c.activity_end, '')",
    ClaimSort.UPDATED: "c.updated_at",
}


@dataclass(frozen=True)
class ClaimFilter:
    """What the list is narrowed to; empty means every live claim."""

    text: str = ""
    program_id: str = ""
    partner_id: str = ""
    states: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ClaimRow:
    """One line of the claims table; money in minor units of ``currency``."""

    id: str
    title: str
    partner_id: str
    partner: str
    program_id: str
    program: str
    kind: str
    state: str
    currency: str
    requested: int
    claimed: int
    approved: int
    paid: int
    activity_end: date | None
    due_on: date | None


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


CLAIM_FROM = ("FROM claim c JOIN partner p ON p.id = c.partner_id "
              "JOIN incentive_program g ON g.id = c.program_id")


def claim_where(flt: ClaimFilter) -> tuple[str, list]:
    """The WHERE clause of the claims list over ``claim c`` alone: partners and programs
    are reached through small sub-selects (few are deleted, few match a name), so the
    filter never joins 50,000 claims to their parents (bench/incentives.py)."""
    where = ["c.deleted = 0",
             "c.partner_id NOT IN (SELECT id FROM partner WHERE deleted = 1)",
             "c.program_id NOT IN (SELECT id FROM incentive_program WHERE deleted = 1)"]
    params: list = []
    for term in flt.text.split():
        where.append("(c.title LIKE ? ESCAPE '\\' OR c.deal_ref LIKE ? ESCAPE '\\' "
                     "OR c.partner_id IN (SELECT id FROM partner WHERE name LIKE ? "
                     "ESCAPE '\\') OR c.program_id IN (SELECT id FROM incentive_program "
                     "WHERE name LIKE ? ESCAPE '\\'))")
        params.extend([_like(term)] * 4)
    if flt.program_id:
        where.append("c.program_id = ?")
        params.append(flt.program_id)
    if flt.partner_id:
        where.append("c.partner_id = ?")
        params.append(flt.partner_id)
    if flt.states:
        where.append(f"c.state IN ({', '.join('?' * len(flt.states))})")
        params.extend(sorted(flt.states))
    if flt.kinds:
        where.append("c.program_id IN (SELECT id FROM incentive_program WHERE kind IN "
                     f"({', '.join('?' * len(flt.kinds))}))")
        params.extend(sorted(flt.kinds))
    return " AND ".join(where), params


_SORT_JOINS = {ClaimSort.PARTNER: "JOIN partner p ON p.id = c.partner_id",
               ClaimSort.PROGRAM: "JOIN incentive_program g ON g.id = c.program_id"}


def claim_ids(db: peewee.Database, flt: ClaimFilter, sort: ClaimSort = ClaimSort.UPDATED,
              descending: bool = False) -> list[str]:
    """The ids of the claims the filter lets through, in the list's order."""
    where, params = claim_where(flt)
    direction = "DESC" if descending else "ASC"
    rows = db.execute_sql(f"SELECT c.id FROM claim c {_SORT_JOINS.get(sort, '')} "
                          f"WHERE {where} ORDER BY {_SORT_SQL[sort]} {direction}, c.id",
                          params)
    return [row[0] for row in rows]


def claim_count(db: peewee.Database) -> int:
    """How many live claims there are (what the list shows with no filter)."""
    where, params = claim_where(ClaimFilter())
    return int(db.execute_sql(f"SELECT count(*) FROM claim c WHERE {where}",
                              params).fetchone()[0])


def claim_rows(db: peewee.Database, ids: Sequence[str]) -> dict[str, ClaimRow]:
    """The rows of ``ids`` with each claim's ledger sums, a few hundred ids a query."""
    found: dict[str, ClaimRow] = {}
    for start in range(0, len(ids), IN_CHUNK):
        chunk = list(ids[start:start + IN_CHUNK])
        marks = ", ".join("?" * len(chunk))
        rows = db.execute_sql(
            "SELECT c.id, c.title, c.partner_id, p.name, c.program_id, g.name, g.kind, "
            "c.state, c.currency, c.requested, c.activity_end, g.claim_deadline_days "
            f"{CLAIM_FROM} WHERE c.id IN ({marks})", chunk)
        sums = claim_sums(db, chunk)
        for row in rows:
            totals = sums.get(row[0], ClaimTotals())
            end = stored_date(row[10], "claim.activity_end")
            found[row[0]] = ClaimRow(*row[:10], totals.claimed, totals.approved, totals.paid,
                                     end, claim_due_on(end, row[11]))
    return found


def claim_due_on(activity_end: date | None, deadline_days: int) -> date | None:
    """The last day to submit the claim: the activity's end plus the deadline days."""
    return activity_end + timedelta(days=deadline_days) if activity_end else None


def programs(db: peewee.Database) -> list[tuple[str, str, str, str, str]]:
    """Live programs for pickers: (id, name, kind, period, currency), by name."""
    return list(db.execute_sql(
        "SELECT id, name, kind, period, currency FROM incentive_program WHERE deleted = 0 "
        "ORDER BY fold(name), period"))


def revenue_and_paid(db: peewee.Database, partner_id: str, program_id: str) -> tuple[int, int]:
    """Revenue influenced (entered on the claims) and paid, of one partner's claims in a
    program: the two sides of its MDF ROI."""
    row = db.execute_sql(
        "SELECT coalesce(SUM(c.revenue_influenced), 0), coalesce(SUM(s.paid), 0) FROM claim c "
        "JOIN (SELECT claim_id, SUM(amount) AS paid FROM fund_ledger_entry WHERE deleted = 0 "
        "AND kind = 'pay' AND partner_id = ? AND program_id = ? GROUP BY claim_id) s "
        "ON s.claim_id = c.id WHERE c.deleted = 0", (partner_id, program_id)).fetchone()
    return int(row[0]), int(row[1])
