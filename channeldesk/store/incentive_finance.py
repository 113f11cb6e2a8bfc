"""What the finance exports read: every live claim with its ledger sums, and every live
fund ledger entry with the names it refers to. Raw values (minor units, codes); the
export service turns them into cells."""

from __future__ import annotations

from collections.abc import Iterator

import peewee

from channeldesk.domain.fund_ledger import ClaimTotals
from channeldesk.store.incentive_queries import claim_sums

FETCH = 2_000


def claim_records(db: peewee.Database) -> Iterator[tuple]:
    """(id, title, partner, program, kind, state, currency, requested, claimed, approved,
    paid, revenue influenced, activity type, start, end, deal reference, submitted on)
    per live claim, by partner then creation; the sums come from :func:`claim_sums`."""
    sums = claim_sums(db)
    cursor = db.execute_sql(
        "SELECT c.id, c.title, p.name, g.name, g.kind, c.state, c.currency, c.requested, "
        "c.revenue_influenced, c.activity_type, c.activity_start, c.activity_end, "
        "c.deal_ref, c.claim_submitted_on FROM claim c JOIN partner p ON p.id = c.partner_id "
        "JOIN incentive_program g ON g.id = c.program_id WHERE c.deleted = 0 "
        "ORDER BY p.name, c.created_at")
    while rows := cursor.fetchmany(FETCH):
        for row in rows:
            totals = sums.get(row[0], ClaimTotals())
            yield (*row[:8], totals.claimed, totals.approved, totals.paid, *row[8:])


def ledger_records(db: peewee.Database) -> Iterator[tuple]:
    """(id, date, program, partner, claim title, kind, amount, currency, period, actor,
    memo) per live ledger entry, by date then creation."""
    cursor = db.execute_sql(
        "SELECT e.id, e.entry_date, g.name, coalesce(p.name, ''), coalesce(c.title, ''), "
        "e.kind, e.amount, g.currency, e.period, e.actor, e.memo FROM fund_ledger_entry e "
        "JOIN incentive_program g ON g.id = e.program_id LEFT JOIN partner p "
        "ON p.id = e.partner_id LEFT JOIN claim c ON c.id = e.claim_id WHERE e.deleted = 0 "
        "ORDER BY e.entry_date, e.created_at")
    while rows := cursor.fetchmany(FETCH):
        yield from rows


def record_count(db: peewee.Database, what: str) -> int:
    """How many rows the claims or ledger export will hold (for its progress)."""
    table = "claim" if what == "claims" else "fund_ledger_entry"
    return int(db.execute_sql(f"SELECT count(*) FROM {table} WHERE deleted = 0")
               .fetchone()[0])
