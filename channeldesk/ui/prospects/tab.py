"""The Prospects tab: the recruitment pipeline as a table or a board, its filters, one
prospect's detail, the ideal partner profile, CSV import and export.

Edits are undo steps (``ui/prospect_edits.py``); long work (import, export, re-scoring)
runs in workers (``ui/tasks.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QWidget,
)

from channeldesk.domain.partner import PartnerStatus, PartnerTier, Region
from channeldesk.domain.prospect import PIPELINE, label
from channeldesk.features import parts
from channeldesk.settings import option
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.engagement_queries import activity_count
from channeldesk.store.models import Prospect, ProspectActivity
from channeldesk.store.prospect_derived import current_profile
from channeldesk.store.prospect_queries import (
    SCORE_BANDS,
    ProspectFilter,
    count_live_prospects,
    distinct_values,
)
from channeldesk.ui.prospects.board import ProspectBoard
from channeldesk.ui.prospects.detail import ProspectDetail
from channeldesk.ui.prospects.dialogs import ProspectDialog, StageMoveDialog
from channeldesk.ui.prospects.edits import (
    ConvertCommand,
    move_stage_command,
    save_profile_command,
)
from channeldesk.ui.prospects.jobs import ProspectJobs
from channeldesk.ui.prospects.model import ProspectsTableModel
from channeldesk.ui.prospects.profile_editor import ProfileEditor
from channeldesk.ui.shell.settings import Settings
from channeldesk.ui.widgets.record_dialogs import PartnerDialog
from channeldesk.ui.widgets.record_tab import RecordTab
from channeldesk.ui.widgets.record_views import fit_columns

PROFILE_TABLES = frozenset({"ideal_partner_profile", "profile_criterion"})
PROSPECT_TABLES = frozenset({"prospect", "prospect_activity"})
BOARD_VIEW = option("prospects/view", bool, False,
                    "Prospects shown as a board by stage instead of a table")


class ProspectsTab(RecordTab):
    """The pipeline of prospective partners, scored against the ideal partner profile."""

    nouns = ("prospect", "prospects")
    record_model = Prospect
    name_field = "company"

    def __init__(self, store: Store, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(store, undo_stack, "prospects", parent)
        self.jobs = ProspectJobs(store, undo_stack, self)
        self.jobs.sig_status.connect(self.sig_status)
        self.jobs.sig_rescored.connect(self._after_rescore)
        self._total = count_live_prospects(store.db)  # re-counted when prospects change
        self.model = ProspectsTableModel(store, parent=self)
        self.detail = ProspectDetail(store, undo_stack, self)
        self.detail.sig_edit_requested.connect(self.edit_prospect)
        self.detail.sig_move_requested.connect(self.move_prospect)
        self.detail.sig_convert_requested.connect(self.convert_prospect)
        self.detail.sig_delete_requested.connect(self.delete_prospect)
        self.board = ProspectBoard(store, self)
        self.board.sig_prospect_selected.connect(self.detail.show_prospect)
        self.board.sig_move_requested.connect(self._move_dropped)
        self.board.sig_open_requested.connect(self.edit_prospect)
        self._build()
        self._build_actions()
        if not self.model.loaded:
            self.model.refresh()
        self.after_refresh()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.make_search(self.tr("Search prospects (Ctrl+F)"),
                         self.tr("Matches company, website, country, owner, vertical and "
                                 "contact"))
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self._view_switch())
        for text, name, slot in ((self.tr("Ideal partner profile…"), "prospects-profile",
                                  self.edit_profile),
                                 (self.tr("Import…"), "prospects-import", self.import_csv),
                                 (self.tr("Export…"), "prospects-export", self.export_csv),
                                 (self.tr("New prospect…"), "prospect-new",
                                  self.new_prospect)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            top.addWidget(button)
        filters = QHBoxLayout()
        self._stage_box = self._filter_box("stage", self.tr("All stages"),
                                           [(s.value, label(s.value)) for s in PIPELINE])
        self._owner_box = self._filter_box("owner", self.tr("All owners"), [])
        self._region_box = self._filter_box("region", self.tr("All regions"),
                                            [(r.value, label(r.value)) for r in Region])
        self._vertical_box = self._filter_box("vertical", self.tr("All verticals"), [])
        self._score_box = self._filter_box("score", self.tr("Any fit"),
                                           [((lo, hi), self.tr(text))
                                            for text, lo, hi in SCORE_BANDS])
        for box in (self._stage_box, self._owner_box, self._region_box, self._vertical_box,
                    self._score_box):
            filters.addWidget(box, 1)
        self._overdue = QCheckBox(self.tr("Overdue next step"))
        self._overdue.setObjectName("prospects-filter-overdue")
        self._overdue.toggled.connect(lambda _: self._apply_filters())
        filters.addWidget(self._overdue)

        self.make_record_table()
        self.size_columns({"company": 24, "next_step": 26, "vertical": 12, "country": 12,
                           "partner_type": 13}, padding=14)
        fit_columns(self.table, {"score": "100", "stage": "Negotiation",
                                 "owner": "Sofie Lindholm", "next_step_on": "2026-12-31",
                                 "region": "Latin America", "employees": "12,345",
                                 "revenue": "579.2 M USD", "source": "Outbound",
                                 "last_touch": "2026-12-31"}, padding=14)
        self._work_columns_first()
        self.table.activated.connect(lambda _: self.edit_prospect())
        self._empty_new = self.empty_button(self.tr("Add a prospect…"), self.new_prospect)
        self._empty_import = self.empty_button(self.tr("Import a CSV file…"), self.import_csv)
        self._empty_clear = self.empty_button(self.tr("Clear search and filters"),
                                              self.clear_filters, "prospects-clear-filters")
        pages = self.make_pages([self.table, self.board],
                                [self._empty_new, self._empty_import, self._empty_clear])
        self.finish_layout([top, filters, pages], pages, self.detail, (960, 440))
        self._fill_value_filters()

    def _view_switch(self) -> QWidget:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self._views = QButtonGroup(self)
        for n, (text, name) in enumerate(((self.tr("Table"), "prospects-view-table"),
                                          (self.tr("Board"), "prospects-view-board"))):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setCheckable(True)
            button.setChecked(n == 0)
            self._views.addButton(button, n)
            layout.addWidget(button)
        self._views.idClicked.connect(self.set_view)
        return box

    def _filter_box(self, key: str, everything: str, items) -> QComboBox:
        box = QComboBox()
        box.setObjectName(f"prospects-filter-{key}")
        box.setAccessibleName(everything)
        box.addItem(everything, None)
        for value, text in items:
            box.addItem(text, value)
        box.currentIndexChanged.connect(lambda _: self._apply_filters())
        return box

    def _fill_value_filters(self) -> None:
        """Owners and verticals in use; the choice survives a refill when still offered."""
        for box, column in ((self._owner_box, "owner"), (self._vertical_box, "vertical")):
            chosen = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for value in distinct_values(self._store.db, column):
                box.addItem(value, value)
            box.setCurrentIndex(max(0, box.findData(chosen)) if chosen else 0)
            box.blockSignals(False)

    def _work_columns_first(self) -> None:
        """Who owns a prospect, the next step and when it is due come right after the
        stage, so a laptop screen shows them without scrolling sideways."""
        header = self.table.horizontalHeader()
        for position, key in enumerate(("owner", "next_step", "next_step_on"), start=3):
            header.moveSection(header.visualIndex(self.model.column_index(key)), position)

    def _build_actions(self) -> None:
        def action(text: str, shortcut, slot: Callable[[], None], name: str) -> QAction:
            act = QAction(text, self)
            act.setObjectName(name)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            return act

        # New and Edit keep the Partner menu's shortcuts; here the buttons and Enter do.
        self.new_action = action(self.tr("&New prospect…"), None, self.new_prospect,
                                 "action-prospect-new")
        self.edit_action = action(self.tr("&Edit prospect…"), None, self.edit_prospect,
                                  "action-prospect-edit")
        self.move_action = action(self.tr("&Move to stage…"), "Ctrl+M", self.move_prospect,
                                  "action-prospect-move")
        self.convert_action = action(self.tr("&Convert to partner…"), None,
                                     self.convert_prospect, "action-prospect-convert")
        self.delete_action = action(self.tr("&Delete prospect"),
                                    QKeySequence.StandardKey.Delete, self.delete_prospect,
                                    "action-prospect-delete")
        self.log_action = action(self.tr("&Log activity…"), "Ctrl+L",
                                 self.detail.log_activity, "action-prospect-log")
        self.profile_action = action(self.tr("Ideal &partner profile…"), None,
                                     self.edit_profile, "action-prospect-profile")
        self.import_action = action(self.tr("&Import prospects…"), None, self.import_csv,
                                    "action-import-prospects")
        self.export_action = action(self.tr("E&xport prospects…"), None, self.export_csv,
                                    "action-export-prospects")
        for act in (self.move_action, self.delete_action):
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.move_action)
        # Delete only where a prospect is selected, never in the search box.
        for view in (self.table, *self.board.views.values()):
            view.addAction(self.delete_action)

    def menu_actions(self) -> list[QAction]:
        """Actions the main window lists in its Prospect menu."""
        return [self.new_action, self.edit_action, self.move_action, self.convert_action,
                self.log_action, self.delete_action, self.profile_action]

    def file_actions(self) -> list[QAction]:
        """Import and export, listed in the File menu."""
        return [self.import_action, self.export_action]

    # -- views and filters ------------------------------------------------------------

    def set_view(self, view: int) -> None:
        """0 = table, 1 = board."""
        self._views.button(view).setChecked(True)
        if view == 1:
            self.board.set_filter(self.model.prospect_filter)
        self.after_refresh()
        if view == 1:
            self.board.select(self.current_prospect_id())

    def board_shown(self) -> bool:
        return self._views.checkedId() == 1

    def _apply_filters(self) -> None:
        band = self._score_box.currentData()
        chosen = {"stages": self._stage_box, "owners": self._owner_box,
                  "regions": self._region_box, "verticals": self._vertical_box}
        flt = replace(self.model.prospect_filter, **{
            key: frozenset({box.currentData()}) if box.currentData() else frozenset()
            for key, box in chosen.items()},
            min_score=band[0] if band else None, max_score=band[1] if band else None,
            overdue_on=date.today() if self._overdue.isChecked() else None)
        self.keep_selection(lambda: self.model.set_filter(flt))

    def clear_filters(self) -> None:
        self.search.clear()
        for box in (self._stage_box, self._owner_box, self._region_box, self._vertical_box,
                    self._score_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self._overdue.blockSignals(True)
        self._overdue.setChecked(False)
        self._overdue.blockSignals(False)
        self.keep_selection(lambda: self.model.set_filter(ProspectFilter()))

    # -- reacting ---------------------------------------------------------------------

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if notice.tables & PROFILE_TABLES:
            self.rescore()
        if notice.tables & PROSPECT_TABLES:
            self._total = count_live_prospects(self._store.db)
            self._fill_value_filters()
            self.keep_selection(self.model.refresh)
        self.detail.on_rows_changed(notice)

    def set_presentation(self, on: bool) -> None:
        super().set_presentation(on)
        self.model.show_internal = not on
        self.detail.set_show_internal(not on)

    def total_count(self) -> int:
        return self._total

    def detail_id(self) -> str | None:
        return self.detail.prospect_id

    def current_id(self) -> str | None:
        if self.board_shown():
            return self.detail.prospect_id
        return super().current_id()

    def focus_results(self) -> None:
        """In the board, the first match is the top card of its stage."""
        if self.board_shown():
            self.board.select(self.current_id())
        else:
            super().focus_results()

    def list_page(self) -> int:
        return 1 if self.board_shown() else 0

    def on_current_changed(self, record_id: str | None) -> None:
        self.detail.show_prospect(record_id)
        self.update_actions()

    def on_selection_lost(self) -> None:
        if not self.board_shown():
            self.detail.show_prospect(None)

    def after_refresh(self) -> None:
        if self.board_shown():
            self.board.set_filter(self.model.prospect_filter)
        super().after_refresh()

    def empty_text(self, filtered: bool) -> str:
        if filtered:
            return self.tr("No prospects match your search and filters.")
        return self.tr("No prospects yet.\nAdd one, or import a CSV export from your CRM "
                       "(Salesforce, HubSpot or any spreadsheet).")

    def show_empty_buttons(self, filtered: bool) -> None:
        self._empty_clear.setVisible(filtered)
        self._empty_new.setVisible(not filtered)
        self._empty_import.setVisible(not filtered)

    def update_actions(self) -> None:
        has_current = self.current_prospect_id() is not None
        for act in (self.edit_action, self.move_action, self.delete_action):
            act.setEnabled(has_current)
        prospect = self.current_record()
        self.convert_action.setEnabled(prospect is not None and prospect.stage == "signed"
                                       and not prospect.converted_partner_id)

    def current_prospect_id(self) -> str | None:
        return self.current_id()

    # -- editing ----------------------------------------------------------------------

    def new_prospect(self) -> None:
        dialog = ProspectDialog(self, show_internal=self._show_internal)
        if dialog.exec():
            self.add_record(dialog.values())

    def edit_prospect(self) -> None:
        prospect = self.current_record()
        if prospect is None:
            return
        dialog = ProspectDialog(self, prospect, show_internal=self._show_internal)
        if dialog.exec():
            self.save_record(prospect.id, dialog.values())

    def move_prospect(self, target: str | None = None) -> None:
        prospect = self.current_record()
        if prospect is None:
            return
        dialog = StageMoveDialog(prospect.company, prospect.stage, self, target)
        if dialog.exec():
            self.move_to(prospect, dialog.target(), dialog.lost_reason())

    def move_to(self, prospect: Prospect, target: str, lost_reason: str = "") -> bool:
        """Move without asking (the board's drop, tests); one undo step."""
        return self.perform(move_stage_command(self._store, prospect, target, lost_reason),
                             self.tr("Could not move the prospect"))

    def _move_dropped(self, prospect_id: str, stage: str) -> None:
        prospect = self._store.get(Prospect, prospect_id)
        if prospect is None or prospect.deleted or prospect.stage == stage:
            return
        if stage == "lost":  # a lost prospect needs its reason
            self.detail.show_prospect(prospect_id)
            self.move_prospect("lost")
        else:
            self.move_to(prospect, stage)
        self.board.select(prospect_id)

    def delete_prospect(self) -> None:
        self.delete_current()

    def convert_prospect(self) -> None:
        prospect = self.current_record()
        if prospect is None or prospect.stage != "signed" or prospect.converted_partner_id:
            return
        dialog = PartnerDialog(self, partner_values_from(prospect),
                               show_internal=self._show_internal)
        dialog.setWindowTitle(self.tr("Convert %s to a partner") % prospect.company)
        dialog.show_note(self.tr("The contact and %s logged activities come along. Undo "
                                 "(Ctrl+Z) takes the whole conversion back.")
                         % activity_count(ProspectActivity, prospect.id))
        if not dialog.exec():
            return
        command = ConvertCommand(self._store, prospect, dialog.values())
        if self.perform(command, self.tr("Could not convert the prospect")):
            self.sig_status.emit(self.tr("%s is now a partner (Partners tab).")
                                     % prospect.company)
            for _feature, offer in parts("after_conversion"):  # e.g. "Start onboarding?"
                offer(self, command.value)

    # -- the ideal partner profile, import and export (workers in ProspectJobs) -------

    def edit_profile(self) -> None:
        profile = current_profile(self._store.db)
        editor = ProfileEditor(profile.name if profile else self.tr("Ideal partner"),
                               profile.criteria if profile else (), self)
        if editor.exec():
            self.perform(save_profile_command(self._store, editor.profile_name(),
                                               editor.criteria()),
                          self.tr("Could not save the profile"))

    def rescore(self) -> None:
        self.jobs.rescore()

    def _after_rescore(self) -> None:
        self.keep_selection(self.model.refresh)
        self.detail.show_prospect(self.detail.prospect_id)

    def import_csv(self, path: str | None = None) -> None:
        self.jobs.import_csv(path or None)

    def open_import_dialog(self, path: str, table, known):
        return self.jobs.open_import_dialog(path, table, known)

    def export_csv(self, path: str | None = None) -> None:
        sort, descending = self.model.sort_order
        self.jobs.export_csv(path or None, self.model.prospect_filter, sort, descending,
                             self._show_internal)

    # -- remembering ------------------------------------------------------------------

    def save_state(self, settings: Settings) -> None:
        super().save_state(settings)
        settings.set(BOARD_VIEW, self.board_shown())

    def restore_state(self, settings: Settings) -> None:
        super().restore_state(settings)
        if settings.get(BOARD_VIEW):
            self.set_view(1)


def partner_values_from(prospect: Prospect) -> dict:
    """The new partner's fields as the convert dialog starts them."""
    return {"name": prospect.company, "partner_type": prospect.partner_type or None,
            "tier": PartnerTier.REGISTERED.value, "status": PartnerStatus.ONBOARDING.value,
            "region": prospect.region or None, "country": prospect.country,
            "owner": prospect.owner, "website": prospect.website,
            "phone": prospect.contact_phone, "internal_notes": prospect.internal_notes}

