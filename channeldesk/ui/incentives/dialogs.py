"""Dialogs of the Incentives tab: a program, a new request, an allocation and one step
of a claim (amount and comment). Each checks what is typed as the user types and returns
plain values; the tab runs the operation."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QWidget

from channeldesk.domain.claim_state import ACTION_LABELS, ClaimAction
from channeldesk.domain.incentive import ACTIVITY_LABELS, ActivityType
from channeldesk.domain.money import Money, MoneyError
from channeldesk.domain.plan import Period
from channeldesk.services.incentive_edits import AMOUNT_FIELDS, amounts_fixed
from channeldesk.store.description import FieldError
from channeldesk.store.incentive_program_lock import FIXED_ONCE_USED
from channeldesk.store.models import IncentiveProgram
from channeldesk.ui.widgets.record_dialogs import RecordDialog

# Program fields in the order the form shows them (all from the table's description).
PROGRAM_FIELDS = ("name", "kind", "period", "currency", "partner_types", "tiers",
                  "claim_deadline_days", "preapproval_valid_days", "reimbursement_pct",
                  "proof_rules", "accrual_bp", "rebate_basis", "rebate_tiers", "spiff_amount",
                  "description", "internal_notes")
NEEDS_AMOUNT = frozenset({ClaimAction.SUBMIT, ClaimAction.PRE_APPROVE,
                          ClaimAction.SUBMIT_CLAIM, ClaimAction.APPROVE, ClaimAction.PAY})
NEEDS_REASON = frozenset({ClaimAction.REJECT, ClaimAction.DISPUTE, ClaimAction.REQUEST_INFO})


def amount_problem(text: str, currency: str, required: bool = True) -> str | None:
    """What is wrong with a typed amount (None when it is a valid amount ≥ 0)."""
    if not text.strip():
        return "Enter an amount." if required else None
    try:
        units = Money.parse(text, currency).to_minor()
    except MoneyError as error:
        return f"{error} Type an amount such as 1,250.00."
    return "Amounts cannot be negative." if units < 0 else None


def to_units(text: str, currency: str) -> int:
    """A typed amount in minor units (0 for an empty field)."""
    return Money.parse(text, currency).to_minor() if text.strip() else 0


def amount_text(units: int, currency: str) -> str:
    """Minor units as a form shows them for editing ('1500.00', '5000' for JPY); empty
    for 0. Built from the amount itself, never from display text."""
    return str(Money.from_minor(units, currency).amount) if units else ""


class ProgramDialog(RecordDialog):
    """A program's settings, read and checked through its table description."""

    def __init__(self, parent: QWidget | None = None, values: dict | None = None,
                 fixed: bool = False) -> None:
        """``fixed``: money moved under the program, so its currency, kind and period
        are shown but cannot be changed (the operation and the store refuse it too)."""
        self.description = IncentiveProgram.description
        self._currency = str((values or {}).get("currency") or "EUR")
        super().__init__(self.tr("Incentive program"), self._problems, parent,
                         "incentives-program-dialog", self.description)
        for name in PROGRAM_FIELDS:
            spec = self.description.field(name)
            if spec.choices:
                self.form.add_choice(name, spec.label, spec.choices)
            elif name in ("proof_rules", "description", "internal_notes"):
                self.form.add_text(name, spec.label)
            else:
                self.form.add_line(name, spec.label, spec.empty_text)
        self.form.set_values({"kind": "mdf", "rebate_basis": "sales", "currency": "EUR",
                              "claim_deadline_days": "60", "preapproval_valid_days": "90",
                              "reimbursement_pct": "50", "accrual_bp": "0",
                              **(values or {})})
        if fixed:
            why = self.tr("Funds or claims exist under this program, so its kind, period "
                          "and currency are fixed. Create a new program to run another.")
            for name in FIXED_ONCE_USED:
                widget = self.form.field(name)
                widget.setEnabled(False)
                widget.setToolTip(why)
            self.show_note(why)

    @staticmethod
    def texts_of(values: dict[str, Any]) -> dict[str, Any]:
        """A stored program's values as the form shows them: money in major units of
        its currency, numbers as text, nothing as an empty field."""
        currency = str(values.get("currency") or "EUR")
        shown: dict[str, Any] = {}
        for name, value in values.items():
            spec = IncentiveProgram.description.field(name)
            if spec.kind.value == "money":
                shown[name] = amount_text(value or 0, currency)
            elif spec.choices:
                shown[name] = value
            else:
                shown[name] = "" if value is None else str(value)
        return shown

    def _parse(self, texts: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        values, errors = {}, {}
        currency = str(texts.get("currency") or self._currency).upper()
        for name, text in texts.items():
            spec = self.description.field(name)
            try:
                if spec.kind.value == "money":
                    values[name] = to_units(str(text or ""), currency)
                elif spec.choices:
                    if not text:
                        raise FieldError(f"Choose a {spec.label.lower()}.")
                    values[name] = text
                else:
                    values[name] = self.description.parse(name, str(text or ""))
            except (FieldError, MoneyError) as error:
                errors[name] = str(error)
        if "currency" in values:
            values["currency"] = str(values["currency"]).upper()
        if "period" in values:
            values["period"] = str(Period.parse(values["period"]))
        return values, errors

    def _problems(self, texts: dict[str, Any]) -> dict[str, str]:
        return self._parse(texts)[1]

    def values(self) -> dict[str, Any]:
        return self._parse(self.form.values())[0]


class NewClaimDialog(RecordDialog):
    """A new request (or a rebate or SPIFF claim): program, partner, activity, amounts."""

    def __init__(self, programs: list[tuple[str, str, str]], partners: list[tuple[str, str]],
                 parent: QWidget | None = None, partner_id: str | None = None,
                 program_id: str | None = None, spiffs: frozenset[str] = frozenset()) -> None:
        """``spiffs``: the ids of SPIFF programs, whose amount is worked out from the
        units (the requested field is then off)."""
        self._currencies = {pid: currency for pid, _label, currency in programs}
        self._spiffs, self._program_id, self._fixed = spiffs, program_id, False
        super().__init__(self.tr("New request"), self._problems, parent,
                         "incentives-new-claim")
        self.form.add_choice("program", self.tr("Program"),
                             [(pid, label) for pid, label, _ in programs])
        self.form.add_choice("partner", self.tr("Partner"), partners)
        self.form.add_line("title", self.tr("Title"), self.tr("e.g. Spring roadshow"))
        self.form.add_choice("activity_type", self.tr("Activity type"),
                             [(str(k), v) for k, v in ACTIVITY_LABELS.items()])
        self.form.add_date("activity_start", self.tr("Activity starts"))
        self.form.add_date("activity_end", self.tr("Activity ends"))
        self.form.add_line("requested", self.tr("Amount requested"), "0.00")
        self.form.add_line("activity_cost", self.tr("Total cost of the activity"), "0.00")
        self.form.add_line("units", self.tr("Deals or units (SPIFF)"), "0")
        self.form.add_line("deal_ref", self.tr("Deal reference"))
        self.form.add_line("revenue_influenced", self.tr("Revenue influenced"), "0.00")
        self.form.set_values({"program": program_id, "partner": partner_id,
                              "activity_type": ActivityType.EVENT.value})
        self.form.sig_edited.connect(self._follow_program)
        self._follow_program()

    def _follow_program(self) -> None:
        """A SPIFF's amount is its amount per deal or unit times the units: the requested
        field is off for one (the operation works it out)."""
        program = self.form.values().get("program", self._program_id)
        spiff = program in self._spiffs
        requested = self.form.field("requested")
        requested.setEnabled(not spiff and not self._fixed)
        requested.setToolTip(self.tr("Worked out from the deals or units: the program "
                                     "pays a fixed amount for each.") if spiff else "")

    def set_claim(self, claim) -> None:
        """Edit an existing claim: its program and partner stay; its requested amount
        stays once funds were reserved."""
        currency = claim.currency

        def shown(units: int) -> str:
            return amount_text(units, currency)
        self._currency = currency
        self.form.set_values({
            "title": claim.title, "activity_type": claim.activity_type,
            "activity_start": claim.activity_start, "activity_end": claim.activity_end,
            "requested": shown(claim.requested), "activity_cost": shown(claim.activity_cost),
            "units": str(claim.units), "deal_ref": claim.deal_ref,
            "revenue_influenced": shown(claim.revenue_influenced)})
        for name in ("program", "partner"):
            self.form.field(name).setEnabled(False)
        self._program_id, self._fixed = claim.program_id, amounts_fixed(claim)
        if self._fixed:
            for name in AMOUNT_FIELDS:
                self.form.field(name).setEnabled(False)
        self._follow_program()

    def currency(self, values: dict[str, Any]) -> str:
        return self._currencies.get(values.get("program") or "",
                                    getattr(self, "_currency", "EUR"))

    def _problems(self, values: dict[str, Any]) -> dict[str, str]:
        errors = {}
        for name, text in (("program", "Choose a program."), ("partner", "Choose a partner."),
                           ("activity_type", "Choose an activity type.")):
            if name in values and not values.get(name):
                errors[name] = text
        if not values.get("title"):
            errors["title"] = "Give the request a title."
        for name in ("requested", "activity_cost", "revenue_influenced"):
            problem = amount_problem(values.get(name) or "", self.currency(values), False)
            if problem:
                errors[name] = problem
        units = values.get("units") or "0"
        if not units.isdigit():
            errors["units"] = "Enter a whole number of deals or units (0 or more)."
        start, end = values.get("activity_start"), values.get("activity_end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            errors["activity_end"] = "The activity ends before it starts."
        return errors

    def values(self) -> dict[str, Any]:
        raw = self.form.values()
        currency = self.currency(raw)
        units = {"units": int(raw.get("units") or 0)} if "units" in raw else {}
        return {**raw, **units,
                **{name: to_units(raw.get(name) or "", currency)
                   for name in ("requested", "activity_cost", "revenue_influenced")
                   if name in raw}}


class AllocateDialog(RecordDialog):
    """Funds for a partner under a program, with an expiry."""

    def __init__(self, programs: list[tuple[str, str, str]], partners: list[tuple[str, str]],
                 parent: QWidget | None = None, partner_id: str | None = None,
                 program_id: str | None = None) -> None:
        self._currencies = {pid: currency for pid, _label, currency in programs}
        super().__init__(self.tr("Allocate funds"), self._problems, parent,
                         "incentives-allocate")
        self.form.add_choice("program", self.tr("Program"),
                             [(pid, label) for pid, label, _ in programs])
        self.form.add_choice("partner", self.tr("Partner"), partners)
        self.form.add_line("amount", self.tr("Amount"), "0.00")
        self.form.add_date("expires_on", self.tr("Expires on"))
        self.form.add_line("note", self.tr("Note"))
        self.form.set_values({"program": program_id, "partner": partner_id,
                              "expires_on": date(date.today().year, 12, 31)})

    def currency(self, values: dict[str, Any]) -> str:
        return self._currencies.get(values.get("program") or "", "EUR")

    def _problems(self, values: dict[str, Any]) -> dict[str, str]:
        errors = {}
        if not values.get("program"):
            errors["program"] = "Choose a program."
        if not values.get("partner"):
            errors["partner"] = "Choose a partner."
        problem = amount_problem(values.get("amount") or "", self.currency(values))
        if problem:
            errors["amount"] = problem
        return errors

    def values(self) -> dict[str, Any]:
        raw = self.form.values()
        return {**raw, "amount": to_units(raw.get("amount") or "", self.currency(raw))}


class StepDialog(RecordDialog):
    """One step of a claim: the amount it takes (pre-approve, approve, pay…) and a
    comment, required for a rejection, a dispute or a request for information."""

    def __init__(self, action: ClaimAction, currency: str, suggested: str = "",
                 parent: QWidget | None = None) -> None:
        self.action, self.currency = action, currency
        super().__init__(ACTION_LABELS[action], self._problems, parent,
                         f"incentives-step-{action.value}")
        if action in NEEDS_AMOUNT:
            self.form.add_line("amount", self.tr("Amount (%s)") % currency, "0.00")
        if action is ClaimAction.PRE_APPROVE:
            self.form.add_date("valid_until", self.tr("Valid until"))
        label = self.tr("Reason") if action in NEEDS_REASON else self.tr("Comment")
        self.form.add_text("comment", label)
        if suggested:
            self.form.set_values({"amount": suggested})

    def set_valid_until(self, value: date) -> None:
        self.form.set_values({"valid_until": value})

    def _problems(self, values: dict[str, Any]) -> dict[str, str]:
        errors = {}
        if self.action in NEEDS_AMOUNT:
            problem = amount_problem(values.get("amount") or "", self.currency)
            if problem:
                errors["amount"] = problem
        if self.action in NEEDS_REASON and not values.get("comment"):
            errors["comment"] = "Give a reason: it is shown on the timeline."
        return errors

    def values(self) -> dict[str, Any]:
        raw = self.form.values()
        return {**raw, "amount": to_units(raw.get("amount") or "", self.currency)}
