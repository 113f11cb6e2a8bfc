"""The Incentives tab's files: sales reports in, claims and the ledger out as CSV for
finance, and a partner's fund statement as PDF. Each runs on the tab it is given."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from channeldesk.services import incentive_export
from channeldesk.services.plan_export import ExportError
from channeldesk.services.prospect_csv_import import read_file
from channeldesk.services.sales_report_import import (
    CsvRefused,
    apply_sales_import,
    build_sales_preview,
)
from channeldesk.ui.incentives.actor import current_user
from channeldesk.ui.incentives.sales_import import SalesImportDialog

if TYPE_CHECKING:  # the tab imports this module
    from channeldesk.ui.incentives.tab import IncentivesTab


def import_sales_csv(tab: IncentivesTab) -> None:
    """Preview a sales-report CSV with its errors per row, then import the valid rows."""
    path, _ = QFileDialog.getOpenFileName(tab, tab.tr("Import sales reports"), "",
                                          "CSV (*.csv *.txt)")
    if not path:
        return
    try:
        preview = build_sales_preview(read_file(path))
    except CsvRefused as refusal:
        QMessageBox.warning(tab, tab.tr("Import sales reports"), str(refusal))
        return
    if not SalesImportDialog(preview, Path(path).name, tab).exec():
        return
    command = tab.run_operation(
        tab.tr("Import sales reports"),
        lambda: apply_sales_import(tab.store, preview, Path(path).name,
                                   actor=current_user(tab.store)),
        tab.tr("Could not import the sales reports"))
    if command is not None:
        tab.sig_status.emit(tab.tr("%s sales reports imported.") % command.value.reports)


def export_csv(tab: IncentivesTab, what: str) -> None:
    path, _ = QFileDialog.getSaveFileName(tab, tab.tr("Export %s") % what,
                                          f"incentive-{what}.csv", "CSV (*.csv)")
    if not path:
        return
    try:
        count = incentive_export.write_csv(tab.store, what, Path(path),
                                           internal=tab.show_internal)
    except OSError as error:
        QMessageBox.warning(tab, tab.tr("Export"), str(error))
        return
    tab.sig_status.emit(tab.tr("%s rows written to %s") % (count, path))


def export_statement_pdf(tab: IncentivesTab) -> None:
    claim = tab.detail.claim()
    if claim is None:
        QMessageBox.information(tab, tab.tr("Fund statement"), tab.tr(
            "Select a claim of the partner whose statement to export."))
        return
    period = claim.program.period
    path, _ = QFileDialog.getSaveFileName(
        tab, tab.tr("Fund statement"),
        f"fund-statement-{claim.partner.name}-{period}.pdf", "PDF (*.pdf)")
    if not path:
        return
    try:
        incentive_export.export_statement(tab.store, claim.partner_id, period,
                                          Path(path))
    except (OSError, ValueError, ExportError) as error:
        QMessageBox.warning(tab, tab.tr("Fund statement"), str(error))
        return
    tab.sig_status.emit(tab.tr("Fund statement written to %s") % path)
