"""The Plans tab: every joint business plan, and the selected one edited beside the list.

Built for a planning session on a shared screen: the plan is edited in place, every edit
undoes, presentation mode hides internal notes, last period's plan is copied to start
the next one, and the PDF is one click away.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.plan import STATUS_LABELS, PeriodError, PlanStatus
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.models import BusinessPlan, Partner
from channeldesk.store.plan_queries import copy_values, plan_exists
from channeldesk.ui.plans.dialogs import NewPlanDialog
from channeldesk.ui.plans.editor import PlanEditor
from channeldesk.ui.plans.edits import copy_plan_command, new_plan_command
from channeldesk.ui.plans.exports import PlanExports
from channeldesk.ui.plans.model import PlansTableModel
from channeldesk.ui.shell.undo import DeleteCommand, perform_or_report
from channeldesk.ui.widgets.confirm import confirm_delete
from channeldesk.ui.widgets.list_detail import list_and_detail
from channeldesk.ui.widgets.record_views import make_table, selected_id

SEARCH_DELAY_MS = 120
PLAN_TABLES = {"business_plan", "plan_target", "partner"}


class PlansTab(QWidget):
    """Plans by partner and period, with the selected plan's editor."""

    name = "plans"

    def __init__(self, store: Store, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tab-plans")
        self.title = self.tr("P&lans")
        self._store, self._stack = store, undo_stack
        self.model = PlansTableModel(store, self)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.editor = PlanEditor(store, undo_stack, self)
        self.editor.sig_copy_requested.connect(self.copy_to_next_period)
        self.exports = PlanExports(store, parent or self, self.current_plan_id,
                                   self.editor.flush_text)
        self.editor.sig_export_requested.connect(self.exports.export_plan)
        self._build()
        self._build_actions()
        self.model.refresh()
        self._after_refresh()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("plans-search")
        self.search.setAccessibleName(self.tr("Search plans"))
        self.search.setPlaceholderText(self.tr("Search partner or period (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("plans-filter-status")
        self.status_filter.setAccessibleName(self.tr("All statuses"))
        self.status_filter.addItem(self.tr("All statuses"), None)
        for status in PlanStatus:
            self.status_filter.addItem(STATUS_LABELS[status], status.value)
        self.status_filter.currentIndexChanged.connect(
            lambda _: self._keep_selection(
                lambda: self.model.set_status(self.status_filter.currentData())))
        new = QPushButton(self.tr("New plan…"))
        new.setObjectName("plan-new")
        new.clicked.connect(self.new_plan)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.status_filter, 1)
        bar.addWidget(new)
        self.table = make_table(self.model, "plans-table")
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.activated.connect(lambda _: self.editor.tabs.setFocus())
        chars = self.table.fontMetrics().averageCharWidth()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((24, 8, 8, 14, 10)):
            self.table.setColumnWidth(column, chars * width + 12)
        self.count_label = QLabel()
        self.count_label.setObjectName("plans-count")
        self.splitter = list_and_detail("plans-splitter", [bar, self.table, self.count_label],
                                        self.table, self.editor, (500, 900))
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

    def _build_actions(self) -> None:
        self.new_action = QAction(self.tr("&New plan…"), self)
        self.new_action.setObjectName("action-plan-new")
        self.new_action.triggered.connect(self.new_plan)
        self.copy_action = QAction(self.tr("&Copy plan to next period"), self)
        self.copy_action.setObjectName("action-plan-copy")
        self.copy_action.triggered.connect(self.copy_to_next_period)
        self.delete_action = QAction(self.tr("&Delete plan"), self)
        self.delete_action.setObjectName("action-plan-delete")
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_plan)
        self.table.addAction(self.delete_action)

    def menu_actions(self) -> list[QAction]:
        return [self.new_action, self.copy_action, self.delete_action]

    def export_actions(self) -> list[QAction]:
        """File-menu actions: plan PDF, partner pack, all plans."""
        return self.exports.actions()

    # -- showing ----------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _apply_search(self) -> None:
        self._keep_selection(lambda: self.model.set_search_text(self.search.text()))

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if notice.tables & PLAN_TABLES:
            self._keep_selection(self.model.refresh)
        self.editor.on_rows_changed(notice)

    def set_presentation(self, on: bool) -> None:
        self.editor.set_show_internal(not on)

    def current_plan_id(self) -> str | None:
        return selected_id(self.table) or self.editor.plan_id

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def select_plan(self, plan_id: str) -> None:
        row = self.model.row_of(plan_id)
        if row is not None:
            self.select_row(row)

    def _keep_selection(self, change, select: str | None = None) -> None:
        current = select or self.current_plan_id()
        change()
        row = self.model.row_of(current) if current else None
        if row is not None:
            self.select_row(row)
        elif self.editor.plan_id is not None and self.editor.plan() is None:
            self.editor.show_plan(None)
        self._after_refresh()

    def _after_refresh(self) -> None:
        shown = self.model.rowCount()
        self.count_label.setText(self.tr("%s plans") % f"{shown:,}" if shown != 1
                                 else self.tr("1 plan"))
        has_plan = self.current_plan_id() is not None
        self.copy_action.setEnabled(has_plan)
        self.delete_action.setEnabled(has_plan)
        self.exports.update_enabled()

    def _on_current_changed(self, current, _previous) -> None:
        self.editor.flush_text()
        self.editor.show_plan(self.model.id_at(current.row()) if current.isValid() else None)
        self._after_refresh()

    # -- editing ----------------------------------------------------------------------

    def new_plan(self) -> None:
        partners = [(p.id, p.name) for p in Partner.live().order_by(Partner.name)]
        if not partners:
            QMessageBox.information(self, self.tr("New plan"),
                                    self.tr("Add a partner first: a plan is made with one."))
            return
        plan = self.editor.plan()
        dialog = NewPlanDialog(partners, plan_exists, self,
                               partner_id=plan.partner_id if plan else None)
        if not dialog.exec():
            return
        values = dialog.values()
        partner = self._store.get(Partner, values["partner"])
        command = new_plan_command(self._store, values, self.tr("New plan for %s") % partner.name)
        if perform_or_report(self, self._stack, self._store, command,
                             self.tr("Could not create the plan")):
            self._keep_selection(lambda: None, select=command.value)

    def copy_to_next_period(self) -> None:
        """Start next period's plan from this one: targets carried, actuals reset."""
        plan = self.editor.plan() if self.editor.plan_id else None
        if plan is None:
            return
        self.editor.flush_text()
        try:
            values, _children = copy_values(plan.id)
        except PeriodError as error:
            QMessageBox.information(self, self.tr("Copy plan"), str(error))
            return
        if plan_exists(plan.partner_id, values["period"]):
            QMessageBox.information(self, self.tr("Copy plan"), self.tr(
                "%s already has a plan for %s. Open it from the list.")
                % (plan.partner.name, values["period"]))
            return
        command = copy_plan_command(self._store, plan.id, self.tr("Copy plan of %s to %s")
                                    % (plan.partner.name, values["period"]))
        if perform_or_report(self, self._stack, self._store, command,
                             self.tr("Could not copy the plan")):
            self._keep_selection(lambda: None, select=command.value)

    def delete_plan(self) -> None:
        plan = self.editor.plan() if self.editor.plan_id else None
        if plan is None or not confirm_delete(self, self.tr("plan"),
                                              f"{plan.partner.name} {plan.period}"):
            return
        perform_or_report(self, self._stack, self._store,
                          DeleteCommand(self._store, BusinessPlan, plan.id,
                                        self.tr("Delete plan %s") % plan.period),
                          self.tr("Could not delete the plan"))

    # -- remembering ------------------------------------------------------------------

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("plans/splitter", self.splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        splitter = settings.value("plans/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
