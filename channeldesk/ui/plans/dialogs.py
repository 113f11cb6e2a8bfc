"""Creating a plan: which partner, which period, which currency."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QWidget

from channeldesk.domain.plan import Period, validate_plan
from channeldesk.ui.widgets.record_dialogs import RecordDialog


class NewPlanDialog(RecordDialog):
    """Partner, period (FY2026, 2026-H1, 2026-Q3) and currency; refuses a period the
    partner already has a plan for."""

    def __init__(self, partners: list[tuple[str, str]], exists: Callable[[str, str], bool],
                 parent: QWidget | None = None, partner_id: str | None = None,
                 today: date | None = None,
                 currency_of: Callable[[str], str] = lambda _partner: "EUR") -> None:
        self._exists, self._currency_of = exists, currency_of
        super().__init__(self.tr("New business plan"), self._validate, parent,
                         "plan-new-dialog")
        partner = self.form.add_choice("partner", self.tr("Partner"), partners)
        period = self.form.add_line("period", self.tr("Period"),
                                    self.tr("FY2026, 2026-H1 or 2026-Q3"))
        self.currency = self.form.add_line("currency", self.tr("Currency"), "EUR")
        this_year = (today or date.today()).year
        chosen = partner_id or (partners[0][0] if partners else None)
        self._suggested = currency_of(chosen) if chosen else "EUR"
        self.form.set_values({"partner": partner_id, "period": f"FY{this_year}",
                              "currency": self._suggested})
        partner.currentIndexChanged.connect(lambda _: self._follow_partner())
        period.selectAll()

    def _follow_partner(self) -> None:
        """The currency follows the partner chosen (a US partner plans in USD) until the
        user types one of their own."""
        partner_id = self.form.values()["partner"]
        if partner_id and self.currency.text().strip().upper() == self._suggested:
            self._suggested = self._currency_of(partner_id)
            self.currency.setText(self._suggested)

    def _validate(self, values: dict[str, Any]) -> dict[str, str]:
        errors = validate_plan(values)
        if not errors and self._exists(values["partner"], str(Period.parse(values["period"]))):
            errors["period"] = self.tr("This partner already has a plan for %s; open it from "
                                       "the list.") % values["period"]
        return errors

    def values(self) -> dict[str, Any]:
        values = self.form.values()
        return {"partner": values["partner"], "period": str(Period.parse(values["period"])),
                "currency": values["currency"].strip().upper(), "status": "draft",
                "title": "Joint business plan"}
