"""The Partners tab driven as a user would: dialogs, keys, undo, filters."""

from __future__ import annotations

import sqlite3

from dialog_driver import when_dialog_opens
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTableView,
)

from channeldesk.store.models import Contact, Partner
from channeldesk.sync.outbox import outbox


def shown_names(window) -> list[str]:
    model = window.page("partners").model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def select_partner(window, qtbot, name: str) -> None:
    row = shown_names(window).index(name)
    window.page("partners").select_row(row)
    qtbot.waitUntil(lambda: window.page("partners").detail.partner_id is not None)


def fill_and_save(qtbot, fields: dict[str, str], choices: dict[str, str] | None = None):
    """Type into the open dialog's fields, pick choices, press Save; returns the dialog."""
    seen = {}

    def act(dialog: QDialog) -> None:
        seen["dialog"] = dialog
        for name, text in fields.items():
            edit = dialog.findChild(QLineEdit, f"field-{name}")
            edit.clear()
            qtbot.keyClicks(edit, text)
        for name, code in (choices or {}).items():
            combo = dialog.findChild(QComboBox, f"field-{name}")
            combo.setCurrentIndex(combo.findData(code))
            combo.activated.emit(combo.currentIndex())
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
        seen["errors"] = {label.objectName(): label.text()
                          for label in dialog.findChildren(QLabel)
                          if label.objectName().startswith("error-") and label.isVisible()}
        if dialog.isVisible():
            dialog.reject()

    when_dialog_opens(act)
    return seen


def test_lists_partners_sorted_by_name(window):
    assert shown_names(window) == ["Blue Ridge MSP", "Łódź Systemy Sp. z o.o.",
                                   "Northwind Systems"]
    assert window.findChild(QTableView, "partners-table") is window.page("partners").table
    assert window.findChild(QLineEdit, "partners-search") is window.page("partners").search
    assert window.page("partners").count_label.text() == "3 partners"


def test_create_partner_then_undo_and_redo(window, qtbot):
    fill_and_save(qtbot, {"name": "Acme Channel GmbH", "country": "Austria",
                          "website": "acme.example"},
                  {"partner_type": "reseller", "region": "emea"})
    window.page("partners").new_partner()
    qtbot.waitUntil(lambda: "Acme Channel GmbH" in shown_names(window))
    acme = Partner.get(Partner.name == "Acme Channel GmbH")
    assert (acme.partner_type, acme.region, acme.website) == (
        "reseller", "emea", "https://acme.example")
    sent = [e for e in outbox(window.store.db.connection(), 0) if e.row_id == acme.id]
    assert {"name", "country", "website", "partner_type", "region"} <= {e.field for e in sent}
    assert window.page("partners").detail.partner_id == acme.id

    window.undo_action.trigger()
    assert "Acme Channel GmbH" not in shown_names(window)
    assert Partner.get_by_id(acme.id).deleted

    window.redo_action.trigger()
    assert "Acme Channel GmbH" in shown_names(window)
    assert not Partner.get_by_id(acme.id).deleted


def test_invalid_values_are_explained_next_to_the_field_and_never_saved(window, qtbot):
    before = Partner.select().count()
    seen = fill_and_save(qtbot, {"name": "", "website": "not a site", "phone": "call me"})
    window.page("partners").new_partner()
    qtbot.waitUntil(lambda: "errors" in seen)
    assert seen["errors"]["error-name"] == "Name is required."
    assert "web address" in seen["errors"]["error-website"]
    assert "phone number" in seen["errors"]["error-phone"]
    assert "error-partner_type" in seen["errors"]
    assert Partner.select().count() == before


def test_edit_partner_shows_the_change_and_undo_restores_it(window, qtbot):
    select_partner(window, qtbot, "Blue Ridge MSP")
    fill_and_save(qtbot, {"name": "Blue Ridge Managed IT"}, {"tier": "platinum"})
    window.page("partners").edit_action.trigger()
    qtbot.waitUntil(lambda: "Blue Ridge Managed IT" in shown_names(window))
    row = shown_names(window).index("Blue Ridge Managed IT")
    model = window.page("partners").model
    assert model.data(model.index(row, model.column_index("tier"))) == "Platinum"
    assert window.page("partners").detail.findChild(QLabel, "partner-title").text() == \
        "Blue Ridge Managed IT"

    window.undo_action.trigger()
    assert "Blue Ridge MSP" in shown_names(window)
    assert Partner.get(Partner.name == "Blue Ridge MSP").tier == "silver"


def test_delete_asks_once_and_ctrl_z_brings_the_partner_back(window, qtbot, answer_yes):
    select_partner(window, qtbot, "Northwind Systems")
    window.page("partners").table.setFocus()
    qtbot.keyClick(window.page("partners").table, Qt.Key.Key_Delete)
    assert len(answer_yes) == 1
    assert "Northwind Systems" not in shown_names(window)
    assert Partner.get(Partner.name == "Northwind Systems").deleted

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Northwind Systems" in shown_names(window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert "Northwind Systems" not in shown_names(window)


