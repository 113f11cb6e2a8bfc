"""The Prospects tab's long work, each in a worker (``ui/tasks.py``): re-scoring after a
profile change, reading and importing a CSV file, exporting the filtered view.

Results come back on the GUI thread; an import lands on the undo stack as one step.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from channeldesk.domain.progress import Cancelled
from channeldesk.services.prospect_csv_export import export_prospects
from channeldesk.services.prospect_csv_import import (
    CsvRefused,
    KnownCompanies,
    apply_import,
    read_file,
)
from channeldesk.store import Store
from channeldesk.store.prospect_derived import rescore_all
from channeldesk.store.prospect_queries import ProspectFilter, ProspectSort
from channeldesk.ui.prospects.edits import ImportCommand
from channeldesk.ui.prospects.import_dialog import ProspectImportDialog
from channeldesk.ui.shell.errors import show_error
from channeldesk.ui.shell.jobs import run_task


class ProspectJobs(QObject):
    """Starts the workers of one Prospects tab and reports what they did."""

    sig_status = Signal(str)
    """A short message for the status bar."""
    sig_rescored = Signal()
    """Every prospect has its new score; the views re-read."""

    def __init__(self, store: Store, undo_stack, parent: QWidget) -> None:
        super().__init__(parent)
        self._store, self._stack, self._widget = store, undo_stack, parent
        self._rescore_task = None
        self._rescore_again = False
        self.import_dialog: ProspectImportDialog | None = None

    @property
    def rescoring(self) -> bool:
        return self._rescore_task is not None

    def tr(self, text: str) -> str:
        return self._widget.tr(text)

    # -- re-scoring ---------------------------------------------------------------------

    def rescore(self) -> None:
        """Re-score every prospect in a worker; a change meanwhile re-scores again."""
        if self._rescore_task is not None:
            self._rescore_again = True
            return
        self._rescore_again = False

        def work(progress, cancel):
            return rescore_all(self._store.db, progress, cancel)

        def done(count: int) -> None:
            self._rescore_task = None
            self.sig_rescored.emit()
            self.sig_status.emit(self.tr("Scores updated for %s prospects.") % f"{count:,}")
            if self._rescore_again:
                self.rescore()

        def failed(error: BaseException) -> None:
            self._rescore_task = None
            if not isinstance(error, Cancelled):
                show_error(self._widget, self.tr("Could not re-score the prospects"), error)

        self._rescore_task = run_task(self._widget, self.tr("Re-scoring prospects…"), work,
                                      done, failed)

    # -- import -------------------------------------------------------------------------

    def import_csv(self, path: str | None = None) -> None:
        """Ask for a file (unless given), read it in a worker, then open the wizard."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self._widget, self.tr("Import prospects"), str(Path.home()),
                self.tr("CSV files (*.csv *.txt);;All files (*)"))
        if not path:
            return

        def work(progress, _cancel):
            progress(0, 0, self.tr("Reading %s…") % Path(path).name)
            return read_file(path), KnownCompanies.load(self._store)

        def failed(error: BaseException) -> None:
            what = (self.tr("This file cannot be imported") if isinstance(error, CsvRefused)
                    else self.tr("Could not read the file"))
            show_error(self._widget, what, error)

        run_task(self._widget, self.tr("Reading the file…"), work,
                 lambda read: self.open_import_dialog(path, *read), failed)

    def open_import_dialog(self, path: str, table, known) -> ProspectImportDialog:
        dialog = ProspectImportDialog(table, known, Path(path).name, self._widget)
        dialog.sig_import_requested.connect(self._run_import)
        dialog.open()
        self.import_dialog = dialog
        return dialog

    def _run_import(self, preview, duplicates, skip_invalid: bool) -> None:
        def work(progress, cancel):
            return apply_import(self._store, preview, duplicates, skip_invalid, progress,
                                cancel)

        def done(result) -> None:
            text = self.tr("Import %s prospects") % f"{len(result.created):,}"
            self._stack.push(ImportCommand(self._store, result, text))
            self.sig_status.emit(self.tr("Imported: %s.") % result.summary())

        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                self.sig_status.emit(self.tr("Import cancelled; nothing was written."))
            else:
                show_error(self._widget, self.tr("The import failed; nothing was written"),
                           error)

        run_task(self._widget, self.tr("Importing prospects…"), work, done, failed)

    # -- export -------------------------------------------------------------------------

    def export_csv(self, path: str | None, flt: ProspectFilter, sort: ProspectSort,
                   descending: bool, include_internal: bool) -> None:
        """Write the view as shown (filter, order; internal columns unless presenting)."""
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self._widget, self.tr("Export prospects"), str(Path.home() / "prospects.csv"),
                self.tr("CSV files (*.csv)"))
        if not path:
            return

        def work(progress, cancel):
            return export_prospects(self._store, path, flt, sort, descending,
                                    include_internal, progress, cancel)

        def failed(error: BaseException) -> None:
            if not isinstance(error, Cancelled):
                show_error(self._widget, self.tr("The export failed; no file was written"),
                           error)

        run_task(self._widget, self.tr("Exporting prospects…"), work,
                 lambda count: self.sig_status.emit(self.tr("Exported %s prospects to %s")
                                                    % (f"{count:,}", path)), failed)
