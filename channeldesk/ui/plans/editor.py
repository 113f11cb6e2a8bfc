"""One joint business plan, edited live: summary and objectives, targets, activities,
commitments, signatures, status, and internal notes that presentation mode hides.

Every change is one undoable store command; texts are saved when the field loses focus
(one undo step per edit, not per keystroke).
"""

from __future__ import annotations

from pathlib import Path

from peewee import Case
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QImageReader
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.plan import (
    ACTIVITY_STATUS_LABELS,
    GROUP_LABELS,
    METRICS,
    SIDE_LABELS,
    STATUS_LABELS,
    MetricUnit,
    Period,
    PeriodError,
    PlanPart,
    PlanStatus,
    allowed_transitions,
    attainment,
    editable_when,
    is_locked,
    metric_unit,
)
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.models import (
    BusinessPlan,
    PlanActivity,
    PlanCommitment,
    PlanObjective,
    PlanSignature,
    PlanTarget,
)
from channeldesk.store.plan_queries import (
    actual_source_name,
    plan_signers,
    source_actual,
    target_actual,
)
from channeldesk.ui.plans.edits import status_command
from channeldesk.ui.plans.items_model import ItemColumn, PlanItemsModel
from channeldesk.ui.plans.items_panel import PlanItemsPanel
from channeldesk.ui.shell.errors import show_error
from channeldesk.ui.shell.undo import UpdateCommand, perform_or_report
from channeldesk.ui.widgets.elided_label import ElidedLabel

SIDES = tuple(SIDE_LABELS.items())
PANEL_PARTS = {"objectives": PlanPart.OBJECTIVE, "targets": PlanPart.TARGET,
               "activities": PlanPart.ACTIVITY, "commitments": PlanPart.COMMITMENT,
               "signatures": PlanPart.SIGNATURE}


def _percent(row) -> str:
    value = attainment(target_actual(row), row.target)
    return "–" if value is None else f"{value}%"


def _computed_actual(row) -> tuple[int | None, str] | None:
    """The actual a later feature computes (e.g. certified people from Enablement)."""
    computed = source_actual(row)
    if computed is None:
        return None
    return computed, actual_source_name(row.metric) or "another tab"


class CommitTextEdit(QPlainTextEdit):
    """A text box that says when the user is done with it (focus leaves), so a long text
    is one undo step instead of one per keystroke."""

    sig_committed = Signal()
    """The user left the field; its text may have changed."""

    def focusOutEvent(self, event) -> None:
        self.sig_committed.emit()
        super().focusOutEvent(event)


