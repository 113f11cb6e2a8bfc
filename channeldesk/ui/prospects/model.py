"""The prospects table: filtered and sorted in SQL, painted lazily; the board's columns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor

from channeldesk.domain.money import Money, MoneyError
from channeldesk.domain.prospect import is_overdue, label
from channeldesk.store import Store
from channeldesk.store.models import ProspectActivity
from channeldesk.store.prospect_derived import catch_up
from channeldesk.store.prospect_queries import (
    ProspectFilter,
    ProspectRow,
    ProspectSort,
    prospect_ids,
    prospect_rows,
)
from channeldesk.ui.widgets.engagement_models import ActivitiesModel
from channeldesk.ui.widgets.formats import format_date
from channeldesk.ui.widgets.record_table import ID_ROLE, Column, Index, SqlSortedTableModel

OVERDUE_COLOUR = QColor("#c62828")
# The roles the columns answer; a repaint asks for about twice as many per cell.
ANSWERED_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                            Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole,
                            ID_ROLE})
SCORE_COLOURS = ((70, QColor("#2e7d32")), (40, QColor("#b26a00")), (0, QColor("#757575")))


def score_colour(score: int | None) -> QColor | None:
    if score is None:
        return None
    return next(colour for floor, colour in SCORE_COLOURS if score >= floor)


def format_number(value: int | float | None, decimals: int = 0) -> str:
    """A number in the user's locale; with digit grouping where no locale is set."""
    if value is None:
        return ""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return f"{value:,.{decimals}f}"
    return locale.toString(float(value), "f", decimals) if decimals else locale.toString(
        int(value))


def revenue_units(minor: int | None, currency: str) -> int | None:
    if minor is None:
        return None
    try:
        return int(Money.from_minor(minor, currency).amount)
    except MoneyError:
        return None


def format_revenue(minor: int | None, currency: str) -> str:
    """Whole units in the user's locale ('2,500,000 USD'); cents do not help here."""
    units = revenue_units(minor, currency)
    return "" if units is None else f"{format_number(units)} {currency}"


def format_revenue_short(minor: int | None, currency: str) -> str:
    """'16.1 M USD': a table column that reads at a glance (the tooltip is exact)."""
    units = revenue_units(minor, currency)
    if units is None:
        return ""
    for size, suffix in ((10**9, "B"), (10**6, "M"), (10**3, "k")):
        if units >= size:
            return f"{format_number(units / size, 1)} {suffix} {currency}"
    return f"{format_number(units)} {currency}"


class ProspectsTableModel(SqlSortedTableModel[ProspectRow]):
    """Live prospects matching a :class:`ProspectFilter`, in the chosen order."""

    stored_table = "prospect"

    sort_keys = ProspectSort

    def __init__(self, store: Store, today: date | None = None, parent=None) -> None:
        self._today = today or date.today()
        self.show_internal = True  # off in presentation mode: no lost reason in tooltips
        super().__init__(self._make_columns(), ProspectSort.COMPANY, ProspectFilter(), parent)
        self._store = store

    def _make_columns(self) -> list[Column[ProspectRow]]:
        def overdue(row: ProspectRow) -> bool:
            return is_overdue(row.next_step_on, row.stage, self._today)

        return [
            Column("company", self.tr("Company"), lambda r: r.company, ProspectSort.COMPANY),
            Column("score", self.tr("Fit"), lambda r: "" if r.score is None else str(r.score),
                   ProspectSort.SCORE, align_right=True,
                   foreground=lambda r: score_colour(r.score),
                   tooltip=lambda r: r.breakdown or self.tr("No ideal partner profile yet")),
            Column("stage", self.tr("Stage"), lambda r: label(r.stage), ProspectSort.STAGE,
                   tooltip=lambda r: r.lost_reason if self.show_internal else ""),
            Column("country", self.tr("Country"), lambda r: r.country, ProspectSort.COUNTRY),
            Column("region", self.tr("Region"), lambda r: label(r.region), ProspectSort.REGION),
            Column("vertical", self.tr("Vertical"), lambda r: r.vertical, ProspectSort.VERTICAL),
            Column("employees", self.tr("Employees"), lambda r: format_number(r.employees),
                   ProspectSort.EMPLOYEES, align_right=True),
            Column("revenue", self.tr("Revenue"),
                   lambda r: format_revenue_short(r.annual_revenue_minor, r.currency),
                   ProspectSort.REVENUE, align_right=True,
                   tooltip=lambda r: format_revenue(r.annual_revenue_minor, r.currency),
                   field="annual_revenue_minor"),
            Column("partner_type", self.tr("Type sought"), lambda r: label(r.partner_type),
                   ProspectSort.PARTNER_TYPE),
            Column("source", self.tr("Source"), lambda r: label(r.source), ProspectSort.SOURCE),
            Column("owner", self.tr("Owner"), lambda r: r.owner, ProspectSort.OWNER),
            Column("next_step", self.tr("Next step"), lambda r: r.next_step.split("\n")[0],
                   ProspectSort.NEXT_STEP, tooltip=lambda r: r.next_step),
            Column("next_step_on", self.tr("Due"), lambda r: format_date(r.next_step_on),
                   ProspectSort.NEXT_STEP_ON,
                   foreground=lambda r: OVERDUE_COLOUR if overdue(r) else None,
                   tooltip=lambda r: self.tr("Overdue") if overdue(r) else ""),
            Column("last_touch", self.tr("Last touch"), lambda r: format_date(r.last_touch),
                   ProspectSort.LAST_TOUCH),
            Column("website", self.tr("Website"), lambda r: r.website, ProspectSort.WEBSITE),
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        """As the base class, minus the record lookup for roles no column answers (half
        of what a repaint asks for; it counts at 15 columns)."""
        if role not in ANSWERED_ROLES:
            return None
        return super().data(index, role)

    @property
    def prospect_filter(self) -> ProspectFilter:
        return self._filter

    def fetch_ids(self) -> list[str]:
        catch_up(self._store.db)
        return prospect_ids(self._store.db, self._filter, self._sort, self._descending)

    def fetch_rows(self, ids: Sequence[str]) -> dict[str, ProspectRow]:
        return prospect_rows(self._store.db, ids)


class ProspectActivitiesModel(ActivitiesModel):
    """The calls and meetings logged on one prospect, newest first."""

    activity_model = ProspectActivity

    def set_prospect(self, prospect_id: str | None) -> None:
        self.set_partner(prospect_id)

