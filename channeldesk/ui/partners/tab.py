"""The Partners tab: the directory, its filters, and one partner's detail beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QWidget,
)

from channeldesk.domain.partner import PartnerStatus, PartnerTier, PartnerType, Region, label
from channeldesk.features import parts
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.models import Partner
from channeldesk.store.partner_queries import (
    PartnerFilter,
    any_partner_ever,
    count_live_partners,
)
from channeldesk.ui.partners.detail import PartnerDetail
from channeldesk.ui.partners.model import PartnersTableModel
from channeldesk.ui.widgets.record_dialogs import PartnerDialog
from channeldesk.ui.widgets.record_tab import RecordTab
from channeldesk.ui.widgets.record_views import fit_columns

PARTNER_FIELDS = ("name", "partner_type", "tier", "status", "region", "country", "owner",
                  "website", "phone", "internal_notes")
FILTERS = (("partner_types", PartnerType, "All types"), ("tiers", PartnerTier, "All tiers"),
           ("statuses", PartnerStatus, "All statuses"), ("regions", Region, "All regions"))
PARTNER_TABLES = frozenset({"partner", "activity"})


class PartnersTab(RecordTab):
    """Directory of partners with search, filters, detail pane and undoable edits."""

    nouns = ("partner", "partners")
    record_model = Partner

    def __init__(self, store: Store, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(store, undo_stack, "partners", parent)
        self.model = PartnersTableModel(store, parent=self)
        self.detail = PartnerDetail(store, undo_stack, self)
        self.detail.sig_edit_requested.connect(self.edit_partner)
        self.detail.sig_delete_requested.connect(self.delete_partner)
        self._build()
        self._build_actions()
        if not self.model.loaded:
            self.model.refresh()
        self.after_refresh()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.make_search(self.tr("Search partners (Ctrl+F)"),
                         self.tr("Matches name, country, owner and website"))
        self._filter_boxes: dict[str, QComboBox] = {}
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for key, enum, everything in FILTERS:
            bar.addWidget(self._filter_box(key, enum, everything), 1)
        new = QPushButton(self.tr("New partner…"))
        new.setObjectName("partner-new")
        new.clicked.connect(self.new_partner)
        bar.addWidget(new)

        self.make_record_table()
        # Key columns show whole values; the name (and the type and country, which have
        # room to elide) give way first. Engagement is a word, not the rest of the row.
        fit_columns(self.table, {"partner_type": "Distributor", "tier": "Registered",
                                 "status": "Onboarding", "region": "North America",
                                 "country": "Germany", "owner": "Sofie Lindholm",
                                 "last_activity": "2026-12-31", "engagement": "Engaged"},
                    stretch="name", padding=12)
        self.table.activated.connect(lambda _: self.edit_partner())
        self._empty_new = self.empty_button(self.tr("Add a partner…"), self.new_partner)
        self._empty_demo = self.empty_button(self.tr("Load demo data"),
                                             self.sig_load_demo_requested.emit,
                                             "partners-load-demo")
        self._empty_clear = self.empty_button(self.tr("Clear search and filters"),
                                              self.clear_filters, "partners-clear-filters")
        pages = self.make_pages([self.table],
                                [self._empty_new, self._empty_demo, self._empty_clear])
        self.finish_layout([bar, pages], pages, self.detail, (980, 420))

    def _filter_box(self, key: str, enum, everything: str) -> QComboBox:
        box = QComboBox()
        box.setObjectName(f"partners-filter-{key}")
        box.setAccessibleName(self.tr(everything))
        box.addItem(self.tr(everything), None)
        for member in enum:
            box.addItem(label(member.value), member.value)
        box.currentIndexChanged.connect(lambda _: self._apply_filters())
        self._filter_boxes[key] = box
        return box

    def _build_actions(self) -> None:
        def action(text: str, shortcut, slot: Callable[[], None], name: str) -> QAction:
            act = QAction(text, self)
            act.setObjectName(name)
            act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            return act

        self.new_action = action(self.tr("&New partner…"), QKeySequence.StandardKey.New,
                                 self.new_partner, "action-partner-new")
        self.edit_action = action(self.tr("&Edit partner…"), "Ctrl+E", self.edit_partner,
                                  "action-partner-edit")
        self.log_action = action(self.tr("&Log activity…"), "Ctrl+L", self.log_activity,
                                 "action-partner-log")
        self.delete_action = action(self.tr("&Delete partner"), QKeySequence.StandardKey.Delete,
                                    self.delete_partner, "action-partner-delete")
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(self.delete_action)
        # What other features offer on the selected partner ("Start onboarding…").
        self.feature_actions = [made for _feature, make in parts("partner_actions")
                                for made in make(self)]

    def menu_actions(self) -> list[QAction]:
        """Actions the main window lists in its Partner menu."""
        return [self.new_action, self.edit_action, self.log_action, self.delete_action,
                *self.feature_actions]

    def log_activity(self) -> None:
        """Ctrl+L from anywhere in the tab: the activity log of the selected partner,
        with a new entry's dialog open."""
        if self.detail.partner_id is None:
            self.sig_status.emit(self.tr("Select a partner to log an activity with."))
            return
        self.detail.show_activity_log()
        self.detail.log.add()

    # -- filtering --------------------------------------------------------------------

    def _apply_filters(self) -> None:
        chosen = {key: box.currentData() for key, box in self._filter_boxes.items()}
        flt = replace(self.model.partner_filter, **{
            key: frozenset({value}) if value else frozenset() for key, value in chosen.items()
        })
        self.keep_selection(lambda: self.model.set_filter(flt))

    def clear_filters(self) -> None:
        self.search.clear()
        for box in self._filter_boxes.values():
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.keep_selection(lambda: self.model.set_filter(PartnerFilter()))

    # -- reacting ---------------------------------------------------------------------

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if notice.tables & PARTNER_TABLES:
            self.keep_selection(self.model.refresh)
        self.detail.on_rows_changed(notice)

    def set_presentation(self, on: bool) -> None:
        super().set_presentation(on)
        self.detail.set_show_internal(not on)
        # A health band ("Dormant", "Cooling") is the vendor's judgement, not the partner's.
        self.table.setColumnHidden(self.model.column_index("engagement"), on)

    def has_partner_records(self) -> bool:
        return True

    def partner_record_ids(self, partner_id: str) -> set[str]:
        return {partner_id}

    def filter_state(self) -> object:
        return {key: box.currentIndex() for key, box in self._filter_boxes.items()}

    def restore_filter_state(self, state: object) -> None:
        if not isinstance(state, dict):
            return
        for key, box in self._filter_boxes.items():
            box.blockSignals(True)
            box.setCurrentIndex(state.get(key, 0))
            box.blockSignals(False)
        chosen = {key: box.currentData() for key, box in self._filter_boxes.items()}
        self.model.set_filter(replace(self.model.partner_filter, **{
            key: frozenset({value}) if value else frozenset() for key, value in chosen.items()
        }))

    def total_count(self) -> int:
        return count_live_partners(self._store.db)

    def detail_id(self) -> str | None:
        return self.detail.partner_id

    def on_current_changed(self, record_id: str | None) -> None:
        self.detail.show_partner(record_id)
        self.update_actions()

    def on_selection_lost(self) -> None:
        self.detail.show_partner(None)

    def empty_text(self, filtered: bool) -> str:
        if filtered:
            return self.tr("No partners match your search and filters.")
        return self.tr("No partners yet.\nAdd your first partner, or load a demo data set "
                       "to look around.")

    def show_empty_buttons(self, filtered: bool) -> None:
        self._empty_clear.setVisible(filtered)
        self._empty_new.setVisible(not filtered)
        self._empty_demo.setVisible(not filtered and self._store_is_empty())

    def update_actions(self) -> None:
        has_current = self.current_id() is not None
        for act in (self.edit_action, self.delete_action, *self.feature_actions):
            act.setEnabled(has_current)

    def _store_is_empty(self) -> bool:
        return not any_partner_ever(self._store.db)

    def current_partner_id(self) -> str | None:
        return self.current_id()

    # -- editing ----------------------------------------------------------------------

    def new_partner(self) -> None:
        dialog = PartnerDialog(self, show_internal=self._show_internal)
        if dialog.exec():
            self.add_record(dialog.values())

    def edit_partner(self) -> None:
        partner = self.current_record()
        if partner is None:
            return
        dialog = PartnerDialog(self, {f: getattr(partner, f) for f in PARTNER_FIELDS},
                               show_internal=self._show_internal)
        if dialog.exec():
            self.save_record(partner.id, dialog.values())

    def delete_partner(self) -> None:
        self.delete_current()
