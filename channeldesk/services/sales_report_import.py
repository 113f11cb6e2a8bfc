"""Import partners' sales reports from CSV: read, preview with per-row errors, then write
the valid rows (and the co-op they accrue) in one transaction.

The file is read by the shared reader (``csv_reading``: encodings, delimiters, refusal of
a file as a whole with :class:`CsvRefused`); the rows are reported like the prospect
importer's, with the same :class:`Issue` per row ("Row 4: 'Partner' is 'Nordwind':
no partner has that name…"), nothing written before :func:`apply_sales_import`.

Columns: Partner (name or id), Period (2026-Q1, 2026-H1, FY2026), Currency, Sales, Units
(optional). A row is refused for an unknown partner, a bad period, currency or amount, a
negative figure, a currency other than that of a co-op program the partner accrues in,
or a period that overlaps another report of the partner (2026-H1 beside 2026-Q1, in the
file or in the database), so no sale is counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from channeldesk.domain.incentive import ProgramKind, eligibility_problem
from channeldesk.domain.money import Money, MoneyError, validate_currency
from channeldesk.domain.plan import Period, PeriodError
from channeldesk.domain.progress import CancelToken, Progress, no_progress, stop_if_cancelled
from channeldesk.services.csv_reading import CsvRefused, CsvTable
from channeldesk.services.incentive_operations import accrue_coop
from channeldesk.services.operations import Operation, Recorder, run
from channeldesk.services.prospect_csv_format import header_key
from channeldesk.services.prospect_csv_import import Issue
from channeldesk.store import Store
from channeldesk.store.incentive_queries import reported_periods
from channeldesk.store.models import IncentiveProgram, Partner, SalesReport

__all__ = ["CsvRefused", "SalesPreview", "apply_sales_import", "build_sales_preview"]

COLUMNS = {"partner": ("partner", "partnername", "partnerid", "reseller", "company"),
           "period": ("period", "quarter", "fiscalperiod"),
           "currency": ("currency", "cur", "iso"),
           "sales": ("sales", "revenue", "amount", "salesamount", "netsales"),
           "units": ("units", "quantity", "qty", "deals")}
REQUIRED = ("partner", "period", "currency", "sales")
PROGRESS_EVERY = 500


@dataclass
class SalesRow:
    """One data row of the file: its number, the values read and what is wrong with it."""
    number: int
    values: dict[str, Any]
    issues: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.issues


@dataclass
class SalesPreview:
    """Every row of a sales-report file, checked; nothing is written until it is applied."""
    table: CsvTable
    rows: list[SalesRow]

    @property
    def valid_rows(self) -> list[SalesRow]:
        return [row for row in self.rows if row.valid]

    def issues(self) -> list[Issue]:
        return [issue for row in self.rows for issue in row.issues]

    def summary(self) -> str:
        bad = len(self.rows) - len(self.valid_rows)
        return (f"{len(self.valid_rows):,} rows ready to import"
                + (f", {bad:,} with errors (not imported)" if bad else ""))


def column_map(headers: list[str]) -> dict[str, int]:
    """Field → column index, from the headers; CsvRefused when a needed one is missing."""
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        for name, aliases in COLUMNS.items():
            if key in aliases and name not in found:
                found[name] = index
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise CsvRefused(f"The file has no {', '.join(m.capitalize() for m in missing)} "
                         "column. Sales reports need Partner, Period, Currency and Sales "
                         "(Units optional).")
    return found


class _Partners:
    """Live partners by id and by case-folded name, and the co-op currencies each one
    accrues in."""

    def __init__(self) -> None:
        self.by_id = {p.id: p for p in Partner.live()}
        self.by_name: dict[str, list[Partner]] = {}
        for partner in self.by_id.values():
            self.by_name.setdefault(partner.name.casefold().strip(), []).append(partner)
        self.coop = list(IncentiveProgram.live().where(
            (IncentiveProgram.kind == ProgramKind.COOP.value)
            & (IncentiveProgram.accrual_bp > 0)))
        self.reported: dict[str, list[Period]] = {}
        for partner_id, text in reported_periods(Partner._meta.database):
            try:
                self.reported.setdefault(partner_id, []).append(Period.parse(text))
            except PeriodError:
                continue

    def find(self, text: str) -> tuple[Partner | None, str | None]:
        if text in self.by_id:
            return self.by_id[text], None
        matches = self.by_name.get(text.casefold().strip(), [])
        if len(matches) == 1:
            return matches[0], None
        if matches:
            return None, f"{len(matches)} partners have that name; give the partner's id"
        return None, "no partner has that name. Add the partner first, or correct the name"

    def coop_mismatch(self, partner: Partner, currency: str) -> str | None:
        for program in self.coop:
            if program.currency != currency and not eligibility_problem(
                    program.partner_types, program.tiers, partner.partner_type, partner.tier):
                return (f"{partner.name} accrues co-op in '{program.name}', which runs in "
                        f"{program.currency}; report its sales in {program.currency}")
        return None


def overlapping(period: Period, others: list[Period]) -> Period | None:
    """The first of ``others`` that shares a quarter with ``period`` (None if none)."""
    quarters = set(period.quarters())
    return next((other for other in others if quarters & set(other.quarters())), None)


def _overlap_issue(row: SalesRow, partners: _Partners,
                   seen: dict[str, list[tuple[Period, int]]]) -> Issue | None:
    """Why the row's period overlaps a report of the same partner already in the
    database or earlier in the file (sales would be counted twice); None if it does not."""
    partner_id, period = row.values.get("partner"), Period.parse(row.values["period"])
    stored = overlapping(period, partners.reported.get(partner_id, []))
    if stored is not None:
        what = ("are already reported" if stored == period else
                f"overlap the report for {stored} already in the database")
        return Issue(row.number, "", "", f"this partner's sales for {period} {what}. "
                     "Remove the row, or delete the earlier report first")
    earlier = {p: number for p, number in seen.get(partner_id, [])}
    clash = overlapping(period, list(earlier))
    if clash is not None:
        what = ("same partner and period as row" if clash == period else
                f"{period} overlaps {clash} of the same partner in row")
        return Issue(row.number, "", "", f"{what} {earlier[clash]}; report each "
                     "quarter once")
    return None


def build_sales_preview(table: CsvTable, progress: Progress = no_progress,
                        cancel: CancelToken | None = None) -> SalesPreview:
    """Every row read and checked; nothing is written. A row whose period overlaps
    another report of its partner (2026-H1 beside 2026-Q1, in the file or the database)
    is refused naming the other, so no sale is counted twice."""
    columns = column_map(table.headers)
    partners = _Partners()
    seen: dict[str, list[tuple[Period, int]]] = {}
    rows = []
    for done, (number, cells) in enumerate(table.rows):
        if done % PROGRESS_EVERY == 0:
            stop_if_cancelled(cancel, "Checking the file was cancelled; nothing was "
                                      "imported.")
            progress(done, len(table.rows), f"Checking row {done + 1:,} of "
                                            f"{len(table.rows):,}")
        row = _read_row(number, cells, columns, table.headers, partners)
        issue = _overlap_issue(row, partners, seen) if row.valid else None
        if issue is not None:
            row.issues.append(issue)
        elif row.valid:
            seen.setdefault(row.values["partner"], []).append(
                (Period.parse(row.values["period"]), number))
        rows.append(row)
    return SalesPreview(table, rows)


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _read_row(number: int, cells: list[str], columns: dict[str, int], headers: list[str],
              partners: _Partners) -> SalesRow:
    row = SalesRow(number, {})

    def problem(name: str, value: str, message: str) -> None:
        row.issues.append(Issue(number, headers[columns[name]], value, message))

    text = {name: _cell(cells, columns.get(name)) for name in COLUMNS}
    partner, why = partners.find(text["partner"])
    if partner is None:
        problem("partner", text["partner"], why or "no partner")
    try:
        row.values["period"] = str(Period.parse(text["period"]))
    except PeriodError as error:
        problem("period", text["period"], str(error).rstrip("."))
    try:
        currency = validate_currency(text["currency"])
    except MoneyError as error:
        problem("currency", text["currency"], str(error).rstrip("."))
        return row
    try:
        sales = Money.parse(text["sales"], currency).to_minor()
        if sales < 0:
            problem("sales", text["sales"], "sales cannot be negative")
        row.values["sales"] = sales
    except MoneyError as error:
        problem("sales", text["sales"], f"{str(error).rstrip('.')}; write it like 125000.00")
    units = text["units"] or "0"
    if not units.isdigit():
        problem("units", units, "units are a whole number, 0 or more")
    row.values.update(currency=currency, units=int(units) if units.isdigit() else 0)
    if partner is not None:
        row.values["partner"] = partner.id
        mismatch = partners.coop_mismatch(partner, currency)
        if mismatch:
            problem("currency", currency, mismatch)
    return row


@dataclass(frozen=True)
class SalesImportResult:
    """What an import wrote: how many reports, and the co-op (minor units) accrued on them."""
    reports: int
    accrued: int


def apply_sales_import(store: Store, preview: SalesPreview, source: str = "",
                       today: date | None = None, actor: str = "",
                       progress: Progress = no_progress, cancel: CancelToken | None = None
                       ) -> Operation[SalesImportResult]:
    """Write the valid rows and accrue co-op on them, in one transaction (one undo). A
    cancel rolls the whole import back: nothing is written."""
    rows = preview.valid_rows

    def write(recorder: Recorder) -> SalesImportResult:
        progress(0, len(rows), f"Writing {len(rows):,} sales reports")
        ids = recorder.insert_many(SalesReport, [{**row.values, "source": source}
                                                 for row in rows])
        accrued = 0
        partners = list(dict.fromkeys(row.values["partner"] for row in rows))
        for done, partner_id in enumerate(partners):
            stop_if_cancelled(cancel, "The import was cancelled; nothing was written.")
            progress(done, len(partners), f"Accruing co-op for partner {done + 1:,} of "
                                          f"{len(partners):,}")
            accrual = accrue_coop(store, partner_id, today, actor)
            recorder.steps.extend(accrual.steps)
            accrued += accrual.value
        return SalesImportResult(len(ids), accrued)
    return run(store, write)
