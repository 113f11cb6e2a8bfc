"""Dialogs for courses and people: a course, enrolling a partner's people, recording a
completion (a pass certifies until the course's validity runs out), and a campaign."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.course import CourseLevel, certified_until, level_label
from channeldesk.domain.enablement import SCORE_MAX, split_codes, validate_completion
from channeldesk.domain.partner import PartnerTier, PartnerType, Region
from channeldesk.domain.partner import label as partner_label
from channeldesk.store import Store
from channeldesk.store.campaign_queries import partners_matching
from channeldesk.store.certification_queries import contacts_of_partner, course_choices
from channeldesk.store.models import Campaign, Course
from channeldesk.ui.enablement.forms import CheckList, EnablementForm, described_validator
from channeldesk.ui.widgets.record_dialogs import RecordDialog

COURSE_FIELDS = ("title", "product", "level", "duration_hours", "validity_months", "url",
                 "description")
CAMPAIGN_FIELDS = ("title", "product", "launch_on", "ends_on", "target_types", "target_tiers",
                   "target_regions", "description")


def _date_edit(name: str, day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.rejected.connect(dialog.reject)
    return buttons


class CourseDialog(RecordDialog):
    """Create or edit a course (shared with Onboarding's training steps)."""

    def __init__(self, parent: QWidget | None = None, values: dict | None = None) -> None:
        title = self.tr("Edit course") if values else self.tr("New course")
        super().__init__(title, described_validator(Course.description), parent,
                         "course-dialog", Course.description)
        form = self.form
        form.add_line("title", self.tr("&Title"))
        form.add_line("product", self.tr("&Product"))
        form.add_choice("level", self.tr("&Level"),
                        [(level.value, level_label(level)) for level in CourseLevel])
        form.add_line("duration_hours", self.tr("&Duration (hours)"), "16")
        form.add_line("validity_months", self.tr("&Valid for (months)"),
                      self.tr("0: the certification never expires"))
        form.add_line("url", self.tr("Lin&k"), "https://")
        form.add_text("description", self.tr("D&escription"))
        shown = dict(values or {"level": CourseLevel.FOUNDATION.value, "duration_hours": 8,
                                "validity_months": 24})
        for name in ("duration_hours", "validity_months"):
            shown[name] = str(shown.get(name, 0))
        form.set_values(shown)
        form.field("title").setFocus()

    def values(self) -> dict[str, Any]:
        values = super().values()
        for name in ("duration_hours", "validity_months"):
            text = str(values.get(name) or "0").strip()
            values[name] = int(text) if text.isdigit() else text
        return values


class EnrolDialog(QDialog):
    """Enrol people of one partner on a course."""

    def __init__(self, store: Store, parent: QWidget | None = None,
                 course_id: str | None = None, partner_id: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enrol-dialog")
        self.setWindowTitle(self.tr("Enrol people on a course"))
        self.resize(520, 480)
        self._store = store
        self.course = QComboBox()
        self.course.setObjectName("enrol-course")
        for row_id, title, _months in course_choices(store.db):
            self.course.addItem(title, row_id)
        if course_id:
            self.course.setCurrentIndex(max(0, self.course.findData(course_id)))
        self.partner = QComboBox()
        self.partner.setObjectName("enrol-partner")
        for pick in partners_matching(store.db):
            self.partner.addItem(pick.name, pick.id)
        if partner_id:
            self.partner.setCurrentIndex(max(0, self.partner.findData(partner_id)))
        self.people = CheckList("enrol-people", self.tr("Filter people"))
        self.day = _date_edit("enrol-date", date.today())
        self.partner.currentIndexChanged.connect(lambda _: self._load_people())
        buttons = _buttons(self, self.tr("Enrol"))
        buttons.accepted.connect(self.accept)
        form = QFormLayout()
        form.addRow(self.tr("Course"), self.course)
        form.addRow(self.tr("Partner"), self.partner)
        form.addRow(self.tr("Enrolled on"), self.day)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("People")))
        layout.addWidget(self.people, 1)
        layout.addWidget(buttons)
        self._load_people()

    def _load_people(self) -> None:
        partner_id = self.partner.currentData()
        self.people.set_items(contacts_of_partner(self._store.db, partner_id)
                              if partner_id else [])

    def values(self) -> tuple[str | None, list[str], date]:
        return self.course.currentData(), self.people.checked(), self.day.date().toPython()


