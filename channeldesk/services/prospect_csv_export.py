"""Export prospects to CSV: the filtered, sorted view the user sees, importable again.

Headers are the importer's own (``prospect_csv_format.FIELDS``) and choices are written
as their labels ("EMEA", "Qualified"), which the importer maps back, so an export is a
round trip; the last column is the record's id, which a re-import matches first. A cell
that a spreadsheet would run as a formula is neutralised (``csv_cells``). Internal-only
columns are left out in presentation mode. Written as UTF-8 with a BOM so that Excel opens
accents correctly; the file appears only when complete (``output_files``).

Every live prospect is written, also while another program holds the write lock and the
derived rows (search keys, fit scores) cannot be brought up to date: the list reads
stale rows from the prospect itself (``prospect_queries``) and scores them here.
"""

from __future__ import annotations

import csv
import threading
from pathlib import Path

from channeldesk.domain.money import Money, MoneyError
from channeldesk.domain.progress import Cancelled, Progress
from channeldesk.domain.prospect import label
from channeldesk.output_files import open_output
from channeldesk.services.csv_cells import safe_cell
from channeldesk.services.prospect_csv_format import (
    EXPORT_ONLY_HEADERS,
    FIELDS,
    ID_HEADER,
    NUMERIC_FIELDS,
)
from channeldesk.store.database import Store
from channeldesk.store.prospect_derived import catch_up, fresh_fits
from channeldesk.store.prospect_queries import (
    ProspectFilter,
    ProspectSort,
    prospect_ids,
)

FETCH = 1000
_ROW_FIELDS = ("company", "website", "country", "region", "vertical", "employees",
               "annual_revenue_minor", "currency", "partner_type", "source", "stage",
               "lost_reason", "owner", "next_step", "next_step_on", "contact_name",
               "contact_email", "contact_phone", "competencies", "competitors",
               "internal_notes")


def export_headers(include_internal: bool) -> list[str]:
    return [f.header for f in FIELDS if include_internal or not f.internal] + \
        [*EXPORT_ONLY_HEADERS, ID_HEADER]


def export_prospects(store: Store, target: Path | str, flt: ProspectFilter | None = None,
                     sort: ProspectSort = ProspectSort.COMPANY, descending: bool = False,
                     include_internal: bool = True, progress: Progress | None = None,
                     cancel: threading.Event | None = None) -> int:
    """Write the matching prospects to ``target``; returns how many rows were written.

    Raises ``output_files.OutputRefused`` (a folder, a pipe) or ``OutputWriteError`` (a
    full disk) with a sentence for people; either way nothing is left at ``target``.
    """
    catch_up(store.db)
    ids = prospect_ids(store.db, flt or ProspectFilter(), sort, descending)
    wanted = [f for f in FIELDS if include_internal or not f.internal]
    with open_output(Path(target), "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(export_headers(include_internal))
        for start in range(0, len(ids), FETCH):
            if cancel is not None and cancel.is_set():
                raise Cancelled("The export was cancelled; no file was written.")
            if progress:
                progress(start, len(ids), f"Exporting ({start:,} of {len(ids):,})")
            chunk = ids[start:start + FETCH]
            values = _values(store, chunk)
            fits = _fits(store, chunk)
            for row_id in chunk:
                row = values[row_id]
                writer.writerow([safe_cell(_cell(f.name, row), f.name in NUMERIC_FIELDS)
                                 for f in wanted] + [fits.get(row_id, ""), row_id])
    if progress:
        progress(len(ids), len(ids), "Export finished")
    return len(ids)


def _values(store: Store, ids: list[str]) -> dict[str, dict]:
    marks = ", ".join("?" * len(ids))
    sql = f"SELECT id, {', '.join(_ROW_FIELDS)} FROM prospect WHERE id IN ({marks})"
    return {row[0]: dict(zip(_ROW_FIELDS, row[1:], strict=True))
            for row in store.db.execute_sql(sql, ids)}


def _fits(store: Store, ids: list[str]) -> dict[str, str]:
    """The fit scores, those of stale prospects computed now (see fresh_fits)."""
    return {row_id: str(fit[0]) for row_id, fit in fresh_fits(store.db, ids).items()
            if fit[0] is not None}


def _cell(name: str, row: dict) -> str:
    if name == "annual_revenue":
        minor = row["annual_revenue_minor"]
        if minor is None:
            return ""
        try:
            return str(Money.from_minor(minor, row["currency"] or "USD").amount)
        except MoneyError:
            return ""
    value = row.get(name)
    if value is None:
        return ""
    if name in ("region", "partner_type", "stage", "source"):
        return label(value)
    return str(value)

