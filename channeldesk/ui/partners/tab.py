"""The Partners tab: the directory, its filters, and one partner's detail beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.partner import PartnerStatus, PartnerTier, PartnerType, Region, label
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.models import Partner
from channeldesk.store.partner_queries import PartnerFilter, count_live_partners
from channeldesk.ui.partners.detail import PartnerDetail
from channeldesk.ui.partners.model import PartnersTableModel
from channeldesk.ui.shell.undo import (
    DeleteCommand,
    InsertCommand,
    UpdateCommand,
    perform_or_report,
)
from channeldesk.ui.widgets.confirm import confirm_delete
from channeldesk.ui.widgets.list_detail import list_and_detail
from channeldesk.ui.widgets.record_dialogs import PartnerDialog
from channeldesk.ui.widgets.record_views import make_table, selected_id

SEARCH_DELAY_MS = 120
PARTNER_FIELDS = ("name", "partner_type", "tier", "status", "region", "country", "owner",
                  "website", "phone", "internal_notes")
FILTERS = (("partner_types", PartnerType, "All types"), ("tiers", PartnerTier, "All tiers"),
           ("statuses", PartnerStatus, "All statuses"), ("regions", Region, "All regions"))


class PartnersTab(QWidget):
    """Directory of partners with search, filters, detail pane and undoable edits."""

    name = "partners"
    sig_load_demo_requested = Signal()
    """The user clicked "Load demo data" in the empty state."""

    def __init__(self, store: Store, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tab-partners")
        self.title = self.tr("&Partners")
        self._store, self._stack = store, undo_stack
        self._show_internal = True
        self.model = PartnersTableModel(store, parent=self)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.detail = PartnerDetail(store, undo_stack, self)
        self.detail.sig_edit_requested.connect(self.edit_partner)
        self.detail.sig_delete_requested.connect(self.delete_partner)
        self._build()
        self._build_actions()
        if not self.model.loaded:
            self.model.refresh()
        self._after_refresh()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("partners-search")
        self.search.setAccessibleName(self.tr("Search partners"))
        self.search.setPlaceholderText(self.tr("Search partners (Ctrl+F)"))
        self.search.setToolTip(self.tr("Matches name, country, owner and website"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self._filter_boxes: dict[str, QComboBox] = {}
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for key, enum, everything in FILTERS:
            bar.addWidget(self._filter_box(key, enum, everything), 1)
        new = QPushButton(self.tr("New partner…"))
        new.setObjectName("partner-new")
        new.clicked.connect(self.new_partner)
        bar.addWidget(new)

        self.table = make_table(self.model, "partners-table")
        # Indicator first: enabling sorting then runs the one initial query, by name.
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionsMovable(True)
        self._size_columns()
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.activated.connect(lambda _: self.edit_partner())
        self._pages = QStackedWidget()
        self._pages.addWidget(self.table)
        self._pages.addWidget(self._build_empty_state())
        self.count_label = QLabel()
        self.count_label.setObjectName("partners-count")

        self.splitter = list_and_detail("partners-splitter", [bar, self._pages, self.count_label],
                                        self._pages, self.detail, (980, 420))
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

    def _size_columns(self) -> None:
        """Readable default widths; a width the user set is restored later from settings."""
        metrics = self.table.fontMetrics()
        widths = {"name": 27, "partner_type": 14, "tier": 9, "status": 10, "region": 12,
                  "country": 12, "owner": 13, "last_activity": 11, "engagement": 12}
        for key, chars in widths.items():
            self.table.setColumnWidth(self.model.column_index(key),
                                      metrics.averageCharWidth() * chars + 12)

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

    def _build_empty_state(self) -> QWidget:
        page = QWidget()
        page.setObjectName("partners-empty")
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self._empty_title = QLabel()
        self._empty_title.setObjectName("partners-empty-title")
        self._empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty_title.setWordWrap(True)
        layout.addWidget(self._empty_title)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self._empty_new = QPushButton(self.tr("Add a partner…"))
        self._empty_new.clicked.connect(self.new_partner)
        self._empty_demo = QPushButton(self.tr("Load demo data"))
        self._empty_demo.setObjectName("partners-load-demo")
        self._empty_demo.clicked.connect(self.sig_load_demo_requested)
        self._empty_clear = QPushButton(self.tr("Clear search and filters"))
        self._empty_clear.setObjectName("partners-clear-filters")
        self._empty_clear.clicked.connect(self.clear_filters)
        for button in (self._empty_new, self._empty_demo, self._empty_clear):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(2)
        return page

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
        self.delete_action = action(self.tr("&Delete partner"), QKeySequence.StandardKey.Delete,
                                    self.delete_partner, "action-partner-delete")
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(self.delete_action)

    def menu_actions(self) -> list[QAction]:
        """Actions the main window lists in its Partner menu."""
        return [self.new_action, self.edit_action, self.delete_action]

    # -- filtering --------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _apply_search(self) -> None:
        self._keep_selection(lambda: self.model.set_search_text(self.search.text()))

    def _apply_filters(self) -> None:
        chosen = {key: box.currentData() for key, box in self._filter_boxes.items()}
        flt = replace(self.model.partner_filter, **{
            key: frozenset({value}) if value else frozenset() for key, value in chosen.items()
        })
        self._keep_selection(lambda: self.model.set_filter(flt))

    def clear_filters(self) -> None:
        self.search.clear()
        for box in self._filter_boxes.values():
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self._keep_selection(lambda: self.model.set_filter(PartnerFilter()))

    # -- reacting ---------------------------------------------------------------------

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if notice.tables & {"partner", "activity"}:
            self._keep_selection(self.model.refresh)
        self.detail.on_rows_changed(notice)

    def set_presentation(self, on: bool) -> None:
        self._show_internal = not on
        self.detail.set_show_internal(not on)

    def _keep_selection(self, change: Callable[[], None], select: str | None = None) -> None:
        current = select or self.current_partner_id()
        change()
        row = self.model.row_of(current) if current else None
        if row is not None:
            self.select_row(row)
        else:
            self.detail.show_partner(None)
        self._after_refresh()

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _after_refresh(self) -> None:
        shown = self.model.rowCount()
        total = count_live_partners(self._store.db)
        noun = self.tr("partner") if total == 1 else self.tr("partners")
        if shown == total:
            self.count_label.setText(f"{total:,} {noun}")
        else:
            self.count_label.setText(self.tr("%s of %s %s shown") % (f"{shown:,}", f"{total:,}",
                                                                     noun))
        self._pages.setCurrentIndex(0 if shown else 1)
        if not shown:
            filtered = total > 0
            self._empty_title.setText(
                self.tr("No partners match your search and filters.") if filtered else
                self.tr("No partners yet.\nAdd your first partner, or load a demo data set "
                        "to look around."))
            self._empty_clear.setVisible(filtered)
            self._empty_new.setVisible(not filtered)
            self._empty_demo.setVisible(not filtered and self._store_is_empty())
        has_current = self.current_partner_id() is not None
        self.edit_action.setEnabled(has_current)
        self.delete_action.setEnabled(has_current)

    def _store_is_empty(self) -> bool:
        return not Partner.select().exists()

    def _on_current_changed(self, current, _previous) -> None:
        self.detail.show_partner(self.model.id_at(current.row()) if current.isValid() else None)
        has_current = current.isValid()
        self.edit_action.setEnabled(has_current)
        self.delete_action.setEnabled(has_current)

    def current_partner_id(self) -> str | None:
        return selected_id(self.table) or self.detail.partner_id

    # -- editing ----------------------------------------------------------------------

    def new_partner(self) -> None:
        dialog = PartnerDialog(self, show_internal=self._show_internal)
        if dialog.exec():
            values = dialog.values()
            command = InsertCommand(self._store, Partner, values,
                                    self.tr("Add partner %s") % values["name"])
            if self._perform(command, self.tr("Could not add the partner")):
                self._keep_selection(lambda: None, select=command.row_id)

    def edit_partner(self) -> None:
        partner = self._current_partner()
        if partner is None:
            return
        dialog = PartnerDialog(self, {f: getattr(partner, f) for f in PARTNER_FIELDS},
                               show_internal=self._show_internal)
        if dialog.exec():
            values = dialog.values()
            self._perform(UpdateCommand(self._store, Partner, partner.id, values,
                                        self.tr("Edit partner %s") % values["name"]),
                          self.tr("Could not save the partner"))

    def delete_partner(self) -> None:
        partner = self._current_partner()
        if partner is None or not confirm_delete(self, self.tr("partner"), partner.name):
            return
        self._perform(DeleteCommand(self._store, Partner, partner.id,
                                    self.tr("Delete partner %s") % partner.name),
                      self.tr("Could not delete the partner"))

    def _current_partner(self) -> Partner | None:
        partner_id = self.current_partner_id()
        partner = self._store.get(Partner, partner_id) if partner_id else None
        return partner if partner is not None and not partner.deleted else None

    def _perform(self, command, failure: str) -> bool:
        return perform_or_report(self, self._stack, self._store, command, failure)

    # -- remembering ------------------------------------------------------------------

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("partners/splitter", self.splitter.saveState())
        settings.setValue("partners/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        splitter = settings.value("partners/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        header = settings.value("partners/header")
        if header is not None:
            head = self.table.horizontalHeader()
            head.restoreState(header)
            self.table.sortByColumn(head.sortIndicatorSection(), head.sortIndicatorOrder())
