"""Files in the Enablement tab: picked or dropped files are hashed and copied into the
blob store in a worker (progress after half a second, a Cancel that leaves nothing
stored), then recorded as one undo step; a version opens with the system's default
application from a checked copy."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from channeldesk.domain.progress import Cancelled, Progress
from channeldesk.paths import cache_dir
from channeldesk.services.asset_files import (
    FileProblem,
    StoredFile,
    copy_for_opening,
    store_file,
)
from channeldesk.services.enablement_operations import add_asset, add_assets, add_version
from channeldesk.store import Store
from channeldesk.store.asset_queries import VersionRow
from channeldesk.ui.enablement.dialogs import kind_for
from channeldesk.ui.enablement.edits import run_operation
from channeldesk.ui.shell.errors import show_error
from channeldesk.ui.shell.jobs import run_task


@dataclass(frozen=True)
class StoredBatch:
    """What a worker stored: the files, and the ones it could not take with why."""

    stored: tuple[tuple[Path, StoredFile], ...]
    problems: tuple[str, ...]


def store_files(store: Store, paths: Sequence[Path]) -> Callable[[Progress, threading.Event],
                                                                 StoredBatch]:
    """The worker's job: each file into the blob store; a file's problem does not stop
    the others, a cancel stops all (what was already stored stays, unreferenced)."""

    def work(progress: Progress, cancel: threading.Event) -> StoredBatch:
        stored, problems = [], []
        for number, path in enumerate(paths, 1):
            def each(done: int, total: int, message: str, number: int = number) -> None:
                prefix = f"File {number} of {len(paths)}: " if len(paths) > 1 else ""
                progress(done, total, prefix + message)
            try:
                stored.append((path, store_file(store.blobs, path, each, cancel)))
            except FileProblem as problem:
                problems.append(str(problem))
        return StoredBatch(tuple(stored), tuple(problems))
    return work


def version_values(stored: StoredFile | None, url: str, note: str,
                   released_on: date) -> dict[str, Any]:
    if stored is None:
        return {"url": url, "change_note": note, "released_on": released_on}
    return {"file_sha": stored.sha256, "file_name": stored.name, "file_size": stored.size,
            "extracted_text": stored.text, "change_note": note, "released_on": released_on}


class FileActions(QObject):
    """Adding assets and versions from files, and opening versions, for one tab."""

    sig_assets_added = Signal(list)
    """Ids of assets just added from files (the tab selects the first)."""
    sig_status = Signal(str)
    """A short message for the status bar (a cancelled copy)."""

    def __init__(self, store: Store, stack: QUndoStack, parent: QWidget) -> None:
        super().__init__(parent)
        self._store, self._stack, self._parent = store, stack, parent
        self.last_task = None

    # -- adding -------------------------------------------------------------------------

    def add_assets_from_files(self, paths: Sequence[Path]) -> None:
        """One new asset per file (title from the file name), one undo step for all."""
        def done(batch: StoredBatch) -> None:
            today = date.today()
            items = [({"title": path.stem.replace("_", " ").strip() or path.name,
                       "kind": kind_for(path), "language": "en", "published_on": today},
                      version_values(stored, "", "", today)) for path, stored in batch.stored]
            if items:
                command = run_operation(
                    self._parent, self._stack, self._store,
                    self.tr("Add %d asset(s) from files") % len(items),
                    lambda: add_assets(self._store, items), self.tr("Could not add the files"))
                if command is not None:
                    self.sig_assets_added.emit(list(command.value))
            self._report_problems(batch.problems)
        self._run(paths, done)

    def add_asset_with_source(self, values: dict[str, Any], source: Path | str,
                              note: str) -> None:
        """A new asset from the asset dialog, with its first file or link."""
        def record(stored: StoredFile | None) -> None:
            version = version_values(stored, source if isinstance(source, str) else "",
                                     note, values.get("published_on") or date.today())
            command = run_operation(self._parent, self._stack, self._store,
                                    self.tr("Add asset %s") % values["title"],
                                    lambda: add_asset(self._store, values, version),
                                    self.tr("Could not add the asset"))
            if command is not None:
                self.sig_assets_added.emit([command.value])
        self._with_source(source, record)

    def add_version(self, asset_id: str, title: str, source: Path | str, note: str) -> None:
        def record(stored: StoredFile | None) -> None:
            version = version_values(stored, source if isinstance(source, str) else "",
                                     note, date.today())
            run_operation(self._parent, self._stack, self._store,
                          self.tr("Add a version of %s") % title,
                          lambda: add_version(self._store, asset_id, version),
                          self.tr("Could not add the version"))
        self._with_source(source, record)

    def _with_source(self, source: Path | str, record: Callable[[StoredFile | None], None]
                     ) -> None:
        if not isinstance(source, Path):
            record(None)
            return

        def done(batch: StoredBatch) -> None:
            if batch.problems:
                self._report_problems(batch.problems)
            elif batch.stored:
                record(batch.stored[0][1])
        self._run([source], done)

    def _run(self, paths: Sequence[Path], done: Callable[[StoredBatch], None]) -> None:
        self.last_task = run_task(self._parent, self.tr("Adding files to the library"),
                                  store_files(self._store, list(paths)), done, self._failed)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self.sig_status.emit(str(error))
            return
        show_error(self._parent, self.tr("Could not add the file"), error)

    def _report_problems(self, problems: Sequence[str]) -> None:
        if problems:
            QMessageBox.warning(self._parent, self.tr("Some files were not added"),
                                "\n\n".join(problems))

    # -- opening ------------------------------------------------------------------------

    def open_version(self, version: VersionRow) -> None:
        """A link opens in the browser; a file from a checked copy in the default app."""
        if version.url:
            QDesktopServices.openUrl(QUrl(version.url))
            return
        folder = cache_dir() / "opened"

        def work(progress: Progress, cancel: threading.Event) -> Path:
            return copy_for_opening(self._store.blobs, version.file_sha, version.file_name,
                                    folder, progress, cancel)

        def opened(path: Path) -> None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
                QMessageBox.information(
                    self._parent, self.tr("No application for this file"),
                    self.tr("No application on this computer opens '%s'. A copy is at:\n%s")
                    % (version.file_name, path))

        def failed(error: BaseException) -> None:
            if not isinstance(error, Cancelled):
                show_error(self._parent, self.tr("Could not open %s") % version.file_name,
                           error, self.tr("The library was not changed."))
        self.last_task = run_task(self._parent, self.tr("Opening %s") % version.file_name,
                                  work, opened, failed)
