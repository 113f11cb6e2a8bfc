"""A stored value that breaks its field's rules is shown as "(invalid)", never as an
empty cell a CAM would read as "no value" (issue 11, "reads are defensive")."""

from __future__ import annotations

from PySide6.QtCore import Qt

from channeldesk.store.invalid_values import INVALID_TEXT, invalid_fields
from channeldesk.store.models import Activity, Partner

MUTED = "INSERT INTO journal_mute (reason) VALUES ('older version')"


def _damage(window, *statements: str) -> None:
    """Write as an older version did: past the journal, straight into the file."""
    db = window.store.db
    with db.atomic():
        db.execute_sql(MUTED)
        for statement in statements:
            db.execute_sql(statement)
        db.execute_sql("DELETE FROM journal_mute")


def _cells(model, row: int, role=Qt.ItemDataRole.DisplayRole) -> dict[str, object]:
    return {model.column_key(column): model.data(model.index(row, column), role)
            for column in range(model.columnCount())}


def test_invalid_stored_values_read_as_invalid_in_the_partner_tables(window, seeded_db, qtbot):
    _path, ids = seeded_db
    northwind = ids["Northwind Systems"]
    _damage(window,
            f"UPDATE partner SET tier = 'diamond<script>' WHERE id = '{northwind}'",
            "UPDATE activity SET occurred_on = 'not-a-date' WHERE subject = 'Q3 review'")
    page = window.page("partners")
    page.model.refresh()
    row = next(n for n in range(page.model.rowCount()) if page.model.id_at(n) == northwind)
    shown = _cells(page.model, row)
    assert shown["tier"] == INVALID_TEXT
    assert shown["name"] == "Northwind Systems" and shown["status"] == "Active"
    tip = page.model.data(page.model.index(row, page.model.column_index("tier")),
                          Qt.ItemDataRole.ToolTipRole)
    assert "'diamond<script>' is not a tier" in tip and "Edit the record" in tip
    other = _cells(page.model, 1 - row if row < 2 else 0)
    assert INVALID_TEXT not in other.values()

    page.select_row(row)
    qtbot.waitUntil(lambda: page.detail.partner_id == northwind)
    log = page.detail.activities
    dates = {log.record(n).subject: _cells(log, n)["occurred_on"] for n in range(log.rowCount())}
    assert dates["Q3 review"] == INVALID_TEXT
    assert dates["Churn risk"] not in ("", INVALID_TEXT)


def test_only_unreadable_values_are_reported_and_only_for_the_fields_asked(window, seeded_db):
    _path, ids = seeded_db
    db = window.store.db
    everyone = [row.id for row in Partner.select()]
    assert invalid_fields(db, "partner", everyone) == {}
    blue_ridge = ids["Blue Ridge MSP"]
    _damage(window, f"UPDATE partner SET region = 7, tier = 'x' WHERE id = '{blue_ridge}'")
    found = invalid_fields(db, "partner", everyone)
    assert set(found) == {ids["Blue Ridge MSP"]}
    assert set(found[ids["Blue Ridge MSP"]]) == {"region", "tier"}
    assert set(invalid_fields(db, "partner", everyone, ["tier", "name"])[
        ids["Blue Ridge MSP"]]) == {"tier"}
    assert invalid_fields(db, "no_such_table", everyone) == {}
    assert Activity.select().count() == 2  # the reads changed nothing


def test_a_damaged_record_opens_for_editing_and_says_what_to_correct(window, seeded_db, qtbot):
    """The edit dialog of a record with a tier no version knows opens (it used to be the
    only way to correct it) and saving a real tier repairs the row."""
    from dialog_driver import when_dialog_opens
    from PySide6.QtWidgets import QComboBox, QDialogButtonBox

    _path, ids = seeded_db
    northwind = ids["Northwind Systems"]
    _damage(window, f"UPDATE partner SET tier = 'diamond' WHERE id = '{northwind}'")
    page = window.page("partners")
    page.model.refresh()
    page.select_row(page.model.row_of(northwind))
    qtbot.waitUntil(lambda: page.detail.partner_id == northwind)
    seen = {}

    def act(dialog) -> None:
        combo = dialog.findChild(QComboBox, "field-tier")
        seen["shown"] = combo.currentText()
        combo.setCurrentIndex(combo.findData("gold"))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    when_dialog_opens(act)
    page.edit_partner()
    qtbot.waitUntil(lambda: "shown" in seen)
    assert seen["shown"] == "Choose…"  # the bad value is not passed off as a real tier
    qtbot.waitUntil(lambda: Partner.get_by_id(northwind).tier == "gold")
    page.model.refresh()
    row = page.model.row_of(northwind)
    assert page.model.data(page.model.index(row, page.model.column_index("tier"))) == "Gold"
