"""The dashboard's fund utilisation: per program, how much of the funds allocated and
accrued has been claimed and paid, summed from the ledger (never a stored total)."""

from __future__ import annotations

from datetime import date, timedelta

import peewee

from channeldesk.domain.dashboard import Bar, Panel, PanelKind, percent
from channeldesk.domain.lookups import Link
from channeldesk.domain.money import Money, format_money
from channeldesk.store.incentive_queries import partner_balances, program_overview

EXPIRING_DAYS = 30
_EXPIRING = """
    SELECT a.program_id, count(*) FROM fund_allocation a
    WHERE a.deleted = 0 AND a.expires_on BETWEEN ? AND ? {scope}
    GROUP BY a.program_id"""
_WAITING = ("SELECT count(*) FROM claim WHERE deleted = 0 "
            "AND state IN ('submitted', 'claim_submitted') {scope}")


def panels(db: peewee.Database, today: date, partner_id: str | None = None) -> list[Panel]:
    return [utilisation_panel(db, today, partner_id)]


def utilisation_panel(db: peewee.Database, today: date, partner_id: str | None) -> Panel:
    """A row per program: the share of its funds paid out, with allocated, claimed and
    paid in the program's currency and the allocations expiring within 30 days."""
    overview = program_overview(db)
    own = partner_balances(db, partner_id) if partner_id else None
    scope, params = ("AND a.partner_id = ?", [partner_id]) if partner_id else ("", [])
    span = [today.isoformat(), (today + timedelta(days=EXPIRING_DAYS)).isoformat()]
    expiring = dict(db.execute_sql(_EXPIRING.format(scope=scope), (*span, *params)))
    bars = []
    for program in overview:
        balances = own.get(program.id) if own is not None else program.balances
        if balances is None:
            continue
        funds = balances.allocated + balances.accrued

        def show(units: int, currency: str = program.currency) -> str:
            return format_money(Money.from_minor(units, currency))

        soon = expiring.get(program.id, 0)
        note = (f"{show(funds)} allocated · {show(balances.claimed)} claimed · "
                f"{show(balances.paid)} paid"
                + (f" · {soon} allocation{'s' if soon != 1 else ''} expiring in "
                   f"{EXPIRING_DAYS} days" if soon else ""))
        bars.append(Bar(f"{program.name} ({program.period})",
                        percent(balances.paid, funds) or 0, note,
                        Link("incentives", (("program", program.id),))))
    waiting_scope = "AND partner_id = ?" if partner_id else ""
    waiting = db.execute_sql(_WAITING.format(scope=waiting_scope),
                             [partner_id] if partner_id else []).fetchone()[0]
    headline = (f"{waiting} claim{'s' if waiting != 1 else ''} waiting for a decision"
                if waiting else "No claim is waiting for you")
    return Panel("funds", "Fund utilisation", headline,
                 "Per program: paid as a share of the funds allocated and accrued; hover for "
                 "allocated, claimed and paid. Double-click to list its claims.",
                 tuple(bars), PanelKind.ROWS, order=45, value_suffix="% paid",
                 empty_text="No incentive programs yet.")