def test_type_to_filter_and_filters_narrow_the_list(window, qtbot):
    qtbot.keyClicks(window.page("partners").search, "LODZ")
    qtbot.waitUntil(lambda: shown_names(window) == ["Łódź Systemy Sp. z o.o."])
    assert window.page("partners").count_label.text() == "1 of 3 partners shown"

    window.page("partners").search.clear()
    qtbot.waitUntil(lambda: len(shown_names(window)) == 3)
    tiers = window.findChild(QComboBox, "partners-filter-tiers")
    tiers.setCurrentIndex(tiers.findData("gold"))
    assert shown_names(window) == ["Northwind Systems"]

    qtbot.keyClicks(window.page("partners").search, "nothing like this")
    qtbot.waitUntil(lambda: window.page("partners").model.rowCount() == 0)
    assert window.findChild(QLabel, "partners-empty-title").isVisible()
    window.page("partners").clear_filters()
    assert len(shown_names(window)) == 3


def test_sorting_by_a_column_orders_in_sql(window):
    model = window.page("partners").model
    window.page("partners").table.sortByColumn(model.column_index("tier"),
                                       Qt.SortOrder.DescendingOrder)
    assert shown_names(window)[0] == "Łódź Systemy Sp. z o.o."
    window.page("partners").table.sortByColumn(model.column_index("tier"),
                                       Qt.SortOrder.AscendingOrder)
    assert shown_names(window)[0] == "Blue Ridge MSP"


def test_presentation_mode_hides_every_internal_field(window, qtbot):
    select_partner(window, qtbot, "Northwind Systems")
    detail = window.page("partners").detail
    notes = detail.findChild(QPlainTextEdit)
    assert "escalate pricing" in notes.toPlainText() and notes.isVisible()
    subjects = [detail.activities.record(n).subject for n in range(detail.activities.rowCount())]
    assert "Churn risk" in subjects

    when_dialog_opens(lambda dialog: dialog.accept())  # the partner in the room: this one
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.presentation.on
    assert window.presentation.partner_name == "Northwind Systems"
    assert window.findChild(QLabel, "presentation-badge").isVisible()
    assert not notes.isVisible()
    subjects = [detail.activities.record(n).subject for n in range(detail.activities.rowCount())]
    assert subjects == ["Q3 review"]
    headers = [detail.activities.headerData(c, Qt.Orientation.Horizontal)
               for c in range(detail.activities.columnCount())]
    assert "Visibility" not in headers
    rendered = " ".join(label.text() for label in window.findChildren(QLabel)
                        if label.isVisible())
    assert "escalate" not in rendered and "Churn" not in rendered

    seen = {}

    def inspect(dialog) -> None:
        seen["notes_visible"] = dialog.findChild(QPlainTextEdit, "field-internal_notes") \
            .isVisible()
        dialog.reject()

    when_dialog_opens(inspect)
    window.page("partners").edit_partner()
    assert seen["notes_visible"] is False
    assert Partner.get(Partner.name == "Northwind Systems").internal_notes  # not wiped

    window.presentation_action.trigger()  # the View menu way back
    assert not window.presentation.on and notes.isVisible()


def test_add_primary_contact_demotes_the_old_one_in_one_undo_step(window, qtbot):
    select_partner(window, qtbot, "Northwind Systems")

    def act(dialog) -> None:
        for name, text in (("name", "Bo Lind"), ("email", "bo@northwind.example")):
            qtbot.keyClicks(dialog.findChild(QLineEdit, f"field-{name}"), text)
        dialog.findChild(QCheckBox, "field-is_primary").setChecked(True)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    when_dialog_opens(act)
    window.page("partners").detail.add_contact()
    primaries = [c.name for c in Contact.live().where(Contact.is_primary == True)]  # noqa: E712
    assert primaries == ["Bo Lind"]
    contacts = window.page("partners").detail.contacts
    assert contacts.data(contacts.index(0, 0)) == "Bo Lind"

    window.undo_action.trigger()
    primaries = [c.name for c in Contact.live().where(Contact.is_primary == True)]  # noqa: E712
    assert primaries == ["Ada Park"]


def test_log_activity_updates_the_log_and_last_activity(window, qtbot):
    select_partner(window, qtbot, "Blue Ridge MSP")
    detail = window.page("partners").detail
    assert detail.activities.rowCount() == 0

    def act(dialog) -> None:
        qtbot.keyClicks(dialog.findChild(QLineEdit, "field-subject"), "Kick-off call")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    when_dialog_opens(act)
    detail.add_activity()
    assert detail.activities.rowCount() == 1
    model = window.page("partners").model
    row = shown_names(window).index("Blue Ridge MSP")
    assert model.data(model.index(row, model.column_index("engagement"))) == "Engaged"


def test_a_save_that_the_database_refuses_is_reported_and_not_put_on_the_undo_stack(
        window, qtbot, monkeypatch):
    select_partner(window, qtbot, "Blue Ridge MSP")
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    window.store.db.execute_sql("PRAGMA busy_timeout = 100")
    undo_steps = window.undo_stack.count()
    fill_and_save(qtbot, {"name": "Blue Ridge Renamed"})
    other_writer = sqlite3.connect(window.store.path, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")  # another program is writing right now
    try:
        window.page("partners").edit_partner()
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    assert len(warnings) == 1
    assert "Could not save the partner" in warnings[0] and "locked" in warnings[0]
    assert window.undo_stack.count() == undo_steps
    assert Partner.get(Partner.name == "Blue Ridge MSP")
    assert "Blue Ridge MSP" in shown_names(window)
