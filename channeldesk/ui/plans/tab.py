"""The Plans tab: every joint business plan, and the selected one edited beside the list.

Built for a planning session on a shared screen: the plan is edited in place, every edit
undoes, presentation mode hides internal notes, last period's plan is copied to start
the next one, and the PDF is one click away.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QWidget,
)

from channeldesk.domain.partner_currency import currency_for
from channeldesk.domain.plan import STATUS_LABELS, PeriodError, PlanStatus, is_locked
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.engagement_queries import partner_choices
from channeldesk.store.models import BusinessPlan, Partner
from channeldesk.store.plan_queries import (
    amendment_of,
    copy_values,
    plan_count,
    plan_exists,
    plans_of,
)
from channeldesk.ui.plans.dialogs import NewPlanDialog
from channeldesk.ui.plans.editor import PlanEditor
from channeldesk.ui.plans.edits import amend_plan_command, copy_plan_command, new_plan_command
from channeldesk.ui.plans.exports import PlanExports
from channeldesk.ui.plans.model import PlansTableModel
from channeldesk.ui.shell.undo import DeleteCommand, perform_or_report
from channeldesk.ui.widgets.confirm import confirm_delete
from channeldesk.ui.widgets.record_tab import RecordTab
from channeldesk.ui.widgets.record_views import fit_columns

PLAN_TABLES = {"business_plan", "plan_target", "partner"}


class PlansTab(RecordTab):
    """Plans by partner and period, with the selected plan's editor."""

    nouns = ("plan", "plans")

    def __init__(self, store: Store, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(store, undo_stack, "plans", parent)
        self.model = PlansTableModel(store, self)
        self.editor = PlanEditor(store, undo_stack, self)
        self.editor.sig_copy_requested.connect(self.copy_to_next_period)
        self.editor.sig_amend_requested.connect(self.amend_plan)
        self.exports = PlanExports(store, parent or self, self.current_plan_id,
                                   self.editor.flush_text)
        self.editor.sig_export_requested.connect(self.exports.export_plan)
        self._build()
        self._build_actions()
        self.model.refresh()
        self.after_refresh()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.make_search(self.tr("Search partner or period (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search plans"))
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("plans-filter-status")
        self.status_filter.setAccessibleName(self.tr("All statuses"))
        self.status_filter.addItem(self.tr("All statuses"), None)
        for status in PlanStatus:
            self.status_filter.addItem(STATUS_LABELS[status], status.value)
        self.status_filter.currentIndexChanged.connect(
            lambda _: self.keep_selection(
                lambda: self.model.set_status(self.status_filter.currentData())))
        new = QPushButton(self.tr("New plan…"))
        new.setObjectName("plan-new")
        new.clicked.connect(self.new_plan)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.status_filter, 1)
        bar.addWidget(new)
        self.make_record_table(sort_column=0)
        self.table.activated.connect(lambda _: self.editor.tabs.setFocus())
        fit_columns(self.table, {"period": "2026-H2 rev. 2", "status": "Archived",
                                 "revenue": "$4,409,000", "attainment": "117.9%",
                                 "met": "5 of 5"}, stretch="partner", padding=10)
        self.make_pages([self.table], [
            self.empty_button(self.tr("New plan…"), self.new_plan, "plans-empty-new"),
            self.empty_button(self.tr("Load demo data"), self.sig_load_demo_requested.emit,
                              "plans-empty-demo"),
            self.empty_button(self.tr("Clear search and filter"), self._clear_filters,
                              "plans-empty-clear")])
        self.finish_layout([bar, self._pages], self._pages, self.editor, (660, 700))

    def _build_actions(self) -> None:
        self.new_action = QAction(self.tr("&New plan…"), self)
        self.new_action.setObjectName("action-plan-new")
        self.new_action.triggered.connect(self.new_plan)
        self.copy_action = QAction(self.tr("&Copy plan to next period"), self)
        self.copy_action.setObjectName("action-plan-copy")
        self.copy_action.triggered.connect(self.copy_to_next_period)
        self.amend_action = QAction(self.tr("&Amend signed plan…"), self)
        self.amend_action.setObjectName("action-plan-amend")
        self.amend_action.triggered.connect(self.amend_plan)
        self.delete_action = QAction(self.tr("&Delete plan"), self)
        self.delete_action.setObjectName("action-plan-delete")
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_plan)
        self.table.addAction(self.delete_action)

    def _clear_filters(self) -> None:
        self.search.clear()
        self.status_filter.setCurrentIndex(0)
        self._apply_search()

    def total_count(self) -> int:
        return plan_count()

    def has_partner_records(self) -> bool:
        return True

    def partner_record_ids(self, partner_id: str) -> set[str]:
        return {plan.id for plan in plans_of(partner_id)}

    def current_partner_id(self) -> str | None:
        plan = self.editor.plan()
        return plan.partner_id if plan else None

    def filter_state(self) -> object:
        return self.status_filter.currentIndex()

    def restore_filter_state(self, state: object) -> None:
        if isinstance(state, int):
            self.status_filter.blockSignals(True)
            self.status_filter.setCurrentIndex(state)
            self.status_filter.blockSignals(False)
            self.model.set_status(self.status_filter.currentData())

    def empty_text(self, filtered: bool) -> str:
        if filtered:
            return self.tr("No plans match your search and status filter.")
        return self.tr("No business plans yet. A plan sets a partner's targets, "
                       "activities and commitments for a period; start one with New plan…")

    def show_empty_buttons(self, filtered: bool) -> None:
        self.findChild(QPushButton, "plans-empty-clear").setVisible(filtered)
        self.findChild(QPushButton, "plans-empty-new").setVisible(not filtered)
        self.findChild(QPushButton, "plans-empty-demo").setVisible(
            not filtered and not partner_choices())

    def menu_actions(self) -> list[QAction]:
        return [self.new_action, self.copy_action, self.amend_action, self.delete_action]

    def file_actions(self) -> list[QAction]:
        """File-menu actions: plan PDF, partner pack, all plans."""
        return self.exports.actions()

    # -- showing ----------------------------------------------------------------------

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if notice.tables & PLAN_TABLES:
            self.keep_selection(self.model.refresh)
        self.editor.on_rows_changed(notice)

    def set_presentation(self, on: bool) -> None:
        super().set_presentation(on)
        self.editor.set_show_internal(not on)

    def current_plan_id(self) -> str | None:
        return self.current_id()

    def detail_id(self) -> str | None:
        return self.editor.plan_id

    def select_plan(self, plan_id: str) -> None:
        self.select_record(plan_id)

    def on_selection_lost(self) -> None:
        if self.editor.plan_id is not None and self.editor.plan() is None:
            self.editor.show_plan(None)

    def update_actions(self) -> None:
        has_plan = self.current_plan_id() is not None
        plan = self.editor.plan() if has_plan else None
        self.copy_action.setEnabled(has_plan)
        self.amend_action.setEnabled(plan is not None and plan.status == PlanStatus.SIGNED)
        self.delete_action.setEnabled(plan is not None and not is_locked(plan.status))
        self.exports.update_enabled()

    def on_current_changed(self, record_id: str | None) -> None:
        self.editor.flush_text()
        self.editor.show_plan(record_id)
        self.update_actions()

    # -- editing ----------------------------------------------------------------------

    def new_plan(self) -> None:
        partners = [(pid, name) for pid, name in partner_choices()
                    if self.scope_partner_id in (None, pid)]
        if not partners:
            QMessageBox.information(self, self.tr("New plan"),
                                    self.tr("Add a partner first: a plan is made with one."))
            return
        plan = self.editor.plan()
        dialog = NewPlanDialog(partners, plan_exists, self,
                               partner_id=plan.partner_id if plan else None,
                               currency_of=self._partner_currency)
        if not dialog.exec():
            return
        values = dialog.values()
        partner = self._store.get(Partner, values["partner"])
        command = new_plan_command(self._store, values, self.tr("New plan for %s") % partner.name)
        if perform_or_report(self, self._stack, self._store, command,
                             self.tr("Could not create the plan")):
            self.keep_selection(lambda: None, select=command.value)

    def _partner_currency(self, partner_id: str) -> str:
        partner = self._store.get(Partner, partner_id)
        return currency_for(partner.country, partner.region) if partner else "EUR"

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
            self.keep_selection(lambda: None, select=command.value)

    def amend_plan(self) -> None:
        """Start revision N+1 of the signed plan shown: a draft with the same content,
        linked to it; the signed plan itself stays as it was signed."""
        plan = self.editor.plan() if self.editor.plan_id else None
        if plan is None or plan.status != PlanStatus.SIGNED:
            return
        newer = amendment_of(plan.id)
        if newer is not None:
            self.keep_selection(lambda: None, select=newer.id)
            self.sig_status.emit(self.tr("Revision %d of this plan is already under way.")
                                 % newer.revision)
            return
        command = amend_plan_command(self._store, plan.id, self.tr("Amend plan of %s %s")
                                     % (plan.partner.name, plan.period))
        if perform_or_report(self, self._stack, self._store, command,
                             self.tr("Could not amend the plan")):
            self.keep_selection(lambda: None, select=command.value)

    def delete_plan(self) -> None:
        plan = self.editor.plan() if self.editor.plan_id else None
        if plan is None or not confirm_delete(self, self.tr("plan"),
                                              f"{plan.partner.name} {plan.period}"):
            return
        perform_or_report(self, self._stack, self._store,
                          DeleteCommand(self._store, BusinessPlan, plan.id,
                                        self.tr("Delete plan %s") % plan.period),
                          self.tr("Could not delete the plan"))
