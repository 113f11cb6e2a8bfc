"""Import prospects from a CSV file: read, map, preview, then write all at once or nothing.

The steps are separate so the GUI wizard and the command line share them:

1. :func:`read_file` / :func:`read_bytes` (in ``csv_reading``) decode the file (UTF-8
   with or without BOM, UTF-16 with BOM, else Windows-1252), find the delimiter (comma,
   semicolon or tab) and split it into rows, or refuse it as a whole with a
   :class:`CsvRefused` that says why (a stray quote that swallowed rows included).
2. :func:`auto_mapping` maps columns to fields from their header names; the user may fix it.
3. :func:`build_preview` reads every row into prospect values with per-row errors and
   warnings (row, column, value, what is wrong) and marks duplicates of existing
   prospects and partners: the same record (the ChannelDesk ID an export carries) or the
   same web domain for sure; the same company name once normalized only *possibly*
   ("Ålesund Digital GmbH" and "Ålesund Digital Inc." may be two companies), which counts
   only once the user confirms it (:meth:`ImportPreview.confirm_same_company`).
4. :func:`plan_import` decides what each row does (add, merge, skip) and what a merge
   changes; :func:`apply_import` writes that plan in one transaction, or nothing. A dry
   run prints the same plan, so it predicts the real run exactly.

Nothing touches the database before step 4.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import peewee

from channeldesk.domain.progress import Cancelled, Progress
from channeldesk.domain.prospect import company_key, validate_prospect, web_domain
from channeldesk.services.csv_cells import read_cell
from channeldesk.services.csv_reading import MAX_BYTES as MAX_BYTES
from channeldesk.services.csv_reading import CsvRefused, CsvTable
from channeldesk.services.csv_reading import read_bytes as read_bytes
from channeldesk.services.csv_reading import read_file as read_file
from channeldesk.services.operations import Operation, Recorder
from channeldesk.services.prospect_csv_format import (
    FIELD_BY_NAME,
    FIRST_NAME,
    ID_TARGET,
    PARTNER_TYPES,
    REGIONS,
    SOURCES,
    STAGES,
    ValueProblem,
    header_key,
    is_export_only,
    read_choice,
    read_currency,
    read_date,
    read_employees,
    read_revenue,
)
from channeldesk.services.prospect_csv_format import auto_mapping as auto_mapping
from channeldesk.services.prospect_csv_format import mapping_problem as mapping_problem
from channeldesk.store.database import Store
from channeldesk.store.models import Prospect
from channeldesk.store.prospect_derived import derive_now

MAX_FIELD_CHARS = 100_000
DEFAULT_LOST_REASON = "Not given in the import"
# A merge fills in and updates facts; the name the CAM knows the prospect by and its
# place in the pipeline (a move with history) stay as they are.
MERGE_KEEPS = frozenset({"company", "stage", "lost_reason"})

# A mapping target that is not a prospect field: the contact's first name, joined with
# the last name (Salesforce Leads, HubSpot).


class ImportFailed(Exception):  # noqa: N818 -- a failed write, worded for people
    """The database refused the import part way (a full disk, a lock, a read-only file);
    the transaction rolled back, so nothing was imported. The message says what to do."""


class DuplicatePolicy(StrEnum):
    SKIP = "skip"
    MERGE = "merge"


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    value: str
    message: str
    is_error: bool = True

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 40 else self.value[:39] + "…"
        kind = "" if self.is_error else "warning: "
        where = f"'{self.column}' is '{shown}'" if self.column else "the row"
        return f"Row {self.row}: {kind}{where}: {self.message}."


@dataclass(frozen=True)
class Duplicate:
    """An existing prospect or partner (or an earlier row) that looks like the same company.

    ``sure`` for the same record (its ChannelDesk ID) or the same web domain; a match by
    company name alone is only possible and counts once the user confirms it.
    """

    kind: str  # "prospect", "partner" or "row"
    row_id: str
    name: str
    reason: str
    sure: bool = True

    @property
    def target(self) -> str:
        """What the row matches, for people: 'row 4' or 'the prospect Acme GmbH'."""
        return f"row {self.row_id}" if self.kind == "row" else f"the {self.kind} {self.name}"

    def describe(self) -> str:
        if not self.sure:
            return (f"possibly the same company as {self.target} ({self.reason}); imported "
                    "as a new prospect unless you confirm it is the same")
        if self.kind == "row":
            return f"same company as row {self.row_id} ({self.reason})"
        return f"already a {self.kind}: {self.name} ({self.reason})"


@dataclass
class PreviewRow:
    number: int
    values: dict[str, Any]
    issues: list[Issue] = field(default_factory=list)
    duplicate: Duplicate | None = None
    record_id: str = ""  # the ChannelDesk ID the row carries (an export's), if any
    confirmed: bool = False  # the user confirmed a possible duplicate is the same company

    @property
    def valid(self) -> bool:
        return not any(issue.is_error for issue in self.issues)

    @property
    def counted_duplicate(self) -> Duplicate | None:
        """The duplicate the import acts on: a sure one, or a possible one confirmed."""
        dup = self.duplicate
        return dup if dup is not None and (dup.sure or self.confirmed) else None


@dataclass
class ImportPreview:
    table: CsvTable
    mapping: list[str | None]
    rows: list[PreviewRow]
    notes: list[str]

    @property
    def invalid(self) -> list[PreviewRow]:
        return [row for row in self.rows if not row.valid]

    @property
    def duplicates(self) -> list[PreviewRow]:
        """Valid rows the import treats as duplicates (sure, or confirmed by the user)."""
        return [row for row in self.rows if row.valid and row.counted_duplicate is not None]

    @property
    def possible_duplicates(self) -> list[PreviewRow]:
        """Valid rows whose company name alone matches: the user decides."""
        return [row for row in self.rows
                if row.valid and row.duplicate is not None and not row.duplicate.sure]

    def confirm_same_company(self, numbers: Iterable[int] | None = None) -> None:
        """Treat these possible duplicates (row numbers; None: all) as the same company;
        the others are added as new prospects."""
        wanted = None if numbers is None else set(numbers)
        for row in self.possible_duplicates:
            row.confirmed = wanted is None or row.number in wanted

    def issues(self) -> list[Issue]:
        return [issue for row in self.rows for issue in row.issues]


@dataclass
class ImportResult:
    created: list[str]
    merged: dict[str, dict[str, Any]]  # prospect id → the values the merge replaced
    skipped_duplicates: int
    skipped_invalid: int
    merged_values: dict[str, dict[str, Any]] = field(default_factory=dict)  # … and set
    # What the import wrote, for an exact undo and redo (see services/operations.py).
    operation: Operation[None] = field(default_factory=lambda: Operation((), None))
    unchanged: int = 0  # duplicates merged that held nothing new

    def summary(self) -> str:
        return summary_text(len(self.created), len(self.merged), self.unchanged,
                            self.skipped_duplicates, self.skipped_invalid)


def summary_text(added: int, merged: int, unchanged: int, skipped: int,
                 invalid: int) -> str:
    """The counts of an import (or of its plan, for a dry run), in the same words."""
    up_to_date = f"{unchanged:,} already up to date, " if unchanged else ""
    return (f"{added:,} added, {merged:,} merged, {up_to_date}{skipped:,} duplicates "
            f"skipped, {invalid:,} invalid rows skipped")


# -- 3. the preview --------------------------------------------------------------------------

def build_preview(table: CsvTable, mapping: Sequence[str | None] | None = None,
                  known: KnownCompanies | None = None) -> ImportPreview:
    """Every row read into prospect values with its problems; duplicates marked."""
    mapping = list(mapping) if mapping is not None else auto_mapping(table.headers)
    problem = mapping_problem(mapping)
    if problem:
        raise CsvRefused(problem)
    notes = []
    if table.encoding == "windows-1252":
        notes.append("The file is not UTF-8; it was read as Windows-1252 (Western Europe).")
    for header, target in zip(table.headers, mapping, strict=False):
        if target is None and header and not is_export_only(header):
            notes.append(f"Column '{header}' is not imported (map it to a field to keep it).")
    rows = [_read_row(table, mapping, number, cells) for number, cells in table.rows]
    _mark_duplicates(rows, known or KnownCompanies())
    return ImportPreview(table, mapping, rows, notes)


def _read_row(table: CsvTable, mapping: list[str | None], number: int,
              cells: list[str]) -> PreviewRow:
    row = PreviewRow(number, {})
    width = len(table.headers)
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        extra = next(c for c in cells[width:] if c.strip())
        row.issues.append(Issue(number, "", extra, (
            f"the row has {len(cells)} values but the header names {width} columns (a "
            "delimiter inside a value without quotes?)")))
    elif len(cells) < width:
        row.issues.append(Issue(number, "", "", (
            f"the row has {len(cells)} values for {width} columns; the missing ones are "
            "left empty"), is_error=False))
    raw: dict[str, tuple[str, str]] = {}
    for index, target in enumerate(mapping):
        if target and index < len(cells) and cells[index].strip():
            raw[target] = (table.headers[index], read_cell(cells[index].strip()))
    if ID_TARGET in raw:
        row.record_id = raw.pop(ID_TARGET)[1]
    if FIRST_NAME in raw:
        header, first = raw.pop(FIRST_NAME)
        last = raw.get("contact_name", (header, ""))[1]
        raw["contact_name"] = (header, f"{first} {last}".strip())
    currency = "USD"
    if "currency" in raw:
        currency = _read_cell(row, raw["currency"], read_currency) or currency
        row.values["currency"] = currency
    for name, (header, text) in raw.items():
        if name == "currency":
            continue
        if len(text) > MAX_FIELD_CHARS:
            row.issues.append(Issue(number, header, text, "the value is too long"))
            continue
        _read_field(row, name, header, text, currency)
    _check_row(row, raw)
    return row


def _read_cell(row: PreviewRow, cell: tuple[str, str], reader, *args):
    header, text = cell
    try:
        return reader(text, *args)
    except ValueProblem as problem:
        row.issues.append(Issue(row.number, header, text, str(problem)))
        return None


def _read_field(row: PreviewRow, name: str, header: str, text: str, currency: str) -> None:
    values, cell = row.values, (header, text)
    if name == "employees":
        read = _read_cell(row, cell, read_employees)
        if read is not None:
            values["employees"] = read[0]
            if read[1]:
                row.issues.append(Issue(row.number, header, text, read[1], is_error=False))
    elif name == "annual_revenue":
        read = _read_cell(row, cell, read_revenue, currency)
        if read is not None:
            values["annual_revenue_minor"], values["currency"] = read
    elif name == "next_step_on":
        values["next_step_on"] = _read_cell(row, cell, read_date)
    elif name in ("region", "partner_type"):
        choices, what = (REGIONS, "region") if name == "region" else (PARTNER_TYPES,
                                                                        "partner type")
        try:
            values[name] = read_choice(text, choices, what)
        except ValueProblem as problem:
            row.issues.append(Issue(row.number, header, text, f"{problem}; left empty",
                                    is_error=False))
    elif name == "stage":
        try:
            values["stage"] = read_choice(text, STAGES, "pipeline stage")
        except ValueProblem as problem:
            values["stage"] = "identified"
            row.issues.append(Issue(row.number, header, text,
                                    f"{problem}; imported as Identified", is_error=False))
    elif name == "source":
        values["source"] = SOURCES.get(header_key(text), text)
    elif name == "website":
        values["website"] = text if "://" in text else f"https://{text}"
    else:
        values[name] = text


def _check_row(row: PreviewRow, raw: dict[str, tuple[str, str]]) -> None:
    if row.values.get("stage") == "lost" and not row.values.get("lost_reason"):
        row.values["lost_reason"] = DEFAULT_LOST_REASON
        row.issues.append(Issue(row.number, raw["stage"][0], raw["stage"][1],
                                f"lost without a reason; the reason reads "
                                f"'{DEFAULT_LOST_REASON}'", is_error=False))
    for name, message in validate_prospect(row.values).items():
        source = "annual_revenue" if name == "annual_revenue_minor" else name
        spec = FIELD_BY_NAME.get(source)
        header, text = raw.get(source, (spec.header if spec else source, ""))
        if any(issue.column == header and issue.is_error for issue in row.issues):
            continue  # already reported when the cell was read
        if name == "company" and not text:
            message = "every prospect needs a company name"
        row.issues.append(Issue(row.number, header, text,
                                message[:1].lower() + message[1:].rstrip(".")))


# -- duplicates ------------------------------------------------------------------------------

@dataclass
class KnownCompanies:
    """Existing prospects and partners by web domain and by normalized company name."""

    by_domain: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    by_name: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    by_id: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store) -> KnownCompanies:
        known = cls()
        # Partners first: a company that is already a partner is named as such.
        for kind, sql in (
            ("partner", "SELECT id, name, website FROM partner WHERE deleted = 0"),
            ("prospect", "SELECT id, company, website FROM prospect WHERE deleted = 0"),
        ):
            for row_id, name, website in store.db.execute_sql(sql):
                known.add(kind, row_id, name, website)
        return known

    def add(self, kind: str, row_id: str, name: str, website: str) -> None:
        domain, key = web_domain(website), company_key(name)
        if kind == "prospect":
            self.by_id[row_id] = (kind, row_id, name)
        if domain:
            self.by_domain.setdefault(domain, (kind, row_id, name))
        if key:
            self.by_name.setdefault(key, (kind, row_id, name))

    def find(self, name: str, website: str, record_id: str = "") -> Duplicate | None:
        """The same record (by id), else the same domain: sure; the same name: possible."""
        if record_id and record_id in self.by_id:
            return Duplicate(*self.by_id[record_id], "the same record, by its ChannelDesk ID")
        domain = web_domain(website)
        if domain and domain in self.by_domain:
            return Duplicate(*self.by_domain[domain], f"same domain {domain}")
        key = company_key(name)
        if key and key in self.by_name:
            return Duplicate(*self.by_name[key], "same company name", sure=False)
        return None


def _mark_duplicates(rows: list[PreviewRow], known: KnownCompanies) -> None:
    """Each row's duplicate: an existing partner or prospect, else an earlier row. Only
    the first row surely matching an existing prospect may merge into it; later ones are
    duplicates of that row (two merges into one prospect could not be undone exactly).
    Rows that carry different ChannelDesk IDs are different records: never duplicates of
    each other, whatever their names and domains."""
    in_file = KnownCompanies()
    ids_in_file: dict[str, PreviewRow] = {}
    claimed: dict[str, PreviewRow] = {}
    for row in rows:
        if not row.valid:
            continue
        name, website = row.values.get("company", ""), row.values.get("website", "")
        row.duplicate = known.find(name, website, row.record_id)
        if row.duplicate is not None and row.duplicate.kind == "prospect" and \
                row.duplicate.sure:
            first = claimed.setdefault(row.duplicate.row_id, row)
            if first is not row:
                row.duplicate = Duplicate("row", str(first.number), first.values.get(
                    "company", ""), f"both match the prospect {row.duplicate.name}")
        if row.duplicate is None and row.record_id:
            earlier_row = ids_in_file.setdefault(row.record_id, row)
            if earlier_row is not row:
                row.duplicate = Duplicate("row", str(earlier_row.number), earlier_row.values
                                          .get("company", ""), "the same ChannelDesk ID")
        elif row.duplicate is None:
            earlier = in_file.find(name, website)
            if earlier is not None:
                row.duplicate = Duplicate("row", earlier.row_id, earlier.name, earlier.reason,
                                          earlier.sure)
        in_file.add("row", str(row.number), name, website)
        if row.duplicate is not None:
            row.issues.append(Issue(row.number, "Company", name, row.duplicate.describe(),
                                    is_error=False))


# -- 4. writing ------------------------------------------------------------------------------

@dataclass
class ImportPlan:
    """What an import will do, row by row, decided before anything is written."""

    new_rows: list[dict[str, Any]] = field(default_factory=list)
    merges: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # id → changes
    unchanged: int = 0  # prospects a merge would leave as they are
    skipped_duplicates: int = 0
    skipped_invalid: int = 0

    def summary(self) -> str:
        return summary_text(len(self.new_rows), len(self.merges), self.unchanged,
                            self.skipped_duplicates, self.skipped_invalid)


def plan_import(store: Store | None, preview: ImportPreview,
                duplicates: DuplicatePolicy = DuplicatePolicy.SKIP) -> ImportPlan:
    """What :func:`apply_import` would write now: the rows to add, and for each merge only
    the values that differ from the prospect's (read from the database), so a dry run
    and the real run report the same counts. ``store`` None: a database yet to be
    created (a dry run creates none), which holds nothing to merge into."""
    plan = ImportPlan(skipped_invalid=len(preview.invalid))
    wanted: list[tuple[str, dict[str, Any]]] = []
    merging: set[str] = set()
    for row in preview.rows:
        if not row.valid:
            continue
        dup = row.counted_duplicate
        if dup is None:
            plan.new_rows.append(complete_values(row.values))
        elif (dup.kind == "prospect" and duplicates == DuplicatePolicy.MERGE
              and dup.row_id not in merging):
            merging.add(dup.row_id)
            wanted.append((dup.row_id, {name: value for name, value in row.values.items()
                                        if name not in MERGE_KEEPS}))
        else:
            plan.skipped_duplicates += 1
    current = _current_values(store, [prospect_id for prospect_id, _ in wanted])
    for prospect_id, values in wanted:
        existing = current.get(prospect_id)
        changes = values if existing is None else {
            name: value for name, value in values.items()
            if _stored(name, existing.get(name)) != _stored(name, value)}
        if changes:
            plan.merges.append((prospect_id, changes))
        else:
            plan.unchanged += 1
    return plan


def _current_values(store: Store | None, ids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    if store is None:
        return found
    for start in range(0, len(ids), 500):
        for prospect in Prospect.select().where(Prospect.id.in_(ids[start:start + 500])):
            found[prospect.id] = {name: getattr(prospect, name)
                                  for name in Prospect.editable_fields()}
    return found


def _stored(name: str, value: Any) -> Any:
    """A value as SQLite holds it, so that a date and its text, or True and 1, compare."""
    stored = Prospect._meta.fields[name].db_value(value)
    return int(stored) if isinstance(stored, bool) else stored


def apply_import(store: Store, preview: ImportPreview,
                 duplicates: DuplicatePolicy = DuplicatePolicy.SKIP,
                 skip_invalid: bool = False, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> ImportResult:
    """Write the preview's rows in one transaction: every valid row, or nothing.

    Refuses (CsvRefused, nothing written) when a row is invalid, unless ``skip_invalid``.
    Duplicates of partners and of earlier rows are always skipped; duplicates of
    prospects are skipped or merged (imported non-empty values replace the prospect's).
    A possible duplicate (the same name only) counts only if the user confirmed it.
    Raises ImportFailed when the database refuses the write (a full disk): rolled back.
    """
    invalid = preview.invalid
    if invalid and not skip_invalid:
        first = next(issue for issue in invalid[0].issues if issue.is_error)
        raise CsvRefused(f"{len(invalid):,} of {len(preview.rows):,} rows have errors, so "
                         f"nothing was imported. The first: {first}")
    try:
        return _write(store, preview, duplicates, progress, cancel)
    except (sqlite3.Error, peewee.DatabaseError) as error:
        raise ImportFailed(_write_failure(store, error)) from error


def _write(store: Store, preview: ImportPreview, duplicates: DuplicatePolicy,
           progress: Progress | None, cancel: threading.Event | None) -> ImportResult:
    step = 5000
    with store.transaction():
        plan = plan_import(store, preview, duplicates)
        new_rows, merges = plan.new_rows, plan.merges
        total = len(new_rows) + len(merges)
        result = ImportResult([], {}, plan.skipped_duplicates, plan.skipped_invalid,
                              unchanged=plan.unchanged)
        recorder = Recorder(store)
        for start in range(0, len(new_rows), step):
            _check_cancel(cancel)
            if progress:
                progress(start, total, f"Importing prospects ({start:,} of {total:,})")
            result.created.extend(recorder.insert_many(
                Prospect, new_rows[start:start + step], chunk=500))
        for done, (prospect_id, values) in enumerate(merges):
            if done % 500 == 0:
                _check_cancel(cancel)
            previous = recorder.update(Prospect, prospect_id, values)
            if previous:
                result.merged[prospect_id] = previous
                result.merged_values[prospect_id] = {name: values[name] for name in previous}
        _check_cancel(cancel)
        derive_now(store.db, [*result.created, *result.merged])
        _check_cancel(cancel)
    result.operation = recorder.finish(None)
    if progress:
        progress(total, total, "Import finished")
    return result


def _write_failure(store: Store, error: Exception) -> str:
    """One sentence for a write the database refused. SQLite rolls a transaction back by
    itself on a full disk, after which the failed ROLLBACK says "cannot rollback - no
    transaction is active"; the cause that matters is the one underneath."""
    text = " ".join(str(cause) for cause in _causes(error)).lower()
    if "full" in text:
        return (f"The disk holding {store.path.name} is full, so nothing was imported (the "
                "import was rolled back whole). Free some space and import again.")
    if "locked" in text or "busy" in text:
        return ("The database is busy in another program, so nothing was imported. Close "
                "it or wait for it to finish, then import again.")
    if "readonly" in text or "read-only" in text:
        return (f"{store.path} cannot be written (read-only), so nothing was imported. "
                "Ask for write access or copy the database to a folder you can write to.")
    return (f"The database refused the import ({error}), so nothing was imported. Try "
            "again; if it keeps failing, run 'channeldesk check'.")


def _causes(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def complete_values(values: dict[str, Any]) -> dict[str, Any]:
    """Every column set, so all rows of an insert_many share one column list."""
    defaults = {name: Prospect._meta.fields[name].default for name in Prospect.editable_fields()}
    defaults["converted_partner"] = None
    return {**defaults, **values}


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("The import was cancelled; nothing was written.")


def undo_import(store: Store, result: ImportResult) -> None:
    """Take an import back: tombstone the added prospects (in bulk), restore what merges
    replaced; one transaction, journalled."""
    result.operation.undo(store)


def redo_import(store: Store, result: ImportResult) -> None:
    """Apply an undone import again: restore the added rows, re-apply the merges."""
    result.operation.redo(store)
