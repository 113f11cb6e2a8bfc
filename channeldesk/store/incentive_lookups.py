"""What the deadline radar, search everywhere and the Plans tab read of incentives: claims
due, funds and pre-approvals expiring, programs and claims by name, and MDF paid."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import peewee

from channeldesk.domain.claim_state import ClaimState, state_label
from channeldesk.domain.incentive import ProgramKind, kind_label
from channeldesk.domain.lookups import Deadline, SearchText
from channeldesk.store.lenient import stored_date

MDF_METRIC = "mdf_spend"
FEATURE = "incentives"
WAITING_FOR_CLAIM = (ClaimState.PRE_APPROVED.value, ClaimState.CLAIM_INFO_REQUESTED.value)


def deadlines(db: peewee.Database, start: date, end: date) -> list[Deadline]:
    """Claims due (activity end + the program's deadline days) while a claim is still
    awaited, pre-approvals running out, and fund allocations expiring, in the range."""
    span = (start.isoformat(), end.isoformat())
    found: list[Deadline] = []
    due = db.execute_sql(
        "SELECT c.id, c.title, p.name, date(c.activity_end, '+' || g.claim_deadline_days "
        "|| ' days') AS due FROM claim c JOIN partner p ON p.id = c.partner_id "
        "JOIN incentive_program g ON g.id = c.program_id WHERE c.deleted = 0 "
        "AND p.deleted = 0 AND g.deleted = 0 AND c.activity_end IS NOT NULL "
        f"AND c.state IN ({', '.join('?' * len(WAITING_FOR_CLAIM))}) "
        "AND due BETWEEN ? AND ?", (*WAITING_FOR_CLAIM, *span))
    found += [Deadline(day, "Claim due", title, partner, "claim", row_id, FEATURE)
              for row_id, title, partner, on in due
              if (day := stored_date(on, "claim.activity_end")) is not None]
    lapsing = db.execute_sql(
        "SELECT c.id, c.title, p.name, c.preapproval_expires_on FROM claim c "
        "JOIN partner p ON p.id = c.partner_id WHERE c.deleted = 0 AND p.deleted = 0 "
        "AND c.state = ? AND c.preapproval_expires_on BETWEEN ? AND ?",
        (ClaimState.PRE_APPROVED.value, *span))
    found += [Deadline(day, "Pre-approval expires", title, partner, "claim", row_id, FEATURE)
              for row_id, title, partner, on in lapsing
              if (day := stored_date(on, "claim.preapproval_expires_on")) is not None]
    expiring = db.execute_sql(
        "SELECT a.id, g.name, p.name, a.expires_on FROM fund_allocation a "
        "JOIN partner p ON p.id = a.partner_id JOIN incentive_program g ON g.id = a.program_id "
        "WHERE a.deleted = 0 AND p.deleted = 0 AND g.deleted = 0 "
        "AND a.expires_on BETWEEN ? AND ?", span)
    found += [Deadline(day, "Funds expire", program, partner, "fund_allocation", row_id,
                       FEATURE)
              for row_id, program, partner, on in expiring
              if (day := stored_date(on, "fund_allocation.expires_on")) is not None]
    return sorted(found)


def search_texts(db: peewee.Database) -> Iterator[SearchText]:
    """Programs by name, kind and period; claims by title, partner, program and deal."""
    for row_id, name, kind, period in db.execute_sql(
            "SELECT id, name, kind, period FROM incentive_program WHERE deleted = 0"):
        yield SearchText(FEATURE, "incentive_program", row_id, f"{name} · {period}",
                         f"{name} {kind_label(kind)} {period}")
    for row_id, title, partner, program, deal, state in db.execute_sql(
            "SELECT c.id, c.title, p.name, g.name, c.deal_ref, c.state FROM claim c "
            "JOIN partner p ON p.id = c.partner_id JOIN incentive_program g "
            "ON g.id = c.program_id WHERE c.deleted = 0 AND p.deleted = 0"):
        yield SearchText(FEATURE, "claim", row_id, f"{title} · {partner}",
                         " ".join(filter(None, (title, partner, program, deal,
                                                state_label(state)))))


def actual(db: peewee.Database, partner_id: str, metric: str, start: date,
           end: date, currency: str = "") -> int | None:
    """The Plans metric "MDF spend": MDF paid to the partner between the dates, in minor
    units of ``currency`` (the plan's; programs in another currency are not added in,
    since their amounts cannot be summed); None for any other metric and for a partner
    without an MDF fund in that currency."""
    if metric != MDF_METRIC:
        return None
    funded, paid = db.execute_sql(
        "SELECT count(*), coalesce(SUM(CASE WHEN e.kind = 'pay' AND e.entry_date "
        "BETWEEN ? AND ? THEN e.amount ELSE 0 END), 0) FROM fund_ledger_entry e "
        "JOIN incentive_program g ON g.id = e.program_id WHERE e.deleted = 0 "
        "AND g.kind = ? AND e.partner_id = ? AND (? = '' OR g.currency = ?)",
        (start.isoformat(), end.isoformat(), ProgramKind.MDF.value, partner_id,
         currency, currency)).fetchone()
    # No MDF fund here for this partner (in this currency): the plan's typed-in figure
    # stands.
    return int(paid) if funded else None


actual.metrics = (MDF_METRIC,)  # type: ignore[attr-defined]
