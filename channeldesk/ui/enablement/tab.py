"""The Enablement tab: the asset library beside one asset's versions and holders, and
three more views: by partner (what it holds, what is outdated, who is certified), launch
campaigns, and courses with certifications.

Files come in by dialog or by dropping them on the library (new assets) or on the detail
pane (a new version of the selected asset); hashing and copying run in a worker. Every
edit is one undo step; presentation mode hides internal notes and every list that names
other partners.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QWidget,
)

from channeldesk.domain.enablement import LANGUAGES, AssetKind, AssetState, label
from channeldesk.store import Store
from channeldesk.store.asset_queries import (
    AssetFilter,
    any_asset_ever,
    count_live_assets,
    next_version_no,
)
from channeldesk.store.database import ChangeNotice
from channeldesk.store.models import Asset
from channeldesk.ui.enablement.asset_detail import AssetDetail
from channeldesk.ui.enablement.campaigns_page import CampaignsPage
from channeldesk.ui.enablement.courses_page import CoursesPage
from channeldesk.ui.enablement.dialogs import ASSET_FIELDS, AssetDialog, VersionDialog
from channeldesk.ui.enablement.files import FileActions
from channeldesk.ui.enablement.model import AssetsTableModel
from channeldesk.ui.enablement.partner_page import PartnerEnablementPage
from channeldesk.ui.enablement.sharing import share_with_dialog
from channeldesk.ui.widgets.record_tab import RecordTab

LIBRARY_TABLES = frozenset({"asset", "asset_version", "asset_share", "partner"})
PARTNER_TABLES = LIBRARY_TABLES | {"contact", "enrolment", "certification", "course",
                                   "tier_requirement"}
CAMPAIGN_TABLES = frozenset({"campaign", "campaign_asset", "campaign_course", "asset",
                             "asset_share", "enrolment", "certification", "partner"})
COURSE_TABLES = frozenset({"course", "enrolment", "certification", "contact", "partner",
                           "tier_requirement"})
FILTERS = (("kinds", [(k.value, label(k)) for k in AssetKind], "All kinds"),
           ("languages", list(LANGUAGES.items()), "All languages"),
           ("state", [(s.value, label(s)) for s in AssetState], "Any expiry"))


class EnablementTab(RecordTab):
    """Asset library with versions and holders, plus partner, campaign and course views."""

    nouns = ("asset", "assets")
    record_model = Asset
    name_field = "title"

    def __init__(self, store: Store, undo_stack, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(store, undo_stack, "enablement", parent)
        self._today = today or date.today()
        self.model = AssetsTableModel(store, self._today, parent=self)
        self.detail = AssetDetail(store, self, self._today)
        self.files = FileActions(store, undo_stack, self)
        self.files.sig_assets_added.connect(self._select_added)
        self.files.sig_status.connect(self.sig_status.emit)
        self.partner_page = PartnerEnablementPage(store, undo_stack, self, self._today)
        self.campaigns_page = CampaignsPage(store, undo_stack, self, self._today)
        self.courses_page = CoursesPage(store, undo_stack, self, self._today)
        self._stale: set[QWidget] = set()
        self._connect_detail()
        self._build()
        self._build_actions()
        self.setAcceptDrops(True)
        self.model.refresh()
        self.after_refresh()

    # -- building -----------------------------------------------------------------------

    def _connect_detail(self) -> None:
        self.detail.sig_edit_requested.connect(self.edit_asset)
        self.detail.sig_version_requested.connect(self.new_version)
        self.detail.sig_share_requested.connect(self.share_current)
        self.detail.sig_delete_requested.connect(self.delete_current)
        self.detail.sig_open_requested.connect(self.files.open_version)
        self.partner_page.sig_share_requested.connect(
            lambda partner_id: self.share(partner_ids=[partner_id]))
        self.partner_page.sig_enrol_requested.connect(self.courses_page.enrol_people)

    def _build(self) -> None:
        self.make_search(self.tr("Search assets (Ctrl+F)"),
                         self.tr("Matches title, tags, product, description and the text "
                                 "of PDF files"))
        self._filter_boxes: dict[str, QComboBox] = {}
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for key, choices, everything in FILTERS:
            box = QComboBox()
            box.setObjectName(f"enablement-filter-{key}")
            box.setAccessibleName(self.tr(everything))
            box.addItem(self.tr(everything), None)
            for code, text in choices:
                box.addItem(text, code)
            box.currentIndexChanged.connect(lambda _: self._apply_filters())
            self._filter_boxes[key] = box
            bar.addWidget(box, 1)
        for text, slot, name in ((self.tr("New asset…"), self.new_asset, "asset-new"),
                                 (self.tr("Share…"), self.share_current, "enablement-share")):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            bar.addWidget(button)
        self.make_record_table()
        self.size_columns({"title": 30, "kind": 14, "product": 9, "language": 9,
                           "version": 7, "audience": 16, "published_on": 12,
                           "expires_on": 21, "holders": 8, "owner": 14})
        self.table.activated.connect(lambda _: self.detail.open_selected_version())
        self._empty_new = self.empty_button(self.tr("Add an asset…"), self.new_asset)
        self._empty_demo = self.empty_button(self.tr("Load demo data"),
                                             self.sig_load_demo_requested.emit,
                                             "enablement-load-demo")
        self._empty_clear = self.empty_button(self.tr("Clear search and filters"),
                                              self.clear_filters, "enablement-clear-filters")
        pages = self.make_pages([self.table],
                                [self._empty_new, self._empty_demo, self._empty_clear])
        self.finish_layout([bar, pages], pages, self.detail, (1000, 560))
        self._wrap_in_views()

    def _wrap_in_views(self) -> None:
        """The library (the record list and detail) is the first of four views."""
        layout = self.layout()
        layout.removeWidget(self.splitter)
        self.views = QTabWidget()
        self.views.setObjectName("enablement-views")
        self.views.addTab(self.splitter, self.tr("Library"))
        self.views.addTab(self.partner_page, self.tr("By partner"))
        self.views.addTab(self.campaigns_page, self.tr("Launch campaigns"))
        self.views.addTab(self.courses_page, self.tr("Courses and certifications"))
        self.views.currentChanged.connect(lambda _: self._refresh_if_stale())
        layout.addWidget(self.views)

    def _build_actions(self) -> None:
        def action(text: str, slot, name: str, shortcut=None) -> QAction:
            act = QAction(text, self)
            act.setObjectName(name)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            return act

        self.new_action = action(self.tr("&New asset…"), self.new_asset, "action-asset-new")
        self.version_action = action(self.tr("New &version…"), self.new_version,
                                     "action-asset-version")
        self.open_action = action(self.tr("&Open current version"),
                                  self.detail.open_selected_version, "action-asset-open")
        self.share_action = action(self.tr("&Share assets…"), self.share_current,
                                   "action-asset-share")
        self.edit_action = action(self.tr("&Edit asset…"), self.edit_asset, "action-asset-edit")
        self.delete_action = action(self.tr("&Delete asset"), self.delete_current,
                                    "action-asset-delete", QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.delete_action)

    def menu_actions(self) -> list[QAction]:
        return [self.new_action, self.version_action, self.open_action, self.share_action,
                self.edit_action, self.delete_action]

    # -- filtering ----------------------------------------------------------------------

    def _apply_filters(self) -> None:
        chosen = {key: box.currentData() for key, box in self._filter_boxes.items()}
        flt = AssetFilter(self.model.asset_filter.text,
                          frozenset({chosen["kinds"]}) if chosen["kinds"] else frozenset(),
                          frozenset({chosen["languages"]}) if chosen["languages"]
                          else frozenset(), chosen["state"] or "", self._today)
        self.keep_selection(lambda: self.model.set_filter(flt))

    def clear_filters(self) -> None:
        self.search.clear()
        for box in self._filter_boxes.values():
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.keep_selection(lambda: self.model.set_filter(AssetFilter(today=self._today)))

    # -- reacting -----------------------------------------------------------------------

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        tables = notice.tables
        if tables & LIBRARY_TABLES:
            self.keep_selection(self.model.refresh)
            self.detail.refresh()
        for page, watched in ((self.partner_page, PARTNER_TABLES),
                              (self.campaigns_page, CAMPAIGN_TABLES),
                              (self.courses_page, COURSE_TABLES)):
            if tables & watched:
                self._stale.add(page)
        self._refresh_if_stale()

    def _refresh_if_stale(self) -> None:
        """Only the view on screen re-reads now; the others when they are shown."""
        page = self.views.currentWidget()
        if page in self._stale:
            self._stale.discard(page)
            page.refresh()

    def set_presentation(self, on: bool) -> None:
        super().set_presentation(on)
        self.detail.set_show_internal(not on)
        # How many partners hold each asset is a fact about other partners.
        self.table.setColumnHidden(self.model.column_index("holders"), on)
        for page in (self.partner_page, self.campaigns_page, self.courses_page):
            page.set_presentation(on)

    def total_count(self) -> int:
        return count_live_assets(self._store.db)

    def detail_id(self) -> str | None:
        return self.detail.asset_id

    def on_current_changed(self, record_id: str | None) -> None:
        self.detail.show_asset(record_id)
        self.update_actions()

    def on_selection_lost(self) -> None:
        self.detail.show_asset(None)

    def empty_text(self, filtered: bool) -> str:
        if filtered:
            return self.tr("No assets match your search and filters.")
        return self.tr("No assets yet.\nAdd datasheets, decks and links, or drop files "
                       "here.")

    def show_empty_buttons(self, filtered: bool) -> None:
        self._empty_clear.setVisible(filtered)
        self._empty_new.setVisible(not filtered)
        self._empty_demo.setVisible(not filtered and not any_asset_ever(self._store.db))

    def update_actions(self) -> None:
        has_current = self.current_id() is not None
        for act in (self.version_action, self.open_action, self.edit_action,
                    self.delete_action):
            act.setEnabled(has_current)

    def _select_added(self, asset_ids: list[str]) -> None:
        if asset_ids:
            self.views.setCurrentIndex(0)
            self.keep_selection(self.model.refresh, select=asset_ids[0])

    # -- drag and drop ------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_files(event) and self.views.currentIndex() == 0:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_files(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        on_detail = self._over_detail(event.position().toPoint())
        # After the drop returns: a dialog opened inside it would hold up the drag source.
        QTimer.singleShot(0, lambda: self.drop_files(paths, on_detail))

    def drop_files(self, paths: list[Path], on_detail: bool) -> None:
        """Files dropped on the detail pane are a new version of the shown asset; on the
        library, new assets."""
        if on_detail and self.detail.asset_id and len(paths) == 1:
            self.new_version(paths[0])
        else:
            self.files.add_assets_from_files(paths)

    def _over_detail(self, point: QPoint) -> bool:
        return self.detail.rect().contains(self.detail.mapFrom(self, point))

    @staticmethod
    def _dropped_files(event) -> list[Path]:
        data = event.mimeData()
        if not data.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]

    # -- editing ------------------------------------------------------------------------

    def new_asset(self) -> None:
        dialog = AssetDialog(self, show_internal=self._show_internal, with_source=True)
        if dialog.exec():
            section = dialog.source_section
            self.files.add_asset_with_source(dialog.values(), section.source(),
                                             section.change_note())

    def edit_asset(self) -> None:
        asset = self.current_record()
        if asset is None:
            return
        dialog = AssetDialog(self, {name: getattr(asset, name) for name in ASSET_FIELDS},
                             show_internal=self._show_internal)
        if dialog.exec():
            self.save_record(asset.id, dialog.values())

    def new_version(self, path: Path | None = None) -> None:
        asset = self.current_record()
        if asset is None:
            return
        dialog = VersionDialog(asset.title, next_version_no(self._store.db, asset.id), self,
                               path if isinstance(path, Path) else None)
        if dialog.exec():
            self.files.add_version(asset.id, asset.title, dialog.source(),
                                   dialog.change_note())

    def share_current(self) -> None:
        current = self.current_id()
        self.share(asset_ids=[current] if current else [])

    def share(self, asset_ids: list[str] | None = None,
              partner_ids: list[str] | None = None) -> None:
        """Open the share dialog (from the library or the partner view)."""
        result = share_with_dialog(self, self._store, self._stack, asset_ids, partner_ids,
                                   self._today)
        if result is not None:
            self.sig_status.emit(result.summary())

    def show_partner(self, partner_id: str) -> None:
        """Switch to the partner view with this partner chosen."""
        self.views.setCurrentWidget(self.partner_page)
        self.partner_page.select_partner(partner_id)
