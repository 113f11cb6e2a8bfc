"""The Incentives tab's files: sales reports in, claims and the ledger out as CSV for
finance, a partner's fund statement as PDF, and proof of performance attached to a claim.

Each reads or writes in a worker (``ui/shell/jobs.run_task``: progress after half a second,
a Cancel that leaves nothing half-done), so a 100,000-row ledger or a 200 MB receipt
never freezes the window; what it writes to the database is then one undo step. A path
that cannot be written is said in a sentence with what to do next.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from channeldesk.domain.progress import Cancelled
from channeldesk.output_files import OutputRefused, OutputWriteError
from channeldesk.services import incentive_export
from channeldesk.services import incentive_operations as ops
from channeldesk.services.asset_files import FileProblem, StoredFile
from channeldesk.services.csv_reading import CsvRefused, read_file
from channeldesk.services.plan_export import ExportError
from channeldesk.services.sales_report_import import (
    SalesPreview,
    apply_sales_import,
    build_sales_preview,
)
from channeldesk.ui.incentives.actor import current_user
from channeldesk.ui.incentives.sales_import import SalesImportDialog
from channeldesk.ui.shell.errors import show_error
from channeldesk.ui.shell.jobs import Task, run_task

if TYPE_CHECKING:  # the tab imports this module
    from channeldesk.ui.incentives.tab import IncentivesTab

WRITE_ADVICE = ("Nothing was written there. Choose a file in a folder you can write to "
                "(your Documents folder, for example) and export again.")


def _failed(tab: IncentivesTab, what: str, advice: str = ""):
    """The handler of a worker's failure: a cancel is a status line; a refusal the user
    can act on is a sentence and the next step; anything else goes to the log too."""
    def failed(error: BaseException) -> None:
        tab.last_task_result = error
        if isinstance(error, Cancelled):
            tab.sig_status.emit(str(error))
        elif isinstance(error, OutputRefused | OutputWriteError):
            show_error(tab, what, error, WRITE_ADVICE)
        elif isinstance(error, CsvRefused | FileProblem | ExportError | ops.OperationRefused):
            show_error(tab, what, error, advice or "Nothing was changed.")
        else:
            show_error(tab, what, error)
    return failed


def _start(tab: IncentivesTab, title: str, work, done, failed) -> Task:
    tab.last_task = run_task(tab, title, work, done, failed)
    return tab.last_task


# -- sales reports in -------------------------------------------------------------------

def import_sales_csv(tab: IncentivesTab, path: str | None = None) -> None:
    """Read and check a sales-report CSV in a worker, preview its errors per row, then
    import the valid rows in a worker as one undo step."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(tab, tab.tr("Import sales reports"), "",
                                              "CSV (*.csv *.txt)")
    if not path:
        return
    name = Path(path).name

    def work(progress, cancel) -> SalesPreview:
        progress(0, 0, tab.tr("Reading %s…") % name)
        return build_sales_preview(read_file(path), progress, cancel)

    _start(tab, tab.tr("Reading %s…") % name, work,
           lambda preview: _confirm_sales(tab, preview, name),
           _failed(tab, tab.tr("Cannot import %s") % name,
                   tab.tr("Nothing was imported. Fix the file and import it again.")))


def _confirm_sales(tab: IncentivesTab, preview: SalesPreview, name: str) -> None:
    if not SalesImportDialog(preview, name, tab).exec():
        return
    actor = current_user(tab.store)

    def work(progress, cancel):
        return apply_sales_import(tab.store, preview, name, actor=actor, progress=progress,
                                  cancel=cancel)

    def done(operation) -> None:
        tab.last_task_result = operation
        tab.push_performed(operation, tab.tr("Import sales reports from %s") % name)
        tab.sig_status.emit(tab.tr("%s sales reports imported; co-op accrued on them.")
                            % operation.value.reports)

    _start(tab, tab.tr("Importing sales reports…"), work, done,
           _failed(tab, tab.tr("Could not import the sales reports")))


# -- exports ----------------------------------------------------------------------------

def export_csv(tab: IncentivesTab, what: str, path: str | None = None) -> None:
    """Write the claims or the fund ledger as CSV for finance, in a worker."""
    if path is None:
        path, _ = QFileDialog.getSaveFileName(tab, tab.tr("Export %s") % what,
                                              f"incentive-{what}.csv", "CSV (*.csv)")
    if not path:
        return
    store = tab.store

    def work(progress, cancel) -> int:
        return incentive_export.write_csv(store, what, Path(path), progress, cancel)

    def done(count: int) -> None:
        tab.last_task_result = count
        tab.sig_status.emit(tab.tr("%s %s rows written to %s") % (f"{count:,}", what, path))

    _start(tab, tab.tr("Exporting %s…") % what, work, done,
           _failed(tab, tab.tr("Could not export the %s") % what))


def export_statement_pdf(tab: IncentivesTab, path: str | None = None) -> None:
    """The selected claim's partner's fund statement for its program's period, as PDF."""
    claim = tab.detail.claim()
    if claim is None:
        QMessageBox.information(tab, tab.tr("Fund statement"), tab.tr(
            "Select a claim of the partner whose statement to export."))
        return
    period, partner_id, partner = claim.program.period, claim.partner_id, claim.partner.name
    if path is None:
        path, _ = QFileDialog.getSaveFileName(
            tab, tab.tr("Fund statement"),
            f"fund-statement-{partner}-{period}.pdf".replace("/", " "), "PDF (*.pdf)")
    if not path:
        return
    store = tab.store

    def work(progress, _cancel):
        progress(0, 0, tab.tr("Writing the fund statement of %s…") % partner)
        return incentive_export.export_statement(store, partner_id, period, Path(path))

    def done(statement) -> None:
        tab.last_task_result = statement
        tab.sig_status.emit(tab.tr("Fund statement written to %s") % path)

    _start(tab, tab.tr("Exporting the fund statement…"), work, done,
           _failed(tab, tab.tr("Could not export the fund statement")))


# -- proof of performance -----------------------------------------------------------------

def attach_proof_file(tab: IncentivesTab, claim_id: str, kind: str, label: str,
                      path: str) -> None:
    """Copy the proof into the blob store in a worker (chunked, size-limited, Cancel
    stores nothing), then attach it to the claim as one undo step."""
    store = tab.store

    def work(progress, cancel) -> StoredFile:
        return ops.store_proof_file(store, Path(path), progress, cancel)

    def done(stored: StoredFile) -> None:
        tab.last_task_result = stored
        tab.run_operation(tab.tr("Attach %s") % label,
                          lambda: ops.attach_stored_proof(store, claim_id, kind,
                                                          stored.sha256, stored.name),
                          tab.tr("Could not attach the proof"))

    _start(tab, tab.tr("Copying %s…") % Path(path).name, work, done,
           _failed(tab, tab.tr("Could not attach the proof"),
                   tab.tr("Nothing was attached. Choose another file.")))
