"""Incentive exports for finance and partners: claims and the fund ledger as CSV, and a
partner's fund statement as PDF. No Qt.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) are written with a leading apostrophe, so a claim titled
"=HYPERLINK(…)" stays text in finance's spreadsheet. (A shared helper for that is being
added to the prospect CSV code; this module keeps its own few lines until then.)
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from channeldesk.domain.claim_state import state_label
from channeldesk.domain.fund_ledger import entry_label
from channeldesk.domain.incentive import kind_label
from channeldesk.domain.money import Money
from channeldesk.domain.plan import Period, PeriodError
from channeldesk.services.csv_cells import safe_cell
from channeldesk.services.pdf.branding import Branding, load_branding
from channeldesk.services.pdf.incentive_sections import render_statement
from channeldesk.services.plan_export import ExportError, resolve_partner, write_output
from channeldesk.store import Store
from channeldesk.store.incentive_statement import load_statement


def neutralise(value: object) -> object:
    """A cell a spreadsheet will not run as a formula (``csv_cells``, as every CSV the app
    writes); numbers are written as they are, so finance can sum them."""
    return safe_cell(value) if isinstance(value, str) else value


def _amount(units: int, currency: str) -> str:
    return str(Money.from_minor(int(units or 0), currency).amount)


CLAIM_COLUMNS = ("Claim id", "Title", "Partner", "Program", "Kind", "State", "Currency",
                 "Requested", "Claimed", "Approved", "Paid", "Revenue influenced",
                 "Activity type", "Activity start", "Activity end", "Deal reference",
                 "Claim submitted on")
LEDGER_COLUMNS = ("Entry id", "Date", "Program", "Partner", "Claim", "Kind", "Amount",
                  "Currency", "Period", "By", "Memo")


def claim_rows(store: Store) -> list[list[object]]:
    rows = store.db.execute_sql(
        "SELECT c.id, c.title, p.name, g.name, g.kind, c.state, c.currency, c.requested, "
        + ", ".join(f"coalesce((SELECT SUM(amount) FROM fund_ledger_entry e WHERE "
                    f"e.deleted = 0 AND e.claim_id = c.id AND e.kind = '{k}'), 0)"
                    for k in ("claim", "approve", "pay"))
        + ", c.revenue_influenced, c.activity_type, c.activity_start, c.activity_end, "
        "c.deal_ref, c.claim_submitted_on FROM claim c JOIN partner p ON p.id = c.partner_id "
        "JOIN incentive_program g ON g.id = c.program_id WHERE c.deleted = 0 "
        "ORDER BY p.name, c.created_at")
    out = []
    for row in rows:
        (cid, title, partner, program, kind, state, currency, requested, claimed, approved,
         paid, revenue, activity, start, end, deal, submitted) = row
        out.append([cid, title, partner, program, kind_label(kind), state_label(state),
                    currency, *(_amount(v, currency) for v in (requested, claimed, approved,
                                                                paid, revenue)),
                    activity, start or "", end or "", deal, submitted or ""])
    return out


def ledger_rows(store: Store) -> list[list[object]]:
    rows = store.db.execute_sql(
        "SELECT e.id, e.entry_date, g.name, coalesce(p.name, ''), coalesce(c.title, ''), "
        "e.kind, e.amount, g.currency, e.period, e.actor, e.memo FROM fund_ledger_entry e "
        "JOIN incentive_program g ON g.id = e.program_id LEFT JOIN partner p "
        "ON p.id = e.partner_id LEFT JOIN claim c ON c.id = e.claim_id WHERE e.deleted = 0 "
        "ORDER BY e.entry_date, e.created_at")
    return [[eid, day, program, partner, claim, entry_label(kind), _amount(amount, currency),
             currency, period, actor, memo]
            for eid, day, program, partner, claim, kind, amount, currency, period, actor, memo
            in rows]


def csv_text(store: Store, what: str) -> str:
    header, rows = ((CLAIM_COLUMNS, claim_rows(store)) if what == "claims"
                    else (LEDGER_COLUMNS, ledger_rows(store)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[neutralise(cell) for cell in row] for row in rows])
    return buffer.getvalue()


def write_csv(store: Store, what: str, out: Path, internal: bool = True) -> int:
    """Write the claims or the ledger to ``out`` (UTF-8 with a BOM, for spreadsheets);
    returns the number of data rows. No internal-only field is in either export."""
    text = csv_text(store, what)
    write_output(out, lambda handle: handle.write(("\ufeff" + text).encode("utf-8")))
    return text.count("\r\n") - 1


def export_statement(store: Store, partner_text: str, period_text: str, out: Path,
                     branding: Branding | None = None, today=None):
    """A partner's fund statement for a period written to ``out``; the statement."""
    from datetime import date

    try:
        period = Period.parse(period_text)
    except PeriodError as error:
        raise ExportError(str(error)) from None
    partner = resolve_partner(partner_text)
    statement = load_statement(store.db, partner.id, partner.name, period,
                               today or date.today())
    branding = branding or load_branding(None)
    write_output(out, lambda handle: render_statement(statement, branding, handle))
    return statement
