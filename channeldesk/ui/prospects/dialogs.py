"""Create/edit a prospect, and move one to another pipeline stage."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.money import Money, MoneyError
from channeldesk.domain.partner import PartnerType, Region
from channeldesk.domain.prospect import Source, Stage, label, stage_move_error, validate_prospect
from channeldesk.services.prospect_csv_format import (
    ValueProblem,
    read_currency,
    read_date,
    read_employees,
    read_revenue,
)
from channeldesk.store.models import Prospect
from channeldesk.ui.widgets.form import ERROR_STYLE
from channeldesk.ui.widgets.record_dialogs import RecordDialog

TEXT_FIELDS = ("company", "website", "country", "region", "vertical", "partner_type",
               "source", "stage", "lost_reason", "owner", "next_step", "contact_name",
               "contact_email", "contact_phone", "competencies", "competitors",
               "internal_notes")


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, label(member.value)) for member in enum]


def _typed(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Form text → stored values, and the messages for text that does not read."""
    typed = {k: v for k, v in values.items()
             if k not in ("employees", "annual_revenue", "next_step_on", "currency")}
    errors: dict[str, str] = {}
    currency = (values.get("currency") or "USD").strip() or "USD"
    try:
        typed["currency"] = read_currency(currency)
    except ValueProblem as problem:
        errors["currency"], typed["currency"] = str(problem).capitalize() + ".", "USD"
    readers = (("employees", lambda t: read_employees(t)[0]),
               ("annual_revenue", lambda t: read_revenue(t, typed["currency"])[0]),
               ("next_step_on", read_date))
    for name, reader in readers:
        text = (values.get(name) or "").strip()
        stored = "annual_revenue_minor" if name == "annual_revenue" else name
        typed[stored] = None
        if text:
            try:
                typed[stored] = reader(text)
            except ValueProblem as problem:
                errors[name] = str(problem).capitalize() + "."
    return typed, errors


def prospect_form_errors(values: dict[str, Any]) -> dict[str, str]:
    typed, errors = _typed(values)
    for name, message in validate_prospect(typed).items():
        errors.setdefault("annual_revenue" if name == "annual_revenue_minor" else name, message)
    return errors


class ProspectDialog(RecordDialog):
    """Create or edit a prospect's own fields (the stage moves through Move to…)."""

    def __init__(self, parent: QWidget | None = None, prospect=None,
                 show_internal: bool = True) -> None:
        title = self.tr("Edit prospect") if prospect else self.tr("New prospect")
        super().__init__(title, prospect_form_errors, parent, "prospect-dialog",
                         Prospect.description)
        self.setMinimumWidth(560)
        form = self.form
        form.add_line("company", self.tr("&Company"), self.tr("Company name"))
        form.add_line("website", self.tr("&Website"), "example.com")
        form.add_line("country", self.tr("C&ountry"), self.tr("e.g. Germany"))
        form.add_choice("region", self.tr("&Region"), _choices(Region))
        form.add_line("vertical", self.tr("&Vertical"), self.tr("e.g. Healthcare"))
        form.add_line("employees", self.tr("E&mployees"), "250")
        form.add_line("annual_revenue", self.tr("Annual re&venue"), "1,500,000")
        form.add_line("currency", self.tr("C&urrency"), "USD")
        form.add_choice("partner_type", self.tr("&Type sought"), _choices(PartnerType))
        form.add_choice("source", self.tr("&Source"), _choices(Source))
        form.add_line("owner", self.tr("O&wner"), self.tr("Channel account manager"))
        form.add_line("next_step", self.tr("&Next step"), self.tr("e.g. Send the proposal"))
        form.add_line("next_step_on", self.tr("&Due"), self.tr("YYYY-MM-DD, or empty"))
        form.add_line("contact_name", self.tr("Contact na&me"))
        form.add_line("contact_email", self.tr("Contact &email"), "name@example.com")
        form.add_line("contact_phone", self.tr("Contact p&hone"))
        form.add_line("competencies", self.tr("Com&petencies"),
                      self.tr("Comma-separated, e.g. Azure, Security"))
        form.add_line("competitors", self.tr("Sells c&ompetitors"),
                      self.tr("Comma-separated vendor names"))
        form.add_text("internal_notes", self.tr("Internal &notes"),
                      self.tr("Only you and your team see this; hidden in presentation mode"))
        form.set_values(self._initial(prospect))
        form.set_internal_visible(show_internal)
        form.field("company").setFocus()
        self._stage = prospect.stage if prospect else Stage.IDENTIFIED.value

    @staticmethod
    def _initial(prospect) -> dict[str, Any]:
        if prospect is None:
            return {"currency": "USD"}
        values = {name: getattr(prospect, name) for name in TEXT_FIELDS if name != "stage"}
        values["employees"] = "" if prospect.employees is None else str(prospect.employees)
        values["currency"] = prospect.currency
        values["annual_revenue"] = ""
        if prospect.annual_revenue_minor is not None:
            with contextlib.suppress(MoneyError):  # a currency from a newer version
                values["annual_revenue"] = str(Money.from_minor(
                    prospect.annual_revenue_minor, prospect.currency).amount)
        when = prospect.next_step_on
        values["next_step_on"] = when.isoformat() if isinstance(when, date) else ""
        return values

    def values(self) -> dict[str, Any]:
        typed, _ = _typed(super().values())
        website = (typed.get("website") or "").strip()
        if website and "://" not in website:
            typed["website"] = f"https://{website}"
        for name in ("region", "partner_type", "source"):
            typed[name] = typed.get(name) or ""
        typed.pop("stage", None)
        return typed


class StageMoveDialog(QDialog):
    """Choose the stage to move to; a lost prospect needs its reason."""

    def __init__(self, company: str, current: str, parent: QWidget | None = None,
                 target: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stage-move-dialog")
        self.setWindowTitle(self.tr("Move %s") % company)
        self.setMinimumWidth(420)
        self._current = current
        self.stage = QComboBox()
        self.stage.setObjectName("stage-move-target")
        for stage in Stage:
            self.stage.addItem(label(stage.value), stage.value)
        wanted = target or _next_stage(current)
        self.stage.setCurrentIndex(max(0, self.stage.findData(wanted)))
        self.reason = QLineEdit()
        self.reason.setObjectName("stage-move-reason")
        self.reason.setPlaceholderText(self.tr("e.g. chose a competitor, no budget"))
        self.error = QLabel()
        self.error.setObjectName("stage-move-error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("From"), QLabel(label(current)))
        form.addRow(self.tr("&To"), self.stage)
        form.addRow(self.tr("Lost &reason"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.stage.currentIndexChanged.connect(self._sync_reason)
        self._sync_reason()

    def _sync_reason(self) -> None:
        self.reason.setEnabled(self.target() == Stage.LOST)

    def target(self) -> str:
        return self.stage.currentData()

    def lost_reason(self) -> str:
        return self.reason.text().strip() if self.target() == Stage.LOST else ""

    def _accept(self) -> None:
        problem = stage_move_error(self._current, self.target(), self.lost_reason())
        self.error.setText(problem or "")
        if problem is None:
            self.accept()


def _next_stage(current: str) -> str:
    stages = [s.value for s in Stage if s != Stage.LOST]
    if current in stages and stages.index(current) + 1 < len(stages):
        return stages[stages.index(current) + 1]
    return Stage.IDENTIFIED.value
