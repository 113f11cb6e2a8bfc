"""The selected task: what it is, why it is blocked, its internal notes (hidden in
presentation mode) and its evidence files."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.onboarding import label
from channeldesk.services.operations import OperationRefused
from channeldesk.store import Store
from channeldesk.store.models import Course, OnboardingTask
from channeldesk.store.onboarding_queries import evidence_of
from channeldesk.ui.onboarding.edits import evidence_command
from channeldesk.ui.onboarding.files import open_stored_file
from channeldesk.ui.shell.undo import UpdateCommand, perform, perform_or_report
from channeldesk.ui.widgets.formats import format_date


class TaskPanel(QWidget):
    """One task's details, notes and files; edits are undo steps."""

    sig_changed = Signal()
    """Something of the task was written (notes, a file)."""

    def __init__(self, store: Store, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._stack = store, stack
        self.task_id: str | None = None
        self._show_internal = True
        self.info = QLabel()
        self.info.setObjectName("onboarding-task-info")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.notes_label = QLabel(self.tr("Internal notes (never shown to the partner)"))
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("onboarding-task-notes")
        self.notes.setPlaceholderText(self.tr("Notes for you and your team"))
        self.notes.setMaximumHeight(80)
        self.notes.setTabChangesFocus(True)
        self.save_notes = QPushButton(self.tr("Save notes"))
        self.save_notes.setObjectName("onboarding-task-save-notes")
        self.save_notes.clicked.connect(self.flush_notes)
        self.files = QListWidget()
        self.files.setObjectName("onboarding-evidence")
        self.files.setMaximumHeight(90)
        self.files.itemActivated.connect(lambda _: self.open_file())
        self.attach = QPushButton(self.tr("Attach &file…"))
        self.attach.setObjectName("onboarding-attach")
        self.attach.clicked.connect(lambda: self.attach_file())
        self.open = QPushButton(self.tr("Open"))
        self.open.setObjectName("onboarding-open-evidence")
        self.open.clicked.connect(self.open_file)
        self.error = QLabel()
        self.error.setObjectName("onboarding-evidence-error")
        self.error.setStyleSheet("color: #d32f2f;")
        self.error.setWordWrap(True)
        self.error.hide()
        notes_row = QHBoxLayout()
        notes_row.addWidget(self.notes, 1)
        notes_row.addWidget(self.save_notes, 0, Qt.AlignmentFlag.AlignTop)
        files_row = QHBoxLayout()
        files_row.addWidget(QLabel(self.tr("Evidence")))
        files_row.addStretch(1)
        files_row.addWidget(self.attach)
        files_row.addWidget(self.open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.info)
        layout.addWidget(self.notes_label)
        layout.addLayout(notes_row)
        layout.addLayout(files_row)
        layout.addWidget(self.files)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.show_task(None)

    def task(self) -> OnboardingTask | None:
        task = self._store.get(OnboardingTask, self.task_id) if self.task_id else None
        return task if task is not None and not task.deleted else None

    def show_task(self, task_id: str | None) -> None:
        if task_id != self.task_id:
            self.flush_notes()
        self.task_id = task_id
        task = self.task()
        for widget in (self.notes, self.save_notes, self.attach, self.files):
            widget.setEnabled(task is not None)
        self.error.hide()
        if task is None:
            self.info.setText(self.tr("<i>Select a task to see its details.</i>"))
            self.notes.setPlainText("")
            self.files.clear()
            self.open.setEnabled(False)
            return
        self.info.setText(self._info_html(task))
        self.notes.blockSignals(True)
        self.notes.setPlainText(task.notes)
        self.notes.blockSignals(False)
        self._fill_files()

    def _info_html(self, task: OnboardingTask) -> str:
        parts = [f"<b>{escape(task.title)}</b> — {label(task.category)}, "
                 f"{label(task.owner_side).lower()} side"
                 + (f", {escape(task.assignee)}" if task.assignee else "")
                 + ("" if task.required else self.tr(" (optional)"))]
        status = label(task.status)
        if task.done_on:
            status += " " + format_date(task.done_on)
        else:
            status += " · " + self.tr("due %s") % format_date(task.due_on)
        parts.append(status)
        if task.blocked_reason:
            parts.append(f"<span style='color:#b26a00'>{self.tr('Blocked')}: "
                         f"{escape(task.blocked_reason)}</span>")
        if task.course_id:
            course = self._store.get(Course, task.course_id)
            if course is not None:
                parts.append(self.tr("Course: %s") % escape(course.title))
        if task.description:
            parts.append(f"<span style='color:palette(mid)'>{escape(task.description)}</span>")
        return "<br>".join(parts)

    def _fill_files(self) -> None:
        self.files.clear()
        for evidence in evidence_of(self.task_id) if self.task_id else []:
            item = QListWidgetItem(f"{evidence.file_name}  ·  {format_date(evidence.added_on)}")
            item.setData(Qt.ItemDataRole.UserRole, (evidence.file, evidence.file_name))
            self.files.addItem(item)
        if self.files.count():
            self.files.setCurrentRow(0)
        self.open.setEnabled(self.files.count() > 0)

    def set_show_internal(self, show: bool) -> None:
        self.flush_notes()
        self._show_internal = show
        for widget in (self.notes_label, self.notes, self.save_notes):
            widget.setVisible(show)

    def flush_notes(self) -> None:
        """Write typed notes as one undo step (on Save, leaving the task, presentation)."""
        task = self.task()
        if task is None or not self._show_internal:
            return
        text = self.notes.toPlainText().strip()
        if text == task.notes:
            return
        perform_or_report(self, self._stack, self._store,
                          UpdateCommand(self._store, OnboardingTask, task.id, {"notes": text},
                                        self.tr("Edit notes of “%s”") % task.title),
                          self.tr("Could not save the notes"))

    def attach_file(self, path: str | None = None) -> bool:
        """Attach evidence; a missing or unreadable file is said under the list."""
        task = self.task()
        if task is None:
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach evidence"))
            if not path:
                return False
        try:
            perform(self._stack, self._store,
                    evidence_command(self._store, task.id, task.title, Path(path),
                                     date.today()))
        except OperationRefused as refusal:
            self.error.setText(str(refusal))
            self.error.show()
            return False
        self.error.hide()
        self._fill_files()
        self.sig_changed.emit()
        return True

    def open_file(self) -> None:
        item = self.files.currentItem()
        if item is not None:
            sha256, name = item.data(Qt.ItemDataRole.UserRole)
            open_stored_file(self, self._store, sha256, name)
