"""One partner's onboarding beside the list: where it stands, its checklist with the work
on each task (done, skipped, blocked, reopen, reassign, move a due date), the task's
notes and files, the partner's agreements, and the offer to apply a changed template."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.onboarding import (
    ChecklistStatus,
    StepCategory,
    TaskStatus,
    agreement_type_for,
    is_stalled,
    label,
)
from channeldesk.domain.onboarding_schedule import expected_completion
from channeldesk.services.onboarding_operations import preview_move, template_changes
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.lenient import INVALID_TEXT
from channeldesk.store.models import OnboardingPlan, OnboardingTask
from channeldesk.store.onboarding_queries import timings_of
from channeldesk.ui.onboarding.agreements_panel import AgreementsPanel
from channeldesk.ui.onboarding.checklist_model import ChecklistModel
from channeldesk.ui.onboarding.dialogs import (
    AgreementDialog,
    BlockDialog,
    MoveDueDialog,
    ReassignDialog,
)
from channeldesk.ui.onboarding.edits import (
    apply_template_command,
    move_command,
    status_command,
)
from channeldesk.ui.onboarding.task_panel import TaskPanel
from channeldesk.ui.shell.undo import UpdateCommand, perform_or_report
from channeldesk.ui.widgets.formats import format_date

ONBOARDING_TABLES = frozenset({"onboarding_plan", "onboarding_task", "onboarding_evidence",
                               "agreement", "onboarding_template", "partner"})


class OnboardingDetail(QWidget):
    """The selected checklist and everything done on it."""

    sig_status = Signal(str)
    """A short message for the status bar ("Acadia Cloud is now active")."""

    def __init__(self, store: Store, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("onboarding-detail")
        self._store, self._stack = store, stack
        self.plan_id: str | None = None
        self.today = date.today()
        self._show_internal = True
        self._build()
        self.show_plan(None)

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # names are data, not markup
        self.title.setObjectName("onboarding-title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.facts = QLabel()
        self.facts.setObjectName("onboarding-facts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.banner = QFrame()
        self.banner.setObjectName("onboarding-template-banner")
        self.banner.setStyleSheet("#onboarding-template-banner { background: #fff4d6; "
                                  "border: 1px solid #e0b84c; border-radius: 4px; } "
                                  "QLabel { color: #4a3a00; }")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        apply = QPushButton(self.tr("Apply changes…"))
        apply.setObjectName("onboarding-apply-template")
        apply.clicked.connect(self.apply_template)
        banner = QHBoxLayout(self.banner)
        banner.addWidget(self.banner_text, 1)
        banner.addWidget(apply)

        self.view = self._build_checklist_view()
        self._build_task_actions()

        self.task_panel = TaskPanel(self._store, self._stack, self)
        self.agreements = AgreementsPanel(self._store, self._stack, self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("onboarding-detail-tabs")
        self.tabs.addTab(self.task_panel, self.tr("Task"))
        self.tabs.addTab(self.agreements, self.tr("Agreements"))
        self.tabs.addTab(self._notes_page(), self.tr("Internal notes"))

        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.facts)
        column.addWidget(self.banner)
        column.addWidget(self.view, 1)
        column.addLayout(self._task_buttons())
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("onboarding-detail-split")
        split.addWidget(top)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(split)

    def _build_checklist_view(self) -> QTableView:
        """The tasks, a row each; Enter marks the selected one done."""
        self.checklist = ChecklistModel(self)
        view = QTableView()
        view.setObjectName("onboarding-checklist")
        view.setAccessibleName(self.tr("Checklist"))
        view.setModel(self.checklist)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        chars = view.fontMetrics().averageCharWidth()
        for column, width in ((0, 12), (2, 13), (3, 10), (4, 12), (5, 5)):
            view.setColumnWidth(column, chars * width + 12)
        view.selectionModel().currentRowChanged.connect(
            lambda current, _: self._on_task_changed())
        view.activated.connect(lambda _: self.mark(TaskStatus.DONE))
        return view

    def _notes_page(self) -> QWidget:
        """The checklist's internal notes: never in the pack, hidden while presenting."""
        page = QWidget()
        self.plan_notes = QPlainTextEdit()
        self.plan_notes.setObjectName("onboarding-plan-notes")
        self.plan_notes.setPlaceholderText(self.tr("Risks, politics, what to push on: only "
                                                   "you and your team see this"))
        save = QPushButton(self.tr("Save notes"))
        save.setObjectName("onboarding-plan-save-notes")
        save.clicked.connect(self.flush_plan_notes)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(save)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plan_notes, 1)
        layout.addLayout(row)
        return page

    def flush_plan_notes(self) -> None:
        plan = self.plan()
        if plan is None or not self._show_internal:
            return
        text = self.plan_notes.toPlainText().strip()
        if text != plan.internal_notes:
            perform_or_report(self, self._stack, self._store,
                              UpdateCommand(self._store, OnboardingPlan, plan.id,
                                            {"internal_notes": text},
                                            self.tr("Edit notes of %s's onboarding")
                                            % plan.partner.name),
                              self.tr("Could not save the notes"))

    def _build_task_actions(self) -> None:
        def action(text: str, name: str, slot, shortcut: str = "") -> QAction:
            act = QAction(text, self)
            act.setObjectName(name)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.view.addAction(act)
            return act

        self.done_action = action(self.tr("Mark &done"), "action-onboarding-done",
                                  lambda: self.mark(TaskStatus.DONE), "Ctrl+D")
        self.skip_action = action(self.tr("&Skip"), "action-onboarding-skip",
                                  lambda: self.mark(TaskStatus.SKIPPED))
        self.block_action = action(self.tr("&Blocked…"), "action-onboarding-block",
                                   lambda: self.mark(TaskStatus.BLOCKED), "Ctrl+B")
        self.reopen_action = action(self.tr("Re&open"), "action-onboarding-reopen",
                                    lambda: self.mark(TaskStatus.OPEN))
        self.reassign_action = action(self.tr("Re&assign…"), "action-onboarding-reassign",
                                      self.reassign)
        self.move_action = action(self.tr("&Move due date…"), "action-onboarding-move",
                                  self.move_due)
        self.attach_action = action(self.tr("Attach &file…"), "action-onboarding-attach",
                                    lambda: self.task_panel.attach_file())
        self.task_actions = [self.done_action, self.skip_action, self.block_action,
                             self.reopen_action, self.reassign_action, self.move_action,
                             self.attach_action]

    def _task_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self._buttons: dict[QAction, QPushButton] = {}
        for act in self.task_actions[:-1]:
            button = QPushButton(act.text())
            button.setObjectName(act.objectName().replace("action-", "button-"))
            button.clicked.connect(act.trigger)
            if act.shortcut().toString():
                button.setToolTip(act.shortcut().toString(
                    QKeySequence.SequenceFormat.NativeText))
            self._buttons[act] = button
            row.addWidget(button)
        row.addStretch(1)
        return row

    # -- showing ------------------------------------------------------------------------------

    def plan(self) -> OnboardingPlan | None:
        plan = self._store.get(OnboardingPlan, self.plan_id) if self.plan_id else None
        return plan if plan is not None and not plan.deleted else None

    def show_plan(self, plan_id: str | None, keep_task: str | None = None) -> None:
        if plan_id != self.plan_id:
            self.flush_plan_notes()
        self.plan_id = plan_id
        plan = self.plan()
        self.plan_notes.setPlainText(plan.internal_notes if plan else "")
        self.plan_notes.setEnabled(plan is not None)
        keep_task = keep_task or self.current_task_id()
        self.checklist.today = self.today
        self.checklist.show_plan(plan.id if plan else None)
        self.agreements.show_partner(plan.partner_id if plan else None)
        self._show_header(plan)
        row = self.checklist.row_of(keep_task) if keep_task else None
        if row is None and plan is not None:
            row = self._first_open_row()
        if row is not None:
            self.view.selectRow(row)
        self._on_task_changed()

    def _first_open_row(self) -> int | None:
        tasks = self.checklist.tasks()
        open_rows = [n for n, t in enumerate(tasks) if t.status in ("open", "blocked")]
        if not open_rows:
            return 0 if tasks else None
        return min(open_rows, key=lambda n: (tasks[n].due_on, n))

    def _show_header(self, plan: OnboardingPlan | None) -> None:
        self.banner.hide()
        if plan is None:
            self.title.setText(self.tr("No onboarding selected"))
            self.facts.setText(self.tr("Choose a partner on the left, or start an onboarding "
                                       "from the Partners tab."))
            return
        self.title.setText(plan.partner.name)
        tasks = self.checklist.tasks()
        finished = sum(1 for t in tasks if t.status in ("done", "skipped"))
        overdue = self.checklist.overdue_count()
        started = format_date(plan.started_on) if plan.started_on else INVALID_TEXT
        facts = [f"{escape(plan.template.name)} · {self.tr('started')} {started}",
                 self.tr("%s of %s tasks finished") % (finished, len(tasks))]
        if plan.started_on is not None:  # unreadable (store.lenient): no day counts from it
            facts += self._progress_facts(plan, tasks)
        if overdue:
            facts.append(f"<span style='color:#c62828'><b>"
                         f"{self.tr('%s overdue') % overdue}</b></span>")
        if plan.owner:
            facts.append(self.tr("owner %s") % escape(plan.owner))
        self.facts.setText(" · ".join(facts))
        if plan.status == ChecklistStatus.ACTIVE and plan.template.revision > \
                plan.template_revision:
            changes = template_changes(plan.id)
            self.banner_text.setText(self.tr(
                "The template “%s” changed since this checklist started (%s). Finished tasks "
                "stay as they are.") % (plan.template.name, changes.text()))
            self.banner.show()


    def _progress_facts(self, plan: OnboardingPlan, tasks) -> list[str]:
        """Completion, or the day count, expectation and stall of a running checklist:
        all counted from its start date."""
        if plan.status == ChecklistStatus.COMPLETED and plan.completed_on:
            days = (plan.completed_on - plan.started_on).days
            return [f"<span style='color:#2e7d32'><b>{self.tr('Active since')} "
                    f"{format_date(plan.completed_on)}</b> · "
                    f"{self.tr('onboarded in %s days') % days}</span>"]
        if plan.status == ChecklistStatus.CANCELLED:
            return [label(plan.status)]
        facts = [self.tr("day %s") % (self.today - plan.started_on).days]
        expected = expected_completion(timings_of(tasks))
        if expected:
            facts.append(self.tr("expected done %s") % format_date(expected))
        last = max([t.done_on for t in tasks if t.done_on] or [plan.started_on])
        if is_stalled(last, self.today):
            facts.append(f"<span style='color:#b26a00'>{self.tr('stalled')}: "
                         f"{self.tr('nothing finished since %s') % format_date(last)}"
                         "</span>")
        return facts
    def current_task_id(self) -> str | None:
        index = self.view.currentIndex()
        task = self.checklist.task(index.row()) if index.isValid() else None
        return task.id if task else None

    def current_task(self) -> OnboardingTask | None:
        task_id = self.current_task_id()
        task = self._store.get(OnboardingTask, task_id) if task_id else None
        return task if task is not None and not task.deleted else None

    def _on_task_changed(self) -> None:
        task = self.current_task()
        self.task_panel.show_task(task.id if task else None)
        active = self.plan() is not None
        finished = task is not None and task.status in ("done", "skipped")
        enabled = {self.done_action: task is not None and task.status != TaskStatus.DONE,
                   self.skip_action: task is not None and not task.required and not finished,
                   self.block_action: task is not None and not finished,
                   self.reopen_action: task is not None and task.status != TaskStatus.OPEN,
                   self.reassign_action: task is not None,
                   self.move_action: task is not None and not finished,
                   self.attach_action: task is not None}
        for act, on in enabled.items():
            act.setEnabled(active and on)
            if act in self._buttons:
                self._buttons[act].setEnabled(active and on)
        if task is not None and task.required:
            self._buttons[self.skip_action].setToolTip(
                self.tr("Required tasks cannot be skipped"))

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if notice.tables & ONBOARDING_TABLES and self.plan_id:
            self.show_plan(self.plan_id)

    def set_show_internal(self, show: bool) -> None:
        self.flush_plan_notes()
        self._show_internal = show
        self.tabs.setTabVisible(2, show)
        self.task_panel.set_show_internal(show)
        self.agreements.show_internal = show

    # -- working the checklist ----------------------------------------------------------------

    def mark(self, status: str) -> bool:
        """Done, skipped, blocked (asks the reason) or reopened: one undo step. Finishing
        an agreement step records the agreement (asked for, pre-filled)."""
        task, plan = self.current_task(), self.plan()
        if task is None or plan is None or task.status == status:
            return False
        reason, agreement = "", None
        if status == TaskStatus.BLOCKED:
            dialog = BlockDialog(task.title, task.blocked_reason, self)
            if not dialog.exec():
                return False
            reason = dialog.text()
        if status == TaskStatus.DONE and task.category == StepCategory.AGREEMENT:
            dialog = AgreementDialog(self, {
                "agreement_type": agreement_type_for(task.title, plan.partner.partner_type),
                "status": "signed", "signed_on": self.today}, show_internal=False,
                title=self.tr("Record the agreement of “%s”") % task.title)
            if not dialog.exec():
                return False
            agreement = dialog.values()
        command = status_command(self._store, task.id, task.title, status, self.today,
                                 reason, agreement)
        if not perform_or_report(self, self._stack, self._store, command,
                                 self.tr("Could not change the task")):
            return False
        outcome = command.value
        if outcome is not None and outcome.activated:
            self.sig_status.emit(self.tr("Every required task is done: %s is now an active "
                                         "partner.") % outcome.activated)
        elif outcome is not None and outcome.moved:
            self.sig_status.emit(self.tr("%s later task(s) now count from today.")
                                 % len(outcome.moved))
        self.show_plan(plan.id, keep_task=task.id)
        return True

    def move_due(self) -> bool:
        task = self.current_task()
        if task is None:
            return False
        dialog = MoveDueDialog(task.title, task.due_on,
                               lambda day: preview_move(task.id, day), self)
        if not dialog.exec():
            return False
        return perform_or_report(self, self._stack, self._store,
                                 move_command(self._store, task.id, task.title,
                                              dialog.new_date()),
                                 self.tr("Could not move the due date"))

    def reassign(self) -> bool:
        task = self.current_task()
        if task is None:
            return False
        dialog = ReassignDialog(task.title, task.owner_side, task.assignee, self)
        if not dialog.exec():
            return False
        return perform_or_report(self, self._stack, self._store,
                                 UpdateCommand(self._store, OnboardingTask, task.id,
                                               dialog.values(),
                                               self.tr("Reassign “%s”") % task.title),
                                 self.tr("Could not reassign the task"))

    def apply_template(self) -> bool:
        plan = self.plan()
        if plan is None:
            return False
        changes = template_changes(plan.id)
        answer = QMessageBox.question(
            self, self.tr("Apply template changes"),
            self.tr("Bring %s's checklist up to the template “%s”?\n\n%s. New tasks are due "
                    "from today at the earliest; finished tasks are not touched. Undo "
                    "(Ctrl+Z) takes it back.") % (plan.partner.name, plan.template.name,
                                                  changes.text().capitalize()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return perform_or_report(self, self._stack, self._store,
                                 apply_template_command(self._store, plan.id,
                                                        plan.partner.name, self.today),
                                 self.tr("Could not apply the template"))
