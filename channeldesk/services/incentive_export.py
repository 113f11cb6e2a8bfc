"""Incentive exports for finance and partners: claims and the fund ledger as CSV, and a
partner's fund statement as PDF. No Qt.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) are written as text through ``csv_cells``, as every CSV the app writes,
so a claim titled "=HYPERLINK(…)" stays text in finance's spreadsheet. Neither export
holds an internal-only field, so there is nothing to hide for presentation mode.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from channeldesk.domain.claim_state import state_label
from channeldesk.domain.fund_ledger import entry_label
from channeldesk.domain.fund_statement import FundStatement
from channeldesk.domain.incentive import kind_label
from channeldesk.domain.money import Money
from channeldesk.domain.plan import Period, PeriodError
from channeldesk.domain.progress import CancelToken, Progress, no_progress, stop_if_cancelled
from channeldesk.services.csv_cells import safe_cell
from channeldesk.services.pdf.branding import Branding, load_branding
from channeldesk.services.pdf.incentive_sections import render_statement
from channeldesk.services.plan_export import ExportError, resolve_partner, write_output
from channeldesk.store import Store
from channeldesk.store.incentive_finance import claim_records, ledger_records, record_count
from channeldesk.store.incentive_statement import load_statement

PROGRESS_EVERY = 1_000
CANCELLED = "The export was cancelled; no file was written."


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


def claim_rows(store: Store) -> Iterator[list[object]]:
    """Every live claim as the claims CSV's cells (amounts in major units)."""
    for row in claim_records(store.db):
        (cid, title, partner, program, kind, state, currency, requested, claimed, approved,
         paid, revenue, activity, start, end, deal, submitted) = row
        yield [cid, title, partner, program, kind_label(kind), state_label(state),
               currency, *(_amount(v, currency) for v in (requested, claimed, approved,
                                                           paid, revenue)),
               activity, start or "", end or "", deal, submitted or ""]


def ledger_rows(store: Store) -> Iterator[list[object]]:
    """Every live ledger entry as the ledger CSV's cells (amounts in major units)."""
    for eid, day, program, partner, claim, kind, amount, currency, period, actor, memo in \
            ledger_records(store.db):
        yield [eid, day, program, partner, claim, entry_label(kind),
               _amount(amount, currency), currency, period, actor, memo]


def _rows(store: Store, what: str) -> tuple[tuple[str, ...], Iterable[list[object]]]:
    if what == "claims":
        return CLAIM_COLUMNS, claim_rows(store)
    return LEDGER_COLUMNS, ledger_rows(store)


def _text(store: Store, what: str, progress: Progress,
          cancel: CancelToken | None) -> tuple[str, int]:
    """The CSV text and its number of data rows (a cell may hold a line break, so the
    rows are counted as they are written, never from the text)."""
    header, rows = _rows(store, what)
    total = record_count(store.db, what)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for count, row in enumerate(rows, 1):
        if count % PROGRESS_EVERY == 0:
            stop_if_cancelled(cancel, CANCELLED)
            progress(count, total, f"Writing {what}: {count:,} of {total:,} rows")
        writer.writerow([neutralise(cell) for cell in row])
    stop_if_cancelled(cancel, CANCELLED)
    return buffer.getvalue(), count


def csv_text(store: Store, what: str) -> str:
    """The claims (``what`` "claims") or the ledger ("ledger") as CSV text."""
    return _text(store, what, no_progress, None)[0]


def write_csv(store: Store, what: str, out: Path, progress: Progress = no_progress,
              cancel: CancelToken | None = None) -> int:
    """Write the claims or the ledger to ``out`` (UTF-8 with a BOM, for spreadsheets);
    returns the number of data rows. A cancel leaves no file behind."""
    text, count = _text(store, what, progress, cancel)
    write_output(out, lambda handle: handle.write(("\ufeff" + text).encode("utf-8")))
    return count


def export_statement(store: Store, partner_text: str, period_text: str, out: Path,
                     branding: Branding | None = None,
                     today: date | None = None) -> FundStatement:
    """A partner's fund statement for a period written to ``out``; the statement."""
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
