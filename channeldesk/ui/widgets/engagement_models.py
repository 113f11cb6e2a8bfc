"""Contacts and the activity log of one partner (short lists, re-read on change)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor

from channeldesk.domain.partner import label
from channeldesk.store import Store
from channeldesk.store.engagement_queries import activity_ids, contact_ids, rows_by_id
from channeldesk.store.models import Activity, Contact, ProspectActivity
from channeldesk.ui.widgets.formats import format_date
from channeldesk.ui.widgets.record_table import Column, RecordTableModel

INTERNAL_COLOUR = QColor("#8e24aa")


class ContactsModel(RecordTableModel[Contact]):
    """The live contacts of one partner, primary contact first."""

    stored_table = "contact"

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__([
            Column("name", self.tr("Name"), lambda c: c.name),
            Column("role", self.tr("Role"), lambda c: c.role),
            Column("email", self.tr("Email"), lambda c: c.email),
            Column("phone", self.tr("Phone"), lambda c: c.phone),
            Column("is_primary", self.tr("Primary"),
                   lambda c: self.tr("Primary") if c.is_primary else ""),
        ], parent)
        self._store = store
        self._partner_id: str | None = None

    def set_partner(self, partner_id: str | None) -> None:
        self._partner_id = partner_id
        self.refresh()

    def fetch_ids(self) -> list[str]:
        if self._partner_id is None:
            return []
        return contact_ids(self._partner_id)

    def fetch_rows(self, ids: Sequence[str]) -> dict[str, Contact]:
        return rows_by_id(Contact, ids)


class ActivitiesModel(RecordTableModel[Activity]):
    """The engagement log of one partner, newest first.

    In presentation mode internal-only activities are not listed at all, so a shared screen
    never shows them, not even as a row count.
    """

    activity_model: type[Activity] | type[ProspectActivity] = Activity

    @property
    def stored_table(self) -> str:  # type: ignore[override] (per log: partner or prospect)
        return self.activity_model._meta.table_name

    def __init__(self, store: Store, parent=None) -> None:
        self._show_internal = True
        super().__init__(self._make_columns(), parent)
        self._store = store
        self._partner_id: str | None = None

    def _make_columns(self) -> list[Column[Activity]]:
        # Visibility right after the kind: at a laptop's width a column after the notes
        # is off screen, and whether an entry is shared is what matters on a shared screen.
        columns = [
            Column("occurred_on", self.tr("Date"), lambda a: format_date(a.occurred_on)),
            Column("kind", self.tr("Kind"), lambda a: label(a.kind)),
        ]
        if self._show_internal:
            columns.append(Column(
                "internal_only", self.tr("Visibility"),
                lambda a: self.tr("Internal") if a.internal_only else self.tr("Shared"),
                foreground=lambda a: INTERNAL_COLOUR if a.internal_only else None))
        columns += [
            Column("subject", self.tr("Subject"), lambda a: a.subject,
                   tooltip=lambda a: a.notes),
            Column("notes", self.tr("Notes"), lambda a: " ".join(a.notes.split())[:160],
                   tooltip=lambda a: a.notes),
        ]
        return columns

    def set_partner(self, partner_id: str | None) -> None:
        self._partner_id = partner_id
        self.refresh()

    def set_show_internal(self, show: bool) -> None:
        if show != self._show_internal:
            self.beginResetModel()
            self._show_internal = show
            self._columns = self._make_columns()
            self.set_ids(self.fetch_ids())
            self._rows.clear()
            self.endResetModel()

    def fetch_ids(self) -> list[str]:
        if self._partner_id is None:
            return []
        return activity_ids(self.activity_model, self._partner_id, self._show_internal)

    def fetch_rows(self, ids: Sequence[str]) -> dict[str, Activity]:
        return rows_by_id(self.activity_model, ids)
