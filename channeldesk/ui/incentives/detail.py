"""The selected claim beside the list: its figures, the partner's fund, the proof it
still lacks, the steps allowed now (and only those) and its timeline."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.claim_state import ACTION_LABELS, ClaimAction, allowed_actions, state_label
from channeldesk.domain.fund_ledger import Balances
from channeldesk.domain.incentive import (
    ProgramKind,
    RuleError,
    activity_label,
    kind_label,
    missing_proof_text,
    needs_preapproval,
    proof_label,
    roi,
)
from channeldesk.domain.plan import PeriodError
from channeldesk.services.incentive_operations import money_text, proof_missing, rebate_of
from channeldesk.store import Store
from channeldesk.store.incentive_queries import (
    claim_due_on,
    claim_totals,
    partner_total,
    revenue_and_paid,
)
from channeldesk.store.models import Claim, ClaimProof, ClaimTransition, IncentiveProgram
from channeldesk.ui.widgets.formats import format_date

BALANCE_ROWS = ("allocated", "accrued", "reserved", "claimed", "approved", "paid", "expired",
                "available")


def _fit(label: QLabel, width: int) -> None:
    """Give a rich-text label the height its text needs at ``width`` (a group box inside
    a scroll area otherwise squeezes it to one line)."""
    height = label.heightForWidth(width) if label.wordWrap() else label.sizeHint().height()
    label.setMinimumHeight(max(height, label.fontMetrics().height()))


class ClaimDetail(QScrollArea):
    """One claim; emits what the user asked for, the tab performs it."""

    sig_action_requested = Signal(str)
    """A step of the state machine was asked for (the action's code)."""
    sig_attach_requested = Signal()
    """The user wants to attach a proof-of-performance file."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.claim_id: str | None = None
        self._show_internal = True
        self.setObjectName("incentives-detail")
        self.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.heading = QLabel()
        self.heading.setObjectName("incentives-detail-heading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.facts = QLabel()
        self.facts.setObjectName("incentives-detail-facts")
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setWordWrap(True)
        self.proof = QLabel()
        self.proof.setObjectName("incentives-proof")
        self.proof.setWordWrap(True)
        self.buttons = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for action in ClaimAction:
            button = QPushButton(ACTION_LABELS[action] + "…")
            button.setObjectName(f"incentives-action-{action.value}")
            button.clicked.connect(lambda _=False, a=action: self.sig_action_requested.emit(a))
            self.buttons.addWidget(button)
            self.action_buttons[action.value] = button
        self.attach_button = QPushButton(self.tr("Attach proof…"))
        self.attach_button.setObjectName("incentives-attach-proof")
        self.attach_button.clicked.connect(self.sig_attach_requested.emit)
        self.buttons.addWidget(self.attach_button)
        self.buttons.addStretch(1)
        fund_box = QGroupBox(self.tr("Partner's fund in this program"))
        self.fund = QLabel()
        self.fund.setObjectName("incentives-fund")
        self.fund.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(fund_box).addWidget(self.fund)
        timeline_box = QGroupBox(self.tr("Timeline"))
        self.timeline = QLabel()
        self.timeline.setObjectName("incentives-timeline")
        self.timeline.setTextFormat(Qt.TextFormat.RichText)
        self.timeline.setWordWrap(True)
        QVBoxLayout(timeline_box).addWidget(self.timeline)
        for widget in (self.heading, self.facts, self.proof):
            layout.addWidget(widget)
        layout.addLayout(self.buttons)
        layout.addWidget(fund_box)
        layout.addWidget(timeline_box)
        layout.addStretch(1)
        self.setWidget(body)
        self.show_claim(None)

    def set_show_internal(self, show: bool) -> None:
        self._show_internal = show
        self.show_claim(self.claim_id)

    def claim(self) -> Claim | None:
        row = self._store.get(Claim, self.claim_id) if self.claim_id else None
        return row if row is not None and not row.deleted else None

    def show_claim(self, claim_id: str | None) -> None:
        self.claim_id = claim_id
        claim = self.claim()
        program = self._store.get(IncentiveProgram, claim.program_id) if claim else None
        if claim is None or program is None:
            self.heading.setText(self.tr("<h3>No claim selected</h3>Select a request or "
                                         "claim in the list, or start a new request."))
            for widget in (self.facts, self.proof, self.fund, self.timeline):
                widget.setText("")
            for button in [*self.action_buttons.values(), self.attach_button]:
                button.setVisible(False)
            return
        self._show_heading(claim, program)
        self._show_facts(claim, program)
        self._show_buttons(claim, program)
        self._show_fund(partner_total(self._store.db, claim.partner_id, program.id),
                        claim.currency, self._standing(claim, program))
        self._show_timeline(claim)

    def _show_heading(self, claim: Claim, program: IncentiveProgram) -> None:
        self.heading.setText(
            f"<h3>{escape(claim.title)}</h3>{escape(claim.partner.name)} · "
            f"{escape(program.name)} ({kind_label(program.kind)}, {escape(program.period)})"
            f" — <b>{state_label(claim.state)}</b>")

    def _show_facts(self, claim: Claim, program: IncentiveProgram) -> None:
        totals = claim_totals(self._store.db, claim.id)

        def money(units: int) -> str:
            return money_text(units, claim.currency)

        rows = [(self.tr("Activity"), activity_label(claim.activity_type)),
                (self.tr("Dates"), " – ".join(filter(None, (format_date(claim.activity_start),
                                                             format_date(claim.activity_end))))
                 or "–"),
                (self.tr("Requested"), money(claim.requested)),
                (self.tr("Reserved now"), money(totals.holding)),
                (self.tr("Claimed"), money(totals.claimed)),
                (self.tr("Approved"), money(totals.approved)),
                (self.tr("Paid"), money(totals.paid)),
                (self.tr("Claim due"), format_date(claim_due_on(
                    claim.activity_end, program.claim_deadline_days)) or "–"),
                (self.tr("Pre-approval valid until"),
                 format_date(claim.preapproval_expires_on) or "–"),
                (self.tr("Revenue influenced"), money(claim.revenue_influenced))]
        ratio = roi(claim.revenue_influenced, totals.paid)
        rows.append((self.tr("ROI (revenue ÷ paid)"), f"{ratio}×" if ratio is not None else "–"))
        if claim.deal_ref or claim.units:
            rows.append((self.tr("Deal / units"), f"{claim.deal_ref} · {claim.units}"))
        if self._show_internal and claim.internal_notes:
            rows.append((self.tr("Internal notes"), claim.internal_notes))
        self.facts.setText("<table cellspacing='2'>" + "".join(
            f"<tr><td style='color:palette(mid)'>{escape(k)}&nbsp;&nbsp;</td>"
            f"<td>{escape(v)}</td></tr>" for k, v in rows) + "</table>")
        attached = [proof_label(p.proof_kind) + (f" ({p.file_name})" if p.file_name else "")
                    for p in ClaimProof.live().where(ClaimProof.claim == claim.id)]
        missing = missing_proof_text(proof_missing(self._store, claim, program))
        self.proof.setText(self.tr("Proof: %s") % (", ".join(attached) or self.tr("none yet"))
                           + (f" — <b style='color:#c62828'>{escape(missing)}</b>"
                              if missing else ""))

    def _show_buttons(self, claim: Claim, program: IncentiveProgram) -> None:
        allowed = {a.value for a in allowed_actions(claim.state, needs_preapproval(program.kind))}
        for code, button in self.action_buttons.items():
            button.setVisible(code in allowed)
        self.attach_button.setVisible(claim.state in ("draft", "submitted", "info_requested",
                                                      "pre_approved", "claim_info_requested"))

    def _standing(self, claim: Claim, program: IncentiveProgram) -> str:
        """The partner's MDF ROI in the program and, for a rebate, what it earned and how
        far the next tier is."""
        revenue, paid = revenue_and_paid(self._store.db, claim.partner_id, program.id)
        ratio = roi(revenue, paid)
        lines = [self.tr("ROI in this program: %s") % (f"{ratio}×" if ratio is not None
                                                        else "–"),
                 self.tr("revenue influenced %s ÷ paid %s") % (
                     money_text(revenue, claim.currency), money_text(paid, claim.currency))]
        if program.kind == ProgramKind.REBATE:
            try:
                standing = rebate_of(self._store, program, claim.partner_id)
            except (RuleError, PeriodError):
                return "<br/>".join(lines)
            lines.append(self.tr("Rebate earned: %s on %s at %s%%") % (
                money_text(standing.earned, claim.currency),
                money_text(standing.base, claim.currency), standing.rate))
            if standing.to_next_tier is not None:
                lines.append(self.tr("Next tier (%s%%) in %s more sales") % (
                    standing.next_rate, money_text(standing.to_next_tier, claim.currency)))
            else:
                lines.append(self.tr("Top tier reached."))
        return "<br/>".join(escape(line) for line in lines)

    def _show_fund(self, found: Balances, currency: str, standing: str = "") -> None:
        values = found.as_dict()
        heading = f"<p>{standing}</p>" if standing else ""
        self.fund.setText(heading + "<table cellspacing='2'>" + "".join(
            f"<tr><td>{name.capitalize()}&nbsp;&nbsp;</td><td align='right'>"
            f"{'<b>' if name == 'available' else ''}{money_text(values[name], currency)}"
            f"{'</b>' if name == 'available' else ''}</td></tr>"
            for name in BALANCE_ROWS) + "</table>")
        self._fit_labels()

    def _show_timeline(self, claim: Claim) -> None:
        steps = (ClaimTransition.live().where(ClaimTransition.claim == claim.id)
                 .order_by(ClaimTransition.step))
        lines = []
        for step in steps:
            when = step.occurred_at[:16].replace("T", " ")
            amount = f" · {money_text(step.amount, claim.currency)}" if step.amount else ""
            who = f" by {escape(step.actor)}" if step.actor else ""
            comment = f"<br/><i>{escape(step.comment)}</i>" if step.comment else ""
            lines.append(f"<p><b>{escape(when)}</b> {state_label(step.from_state)} → "
                         f"{state_label(step.to_state)}{amount}{who}{comment}</p>")
        self.timeline.setText("".join(lines) or self.tr("No steps yet: the request is a draft."))
        self._fit_labels()

    def _fit_labels(self) -> None:
        width = max(self.viewport().width() - 48, 300)
        for label in (self.fund, self.timeline):
            _fit(label, width)
        for box in (self.fund.parentWidget(), self.timeline.parentWidget()):
            box.layout().activate()
        self.widget().layout().activate()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_labels()
