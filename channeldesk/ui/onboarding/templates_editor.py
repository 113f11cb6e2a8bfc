"""Settings > Onboarding templates: the team's templates, each an ordered list of steps.

The template being edited is held as drafts until Save, which writes it as one undo step
(running checklists are not changed: the Onboarding tab offers to apply it). Every
problem — a name missing, no steps, a negative offset, steps waiting for each other in a
circle — is said next to the field or the step, and nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import count

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.onboarding import OwnerSide, StepCategory, label
from channeldesk.domain.onboarding_schedule import StepDraft, draft_problems
from channeldesk.domain.partner import PartnerTier, PartnerType
from channeldesk.domain.partner import label as partner_label
from channeldesk.services.operations import OperationRefused
from channeldesk.store import Store
from channeldesk.store.models import Course, OnboardingTemplate
from channeldesk.store.onboarding_queries import steps_of, templates
from channeldesk.ui.onboarding.dialogs import error_label, show_problem
from channeldesk.ui.onboarding.edits import (
    delete_template_command,
    save_template_command,
    shipped_templates_command,
)
from channeldesk.ui.shell.undo import perform, perform_or_report
from channeldesk.ui.widgets.confirm import confirm_delete

BAD_ROW = QColor(198, 40, 40, 40)
_new_keys = count(1)


def drafts_for(template_id: str) -> list[StepDraft]:
    return [StepDraft(s.id, s.title, s.category, s.owner_side, s.offset_days,
                      s.after_step_id, s.required, s.description, s.course_id)
            for s in steps_of(template_id)]


class StepForm(QGroupBox):
    """The selected step's fields; each change goes straight into its draft."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Step"))
        self.title = QLineEdit()
        self.title.setObjectName("step-title")
        self.category = QComboBox()
        self.category.setObjectName("step-category")
        for member in StepCategory:
            self.category.addItem(label(member.value), member.value)
        self.side = QComboBox()
        self.side.setObjectName("step-owner_side")
        for member in OwnerSide:
            self.side.addItem(label(member.value), member.value)
        self.offset = QSpinBox()
        self.offset.setObjectName("step-offset_days")
        self.offset.setRange(-9999, 9999)
        self.offset.setSuffix(self.tr(" days"))
        self.after = QComboBox()
        self.after.setObjectName("step-after")
        self.required = QCheckBox(self.tr("Required for the partner to become active"))
        self.required.setObjectName("step-required")
        self.course = QComboBox()
        self.course.setObjectName("step-course")
        self.description = QPlainTextEdit()
        self.description.setObjectName("step-description")
        self.description.setMaximumHeight(60)
        self.description.setTabChangesFocus(True)
        self.error = error_label("step-error")
        due = QHBoxLayout()
        due.addWidget(self.offset)
        due.addWidget(QLabel(self.tr("after")))
        due.addWidget(self.after, 1)
        form = QFormLayout(self)
        form.addRow(self.tr("T&itle"), self.title)
        form.addRow(self.tr("&Category"), self.category)
        form.addRow(self.tr("O&wner side"), self.side)
        form.addRow(self.tr("Due"), due)
        form.addRow("", self.error)
        form.addRow("", self.required)
        form.addRow(self.tr("C&ourse"), self.course)
        form.addRow(self.tr("Descri&ption"), self.description)

    def fill_courses(self) -> None:
        self.course.clear()
        self.course.addItem(self.tr("No course"), None)
        for course in Course.live().order_by(Course.title):
            self.course.addItem(course.title, course.id)

    def show_step(self, draft: StepDraft | None, others: list[StepDraft]) -> None:
        self.setEnabled(draft is not None)
        widgets = (self.title, self.category, self.side, self.offset, self.after,
                   self.required, self.course, self.description)
        for widget in widgets:
            widget.blockSignals(True)
        self.after.clear()
        self.after.addItem(self.tr("the start of onboarding"), None)
        for n, other in enumerate(others):
            self.after.addItem(self.tr("step %s: %s") % (n + 1, other.title or "…"), other.key)
        if draft is not None:
            self.title.setText(draft.title)
            self.category.setCurrentIndex(max(0, self.category.findData(draft.category)))
            self.side.setCurrentIndex(max(0, self.side.findData(draft.owner_side)))
            self.offset.setValue(draft.offset_days)
            self.after.setCurrentIndex(max(0, self.after.findData(draft.after)))
            self.required.setChecked(draft.required)
            self.course.setCurrentIndex(max(0, self.course.findData(draft.course_id)))
            self.description.setPlainText(draft.description)
        for widget in widgets:
            widget.blockSignals(False)

    def read(self, draft: StepDraft) -> StepDraft:
        return replace(draft, title=self.title.text(), category=self.category.currentData(),
                       owner_side=self.side.currentData(), offset_days=self.offset.value(),
                       after=self.after.currentData(), required=self.required.isChecked(),
                       course_id=self.course.currentData(),
                       description=self.description.toPlainText())


