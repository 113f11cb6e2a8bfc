"""Telling the user something went wrong: what happened and what to do, never a traceback."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from channeldesk.store import StoreOpenError

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, what: str, error: BaseException,
               next_step: str = "") -> None:
    """Log the traceback and show a short message box."""
    log.error("%s", what, exc_info=(type(error), error, error.__traceback__))
    detail = str(error) or type(error).__name__
    advice = next_step or parent_advice()
    QMessageBox.warning(parent, "ChannelDesk", f"<b>{what}.</b><p>{detail}</p><p>{advice}</p>")


def parent_advice() -> str:
    return ("Nothing was changed. Try again; if it keeps happening, the log file (Help → About) "
            "has the details.")


def open_failure_text(error: StoreOpenError) -> tuple[str, str]:
    """Title and body for the dialog shown when a database cannot be opened."""
    title = "ChannelDesk cannot open this database"
    body = (f"<h3>{title}</h3><p><b>{error.path}</b></p><p>The reason: {error.detail}</p>"
            f"<p>{error.hint}</p>")
    return title, body
