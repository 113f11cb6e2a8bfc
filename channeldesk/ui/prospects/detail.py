"""The detail pane of one prospect: facts, fit breakdown, stage history, activities.

Activities are edited here, each an undoable command; prospect-level actions (edit, move,
convert, delete) are the tab's, asked for by signal.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.fit_score import describe
from channeldesk.domain.prospect import Stage, label
from channeldesk.store import Store
from channeldesk.store.database import ChangeNotice
from channeldesk.store.engagement_queries import stage_history
from channeldesk.store.models import Partner, Prospect, ProspectActivity
from channeldesk.store.prospect_derived import catch_up, current_profile
from channeldesk.store.prospect_queries import prospect_rows
from channeldesk.ui.prospects.model import (
    ProspectActivitiesModel,
    format_number,
    format_revenue,
    score_colour,
)
from channeldesk.ui.widgets.activity_log import ActivityLog
from channeldesk.ui.widgets.formats import format_date

FACTS = (("website", "Website"), ("location", "Country / region"), ("vertical", "Vertical"),
         ("size", "Employees / revenue"), ("sought", "Type sought / source"),
         ("owner", "Owner"), ("next", "Next step"), ("contact", "Contact"))


class ProspectDetail(QWidget):
    """Everything about one prospect; an empty state when none is selected."""

    sig_edit_requested = Signal()
    """The user asked to edit the shown prospect's fields."""
    sig_move_requested = Signal()
    """The user asked to move the shown prospect to another stage."""
    sig_convert_requested = Signal()
    """The user asked to convert the shown (signed) prospect into a partner."""
    sig_delete_requested = Signal()
    """The user asked to delete the shown prospect."""

    def __init__(self, store: Store, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prospect-detail")
        self._store, self._stack = store, undo_stack
        self._prospect_id: str | None = None
        self._show_internal = True
        self.activities = ProspectActivitiesModel(store, self)
        self._pages = QStackedWidget()
        empty = QLabel(self.tr("Select a prospect to see its fit, stage history and "
                               "activities."))
        empty.setObjectName("prospect-detail-empty")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setWordWrap(True)
        empty.setEnabled(False)
        self._pages.addWidget(empty)
        self._pages.addWidget(self._build_detail())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pages)

    # -- building ---------------------------------------------------------------------

    def _build_detail(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(self._build_header())
        layout.addLayout(self._build_actions())
        self._converted = QLabel()
        self._converted.setObjectName("prospect-converted")
        self._converted.setWordWrap(True)
        layout.addWidget(self._converted)
        self._tabs = QTabWidget()
        self._tabs.setObjectName("prospect-detail-tabs")
        self._tabs.addTab(self._scrolled(self._build_overview()), self.tr("Overview"))
        self._tabs.addTab(self._build_activities(), self.tr("Activities"))
        self._tabs.addTab(self._scrolled(self._build_history()), self.tr("Stage history"))
        layout.addWidget(self._tabs, 1)
        return page

    def _build_header(self) -> QHBoxLayout:
        self._title = QLabel()
        self._title.setTextFormat(Qt.TextFormat.PlainText)  # names are data, not markup
        self._title.setObjectName("prospect-title")
        font = QFont(self._title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self._title.setFont(font)
        self._title.setWordWrap(True)
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._subtitle = QLabel()
        self._subtitle.setTextFormat(Qt.TextFormat.PlainText)  # names are data, not markup
        self._subtitle.setObjectName("prospect-subtitle")
        titles = QVBoxLayout()
        titles.addWidget(self._title)
        titles.addWidget(self._subtitle)
        self._score = QLabel()
        self._score.setObjectName("prospect-score")
        big = QFont(self._score.font())
        big.setPointSizeF(big.pointSizeF() * 2.2)
        big.setBold(True)
        self._score.setFont(big)
        self._score.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        caption = QLabel(self.tr("fit score / 100"))
        caption.setObjectName("prospect-score-caption")
        caption.setAlignment(Qt.AlignmentFlag.AlignRight)
        caption.setEnabled(False)  # the muted colour of a caption
        score = QVBoxLayout()
        score.setSpacing(0)
        score.addWidget(self._score)
        score.addWidget(caption)
        score.addStretch(1)
        header = QHBoxLayout()
        header.addLayout(titles, 1)
        header.addLayout(score)
        return header

    def _build_actions(self) -> QHBoxLayout:
        def button(text: str, name: str, signal) -> QPushButton:
            made = QPushButton(text)
            made.setObjectName(name)
            made.clicked.connect(signal)
            return made

        self._move = button(self.tr("&Move to…"), "prospect-move", self.sig_move_requested)
        self._move.setToolTip(self.tr("Move to another pipeline stage (Ctrl+M)"))
        self._convert = button(self.tr("Con&vert to partner…"), "prospect-convert",
                               self.sig_convert_requested)
        row = QHBoxLayout()
        row.addWidget(self._move)
        row.addWidget(self._convert)
        row.addStretch(1)
        row.addWidget(button(self.tr("&Edit…"), "prospect-edit", self.sig_edit_requested))
        row.addWidget(button(self.tr("Delete"), "prospect-delete", self.sig_delete_requested))
        return row

    def _scrolled(self, inner: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(inner)
        return area

    def _build_overview(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        form = QFormLayout()
        form.setContentsMargins(0, 4, 0, 4)
        self._facts: dict[str, QLabel] = {}
        for key, text in FACTS:
            value = QLabel()
            value.setObjectName(f"prospect-{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            value.setOpenExternalLinks(True)
            form.addRow(self.tr(text), value)
            self._facts[key] = value
        layout.addLayout(form)
        fit = QGroupBox(self.tr("Fit with the ideal partner profile"))
        fit_layout = QVBoxLayout(fit)
        self._breakdown = QLabel()
        self._breakdown.setObjectName("prospect-breakdown")
        self._breakdown.setWordWrap(True)
        self._breakdown.setTextFormat(Qt.TextFormat.RichText)
        fit_layout.addWidget(self._breakdown)
        layout.addWidget(fit)
        self._notes_box = QGroupBox(self.tr("Internal notes — hidden in presentation mode"))
        self._notes_box.setObjectName("prospect-internal-notes")
        notes_layout = QVBoxLayout(self._notes_box)
        self._notes = QLabel()
        self._notes.setWordWrap(True)
        notes_layout.addWidget(self._notes)
        layout.addWidget(self._notes_box)
        layout.addStretch(1)
        return box

    def _build_history(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        self._history = QLabel()
        self._history.setObjectName("prospect-history")
        self._history.setWordWrap(True)
        self._history.setTextFormat(Qt.TextFormat.RichText)
        self._history.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self._history)
        layout.addStretch(1)
        return box

    def log_activity(self) -> None:
        """The activity log of the prospect shown, with a new entry's dialog open."""
        self._tabs.setCurrentIndex(1)
        self.log.add()

    def _build_activities(self) -> QWidget:
        self.log = ActivityLog(self, self._store, self._stack, self.activities,
                               ProspectActivity, "prospect", "prospect-",
                               self.tr("Log a call, meeting, email… (Ctrl+L)"))
        self.activities_view = self.log.view
        return self.log.page

    # -- showing ----------------------------------------------------------------------

    @property
    def prospect_id(self) -> str | None:
        return self._prospect_id

    def show_prospect(self, prospect_id: str | None) -> None:
        self._prospect_id = self.log.owner_id = prospect_id
        self.activities.set_prospect(prospect_id)
        self._fill()

    def set_show_internal(self, show: bool) -> None:
        self._show_internal = self.log.show_internal = show
        self.activities.set_show_internal(show)
        self._fill()

    def on_rows_changed(self, notice: ChangeNotice) -> None:
        if self._prospect_id is None:
            return
        if "prospect_activity" in notice.tables:
            self.activities.refresh()
        self._fill()

    def _fill(self) -> None:
        prospect = self._store.get(Prospect, self._prospect_id) if self._prospect_id else None
        if prospect is None or prospect.deleted:
            self._pages.setCurrentIndex(0)
            return
        self._pages.setCurrentIndex(1)
        catch_up(self._store.db)
        row = prospect_rows(self._store.db, [prospect.id])[prospect.id]
        self._title.setText(prospect.company)
        stage = label(prospect.stage)
        if prospect.stage == Stage.LOST and self._show_internal and prospect.lost_reason:
            stage += f" ({prospect.lost_reason})"
        self._subtitle.setText(stage)
        self._fill_score(row.score)
        self._fill_facts(prospect, row)
        profile = current_profile(self._store.db)
        asked = [describe(c) for c in profile.criteria] if profile else []
        self._breakdown.setText(_breakdown_html(row.breakdown, asked) or self.tr(
            "No ideal partner profile yet: Prospects → Ideal partner profile…"))
        self._notes.setText(escape(prospect.internal_notes) or self.tr("No internal notes."))
        self._notes_box.setVisible(self._show_internal)
        self._history.setText(self._history_html(prospect))
        self._fill_conversion(prospect)
        self._tabs.setTabText(1, self.tr("Activities (%s)") % self.activities.rowCount())
        self.activities_view.resizeColumnsToContents()
        self.log.update_buttons()

    def _fill_score(self, score: int | None) -> None:
        self._score.setText("—" if score is None else str(score))
        colour = score_colour(score)
        self._score.setStyleSheet(f"color: {colour.name()};" if colour else "")
        self._score.setToolTip(self.tr("Fit score, 0 to 100"))

    def _fill_facts(self, prospect: Prospect, row) -> None:
        website = escape(prospect.website)
        facts = self._facts
        facts["website"].setText(f'<a href="{website}">{website}</a>' if website else "—")
        facts["location"].setText(" / ".join(escape(v) for v in (
            prospect.country, label(prospect.region)) if v) or "—")
        facts["vertical"].setText(escape(prospect.vertical) or "—")
        size = [format_number(prospect.employees),
                format_revenue(prospect.annual_revenue_minor, prospect.currency)]
        facts["size"].setText(" / ".join(s for s in size if s) or "—")
        facts["sought"].setText(" / ".join(label(v) for v in (
            prospect.partner_type, prospect.source) if v) or "—")
        facts["owner"].setText(escape(prospect.owner) or "—")
        due = format_date(row.next_step_on)
        facts["next"].setText(escape(" — ".join(v for v in (prospect.next_step, due) if v))
                              or "—")
        contact = [prospect.contact_name, prospect.contact_email, prospect.contact_phone]
        facts["contact"].setText(escape(", ".join(c for c in contact if c)) or "—")

    def _fill_conversion(self, prospect: Prospect) -> None:
        partner = (self._store.get(Partner, prospect.converted_partner_id)
                   if prospect.converted_partner_id else None)
        converted = partner is not None and not partner.deleted
        self._converted.setVisible(converted)
        if converted:
            self._converted.setText(self.tr("✓ Converted to partner <b>%s</b> (Partners tab).")
                                    % escape(partner.name))
        self._convert.setEnabled(prospect.stage == Stage.SIGNED and not converted)
        self._convert.setToolTip(
            self.tr("Already a partner") if converted else
            self.tr("Create the partner with its contact and activities") if
            prospect.stage == Stage.SIGNED else self.tr("Move the prospect to Signed first"))

    def _history_html(self, prospect: Prospect) -> str:
        lines = []
        changes = list(stage_history(prospect.id))
        # The move that made the prospect lost shows the reason as it stands now (the one
        # the header shows), even when it was edited after the move.
        latest_lost = next((c for c in changes if c.to_stage == Stage.LOST), None)  # newest first
        for change in changes:
            when = _when(change.changed_on)
            move = f"{label(change.from_stage) or '—'} → <b>{label(change.to_stage)}</b>"
            why = (prospect.lost_reason if change is latest_lost and
                   prospect.stage == Stage.LOST else change.lost_reason)
            reason = f" ({escape(why)})" if why and self._show_internal else ""
            who = f" by {escape(change.changed_by)}" if change.changed_by else ""
            lines.append(f"{when}{who}: {move}{reason}")
        if not lines:
            return self.tr("No stage moves yet: the prospect came in as %s.") % escape(
                label(prospect.stage))
        return "<br>".join(lines)


def _breakdown_html(breakdown: str, asked: list[str] | None = None) -> str:
    """One line per criterion: the points, what the prospect has and, when the profile's
    criteria are known (one per line, in order), what the criterion asked for."""
    lines = []
    rows = breakdown.splitlines()
    wanted = asked if asked and len(asked) == len(rows) else [""] * len(rows)
    for line, ask in zip(rows, wanted, strict=True):
        points, _, text = line.partition(" ")
        colour = "#2e7d32" if points != "+0" else "#757575"
        asked_for = (f' <span style="color:#757575">— asked: {escape(ask)}</span>'
                     if ask else "")
        lines.append(f'<span style="color:{colour}"><b>{escape(points)}</b></span> '
                     f"{escape(text)}{asked_for}")
    return "<br>".join(lines)


def _when(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
