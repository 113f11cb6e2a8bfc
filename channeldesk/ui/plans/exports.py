"""File → Export plan PDF… / partner pack… / all plans…: the app's side of the exports.

Each runs in a worker (ui/tasks.py) with progress after half a second and a Cancel that
stops the batch between files; every PDF is written to a temporary file and renamed, so
a cancel or an error never leaves half a PDF. The export modules pull in reportlab
(~0.3 s), so they are imported when the user first exports, not at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from channeldesk.domain.progress import Cancelled
from channeldesk.store import Store
from channeldesk.store.models import BusinessPlan
from channeldesk.ui.shell.errors import show_error
from channeldesk.ui.shell.jobs import run_task


def _export_service():
    """channeldesk.services.plan_export, loaded on first use (see the module docstring)."""
    return importlib.import_module("channeldesk.services.plan_export")


def _branding():
    return importlib.import_module("channeldesk.services.pdf.branding").load_branding()


class PlanExports(QObject):
    """The three export actions over the plan the Plans tab has selected."""

    def __init__(self, store: Store, window: QWidget, current_plan: Callable[[], str | None],
                 before_export: Callable[[], None]) -> None:
        super().__init__(window)
        self._store, self._window = store, window
        self._current_plan, self._before = current_plan, before_export
        self.plan_action = self._action(self.tr("Export plan &PDF…"), self.export_plan,
                                        "action-export-plan")
        self.pack_action = self._action(self.tr("Export partner pac&k…"), self.export_pack,
                                        "action-export-pack")
        self.all_action = self._action(self.tr("Export &all plans…"), self.export_all,
                                       "action-export-all-plans")
        self.task = None
        self.last_result = None

    def _action(self, text: str, slot, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.triggered.connect(slot)
        return action

    def actions(self) -> list[QAction]:
        return [self.plan_action, self.pack_action, self.all_action]

    def update_enabled(self) -> None:
        has_plan = self._plan() is not None
        self.plan_action.setEnabled(has_plan)
        self.pack_action.setEnabled(has_plan)

    def _plan(self) -> BusinessPlan | None:
        plan_id = self._current_plan()
        plan = self._store.get(BusinessPlan, plan_id) if plan_id else None
        return plan if plan is not None and not plan.deleted else None

    def _ask_file(self, title: str, name: str) -> Path | None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, _ = QFileDialog.getSaveFileName(self._window, title, str(Path(folder) / name),
                                                self.tr("PDF document (*.pdf)"))
        if not chosen:
            return None
        return Path(chosen if chosen.lower().endswith(".pdf") else f"{chosen}.pdf")

    def export_plan(self, _checked: bool = False, out: Path | None = None) -> None:
        self._export_one("plan", out)

    def export_pack(self, _checked: bool = False, out: Path | None = None,
                    period: str | None = None) -> None:
        """The partner pack for the whole plan or, when the CAM picks one, a half or a
        quarter of it (asked only when the file is asked for too, so a caller passing
        ``out`` gets the whole plan unless it names ``period``)."""
        plan = self._plan()
        if plan is None:
            return
        if period is None and out is None:
            period = self._ask_pack_period(plan)
            if period is None:
                return
        self._export_one("pack", out, period or None)

    def _ask_pack_period(self, plan: BusinessPlan) -> str | None:
        """The period the pack covers ('' for the whole plan); None when cancelled."""
        choices = _export_service().pack_periods(plan.id)
        if len(choices) < 2:
            return ""
        labels = [choice.label for choice in choices]
        label, accepted = QInputDialog.getItem(
            self._window, self.tr("Partner pack for which period?"),
            self.tr("The pack reports targets, actuals and funds for:"), labels, 0, False)
        if not accepted:
            return None
        chosen = choices[labels.index(label)]
        return "" if chosen.whole_plan else chosen.period

    def _export_one(self, kind: str, out: Path | None, pack_period: str | None = None
                    ) -> None:
        plan = self._plan()
        if plan is None:
            return
        self._before()
        partner, period = plan.partner.name, pack_period or plan.period
        noun = self.tr("plan") if kind == "plan" else self.tr("partner pack")
        out = out or self._ask_file(self.tr("Export %s") % noun,
                                    f"{partner} - {period} {noun}.pdf".replace("/", " "))
        if out is None:
            return
        plan_id = plan.id

        def work(_progress, _cancel):
            service = _export_service()
            if kind == "plan":
                document, path = service.export_plan_id(self._store, plan_id, out,
                                                        _branding())
            else:
                document, path = service.export_pack_id(self._store, plan_id, out,
                                                        _branding(), period=pack_period)
            return path, service.printing_problem(document)

        self.task = run_task(self._window, self.tr("Exporting %s…") % noun, work,
                             self._done, lambda error: self._failed(noun, error))

    def export_all(self, _checked: bool = False, out_dir: Path | None = None) -> None:
        self._before()
        if out_dir is None:
            chosen = QFileDialog.getExistingDirectory(
                self._window, self.tr("Export all plans to folder"),
                QStandardPaths.writableLocation(
                    QStandardPaths.StandardLocation.DocumentsLocation))
            if not chosen:
                return
            out_dir = Path(chosen)

        def work(progress, cancel):
            return _export_service().export_all_plans(
                self._store, out_dir, _branding(), progress=progress, cancel=cancel)

        self.task = run_task(self._window, self.tr("Exporting all plans…"), work,
                             self._done_all, lambda error: self._failed(self.tr("plans"),
                                                                        error))

    # -- results ----------------------------------------------------------------------

    def _status(self, text: str) -> None:
        bar = getattr(self._window, "statusBar", None)
        if bar is not None:
            bar().showMessage(text, 8000)

    def _done(self, result: tuple[Path, str | None]) -> None:
        path, problem = result
        self.last_result = path
        self._status(self.tr("Exported to %s") % path)
        if problem:
            QMessageBox.warning(self._window, self.tr("Some text cannot be printed"),
                                self.tr("The PDF was written to %s, but %s") % (
                                    path, problem[0].lower() + problem[1:]))

    def _done_all(self, result) -> None:
        self.last_result = result
        self._status(self.tr("Exported %d plans") % len(result.written))
        if result.failed:
            QMessageBox.warning(self._window, self.tr("Export all plans"), self.tr(
                "%d plans could not be exported:\n%s") % (
                    len(result.failed), "\n".join(f"{label}: {why}"
                                                  for label, why in result.failed[:10])))

    def _failed(self, noun: str, error: BaseException) -> None:
        self.last_result = error
        service = _export_service()
        if isinstance(error, Cancelled):
            self._status(str(error))
            return
        known = (service.ExportError, OSError)
        show_error(self._window, self.tr("Could not export the %s") % noun, error,
                   self.tr("No file was left half-written. Choose another folder or file "
                           "and try again.") if isinstance(error, known) else "")
