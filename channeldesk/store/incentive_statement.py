"""Load a partner's fund statement for a period from the ledger (``domain/fund_statement``)."""

from __future__ import annotations

from datetime import date, timedelta

import peewee

from channeldesk.domain.fund_ledger import CLAIM_KINDS, ClaimTotals
from channeldesk.domain.fund_statement import (
    FundStatement,
    ProgramStatement,
    StatementClaim,
    StatementLine,
)
from channeldesk.domain.plan import Period
from channeldesk.store.incentive_queries import claim_sums, partner_balances
from channeldesk.store.lenient import stored_date


def load_statement(db: peewee.Database, partner_id: str, partner_name: str, period: Period,
                   today: date) -> FundStatement:
    """Every program the partner has ledger entries in, with its movements in the period."""
    start, end = period.start(), period.end()
    opening = partner_balances(db, partner_id, through=start - timedelta(days=1))
    closing = partner_balances(db, partner_id, through=end)
    programs = []
    for program_id, name, kind, currency in db.execute_sql(
            "SELECT id, name, kind, currency FROM incentive_program WHERE deleted = 0 "
            "AND id IN (SELECT program_id FROM fund_ledger_entry WHERE deleted = 0 "
            "AND partner_id = ?) ORDER BY name", (partner_id,)):
        if program_id not in closing:
            continue
        lines = tuple(
            StatementLine(stored_date(day, "fund_ledger_entry.entry_date"), entry_kind,
                          what or memo, amount)
            for day, entry_kind, amount, what, memo in db.execute_sql(
                "SELECT e.entry_date, e.kind, e.amount, c.title, e.memo FROM fund_ledger_entry e "
                "LEFT JOIN claim c ON c.id = e.claim_id WHERE e.deleted = 0 "
                "AND e.partner_id = ? AND e.program_id = ? AND e.entry_date BETWEEN ? AND ? "
                "ORDER BY e.entry_date, e.created_at",
                (partner_id, program_id, start.isoformat(), end.isoformat())))
        claims = _claims(db, partner_id, program_id, start, end)
        programs.append(ProgramStatement(name, kind, currency,
                                         opening.get(program_id, closing[program_id].__class__()),
                                         closing[program_id], lines, claims))
    return FundStatement(partner_name, str(period), period.label, start, end, today,
                         tuple(programs))


def _claims(db: peewee.Database, partner_id: str, program_id: str, start: date,
            end: date) -> tuple[StatementClaim, ...]:
    """The partner's claims in a program that moved money in the period, by title, with
    their ledger sums (:func:`~channeldesk.store.incentive_queries.claim_sums`)."""
    sums = claim_sums(db, partner_id=partner_id, program_id=program_id)
    claims = []
    for claim_id, title, state, revenue in db.execute_sql(
            "SELECT c.id, c.title, c.state, c.revenue_influenced FROM claim c "
            "WHERE c.deleted = 0 AND c.partner_id = ? AND c.program_id = ? AND c.id IN "
            "(SELECT claim_id FROM fund_ledger_entry WHERE deleted = 0 AND entry_date "
            "BETWEEN ? AND ? AND kind IN ("
            + ", ".join(f"'{k}'" for k in sorted(CLAIM_KINDS)) + ")) ORDER BY c.title",
            (partner_id, program_id, start.isoformat(), end.isoformat())):
        totals = sums.get(claim_id, ClaimTotals())
        claims.append(StatementClaim(title, state, totals.claimed, totals.approved,
                                     totals.paid, revenue))
    return tuple(claims)