class PlanEditor(QWidget):
    """The right-hand side of the Plans tab; an empty state when no plan is chosen."""

    sig_copy_requested = Signal()
    """The user asked to copy this plan to the next period."""
    sig_export_requested = Signal()
    """The user asked for this plan as PDF."""
    sig_amend_requested = Signal()
    """The user asked to amend this signed plan (start its next revision)."""

    def __init__(self, store: Store, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plan-editor")
        self._store, self._stack = store, undo_stack
        self.plan_id: str | None = None
        self._show_internal = True
        self._loaded: dict[str, str] = {}  # what the text fields last showed or saved
        self._pages = QStackedWidget()
        empty = QLabel(self.tr("Select a plan, or create one for a partner with New plan…"))
        empty.setObjectName("plan-editor-empty")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setWordWrap(True)
        empty.setEnabled(False)
        self._pages.addWidget(empty)
        self._pages.addWidget(self._build())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pages)

    # -- building ---------------------------------------------------------------------

    def _build(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(self._build_header())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("plan-editor-tabs")
        self.models: dict[str, PlanItemsModel] = {}
        self.panels: dict[str, PlanItemsPanel] = {}
        self.tabs.addTab(self._build_summary(), self.tr("Summary"))
        self.tabs.addTab(self._panel("targets", self._target_model(), self.tr("Add target"),
                                     self._new_target), self.tr("Targets"))
        self.tabs.addTab(self._panel("activities", self._activity_model(),
                                     self.tr("Add activity"), self._new_activity),
                         self.tr("Activities"))
        self.tabs.addTab(self._panel("commitments", self._commitment_model(),
                                     self.tr("Add commitment"), self._new_commitment),
                         self.tr("Commitments"))
        self.tabs.addTab(self._panel("signatures", self._signature_model(),
                                     self.tr("Add signer"), self._new_signature),
                         self.tr("Signatures"))
        layout.addWidget(self.tabs, 1)
        self.notes_box = QGroupBox(self.tr("Internal notes — hidden in presentation mode, "
                                           "never exported"))
        self.notes_box.setObjectName("plan-internal-notes")
        notes_layout = QVBoxLayout(self.notes_box)
        self.notes = self._text_field("internal_notes", self.tr("Internal notes"), 36)
        self.notes.setMaximumHeight(90)
        notes_layout.addWidget(self.notes)
        layout.addWidget(self.notes_box)
        return page

    def _build_header(self) -> QVBoxLayout:
        """Two rows: the heading with the lock badge, then status and actions, so a long
        partner name is elided on one line instead of wrapping the header."""
        self.heading = ElidedLabel()
        self.heading.setObjectName("plan-heading")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.heading.setFont(font)
        self.lock_badge = QLabel()
        self.lock_badge.setObjectName("plan-lock-badge")
        self.lock_badge.setStyleSheet("background: #2e7d32; color: white; border-radius: 3px;"
                                      " padding: 2px 6px; font-weight: bold;")
        self.lock_badge.hide()
        self.status = QComboBox()
        self.status.setObjectName("plan-status")
        self.status.setAccessibleName(self.tr("Plan status"))
        self.status.activated.connect(self._on_status_chosen)
        self.amend_button = QPushButton(self.tr("Amend…"))
        self.amend_button.setObjectName("plan-amend")
        self.amend_button.setToolTip(self.tr("Start the next revision of this signed plan: a "
                                             "draft with the same content, signed again"))
        self.amend_button.clicked.connect(self.sig_amend_requested)
        self.amend_button.hide()
        self.copy_button = QPushButton(self.tr("Copy to next period"))
        self.copy_button.setObjectName("plan-copy")
        self.copy_button.clicked.connect(self.sig_copy_requested)
        self.logo_button = QPushButton(self.tr("Partner logo…"))
        self.logo_button.setObjectName("plan-logo")
        self.logo_button.setToolTip(self.tr("The partner's logo on the PDF cover (PNG or "
                                            "JPEG); without one the cover shows initials"))
        self.logo_button.clicked.connect(self.choose_logo)
        self.export_button = QPushButton(self.tr("Export PDF…"))
        self.export_button.setObjectName("plan-export")
        self.export_button.clicked.connect(self.sig_export_requested)
        title_row = QHBoxLayout()
        title_row.addWidget(self.heading, 1)
        title_row.addWidget(self.lock_badge)
        actions = QHBoxLayout()
        actions.addWidget(QLabel(self.tr("Status:")))
        actions.addWidget(self.status)
        actions.addWidget(self.amend_button)
        actions.addStretch(1)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.logo_button)
        actions.addWidget(self.export_button)
        header = QVBoxLayout()
        header.addLayout(title_row)
        header.addLayout(actions)
        return header

    def _build_summary(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("Executive summary")))
        self.summary = self._text_field("summary", self.tr("Executive summary"), 60)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel(self.tr("Objectives")))
        layout.addWidget(self._panel("objectives", PlanItemsModel(
            self._store, self._stack, PlanObjective,
            [ItemColumn("text", self.tr("Objective"), required=True, chars=70)],
            lambda m: [m.position, m.id], self.tr("objective"), self),
            self.tr("Add objective"), self._new_objective), 1)
        return page

    def _text_field(self, field: str, name: str, height: int) -> CommitTextEdit:
        edit = CommitTextEdit()
        edit.setObjectName(f"plan-{field.replace('_', '-')}")
        edit.setAccessibleName(name)
        edit.setMinimumHeight(height)
        edit.setTabChangesFocus(True)
        edit.sig_committed.connect(lambda e=edit, f=field: self._save_text(f, e))
        return edit

    def _panel(self, name: str, model: PlanItemsModel, add_text: str, defaults) -> QWidget:
        self.models[name] = model
        panel = PlanItemsPanel(model, name, add_text, defaults, self._store, self._stack, self)
        self.panels[name] = panel
        return panel

    def _target_model(self) -> PlanItemsModel:
        money = lambda row: metric_unit(row.metric) is MetricUnit.MONEY  # noqa: E731
        return PlanItemsModel(self._store, self._stack, PlanTarget, [
            ItemColumn("metric", self.tr("Metric"), "choice",
                       tuple((code, m.label) for code, m in METRICS.items()), chars=18),
            ItemColumn("label", self.tr("Label (optional)"), chars=16),
            ItemColumn("quarter", self.tr("Quarter"), "choice", chars=12),
            ItemColumn("target", self.tr("Target"), "count", required=True, chars=14,
                       money_when=money),
            ItemColumn("actual", self.tr("Actual to date"), "count", chars=14,
                       money_when=money, computed_from=_computed_actual),
            ItemColumn("", self.tr("Attainment"), "computed", compute=_percent, chars=10),
            ItemColumn("internal_notes", self.tr("Internal note"), chars=24),
        ], lambda m: [m.position, m.id], self.tr("target"), self)

    def _activity_model(self) -> PlanItemsModel:
        def order(m):
            by_group = Case(m.activity_group,
                            [(group.value, n) for n, group in enumerate(GROUP_LABELS)], 9)
            return [by_group, m.position, m.id]

        return PlanItemsModel(self._store, self._stack, PlanActivity, [
            ItemColumn("activity_group", self.tr("Group"), "choice",
                       tuple(GROUP_LABELS.items()), chars=11),
            ItemColumn("title", self.tr("Activity"), required=True, chars=34),
            ItemColumn("owner_side", self.tr("Side"), "choice", SIDES, chars=7),
            ItemColumn("owner_name", self.tr("Owner"), chars=15),
            ItemColumn("due_on", self.tr("Due"), "date", chars=11),
            ItemColumn("status", self.tr("Status"), "choice",
                       tuple(ACTIVITY_STATUS_LABELS.items()), chars=11),
            ItemColumn("budget", self.tr("Budget"), "money", chars=10),
            ItemColumn("internal_notes", self.tr("Internal note"), chars=16),
        ], order, self.tr("activity"), self)

    def _commitment_model(self) -> PlanItemsModel:
        return PlanItemsModel(self._store, self._stack, PlanCommitment, [
            ItemColumn("side", self.tr("Who commits"), "choice", SIDES, chars=11),
            ItemColumn("text", self.tr("Commitment"), required=True, chars=50),
            ItemColumn("due_on", self.tr("Due"), "date", chars=11),
            ItemColumn("done", self.tr("Done"), "check", chars=6),
        ], lambda m: [m.side.desc(), m.position, m.id], self.tr("commitment"), self)

    def _signature_model(self) -> PlanItemsModel:
        return PlanItemsModel(self._store, self._stack, PlanSignature, [
            ItemColumn("side", self.tr("Side"), "choice", SIDES, chars=10),
            ItemColumn("name", self.tr("Name"), chars=24),
            ItemColumn("title", self.tr("Title"), chars=24),
            ItemColumn("signed_on", self.tr("Signed on"), "date", chars=12),
        ], lambda m: [m.side.desc(), m.id], self.tr("signer"), self)

    # -- new rows ---------------------------------------------------------------------

    def _new_objective(self) -> dict:
        return {"position": self.models["objectives"].next_position(),
                "text": self.tr("New objective")}

    def _new_target(self) -> dict:
        used = {self.models["targets"].record(n).metric
                for n in range(self.models["targets"].rowCount())}
        metric = next((code for code in METRICS if code not in used), "revenue")
        return {"position": self.models["targets"].next_position(), "metric": metric,
                "quarter": "", "target": 0}

    def _new_activity(self) -> dict:
        current = self.panels["activities"].view.currentIndex()
        record = self.models["activities"].record(current.row()) if current.isValid() else None
        return {"position": self.models["activities"].next_position(),
                "activity_group": record.activity_group if record else "marketing",
                "title": self.tr("New activity"), "owner_side": "partner",
                "status": "planned"}

    def _new_commitment(self) -> dict:
        return {"position": self.models["commitments"].next_position(), "side": "partner",
                "text": self.tr("New commitment")}

    def _new_signature(self) -> dict:
        sides = {self.models["signatures"].record(n).side
                 for n in range(self.models["signatures"].rowCount())}
        return {"side": "partner" if "vendor" in sides else "vendor"}

    # -- showing ----------------------------------------------------------------------

    def show_plan(self, plan_id: str | None) -> None:
        self.plan_id = plan_id
        plan = self.plan()
        self._pages.setCurrentIndex(1 if plan else 0)
        currency = plan.currency if plan else "EUR"
        self._quarter_choices(plan)
        for model in self.models.values():
            model.set_plan(plan.id if plan else None, currency)
        self._show_fields(plan)

    def plan(self) -> BusinessPlan | None:
        plan = self._store.get(BusinessPlan, self.plan_id) if self.plan_id else None
        return plan if plan is not None and not plan.deleted else None

    def _quarter_choices(self, plan: BusinessPlan | None) -> None:
        """The target table's quarter column offers the quarters of this plan's period."""
        model = self.models["targets"]
        try:
            quarters = Period.parse(plan.period).quarters() if plan else []
        except PeriodError:
            quarters = []
        choices = (("", self.tr("Whole period")),
                   *((str(q), str(q).replace("-", " ")) for q in quarters))
        model.set_choices("quarter", choices)

    def _show_fields(self, plan: BusinessPlan | None) -> None:
        if plan is None:
            return
        revision = self.tr(" · revision %d") % plan.revision if (plan.revision or 1) > 1 else ""
        self.heading.setText(f"{plan.partner.name} — {self._period_label(plan.period)}"
                             f"{revision}")
        self._show_lock(plan)
        for edit, field in ((self.summary, "summary"), (self.notes, "internal_notes")):
            # Follow the database when it changed under the field (undo, sync, another
            # plan); a text still being typed is kept as long as the stored one is unchanged.
            stored = getattr(plan, field)
            if self._loaded.get(field) != stored or plan.id != self._loaded.get("plan"):
                edit.setPlainText(stored)
                self._loaded[field] = stored
        self._loaded["plan"] = plan.id
        self.status.blockSignals(True)
        self.status.clear()
        self.status.addItem(STATUS_LABELS.get(plan.status, plan.status), plan.status)
        for status in PlanStatus:
            if status in allowed_transitions(plan.status):
                self.status.addItem(STATUS_LABELS[status], status.value)
        self.status.setCurrentIndex(0)
        self.status.blockSignals(False)

    def _show_lock(self, plan: BusinessPlan) -> None:
        """Signed and archived plans are read-only here as in the store: a badge says so
        (with who signed when), fields stop taking input, Amend starts a revision."""
        locked = is_locked(plan.status)
        editable = editable_when(plan.status, PlanPart.PLAN) or frozenset()
        self.summary.setReadOnly(locked)
        self.notes.setReadOnly(locked and "internal_notes" not in editable)
        self.logo_button.setEnabled(not locked)
        for name, part in PANEL_PARTS.items():
            self.panels[name].set_editable_fields(editable_when(plan.status, part))
        self.lock_badge.setVisible(locked)
        self.amend_button.setVisible(plan.status == PlanStatus.SIGNED)
        if not locked:
            return
        signed = plan_signers(plan.id)
        if plan.status == PlanStatus.SIGNED:
            self.lock_badge.setText(self.tr("Signed · read-only"))
            self.lock_badge.setToolTip(
                (self.tr("Signed by %s.") % signed if signed else self.tr("Signed.")) + " "
                + self.tr("Actuals, commitments done, activity progress and internal notes "
                          "are still tracked. Amend to change what was agreed."))
        else:
            self.lock_badge.setText(self.tr("Archived · read-only"))
            self.lock_badge.setToolTip(self.tr("An archived plan is kept as it was; only "
                                               "internal notes can still be written."))

    @staticmethod
    def _period_label(text: str) -> str:
        try:
            return Period.parse(text).label
        except PeriodError:
            return text

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if self.plan_id is None:
            return
        if "business_plan" in notice.tables or "partner" in notice.tables:
            if self.plan() is None:
                self.show_plan(None)
                return
            self._show_fields(self.plan())
        for model in self.models.values():
            if model.table_name in notice.tables:
                model.refresh()

    def set_show_internal(self, show: bool) -> None:
        self._show_internal = show
        self.notes_box.setVisible(show)
        for model in self.models.values():
            model.set_show_internal(show)

    # -- editing ----------------------------------------------------------------------

    def _save_text(self, field: str, edit: CommitTextEdit) -> None:
        plan = self.plan()
        if (plan is None or plan.id != self._loaded.get("plan")
                or edit.toPlainText() == self._loaded.get(field)):
            return
        self._loaded[field] = edit.toPlainText()
        names = {"summary": self.tr("summary"), "internal_notes": self.tr("internal notes")}
        perform_or_report(self, self._stack, self._store,
                          UpdateCommand(self._store, BusinessPlan, plan.id,
                                        {field: edit.toPlainText()},
                                        self.tr("Edit plan %s") % names[field]),
                          self.tr("Could not save the text"))

    def flush_text(self) -> None:
        """Save a text being typed (before an export or a switch to another plan)."""
        for edit, field in ((self.summary, "summary"), (self.notes, "internal_notes")):
            self._save_text(field, edit)

    def choose_logo(self) -> None:
        """Store a logo file in the blob store and point the plan at it (undoable)."""
        plan = self.plan()
        if plan is None:
            return
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Partner logo for the PDF cover"), "",
            self.tr("Images (*.png *.jpg *.jpeg)"))
        if not chosen:
            return
        reader = QImageReader(chosen)
        if not reader.canRead() or reader.format().data().decode() not in ("png", "jpeg"):
            QMessageBox.warning(self, self.tr("Partner logo"), self.tr(
                "%s is not a PNG or JPEG image. Nothing was changed.") % chosen)
            return
        try:
            sha256 = self._store.blobs.put_file(Path(chosen))
        except OSError as error:
            show_error(self, self.tr("Could not read the logo file"), error)
            return
        perform_or_report(self, self._stack, self._store,
                          UpdateCommand(self._store, BusinessPlan, plan.id,
                                        {"partner_logo": sha256},
                                        self.tr("Set partner logo")),
                          self.tr("Could not save the logo"))

    def _confirm_lock(self, status: str) -> bool:
        """Signing or archiving cannot be taken back (the status flow only goes forward
        from there): say what it means before doing it."""
        text = (self.tr("A signed plan is read-only: targets, objectives, activities, "
                        "commitments and signers are fixed. Actuals and progress are still "
                        "tracked; a change is made by amending it (revision 2). Signing "
                        "cannot be undone.")
                if status == PlanStatus.SIGNED else
                self.tr("An archived plan is read-only and cannot be reopened."))
        answer = QMessageBox.question(
            self, self.tr("Mark plan %s") % STATUS_LABELS[PlanStatus(status)].lower(),
            text + "\n\n" + self.tr("Continue?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _on_status_chosen(self, index: int) -> None:
        plan = self.plan()
        new = self.status.itemData(index)
        if plan is None or new == plan.status:
            return
        if new in (PlanStatus.SIGNED, PlanStatus.ARCHIVED) and not self._confirm_lock(new):
            self._show_fields(plan)
            return
        perform_or_report(self, self._stack, self._store,
                          status_command(self._store, plan.id, new,
                                         self.tr("Mark plan %s") % STATUS_LABELS[new].lower()),
                          self.tr("Could not change the status"))
        self._show_fields(self.plan())