class CompletionDialog(QDialog):
    """A person finished a course: the date, the score, passed or not."""

    def __init__(self, person: str, course: str, validity_months: int,
                 enrolled_on: date | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("completion-dialog")
        self.setWindowTitle(self.tr("Record completion"))
        self._validity, self._enrolled_on = validity_months, enrolled_on
        intro = QLabel(self.tr("%s completed “%s”.") % (person, course))
        intro.setWordWrap(True)
        self.day = _date_edit("completion-date", date.today())
        self.score = QSpinBox()
        self.score.setObjectName("completion-score")
        self.score.setRange(-1, SCORE_MAX)
        self.score.setSpecialValueText(self.tr("no score"))
        self.score.setValue(-1)
        self.passed = QCheckBox(self.tr("Passed: certify this person"))
        self.passed.setObjectName("completion-passed")
        self.passed.setChecked(True)
        self.outcome = QLabel()
        self.outcome.setObjectName("completion-outcome")
        self.outcome.setWordWrap(True)
        for signal in (self.day.dateChanged, self.passed.toggled, self.score.valueChanged):
            signal.connect(lambda *_: self._update())
        self.buttons = _buttons(self, self.tr("Save"))
        self.buttons.accepted.connect(self.accept)
        form = QFormLayout()
        form.addRow(self.tr("Completed on"), self.day)
        form.addRow(self.tr("Score"), self.score)
        form.addRow("", self.passed)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        completed, score, passed = self.values()
        errors = validate_completion(completed, self._enrolled_on, score)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not errors)
        if errors:
            self.outcome.setStyleSheet("color: #d32f2f;")
            self.outcome.setText(" ".join(errors.values()))
            return
        self.outcome.setStyleSheet("")
        until = certified_until(completed, self._validity)
        if not passed:
            self.outcome.setText(self.tr("Recorded as not passed; no certification."))
        elif until is None:
            self.outcome.setText(self.tr("Certified; this course's certification does not "
                                         "expire."))
        else:
            self.outcome.setText(self.tr("Certified until %s.") % until.isoformat())

    def values(self) -> tuple[date, int | None, bool]:
        score = self.score.value()
        return (self.day.date().toPython(), None if score < 0 else score,
                self.passed.isChecked())


class CampaignDialog(QDialog):
    """A launch campaign: its facts, target partners by filter, its assets and courses."""

    def __init__(self, store: Store, parent: QWidget | None = None,
                 values: dict | None = None, asset_items: list[tuple[str, str]] = (),
                 chosen_assets: list[str] = (), chosen_courses: list[str] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("campaign-dialog")
        self.setWindowTitle(self.tr("Edit campaign") if values else self.tr("New campaign"))
        self.resize(860, 680)
        self._store = store
        self.form = EnablementForm(described_validator(Campaign.description),
                                   description=Campaign.description)
        form = self.form
        form.add_line("title", self.tr("&Title"), self.tr("e.g. Vault 6 launch"))
        form.add_line("product", self.tr("&Product"))
        form.add_date("launch_on", self.tr("&Launch"))
        form.add_optional_date("ends_on", self.tr("&Ends"), self.tr("Ends on"))
        form.add_codes("target_types", self.tr("Partner t&ypes"),
                       [(t.value, partner_label(t)) for t in PartnerType])
        form.add_codes("target_tiers", self.tr("T&iers"),
                       [(t.value, partner_label(t)) for t in PartnerTier])
        form.add_codes("target_regions", self.tr("&Regions"),
                       [(r.value, partner_label(r)) for r in Region])
        form.add_text("description", self.tr("&Description")).setMaximumHeight(70)
        form.set_values(values or {"launch_on": date.today()})
        form.sig_edited.connect(self._update_targets)
        self.targets = QLabel()
        self.targets.setObjectName("campaign-targets")
        self.assets = CheckList("campaign-assets", self.tr("Filter assets"))
        self.assets.set_items(asset_items, chosen_assets)
        self.courses = CheckList("campaign-courses", self.tr("Filter courses"))
        self.courses.set_items([(row_id, title) for row_id, title, _ in
                                course_choices(store.db)], chosen_courses)
        lists = QHBoxLayout()
        for title, widget in ((self.tr("Assets"), self.assets),
                              (self.tr("Courses"), self.courses)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(widget)
            lists.addWidget(box)
        buttons = _buttons(self, self.tr("Save"))
        buttons.accepted.connect(self._save)
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        layout.addWidget(self.targets)
        layout.addLayout(lists, 1)
        layout.addWidget(buttons)
        self._update_targets()

    def _update_targets(self) -> None:
        values = self.form.values()
        picks = partners_matching(self._store.db, split_codes(values.get("target_types")),
                                  split_codes(values.get("target_tiers")),
                                  split_codes(values.get("target_regions")))
        self.targets.setText(self.tr("Targets %d partner(s) now; partners who match later "
                                     "join automatically.") % len(picks))

    def _save(self) -> None:
        values = self.form.values()
        ends, launch = values.get("ends_on"), values.get("launch_on")
        if self.form.check_all():
            if ends and launch and ends < launch:
                self.targets.setText(self.tr("The campaign ends before its launch; check "
                                             "the dates."))
                return
            self.accept()

    def values(self) -> dict[str, Any]:
        return self.form.values()
