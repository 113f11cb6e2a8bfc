"""A record's activity log (calls, meetings, QBRs…) with Log, Edit and Delete.

Partners and prospects both keep one; each edit is an undoable command on the window's
stack. The owner is the record the activities belong to (``owner_field`` names its
reference column: ``partner`` or ``prospect``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from channeldesk.store import Store
from channeldesk.store.models import SyncedModel
from channeldesk.ui.shell.undo import DeleteCommand, InsertCommand, UpdateCommand, perform_or_report
from channeldesk.ui.widgets.confirm import confirm_delete
from channeldesk.ui.widgets.engagement_models import ActivitiesModel
from channeldesk.ui.widgets.record_dialogs import ActivityDialog
from channeldesk.ui.widgets.record_views import fit_columns, list_page, make_table, selected_id

FIELDS = ("kind", "occurred_on", "subject", "notes", "internal_only")


class ActivityLog:
    """The table and its buttons; ``page`` is the widget to put in a tab."""

    def __init__(self, pane: QWidget, store: Store, undo_stack, model: ActivitiesModel,
                 record: type[SyncedModel], owner_field: str, prefix: str, add_tip: str
                 ) -> None:
        self._pane, self._store, self._stack = pane, store, undo_stack
        self.model, self._record, self._owner_field = model, record, owner_field
        self.owner_id: str | None = None
        self.show_internal = True
        self.view = make_table(model, f"{prefix}activities-table")
        self.view.doubleClicked.connect(self.edit)
        model.modelReset.connect(self._fit_columns)
        self._fit_columns()
        add = QPushButton(pane.tr("Log activity…"))
        add.setObjectName(f"{prefix}activity-add")
        # Ctrl+L is the tab's "Log activity" menu item, so it works from anywhere there.
        add.setToolTip(add_tip)
        add.clicked.connect(self.add)
        self._edit = QPushButton(pane.tr("Edit…"))
        self._edit.clicked.connect(self.edit)
        self._delete = QPushButton(pane.tr("Delete"))
        self._delete.clicked.connect(self.delete)
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)
        self.page = list_page(self.view, [add, self._edit, self._delete])

    def _fit_columns(self) -> None:
        """Date, kind and visibility whole; the subject readable; the notes elide."""
        fit_columns(self.view, {"occurred_on": "2026-12-31", "kind": "Meeting",
                                "internal_only": "Internal",
                                "subject": "Quarterly business review"}, stretch="notes")

    def update_buttons(self) -> None:
        chosen = selected_id(self.view) is not None
        self._edit.setEnabled(chosen)
        self._delete.setEnabled(chosen)

    def _selected(self):
        activity_id = selected_id(self.view)
        return self._store.get(self._record, activity_id) if activity_id else None

    def add(self) -> None:
        if self.owner_id is None:
            return
        dialog = ActivityDialog(self._pane, show_internal=self.show_internal,
                                description=self._record.description)
        if dialog.exec():
            values = {**dialog.values(), self._owner_field: self.owner_id}
            self._perform(InsertCommand(self._store, self._record, values,
                                        self._pane.tr("Log activity %s") % values["subject"]),
                          self._pane.tr("Could not log the activity"))

    def edit(self) -> None:
        activity = self._selected()
        if activity is None:
            return
        dialog = ActivityDialog(self._pane, {f: getattr(activity, f) for f in FIELDS},
                                show_internal=self.show_internal,
                                description=self._record.description)
        if dialog.exec():
            values = dialog.values()
            self._perform(UpdateCommand(self._store, self._record, activity.id, values,
                                        self._pane.tr("Edit activity %s") % values["subject"]),
                          self._pane.tr("Could not save the activity"))

    def delete(self) -> None:
        activity = self._selected()
        if activity is not None and confirm_delete(self._pane, self._pane.tr("activity"),
                                                   activity.subject):
            self._perform(DeleteCommand(self._store, self._record, activity.id,
                                        self._pane.tr("Delete activity %s") % activity.subject),
                          self._pane.tr("Could not delete the activity"))

    def _perform(self, command, failure: str) -> None:
        perform_or_report(self._pane, self._stack, self._store, command, failure)