class TemplatesEditor(QDialog):
    """List of templates beside the selected one's fields and steps."""

    def __init__(self, store: Store, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("onboarding-templates-editor")
        self.setWindowTitle(self.tr("Onboarding templates"))
        self.resize(1040, 680)
        self._store, self._stack = store, stack
        self.template_id: str | None = None
        self.drafts: list[StepDraft] = []
        self.dirty = False
        self._build()
        self.reload(select=None)

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.save_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                             | QDialogButtonBox.StandardButton.Discard
                                             | QDialogButtonBox.StandardButton.Close)
        revert = self.save_buttons.button(QDialogButtonBox.StandardButton.Discard)
        revert.setText(self.tr("Revert"))
        revert.clicked.connect(lambda: self._show_template(self.template_id))
        self.save_buttons.button(QDialogButtonBox.StandardButton.Save).clicked.connect(
            self.save)
        self.save_buttons.rejected.connect(self.reject)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_list())
        splitter.addWidget(self._build_template())
        splitter.setSizes([260, 780])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.save_buttons)

    def _build_list(self) -> QWidget:
        """The templates, New, Delete (its refusal said below the list), shipped ones."""
        self.list = QListWidget()
        self.list.setObjectName("templates-list")
        self.list.currentRowChanged.connect(self._on_template_chosen)
        self.list_error = error_label("templates-list-error")
        new, delete = QPushButton(self.tr("&New template")), QPushButton(self.tr("&Delete"))
        new.setObjectName("templates-new")
        delete.setObjectName("templates-delete")
        new.clicked.connect(self.new_template)
        delete.clicked.connect(self.delete_template)
        self.shipped = QPushButton(self.tr("Add shipped templates"))
        self.shipped.setObjectName("templates-shipped")
        self.shipped.clicked.connect(self.add_shipped)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(self.list, 1)
        column.addWidget(self.list_error)
        row = QHBoxLayout()
        row.addWidget(new)
        row.addWidget(delete)
        column.addLayout(row)
        column.addWidget(self.shipped)
        return left

    def _build_template(self) -> QWidget:
        """The template's own fields, its steps and the selected step's form."""
        self.name = QLineEdit()
        self.name.setObjectName("template-name")
        self.name_error = error_label("template-name-error")
        self.partner_type = self._any_combo("template-partner_type", self.tr("Any type"),
                                            PartnerType)
        self.tier = self._any_combo("template-tier", self.tr("Any tier"), PartnerTier)
        self.description = QLineEdit()
        self.description.setObjectName("template-description")
        head = QFormLayout()
        head.addRow(self.tr("&Name"), self.name)
        head.addRow("", self.name_error)
        kinds = QHBoxLayout()
        kinds.addWidget(self.partner_type, 1)
        kinds.addWidget(self.tier, 1)
        head.addRow(self.tr("For"), kinds)
        head.addRow(self.tr("Descript&ion"), self.description)
        for edit in (self.name.textEdited, self.description.textEdited,
                     self.partner_type.activated, self.tier.activated):
            edit.connect(lambda *_: self._mark_dirty())
        self.form = StepForm()
        for signal in (self.form.title.textEdited, self.form.category.activated,
                       self.form.side.activated, self.form.offset.valueChanged,
                       self.form.after.activated, self.form.required.toggled,
                       self.form.course.activated, self.form.description.textChanged):
            signal.connect(lambda *_: self._step_edited())
        right = QWidget()
        body = QVBoxLayout(right)
        body.addLayout(head)
        body.addWidget(QLabel(self.tr("Steps, in order:")))
        body.addWidget(self._build_steps(), 2)
        body.addWidget(self.steps_error)
        body.addLayout(self._step_buttons())
        body.addWidget(self.form, 1)
        return right

    def _build_steps(self) -> QTableWidget:
        self.steps = QTableWidget(0, 5)
        self.steps.setObjectName("template-steps")
        self.steps.setHorizontalHeaderLabels([self.tr("Step"), self.tr("Category"),
                                              self.tr("Owner"), self.tr("Due"),
                                              self.tr("Required")])
        self.steps.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.verticalHeader().setVisible(True)
        self.steps.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.steps.setWordWrap(False)
        chars = self.steps.fontMetrics().averageCharWidth()
        for column, width in ((1, 24), (2, 9), (3, 20), (4, 9)):
            self.steps.setColumnWidth(column, chars * width + 12)
        self.steps.currentCellChanged.connect(lambda *_: self._show_current_step())
        self.steps_error = error_label("template-steps-error")
        return self.steps

    def _step_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        for text, name, slot in ((self.tr("&Add step"), "step-add", self.add_step),
                                 (self.tr("&Remove step"), "step-remove", self.remove_step),
                                 (self.tr("Move &up"), "step-up", lambda: self.move_step(-1)),
                                 (self.tr("Move dow&n"), "step-down",
                                  lambda: self.move_step(1))):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        return buttons

    def _any_combo(self, name: str, everything: str, enum) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.addItem(everything, "")
        for member in enum:
            box.addItem(partner_label(member.value), member.value)
        return box

    # -- templates ----------------------------------------------------------------------------

    def reload(self, select: str | None) -> None:
        self.form.fill_courses()
        found = templates()
        self.list.blockSignals(True)
        self.list.clear()
        for template in found:
            item = QListWidgetItem(template.name)
            item.setData(Qt.ItemDataRole.UserRole, template.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.shipped.setVisible(not found)
        ids = [t.id for t in found]
        wanted = select if select in ids else (ids[0] if ids else None)
        if wanted is not None:
            self.list.setCurrentRow(ids.index(wanted))
        self._show_template(wanted)

    def _on_template_chosen(self, row: int) -> None:
        item = self.list.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) if item else None
        if wanted == self.template_id:
            return
        if not self._leave_current():
            self._select_in_list(self.template_id)
            return
        self._show_template(wanted)

    def _select_in_list(self, template_id: str | None) -> None:
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == template_id:
                self.list.setCurrentRow(row)
        self.list.blockSignals(False)

    def _leave_current(self) -> bool:
        """Unsaved changes: save, discard or stay."""
        if not self.dirty:
            return True
        answer = QMessageBox.question(
            self, self.tr("Unsaved changes"),
            self.tr("Save the changes to “%s” first?") % (self.name.text() or
                                                         self.tr("the new template")),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _show_template(self, template_id: str | None) -> None:
        template = self._store.get(OnboardingTemplate, template_id) if template_id else None
        self.template_id = template.id if template is not None else None
        self.name.setText(template.name if template else "")
        self.description.setText(template.description if template else "")
        for box, value in ((self.partner_type, template.partner_type if template else ""),
                           (self.tier, template.tier if template else "")):
            box.setCurrentIndex(max(0, box.findData(value)))
        self.drafts = drafts_for(template.id) if template else []
        self.dirty = False
        for widget, error in ((self.name, self.name_error), (None, self.steps_error),
                              (None, self.list_error)):
            show_problem(error, widget, None)
        self._fill_steps(select=0)

    def new_template(self) -> None:
        if not self._leave_current():
            return
        self.list.clearSelection()
        self._show_template(None)
        self.drafts = [StepDraft(f"new-{next(_new_keys)}", self.tr("Agreement signed"),
                                 StepCategory.AGREEMENT.value, OwnerSide.PARTNER.value, 0)]
        self.dirty = True
        self._fill_steps(select=0)
        self.name.setFocus()

    def delete_template(self) -> None:
        if self.template_id is None or not confirm_delete(self, self.tr("template"),
                                                          self.name.text()):
            return
        try:
            # A refusal (a template in use) is said next to the list, not in a box.
            perform(self._stack, self._store,
                    delete_template_command(self._store, self.template_id, self.name.text()))
        except OperationRefused as refusal:
            show_problem(self.list_error, None, str(refusal))
            return
        self.reload(select=None)

    def add_shipped(self) -> None:
        if perform_or_report(self, self._stack, self._store,
                             shipped_templates_command(self._store),
                             self.tr("Could not add the templates")):
            self.reload(select=None)

    # -- steps ----------------------------------------------------------------------------------

    def _fill_steps(self, select: int | None) -> None:
        problems = draft_problems(self.name.text() or "x", self.drafts)
        self.steps.blockSignals(True)
        self.steps.setRowCount(len(self.drafts))
        for row, draft in enumerate(self.drafts):
            after = next((n for n, d in enumerate(self.drafts) if d.key == draft.after), None)
            due = (self.tr("%s d after start") % draft.offset_days if after is None else
                   self.tr("%s d after step %s") % (draft.offset_days, after + 1))
            cells = (draft.title, label(draft.category), label(draft.owner_side), due,
                     self.tr("Yes") if draft.required else self.tr("No"))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if draft.key in problems:
                    item.setBackground(BAD_ROW)
                    item.setToolTip(problems[draft.key])
                self.steps.setItem(row, column, item)
        self.steps.blockSignals(False)
        if select is not None and self.drafts:
            self.steps.setCurrentCell(min(select, len(self.drafts) - 1), 0)
        self._show_current_step()

    def current_step(self) -> int | None:
        row = self.steps.currentRow()
        return row if 0 <= row < len(self.drafts) else None

    def _show_current_step(self) -> None:
        row = self.current_step()
        draft = self.drafts[row] if row is not None else None
        others = [d for d in self.drafts if draft is None or d.key != draft.key]
        self.form.show_step(draft, others)
        problems = draft_problems(self.name.text() or "x", self.drafts)
        show_problem(self.form.error, self.form.offset,
                     problems.get(draft.key) if draft else None)

    def _step_edited(self) -> None:
        row = self.current_step()
        if row is None:
            return
        self.drafts[row] = self.form.read(self.drafts[row])
        self._mark_dirty()
        self._refresh_row_marks(row)

    def _refresh_row_marks(self, row: int) -> None:
        """Re-draw the list and the selected step's message without rebuilding the form."""
        problems = draft_problems(self.name.text() or "x", self.drafts)
        for n, draft in enumerate(self.drafts):
            for column in range(self.steps.columnCount()):
                item = self.steps.item(n, column)
                if item is None:
                    continue
                item.setBackground(BAD_ROW if draft.key in problems else QColor(0, 0, 0, 0))
                item.setToolTip(problems.get(draft.key, ""))
        current = self.drafts[row]
        self.steps.item(row, 0).setText(current.title)
        self.steps.item(row, 1).setText(label(current.category))
        self.steps.item(row, 2).setText(label(current.owner_side))
        after = next((n for n, d in enumerate(self.drafts) if d.key == current.after), None)
        self.steps.item(row, 3).setText(
            self.tr("%s d after start") % current.offset_days if after is None else
            self.tr("%s d after step %s") % (current.offset_days, after + 1))
        self.steps.item(row, 4).setText(self.tr("Yes") if current.required else self.tr("No"))
        show_problem(self.form.error, self.form.offset, problems.get(current.key))

    def _mark_dirty(self) -> None:
        self.dirty = True

    def add_step(self) -> None:
        row = self.current_step()
        previous = self.drafts[row].key if row is not None else None
        draft = StepDraft(f"new-{next(_new_keys)}", self.tr("New step"),
                          StepCategory.TRAINING.value, OwnerSide.PARTNER.value, 7, previous)
        at = len(self.drafts) if row is None else row + 1
        self.drafts.insert(at, draft)
        self._mark_dirty()
        self._fill_steps(select=at)
        self.form.title.setFocus()
        self.form.title.selectAll()

    def remove_step(self) -> None:
        row = self.current_step()
        if row is None:
            return
        removed = self.drafts.pop(row)
        # Steps that waited for it now wait for what it waited for.
        self.drafts = [replace(d, after=removed.after) if d.after == removed.key else d
                       for d in self.drafts]
        self._mark_dirty()
        self._fill_steps(select=max(0, row - 1))

    def move_step(self, by: int) -> None:
        row = self.current_step()
        if row is None or not 0 <= row + by < len(self.drafts):
            return
        self.drafts[row], self.drafts[row + by] = self.drafts[row + by], self.drafts[row]
        self._mark_dirty()
        self._fill_steps(select=row + by)

    # -- saving ---------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        return {"name": self.name.text().strip(),
                "partner_type": self.partner_type.currentData(),
                "tier": self.tier.currentData(), "description": self.description.text().strip()}

    def save(self) -> bool:
        """Check, then write the template and its steps as one undo step."""
        problems = draft_problems(self.name.text(), self.drafts)
        show_problem(self.name_error, self.name, problems.get("name"))
        show_problem(self.steps_error, None, problems.get("steps") or (
            self.tr("Some steps need attention (marked red): %s")
            % next(v for k, v in problems.items() if k not in ("name", "steps"))
            if set(problems) - {"name", "steps"} else None))
        if problems:
            bad = next((n for n, d in enumerate(self.drafts) if d.key in problems), None)
            if bad is not None:
                self.steps.setCurrentCell(bad, 0)
            return False
        command = save_template_command(self._store, self.template_id, self.values(),
                                        self.drafts)
        if not perform_or_report(self, self._stack, self._store, command,
                                 self.tr("Could not save the template")):
            return False
        self.dirty = False
        self.reload(select=command.value)
        return True

    def reject(self) -> None:
        if self._leave_current():
            super().reject()
