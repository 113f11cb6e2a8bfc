"""The Onboarding tab: every partner in onboarding with its progress, next due task,
overdue count, days since start and expected completion; filters by template, owner,
overdue and stalled; the selected checklist worked beside the list.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from channeldesk.domain.onboarding import ChecklistStatus, label
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.models import OnboardingPlan
from channeldesk.store.onboarding_queries import (
    OnboardingFilter,
    count_checklists,
    onboard_times,
    owners_in_use,
    templates,
)
from channeldesk.ui.onboarding.detail import ONBOARDING_TABLES, OnboardingDetail
from channeldesk.ui.onboarding.model import OnboardingTableModel, ProgressDelegate
from channeldesk.ui.onboarding.start_dialog import start_onboarding_flow
from channeldesk.ui.onboarding.templates_editor import TemplatesEditor
from channeldesk.ui.shell.undo import UpdateCommand
from channeldesk.ui.widgets.record_tab import RecordTab

STATUS_CHOICES = ((ChecklistStatus.ACTIVE.value, "In onboarding"),
                  (ChecklistStatus.COMPLETED.value, "Completed"),
                  (ChecklistStatus.CANCELLED.value, "Cancelled"), ("", "All onboardings"))


class OnboardingTab(RecordTab):
    """Partners in onboarding, their checklists and agreements."""

    nouns = ("onboarding", "onboardings")
    record_model = OnboardingPlan

    def __init__(self, store: Store, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(store, undo_stack, "onboarding", parent)
        self.model = OnboardingTableModel(store, parent=self)
        self.detail = OnboardingDetail(store, undo_stack, self)
        self.detail.sig_status.connect(self.sig_status)
        self._total = count_checklists(store.db)
        self._build()
        self._build_actions()
        self._fill_value_filters()
        if not self.model.loaded:
            self.model.refresh()
        self.after_refresh()
        self._show_median()

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.make_search(self.tr("Search partner, template or owner (Ctrl+F)"))
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        for text, name, slot in ((self.tr("Templates…"), "onboarding-templates",
                                  self.edit_templates),
                                 (self.tr("Start onboarding…"), "onboarding-start",
                                  self.start_onboarding)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            top.addWidget(button)
        filters = QHBoxLayout()
        self._status_box = self._box("status", [(code, self.tr(text))
                                                for code, text in STATUS_CHOICES])
        self._template_box = self._box("template", [(None, self.tr("All templates"))])
        self._owner_box = self._box("owner", [(None, self.tr("All owners"))])
        for box in (self._status_box, self._template_box, self._owner_box):
            filters.addWidget(box, 1)
        self._overdue = QCheckBox(self.tr("Overdue"))
        self._stalled = QCheckBox(self.tr("Stalled"))
        self._stalled.setToolTip(self.tr("Nothing finished for more than two weeks"))
        for box, name in ((self._overdue, "overdue"), (self._stalled, "stalled")):
            box.setObjectName(f"onboarding-filter-{name}")
            box.toggled.connect(lambda _: self._apply_filters())
            filters.addWidget(box)
        self.median = QLabel()
        self.median.setObjectName("onboarding-median")

        self.make_record_table()
        self.table.setItemDelegateForColumn(self.model.column_index("progress"),
                                            ProgressDelegate(self.table))
        self.size_columns({"partner": 21, "progress": 13, "next_task": 30, "overdue": 8,
                           "days": 5, "expected": 11, "template": 14, "owner": 12})
        self.table.activated.connect(lambda _: self.detail.view.setFocus())
        self._empty_start = self.empty_button(self.tr("Start onboarding…"),
                                              self.start_onboarding, "onboarding-empty-start")
        self._empty_clear = self.empty_button(self.tr("Clear search and filters"),
                                              self.clear_filters, "onboarding-clear-filters")
        pages = self.make_pages([self.table], [self._empty_start, self._empty_clear])
        self.finish_layout([top, filters, pages, self.median], pages, self.detail, (820, 640))

    def _box(self, key: str, items) -> QComboBox:
        box = QComboBox()
        box.setObjectName(f"onboarding-filter-{key}")
        box.setAccessibleName(items[0][1] if items else key)
        for value, text in items:
            box.addItem(text, value)
        box.currentIndexChanged.connect(lambda _: self._apply_filters())
        return box

    def _fill_value_filters(self) -> None:
        """Templates and owners in use; a choice survives a refill while still offered."""
        fills = ((self._template_box, [(t.id, t.name) for t in templates()]),
                 (self._owner_box, [(o, o) for o in owners_in_use(self._store.db)]))
        for box, items in fills:
            chosen = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for value, text in items:
                box.addItem(text, value)
            box.setCurrentIndex(max(0, box.findData(chosen)) if chosen else 0)
            box.blockSignals(False)

    def _build_actions(self) -> None:
        self.start_action = QAction(self.tr("&Start onboarding…"), self)
        self.start_action.setObjectName("action-onboarding-start")
        self.start_action.triggered.connect(self.start_onboarding)
        self.templates_action = QAction(self.tr("Onboarding &templates…"), self)
        self.templates_action.setObjectName("action-onboarding-templates")
        self.templates_action.triggered.connect(self.edit_templates)
        self.cancel_action = QAction(self.tr("&Cancel onboarding"), self)
        self.cancel_action.setObjectName("action-onboarding-cancel")
        self.cancel_action.triggered.connect(self.cancel_onboarding)

    def menu_actions(self) -> list[QAction]:
        separator = QAction(self)
        separator.setSeparator(True)
        return [self.start_action, separator, *self.detail.task_actions,
                self.cancel_action, self.templates_action]

    # -- filtering ----------------------------------------------------------------------------

    def _apply_filters(self) -> None:
        flt = replace(self.model.onboarding_filter,
                      status=self._status_box.currentData() or "",
                      template_id=self._template_box.currentData() or "",
                      owner=self._owner_box.currentData() or "",
                      overdue_only=self._overdue.isChecked(),
                      stalled_only=self._stalled.isChecked())
        self.keep_selection(lambda: self._set_filter(flt))

    def _set_filter(self, flt: OnboardingFilter) -> None:
        if flt.status != self.model.onboarding_filter.status:  # the "of N" changes
            self._total = count_checklists(self._store.db, flt.status)
        self.model.set_filter(flt)

    def clear_filters(self) -> None:
        self.search.clear()
        for box in (self._status_box, self._template_box, self._owner_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        for check in (self._overdue, self._stalled):
            check.blockSignals(True)
            check.setChecked(False)
            check.blockSignals(False)
        self.keep_selection(lambda: self._set_filter(OnboardingFilter()))

    # -- reacting ----------------------------------------------------------------------------

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if notice.tables & ONBOARDING_TABLES:
            self._fill_value_filters()
            self.keep_selection(self._refresh)
            self._show_median()
        self.detail.on_rows_changed(notice)

    def _refresh(self) -> None:
        self._total = count_checklists(self._store.db, self.model.onboarding_filter.status)
        self.model.refresh()

    def _show_median(self) -> None:
        times = onboard_times(self._store.db)
        if not times:
            self.median.setText(self.tr("Time to onboard: no partner finished onboarding yet."))
            self.median.setToolTip("")
            return
        days = sorted(t.days for t in times)
        middle = len(days) // 2
        median = days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
        partners = self.tr("1 partner") if len(times) == 1 else \
            self.tr("%s partners") % len(times)
        self.median.setText(self.tr("Median time to onboard: %s days (%s)")
                            % (f"{median:g}", partners))
        self.median.setToolTip("\n".join(f"{t.partner}: {t.days} days" for t in times[:30]))

    def set_presentation(self, on: bool) -> None:
        """While presenting, internal notes go, and so does the median time to onboard:
        it is computed over every partner and its tooltip names them."""
        super().set_presentation(on)
        self.detail.set_show_internal(not on)
        self.median.setVisible(not on)

    def total_count(self) -> int:
        return self._total

    def detail_id(self) -> str | None:
        return self.detail.plan_id

    def on_current_changed(self, record_id: str | None) -> None:
        self.detail.show_plan(record_id)
        self.update_actions()

    def on_selection_lost(self) -> None:
        self.detail.show_plan(None)

    def empty_text(self, filtered: bool) -> str:
        if filtered:
            return self.tr("No onboardings match your search and filters.")
        status = self.model.onboarding_filter.status
        if status and status != ChecklistStatus.ACTIVE:
            return self.tr("No %s onboardings.") % label(status).lower()
        return self.tr("No partner is in onboarding.\nStart one here, from a partner "
                       "(Partner › Start onboarding…) or when you convert a prospect.")

    def show_empty_buttons(self, filtered: bool) -> None:
        self._empty_clear.setVisible(filtered)
        self._empty_start.setVisible(not filtered)

    def update_actions(self) -> None:
        plan = self.detail.plan()
        self.cancel_action.setEnabled(plan is not None
                                      and plan.status == ChecklistStatus.ACTIVE)

    def select_plan(self, plan_id: str) -> bool:
        return self.select_record(plan_id)

    # -- actions -------------------------------------------------------------------------------

    def start_onboarding(self) -> None:
        plan_id = start_onboarding_flow(self, self._store, self._stack)
        if plan_id:
            self._show_running_with(plan_id)

    def _show_running_with(self, plan_id: str) -> None:
        """After a start: the running list, the new checklist selected."""
        if self._status_box.currentData() not in (ChecklistStatus.ACTIVE.value, ""):
            self._status_box.setCurrentIndex(0)
        self.keep_selection(self._refresh, select=plan_id)

    def edit_templates(self) -> None:
        TemplatesEditor(self._store, self._stack, self).exec()

    def cancel_onboarding(self) -> None:
        plan = self.detail.plan()
        if plan is None or plan.status != ChecklistStatus.ACTIVE:
            return
        self.perform(UpdateCommand(self._store, OnboardingPlan, plan.id,
                                   {"status": ChecklistStatus.CANCELLED.value},
                                   self.tr("Cancel onboarding of %s") % plan.partner.name),
                     self.tr("Could not cancel the onboarding"))

