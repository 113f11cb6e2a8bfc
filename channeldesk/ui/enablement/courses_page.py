"""Courses and certifications: the courses (shared with Onboarding), who is enrolled on,
has completed or is certified in the chosen one, and the tier requirements. The people
list names other partners' staff, so presentation mode hides it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.course import level_label
from channeldesk.domain.enablement import EnrolmentStatus, required_people
from channeldesk.domain.partner import PartnerTier
from channeldesk.domain.partner import label as partner_label
from channeldesk.services.enablement_operations import (
    enrol,
    record_completion,
    remove_from_course,
    set_tier_requirements,
)
from channeldesk.store import Store
from channeldesk.store.certification_queries import (
    CourseRow,
    PersonCourseRow,
    course_rows,
    people_of_course,
    tier_requirements,
)
from channeldesk.store.models import Course
from channeldesk.ui.enablement.dialogs import TierRequirementsDialog
from channeldesk.ui.enablement.edits import run_operation
from channeldesk.ui.enablement.lists import RowsModel, stretch_column
from channeldesk.ui.enablement.partner_page import person_columns
from channeldesk.ui.enablement.training_dialogs import (
    COURSE_FIELDS,
    CompletionDialog,
    CourseDialog,
    EnrolDialog,
)
from channeldesk.ui.shell.undo import InsertCommand, UpdateCommand, perform_or_report
from channeldesk.ui.widgets.confirm import confirm_delete
from channeldesk.ui.widgets.record_table import Column
from channeldesk.ui.widgets.record_views import make_table, selected_id


class CoursesPage(QWidget):
    """Courses beside the people on the chosen one."""

    def __init__(self, store: Store, stack: QUndoStack, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enablement-courses")
        self._store, self._stack = store, stack
        self._today = today or date.today()
        self._show_people = True
        self.courses = RowsModel([
            Column("title", self.tr("Course"), lambda c: c.title),
            Column("product", self.tr("Product"), lambda c: c.product),
            Column("level", self.tr("Level"), lambda c: level_label(c.level)),
            Column("hours", self.tr("Hours"), lambda c: str(c.duration_hours),
                   align_right=True),
            Column("valid", self.tr("Valid for"),
                   lambda c: self.tr("%d months") % c.validity_months if c.validity_months
                   else self.tr("no expiry")),
            Column("enrolled", self.tr("Enrolled"), lambda c: str(c.enrolled), align_right=True),
            Column("certified", self.tr("Certified now"), lambda c: str(c.certified),
                   align_right=True),
        ], lambda: course_rows(self._store.db, self._today), lambda c: c.id, self)
        self.people = RowsModel(person_columns(self, self._today, with_partner=True),
                                self._load_people,
                                lambda r: f"{r.contact_id}:{r.course_id}", self)
        self._build()
        self.courses.refresh()

    def _build(self) -> None:
        buttons = QHBoxLayout()
        for text, slot, name in (
                (self.tr("New course…"), self.new_course, "course-new"),
                (self.tr("Edit…"), self.edit_course, "course-edit"),
                (self.tr("Tier requirements…"), self.edit_requirements, "tier-requirements")):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.table = make_table(self.courses, "enablement-courses-table")
        stretch_column(self.table, self.courses, "title")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.table.activated.connect(lambda _: self.edit_course())
        self.requirements = QLabel()
        self.requirements.setObjectName("tier-requirements-summary")
        self.requirements.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.requirements)
        self.people_box = QGroupBox(self.tr("People on this course"))
        people_layout = QVBoxLayout(self.people_box)
        row = QHBoxLayout()
        for text, slot, name in ((self.tr("Enrol people…"), self.enrol_people, "course-enrol"),
                                 (self.tr("Record completion…"), self.record_completion,
                                  "course-complete"),
                                 (self.tr("Remove from course"), self.remove_person,
                                  "course-remove-person")):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        people_layout.addLayout(row)
        self.people_table = make_table(self.people, "course-people")
        stretch_column(self.people_table, self.people, "partner")
        self.people_table.activated.connect(lambda _: self.record_completion())
        people_layout.addWidget(self.people_table)
        self.people_hidden = QLabel(self.tr("People on courses are hidden in presentation "
                                            "mode: they belong to other partners."))
        self.people_hidden.setWordWrap(True)
        self.people_hidden.hide()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.people_box, 1)
        right_layout.addWidget(self.people_hidden)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([640, 720])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    # -- showing ------------------------------------------------------------------------

    def current_course(self) -> CourseRow | None:
        # The current index, not the selection: Qt moves it first when a row is selected.
        return self.courses.record(self.table.currentIndex().row()) \
            if self.table.currentIndex().isValid() else None

    def _load_people(self) -> list[PersonCourseRow]:
        current = self.current_course()
        if current is None or not self._show_people:
            return []
        return people_of_course(self._store.db, current.id)

    def _show_current(self) -> None:
        self.people.refresh()
        current = self.current_course()
        self.people_box.setTitle(self.tr("People on %s") % current.title if current
                                 else self.tr("People on this course"))
        configured = tier_requirements(self._store.db)
        self.requirements.setText(self.tr("Certified people each tier needs: %s") % ", ".join(
            f"{partner_label(tier.value)} {required_people(tier.value, configured)}"
            for tier in PartnerTier))

    def refresh(self) -> None:
        current = selected_id(self.table)
        self.courses.refresh()
        row = self.courses.row_of(current) if current else None
        if row is None and self.courses.rowCount():
            row = 0
        if row is not None:
            self.table.selectRow(row)
        self._show_current()

    def set_presentation(self, on: bool) -> None:
        self._show_people = not on
        self.people_box.setVisible(not on)
        self.people_hidden.setVisible(on)
        self.people.refresh()

    # -- editing ------------------------------------------------------------------------

    def new_course(self) -> None:
        dialog = CourseDialog(self)
        if dialog.exec():
            values = dialog.values()
            command = InsertCommand(self._store, Course, values,
                                    self.tr("Add course %s") % values["title"])
            if perform_or_report(self, self._stack, self._store, command,
                                 self.tr("Could not add the course")):
                self.refresh()
                row = self.courses.row_of(command.row_id)
                if row is not None:
                    self.table.selectRow(row)

    def edit_course(self) -> None:
        current = self.current_course()
        course = self._store.get(Course, current.id) if current else None
        if course is None:
            return
        dialog = CourseDialog(self, {name: getattr(course, name) for name in COURSE_FIELDS})
        if dialog.exec():
            values = dialog.values()
            perform_or_report(self, self._stack, self._store,
                              UpdateCommand(self._store, Course, course.id, values,
                                            self.tr("Edit course %s") % values["title"]),
                              self.tr("Could not save the course"))

    def enrol_people(self, partner_id: str | None = None) -> None:
        current = self.current_course()
        dialog = EnrolDialog(self._store, self, current.id if current else None,
                             partner_id or None)
        if not dialog.exec():
            return
        course_id, people, day = dialog.values()
        if course_id is None:
            return
        run_operation(self, self._stack, self._store,
                      self.tr("Enrol %d person(s)") % len(people),
                      lambda: enrol(self._store, people, course_id, day),
                      self.tr("Could not enrol"))

    def record_completion(self) -> None:
        rows = self.people_table.selectionModel().selectedRows()
        row = self.people.record(rows[0].row()) if rows else None
        if row is None or row.enrolment_id is None \
                or row.status != EnrolmentStatus.ENROLLED.value:
            QMessageBox.information(self, self.tr("Record completion"), self.tr(
                "Select someone who is enrolled on the course and has not finished it yet. "
                "To certify someone again, enrol them again first."))
            return
        course = self._store.get(Course, row.course_id)
        dialog = CompletionDialog(row.contact_name, row.course_title, course.validity_months,
                                  row.enrolled_on, self)
        if not dialog.exec():
            return
        completed, score, passed = dialog.values()
        run_operation(self, self._stack, self._store,
                      self.tr("Record completion of %s") % row.contact_name,
                      lambda: record_completion(self._store, row.enrolment_id, completed,
                                                score, passed),
                      self.tr("Could not record the completion"))

    def remove_person(self) -> None:
        """Take the selected person off the course (and any certification it earned)."""
        rows = self.people_table.selectionModel().selectedRows()
        row = self.people.record(rows[0].row()) if rows else None
        if row is None:
            return
        if not confirm_delete(self, self.tr("enrolment"),
                              f"{row.contact_name} · {row.course_title}"):
            return
        run_operation(self, self._stack, self._store,
                      self.tr("Remove %s from %s") % (row.contact_name, row.course_title),
                      lambda: remove_from_course(self._store, row.enrolment_id,
                                                 row.certification_id),
                      self.tr("Could not remove the person from the course"))

    def edit_requirements(self) -> None:
        configured = tier_requirements(self._store.db)
        dialog = TierRequirementsDialog({t.value: required_people(t.value, configured)
                                         for t in PartnerTier}, self)
        if dialog.exec():
            run_operation(self, self._stack, self._store, self.tr("Change tier requirements"),
                          lambda: set_tier_requirements(self._store, dialog.values()),
                          self.tr("Could not save the tier requirements"))
