"""The main window: hosts the tabs, the menus and the status bar; features live in tabs."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget

from channeldesk import __version__
from channeldesk.domain.progress import Cancelled
from channeldesk.services.demo_data import is_empty, load_demo_data
from channeldesk.store import Store
from channeldesk.store.backup import backup_database
from channeldesk.ui.partners.tab import PartnersTab
from channeldesk.ui.plans.tab import PlansTab
from channeldesk.ui.prospects.tab import ProspectsTab
from channeldesk.ui.shell.errors import show_error
from channeldesk.ui.shell.jobs import cancel_and_wait_for_all, run_task
from channeldesk.ui.shell.presentation import PresentationMode
from channeldesk.ui.shell.store_bridge import StoreBridge
from channeldesk.ui.shell.undo import StoreCommand
from channeldesk.ui.sync.controller import SyncController

log = logging.getLogger(__name__)

PRESENTATION_SHORTCUT = "F11"
DEFAULT_SIZE = (1360, 820)


class MainWindow(QMainWindow):
    """One window over one open database."""

    def __init__(self, store: Store, settings: QSettings, log_path: Path | None = None) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.store, self.settings, self.log_path = store, settings, log_path
        self.setWindowTitle(f"ChannelDesk — {store.path.name}")
        self.undo_stack = QUndoStack(self)
        StoreCommand.report_error = lambda what, error: show_error(self, what, error)
        self.presentation = PresentationMode(self)
        self.bridge = StoreBridge(store, self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("main-tabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        # Tabs in the order of the partner lifecycle (DESIGN.md §1); Partners opens first.
        self.prospects = ProspectsTab(store, self.undo_stack, self)
        self.prospects.sig_status.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self._add_tab(self.prospects)
        self.partners = PartnersTab(store, self.undo_stack, self)
        self.partners.sig_load_demo_requested.connect(self.load_demo_data)
        self._add_tab(self.partners)
        self.plans = PlansTab(store, self.undo_stack, self)
        self._add_tab(self.plans)
        self.tabs.setCurrentWidget(self.partners)
        self.sync = SyncController(store, settings, self, bridge=self.bridge,
                                   presentation=self.presentation)
        self.addToolBar(self.sync.toolbar)
        self._build_menus()
        self._build_status_bar()
        self.presentation.sig_toggled.connect(self._on_presentation)
        self._restore_state()
        self.sync.start()

    def _add_tab(self, tab) -> None:
        self.tabs.addTab(tab, tab.title)
        self.bridge.sig_rows_changed.connect(tab.on_rows_changed)
        self.presentation.sig_toggled.connect(tab.set_presentation)

    def tab_pages(self) -> list:
        return [self.tabs.widget(n) for n in range(self.tabs.count())]

    # -- menus ------------------------------------------------------------------------

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
        file_menu = bar.addMenu(self.tr("&File"))
        self.demo_action = self._action(self.tr("Load &demo data…"), self.load_demo_data,
                                        name="action-load-demo")
        file_menu.addAction(self.demo_action)
        file_menu.addAction(self._action(self.tr("&Back up database…"), self.back_up,
                                         name="action-backup"))
        file_menu.addSeparator()
        file_menu.addActions(self.prospects.file_actions())
        file_menu.addActions(self.plans.export_actions())
        file_menu.addSeparator()
        file_menu.addActions([self.sync.sync_now_action, self.sync.conflicts_action])
        file_menu.addSeparator()
        file_menu.addAction(self._action(self.tr("&Quit"), self.close,
                                         QKeySequence.StandardKey.Quit, "action-quit"))

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

        bar.addMenu(self.tr("P&rospect")).addActions(self.prospects.menu_actions())
        partner_menu = bar.addMenu(self.tr("&Partner"))
        partner_menu.addActions(self.partners.menu_actions())
        bar.addMenu(self.tr("P&lan")).addActions(self.plans.menu_actions())

        view_menu = bar.addMenu(self.tr("&View"))
        self.presentation_action = self._action(
            self.tr("&Presentation mode"), self.presentation.set_on, PRESENTATION_SHORTCUT,
            "action-presentation")
        self.presentation_action.setCheckable(True)
        self.presentation_action.setStatusTip(
            self.tr("Hide internal-only fields and notes while sharing your screen"))
        view_menu.addAction(self.presentation_action)

        settings_menu = bar.addMenu(self.tr("&Settings"))
        settings_menu.addAction(self.sync.settings_action)

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self._action(self.tr("&About ChannelDesk"), self.show_about,
                                         name="action-about"))

    def _build_status_bar(self) -> None:
        self.presentation_badge = QLabel(
            self.tr("  Presentation mode — internal fields hidden (F11 to leave)  "))
        self.presentation_badge.setObjectName("presentation-badge")
        self.presentation_badge.setStyleSheet(
            "background: #8e24aa; color: white; border-radius: 3px; font-weight: bold;")
        self.presentation_badge.hide()
        self.statusBar().addPermanentWidget(self.presentation_badge)
        self.statusBar().addPermanentWidget(self.sync.status_widget)

    def focus_search(self) -> None:
        page = self.tabs.currentWidget()
        if hasattr(page, "focus_search"):
            page.focus_search()

    # -- commands ---------------------------------------------------------------------

    def _on_presentation(self, on: bool) -> None:
        self.presentation_action.setChecked(on)
        self.presentation_badge.setVisible(on)
        self.statusBar().showMessage(
            self.tr("Presentation mode on: internal notes and internal-only activities are "
                    "hidden.") if on else self.tr("Presentation mode off."), 4000)

    def load_demo_data(self) -> None:
        """Fill the database with the demo set in the background.

        Loading is one transaction (Cancel leaves nothing), not an undo step: it is a
        set-up action, and a database that already holds data is asked about first.
        """
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

    # -- state ------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        for page in self.tab_pages():
            page.restore_state(self.settings)

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        for page in self.tab_pages():
            page.save_state(self.settings)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sync.shutdown()
        cancel_and_wait_for_all()
        self.save_state()
        self.bridge.close()
        StoreCommand.report_error = None
        super().closeEvent(event)

