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
                 today: date | None = None) -> None:
        self._exists = exists
        super().__init__(self.tr("New business plan"), self._validate, parent,
                         "plan-new-dialog")
        self.form.add_choice("partner", self.tr("Partner"), partners)
        period = self.form.add_line("period", self.tr("Period"),
                                    self.tr("FY2026, 2026-H1 or 2026-Q3"))
        self.form.add_line("currency", self.tr("Currency"), "EUR")
        this_year = (today or date.today()).year
        self.form.set_values({"partner": partner_id, "period": f"FY{this_year}",
                              "currency": "EUR"})
        period.selectAll()

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
