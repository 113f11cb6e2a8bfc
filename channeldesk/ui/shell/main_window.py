"""The main window: hosts the features' tabs, menus, toolbars and the status bar.

It names no feature: it loops over ``channeldesk.features``. A tab is built the first
time it is shown (or its menu opened, or something asks for it with :meth:`page`), so
starting the app imports and queries only what the first tab shows.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from channeldesk import __version__
from channeldesk.domain.lookups import Link
from channeldesk.features import Feature, features, resolve
from channeldesk.settings import CURRENT_TAB, WINDOW_GEOMETRY, WINDOW_STATE
from channeldesk.store import Store
from channeldesk.store.engagement_queries import partner_choices
from channeldesk.ui.shell.errors import show_error
from channeldesk.ui.shell.jobs import cancel_and_wait_for_all, run_task
from channeldesk.ui.shell.presentation import PresentationMode, PresentationPartnerDialog
from channeldesk.ui.shell.search_everywhere import SearchEverywhere, SearchIndexer
from channeldesk.ui.shell.settings import Settings
from channeldesk.ui.shell.store_bridge import StoreBridge
from channeldesk.ui.shell.undo import StoreCommand
from channeldesk.ui.shell.window_part import WindowContext, WindowPart
from channeldesk.ui.widgets.feature_tab import FeatureTab

log = logging.getLogger(__name__)

PRESENTATION_SHORTCUT = "F11"
DEFAULT_SIZE = (1360, 820)


def _tr(text: str) -> str:
    return QCoreApplication.translate("features", text)


class _TabSlot(QWidget):
    """The tab widget's page for one feature; holds the feature's tab once it is built."""

    def __init__(self, feature: Feature) -> None:
        super().__init__()
        self.feature = feature
        self.setObjectName(f"slot-{feature.key}")
        self.page: FeatureTab | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)


def _tab_shortcuts(page: FeatureTab) -> list[tuple[QAction, list[QKeySequence]]]:
    """The tab's menu actions with window-wide shortcuts, and those shortcuts. An action
    the tab already scoped itself (Delete on its table only) is left as it is."""
    return [(action, action.shortcuts()) for action in page.menu_actions()
            if action.shortcuts()
            and action.shortcutContext() == Qt.ShortcutContext.WindowShortcut]


class MainWindow(QMainWindow):
    """One window over one open database."""

    def __init__(self, store: Store, settings: QSettings, log_path: Path | None = None) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.store, self.log_path = store, log_path
        self.settings = Settings(settings)
        self.setWindowTitle(f"ChannelDesk — {store.path.name}")
        self.undo_stack = QUndoStack(self)
        StoreCommand.report_error = lambda what, error: show_error(self, what, error)
        StoreCommand.waiting_window = self
        self.presentation = PresentationMode(self)
        self.bridge = StoreBridge(store, self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("main-tabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self._slots: dict[str, _TabSlot] = {}
        self._menus: dict[str, QMenu] = {}
        self._parts: dict[str, WindowPart] = {}
        self._file_actions: dict[str, list[QAction]] = {}
        self._shortcuts: dict[FeatureTab, list[tuple[QAction, list[QKeySequence]]]] = {}
        self._before_presenting: tuple[int, dict[str, object]] | None = None
        self._build_menus()
        self._build_tabs()
        self._build_parts()
        self._build_status_bar()
        self.presentation.sig_toggled.connect(self._on_presentation)
        self.search_indexer = SearchIndexer(store, self)
        self.bridge.sig_rows_changed.connect(self.search_indexer.on_rows_changed)
        self._restore_state()
        self.tabs.currentChanged.connect(lambda index: self._page_at(index))
        self._page_at(self.tabs.currentIndex())
        for part in self._parts.values():
            part.start()
        self.search_indexer.start()

    # -- features ------------------------------------------------------------------------

    def _build_tabs(self) -> None:
        first = None
        for feature in features():
            if not feature.tab:
                continue
            slot = _TabSlot(feature)
            self._slots[feature.key] = slot
            self.tabs.addTab(slot, _tr(feature.title))
            if feature.opens_first:
                first = slot
        remembered = self._slots.get(self.settings.get(CURRENT_TAB))
        self.tabs.setCurrentWidget(remembered or first or self.tabs.widget(0))

    def _build_parts(self) -> None:
        context = WindowContext(self.store, self.settings, self, self.undo_stack, self.bridge,
                                self.presentation)
        for feature in features():
            if feature.settings_actions:
                self.settings_menu.addActions(resolve(feature.settings_actions)(context))
        for feature in features():
            if not feature.window_part:
                continue
            part = resolve(feature.window_part)(context)
            self._parts[feature.key] = part
            for toolbar in part.toolbars():
                self.addToolBar(toolbar)
            self.file_menu.insertActions(self._parts_file_end, part.file_actions())
            self.settings_menu.addActions(part.settings_actions())

    def page(self, key: str) -> FeatureTab:
        """The feature's tab, built now if it was not yet."""
        slot = self._slots[key]
        if slot.page is None:
            self._create_page(slot)
        return slot.page

    def show_page(self, key: str) -> FeatureTab:
        """Switch to the feature's tab (building it if needed) and return it."""
        self.tabs.setCurrentWidget(self._slots[key])
        return self.page(key)

    def part(self, key: str) -> WindowPart:
        """A feature's window part (sync)."""
        return self._parts[key]

    def tab_pages(self) -> list[FeatureTab]:
        """Every tab, in tab order, built now where needed (screenshots, tests)."""
        return [self.page(slot.feature.key) for slot in self._slots.values()]

    def built_pages(self) -> list[FeatureTab]:
        return [slot.page for slot in self._slots.values() if slot.page is not None]

    def current_page(self) -> FeatureTab | None:
        slot = self.tabs.currentWidget()
        return self.page(slot.feature.key) if isinstance(slot, _TabSlot) else None

    def _page_at(self, index: int) -> None:
        slot = self.tabs.widget(index)
        if isinstance(slot, _TabSlot) and slot.page is None:
            self._create_page(slot)
        self._arm_shortcuts()

    def _arm_shortcuts(self) -> None:
        """A tab's menu shortcuts act only while that tab is on screen: Ctrl+E on the
        Prospects tab must not edit the partner selected on the hidden Partners tab. The
        menu items themselves still work from anywhere."""
        slot = self.tabs.currentWidget()
        current = slot.page if isinstance(slot, _TabSlot) else None
        for page, actions in self._shortcuts.items():
            for action, keys in actions:
                action.setShortcuts(keys if page is current else [])

    def _create_page(self, slot: _TabSlot) -> None:
        feature = slot.feature
        page: FeatureTab = resolve(feature.tab)(self.store, self.undo_stack, slot)
        slot.page = page
        slot.layout().addWidget(page)
        self.bridge.sig_rows_changed.connect(page.on_rows_changed)
        self.presentation.sig_toggled.connect(page.set_presentation)
        page.sig_status.connect(lambda text: self.statusBar().showMessage(text, 6000))
        page.sig_load_demo_requested.connect(self.load_demo_data)
        page.sig_open.connect(self.open_link)
        if self.presentation.on:
            page.set_presentation(True)
            if self.presentation.partner_id is not None:
                page.set_partner_scope(self.presentation.partner_id)
        page.restore_state(self.settings)
        menu = self._menus.get(feature.key)
        if menu is not None:
            menu.addActions(page.menu_actions())
        self._shortcuts[page] = _tab_shortcuts(page)
        self._arm_shortcuts()
        self._add_file_actions(feature, page.file_actions())

    def _add_file_actions(self, feature: Feature, actions: list[QAction]) -> None:
        """A tab's File actions go before those of tabs later in the feature list, so the
        menu keeps one order whichever tab was built first."""
        self._file_actions[feature.key] = actions
        later = [key for key in self._slots if key in self._file_actions
                 and list(self._slots).index(key) > list(self._slots).index(feature.key)
                 and self._file_actions[key]]
        before = self._file_actions[later[0]][0] if later else self._tabs_file_end
        self.file_menu.insertActions(before, actions)

    # -- menus ---------------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(self.tr("&File"))
        self.demo_action = self._action(self.tr("Load &demo data…"), self.load_demo_data,
                                        name="action-load-demo")
        self.file_menu.addAction(self.demo_action)
        self.file_menu.addAction(self._action(self.tr("&Back up database…"), self.back_up,
                                              name="action-backup"))
        self.file_menu.addSeparator()
        # Tabs put their import/export actions before the first mark, window parts
        # (sync) theirs before the second: the File menu keeps one order however the
        # tabs happen to be built.
        self._tabs_file_end = self.file_menu.addSeparator()
        self._parts_file_end = self.file_menu.addSeparator()
        self.file_menu.addAction(self._action(self.tr("&Quit"), self.close,
                                              QKeySequence.StandardKey.Quit, "action-quit"))
        self.file_menu.aboutToShow.connect(self._build_file_menu_tabs)

        edit_menu = bar.addMenu(self.tr("&Edit"))
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setObjectName("action-undo")
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"),
                                       QKeySequence.StandardKey.Redo])
        self.redo_action.setObjectName("action-redo")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self._action(self.tr("&Find"), self.focus_search,
                                         QKeySequence.StandardKey.Find, "action-find"))
        self.search_everywhere_action = self._action(
            self.tr("&Search everywhere…"), self.search_everywhere, "Ctrl+K",
            "action-search-everywhere")
        edit_menu.addAction(self.search_everywhere_action)

        for feature in features():
            if feature.menu and feature.tab:
                menu = bar.addMenu(_tr(feature.menu))
                menu.setObjectName(f"menu-{feature.key}")
                menu.aboutToShow.connect(lambda key=feature.key: self.page(key))
                self._menus[feature.key] = menu

        view_menu = bar.addMenu(self.tr("&View"))
        self.presentation_action = self._action(
            self.tr("&Presentation mode…"), self.toggle_presentation, PRESENTATION_SHORTCUT,
            "action-presentation")
        self.presentation_action.setCheckable(True)
        self.presentation_action.setStatusTip(
            self.tr("Show only the records of the partner in the room, without internal "
                    "fields, while sharing your screen"))
        view_menu.addAction(self.presentation_action)

        self.settings_menu = bar.addMenu(self.tr("&Settings"))

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self._action(self.tr("&About ChannelDesk"), self.show_about,
                                         name="action-about"))

    def _build_file_menu_tabs(self) -> None:
        """The File menu lists every tab's import and export actions: build the tabs that
        have some before it opens."""
        for slot in self._slots.values():
            if slot.feature.file_menu and slot.page is None:
                self._create_page(slot)

    def _build_status_bar(self) -> None:
        self.presentation_badge = QLabel(
            self.tr("  Presentation mode — internal fields hidden (F11 to leave)  "))
        self.presentation_badge.setObjectName("presentation-badge")
        self.presentation_badge.setStyleSheet(
            "background: #8e24aa; color: white; border-radius: 3px; font-weight: bold;")
        self.presentation_badge.hide()
        self.statusBar().addPermanentWidget(self.presentation_badge)
        for part in self._parts.values():
            for widget in part.status_widgets():
                self.statusBar().addPermanentWidget(widget)

    def focus_search(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_search()

    def search_everywhere(self) -> SearchEverywhere | None:
        """Ctrl+K: the box over every feature's records (the index catches up first);
        not while presenting, since it lists every partner."""
        if self.presentation.on:
            return None
        self.search_indexer.refresh_now()
        dialog = SearchEverywhere(self.store, self)
        dialog.sig_open.connect(self.open_link)
        self.search_indexer.sig_ready.connect(dialog.search_again)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_link(self, link: Link) -> None:
        """Go where a link leads: a record in its tab, or a tab with filters set."""
        if link.feature not in self._slots:
            return
        page = self.show_page(link.feature)
        if link.record_id:
            if not page.open_record(link.table, link.record_id):
                self.statusBar().showMessage(
                    self.tr("That record is no longer in the list (deleted or hidden)."),
                    6000)
        elif link.filters:
            page.show_filtered(dict(link.filters))

    # -- commands ------------------------------------------------------------------------

    def toggle_presentation(self, on: bool) -> None:
        """F11 / View menu: ask which partner is in the room, then present to them."""
        if not on:
            self.presentation.set_on(False)
            return
        page = self.current_page()
        dialog = PresentationPartnerDialog(partner_choices(),
                                           page.current_partner_id() if page else None, self)
        if dialog.partner.count() == 0 or not dialog.exec():
            self.presentation_action.setChecked(False)
            if dialog.partner.count() == 0:
                self.statusBar().showMessage(self.tr("Add a partner first: presentation "
                                                     "mode shows one partner's records."), 6000)
            return
        self.presentation.set_on(True, *dialog.chosen())

    def _on_presentation(self, on: bool) -> None:
        self.presentation_action.setChecked(on)
        # Search everywhere lists the whole portfolio: never on a shared screen.
        self.search_everywhere_action.setEnabled(not on)
        scoped = on and self.presentation.partner_id is not None
        if scoped:
            self._scope_to_partner(self.presentation.partner_id)
        elif not on and self._before_presenting is not None:
            self._end_scope()
        name = self.presentation.partner_name
        self.presentation_badge.setText(
            self.tr("  Presenting to %s — internal fields hidden (F11 to leave)  ") % name
            if name else self.tr("  Presentation mode — internal fields hidden (F11 to "
                                 "leave)  "))
        self.presentation_badge.setVisible(on)
        if not on:
            text = self.tr("Presentation mode off: the whole portfolio is back.")
        elif name:
            text = self.tr("Presenting to %s: only their records are shown; internal fields "
                           "and windows are hidden.") % name
        else:
            text = self.tr("Presentation mode on: internal notes and internal-only "
                           "activities are hidden.")
        self.statusBar().showMessage(text, 4000)

    def _scope_to_partner(self, partner_id: str) -> None:
        """Remember the view, close internal windows, scope every tab to the partner;
        a tab with nothing of a partner's is unavailable until presenting ends."""
        self._before_presenting = (self.tabs.currentIndex(),
                                   {page.key: page.view_state()
                                    for page in self.built_pages()})
        for widget in QApplication.topLevelWidgets():
            if widget is not self and widget.isVisible() and widget.isWindow() \
                    and not isinstance(widget, QMenu):
                widget.close()
        self._set_parts_enabled(False)
        for index in range(self.tabs.count()):
            slot = self.tabs.widget(index)
            if isinstance(slot, _TabSlot):
                shown = self.page(slot.feature.key).set_partner_scope(partner_id)
                self.tabs.setTabEnabled(index, shown)
        if not self.tabs.isTabEnabled(self.tabs.currentIndex()):
            enabled = [n for n in range(self.tabs.count()) if self.tabs.isTabEnabled(n)]
            if enabled:
                self.tabs.setCurrentIndex(enabled[0])

    def _end_scope(self) -> None:
        """Back to the portfolio exactly as it was: tab, searches, filters, selections."""
        current, states = self._before_presenting
        self._before_presenting = None
        for index in range(self.tabs.count()):
            self.tabs.setTabEnabled(index, True)
        for page in self.built_pages():
            page.set_partner_scope(None)
            if page.key in states:
                page.restore_view_state(states[page.key])
        self._set_parts_enabled(True)
        self.tabs.setCurrentIndex(current)

    def _set_parts_enabled(self, enabled: bool) -> None:
        """Window parts (sync: the conflicts window, its settings) are internal."""
        for part in self._parts.values():
            for toolbar in part.toolbars():
                toolbar.setEnabled(enabled)
            for action in (*part.file_actions(), *part.settings_actions()):
                action.setEnabled(enabled)
            for widget in part.status_widgets():
                widget.setEnabled(enabled)

    def load_demo_data(self) -> None:
        """Fill the database with the demo set in the background.

        Loading is one transaction (Cancel leaves nothing), not an undo step: it is a
        set-up action, and a database that already holds data is asked about first.
        """
        # Imported on first use: the demo generator is not needed to start the window.
        from channeldesk.domain.progress import Cancelled
        from channeldesk.services.demo_data import is_empty, load_demo_data

        if not is_empty(self.store) and not self._confirm_demo_beside_data():
            return

        def work(progress, cancel):
            return load_demo_data(self.store, progress=progress, cancel=cancel)

        def done(summary) -> None:
            self.statusBar().showMessage(self.tr("Demo data loaded: %s") % summary.text(), 6000)

        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                self.statusBar().showMessage(self.tr("Demo data cancelled; nothing was added."),
                                             6000)
            else:
                show_error(self, self.tr("Could not load the demo data"), error)

        self._demo_task = run_task(self, self.tr("Loading demo data…"), work, done, failed)

    def _confirm_demo_beside_data(self) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Load demo data"),
            self.tr("This database already holds partners. Add the demo partners beside "
                    "them?\n\nThey cannot be removed in one step afterwards; a new, empty "
                    "database is the better place to look around."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def back_up(self) -> None:
        from channeldesk.store.backup import backup_database

        target, _ = QFileDialog.getSaveFileName(
            self, self.tr("Back up database"),
            str(self.store.path.with_name(f"{self.store.path.stem}-backup.sqlite3")),
            self.tr("ChannelDesk database (*.sqlite3)"))
        if not target:
            return

        def work(progress, _cancel):
            return backup_database(self.store.path, Path(target),
                                   lambda done, total: progress(done, total, ""))

        run_task(self, self.tr("Backing up…"), work,
                 lambda path: self.statusBar().showMessage(
                     self.tr("Backed up to %s") % path, 6000),
                 lambda error: show_error(self, self.tr("The backup failed"), error))

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About ChannelDesk"), self.about_text())

    def about_text(self) -> str:
        log_line = f"<br>Log file: {self.log_path}" if self.log_path else ""
        return (f"<h3>ChannelDesk {__version__}</h3>"
                f"<p>The partner lifecycle on your laptop, online or not.</p>"
                f"<p>Database: {self.store.path}<br>"
                f"Schema version: {self.store.schema_version}{log_line}</p>")

    # -- state ---------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.get(WINDOW_GEOMETRY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        state = self.settings.get(WINDOW_STATE)
        if state is not None:
            self.restoreState(state)

    def save_state(self) -> None:
        self.settings.set(WINDOW_GEOMETRY, self.saveGeometry())
        self.settings.set(WINDOW_STATE, self.saveState())
        current = self.tabs.currentWidget()
        if isinstance(current, _TabSlot):
            self.settings.set(CURRENT_TAB, current.feature.key)
        for page in self.built_pages():
            page.save_state(self.settings)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        for part in self._parts.values():
            part.shutdown()
        self.search_indexer.cancel()
        cancel_and_wait_for_all()
        self.save_state()
        self.bridge.close()
        StoreCommand.report_error = None
        if StoreCommand.waiting_window is self:
            StoreCommand.waiting_window = None
        super().closeEvent(event)

