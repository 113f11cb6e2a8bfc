"""Start-up of the desktop application: open the database, build the window, run Qt.

``create_main_window`` is public for tests and embedding. ``run_gui`` adds what a person
starting the app needs: a clear dialog (never a traceback) when the database cannot be
opened, with a way to pick another file, and the offer of demo data on first run.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from channeldesk import __version__
from channeldesk.display import is_headless
from channeldesk.logs import setup_logging
from channeldesk.paths import resource
from channeldesk.store import Store, StoreOpenError, open_store
from channeldesk.ui.shell.errors import open_failure_text
from channeldesk.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

ORGANIZATION = "ChannelDesk"
APPLICATION = "ChannelDesk"
ICON = "icons/channeldesk.svg"
QUIT_AFTER_SHOWN_ENV = "CHANNELDESK_QUIT_AFTER_SHOWN"


def application() -> QApplication:
    """The process's QApplication, created once with the names QSettings uses."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    icon = resource(ICON)
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    _add_fallback_fonts()
    return app


# The fonts the PDFs use for scripts DejaVu lacks; on a machine without Thai or CJK fonts
# (a minimal Linux, the bundle) Qt falls back to them instead of drawing empty boxes.
FALLBACK_FONTS = ("fonts/NotoSansThai-Regular.ttf", "fonts/NotoSansThai-Bold.ttf",
                  "fonts/DroidSansFallback.ttf")
_fonts_added = False


def _add_fallback_fonts() -> None:
    """Register the shipped fallback fonts with Qt, once per process."""
    global _fonts_added
    if _fonts_added:
        return
    _fonts_added = True
    for name in FALLBACK_FONTS:
        path = resource(name)
        if path.is_file() and QFontDatabase.addApplicationFont(str(path)) < 0:
            log.warning("Qt could not load the shipped font %s", path)


def create_main_window(db_path: Path | str, settings: QSettings | None = None,
                       log_path: Path | None = None) -> MainWindow:
    """Open (or create) the database at ``db_path`` and build the main window over it.

    Raises StoreOpenError, with the file untouched, when the database cannot be opened.
    """
    application()
    store = open_store(Path(db_path))
    return build_window(store, settings, log_path)


def build_window(store: Store, settings: QSettings | None = None,
                 log_path: Path | None = None) -> MainWindow:
    window = MainWindow(store, settings or QSettings(), log_path)
    window.destroyed.connect(store.close)
    return window


def _ask_for_another_file(error: StoreOpenError) -> Path | None:
    """Explain why the file was refused; let the user choose another or quit."""
    title, body = open_failure_text(error)
    box = QMessageBox(QMessageBox.Icon.Critical, title, body)
    box.setObjectName("open-failure-dialog")
    open_other = box.addButton("Open another file…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not open_other:
        return None
    chosen, _ = QFileDialog.getSaveFileName(
        None, "Open or create a ChannelDesk database", str(error.path.parent),
        "ChannelDesk database (*.sqlite3);;All files (*)",
        options=QFileDialog.Option.DontConfirmOverwrite)
    return Path(chosen) if chosen else None


def open_with_dialogs(db_path: Path, ask: bool = True) -> Store | None:
    """Open the database, offering another file each time one is refused.

    With ``ask`` False (offscreen, where nobody could answer a dialog) the refusal is
    printed instead."""
    path: Path | None = db_path
    while path is not None:
        try:
            return open_store(path)
        except StoreOpenError as error:
            log.warning("refused %s: %s", error.path, error.detail)
            if not ask:
                print(error.one_line(), file=sys.stderr)
                return None
            path = _ask_for_another_file(error)
    return None


def offer_demo_data(window: MainWindow, parent: QWidget | None = None) -> None:
    answer = QMessageBox.question(
        parent or window, "Welcome to ChannelDesk",
        f"<p>Your new database is ready at<br><b>{window.store.path}</b></p>"
        "<p>Would you like to load a demo data set (about 50 partners with contacts and "
        "activities) to look around? You can also start with an empty database.</p>",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes)
    if answer == QMessageBox.StandardButton.Yes:
        window.load_demo_data()


def run_gui(db_path: Path, is_default: bool = False) -> int:
    """Run the desktop application until its window closes; returns the exit code."""
    log_path = setup_logging()
    app = application()
    if is_default:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    first_run = not db_path.exists() or db_path.stat().st_size == 0
    store = open_with_dialogs(db_path, ask=not is_headless(os.environ))
    if store is None:
        return 3
    window = build_window(store, log_path=log_path)
    window.show()
    if os.environ.get(QUIT_AFTER_SHOWN_ENV):
        # Start-up measurements (bench/bundle.py) and smoke tests: close as a person would,
        # once the event loop has shown and painted the window.
        QTimer.singleShot(0, window.close)
    # Imported after the first paint: the demo generator is not needed to start.
    from channeldesk.services.demo_data import is_empty

    if first_run and is_empty(store):
        if is_headless(os.environ):
            # A modal welcome box offscreen would wait for a click that never comes.
            print(f"New empty database {store.path}; no welcome dialog offscreen. Load the "
                  f"demo data with: channeldesk demo --db '{store.path}'", file=sys.stderr)
        else:
            offer_demo_data(window)
    return app.exec()
