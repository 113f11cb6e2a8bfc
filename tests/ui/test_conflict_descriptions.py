"""The Conflicts window reads every synced table through its description: a conflict on
any field of any table names its record as a person would, shows its values as the rest
of the app does, hides what is internal-only in presentation mode, and refuses a merged
value a form edit would refuse.

Walks ``synced_models()``, so a table added later is covered without anyone remembering
to. Conflicts are recorded directly in the window's real database file (the way a sync
records them); the sync round trip itself is covered in ``test_sync_ui.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from described_rows import insert_row, model_of, refused_texts, wire_value
from dialog_driver import when_dialog_opens
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit

from channeldesk.store import Store
from channeldesk.store.description import Kind, TableDescription
from channeldesk.store.models import Prospect, synced_models
from channeldesk.sync import conflict_log, conflicts
from channeldesk.sync.state import Version
from channeldesk.ui.sync.conflicts_dialog import merged_value_error
from channeldesk.ui.sync.conflicts_model import ConflictColumn, ConflictRow
from channeldesk.ui.widgets.record_table import ID_ROLE

SNAKE = re.compile(r"[a-z]_[a-z]")
VALUES = (ConflictColumn.BASE, ConflictColumn.MINE, ConflictColumn.THEIRS)


@dataclass(frozen=True)
class Made:
    description: TableDescription
    row_id: str
    field: str
    values: tuple[Any, Any, Any]  # base, mine, theirs
    internal_row: bool


def record_conflict(store: Store, table: str, row_id: str, field: str,
                    base: Any, mine: Any, theirs: Any) -> int:
    """One open conflict, as a rejected push records it."""
    conn = store.db.connection()
    with store.transaction():
        conflict_log.record(conn, (table, row_id, field), base=Version(1, base, ""),
                            mine=mine, mine_hlc="", theirs=theirs, theirs_seq=2,
                            theirs_hlc=None, theirs_device=None, row_deleted=False,
                            theirs_missing=False)
    return conn.execute("SELECT max(id) FROM conflict").fetchone()[0]


def conflicts_on_every_field(store: Store) -> list[Made]:
    """A row of every synced table with a conflict on each of its editable fields; for a
    table whose records can be wholly internal, an internal record too."""
    made = []
    for model in synced_models():
        description = model.description
        rows = [(insert_row(store, description.table, 0), False)]
        if description.internal_row:
            rows.append((insert_row(store, description.table, 1,
                                    **{description.internal_row: True}), True))
        for row_id, internal_row in rows:
            for spec in description.editable_fields():
                if internal_row and spec.name == description.internal_row:
                    continue  # the flag itself, kept on for the record to stay internal
                values = tuple(wire_value(store, description, spec, n, {}) for n in range(3))
                record_conflict(store, description.table, row_id, spec.name, *values)
                made.append(Made(description, row_id, spec.name, values, internal_row))
    return made


def shown(dialog) -> dict[tuple[str, str, str], tuple[ConflictRow, list[str]]]:
    """(table, row id, field) → the conflict row and the texts the table shows for it."""
    model = dialog.model
    found = {}
    for n in range(model.rowCount()):
        row = model.row_at(n)
        c = row.conflict
        found[(c.table, c.row_id, c.field)] = (
            row, [model.index(n, column).data() for column in ConflictColumn])
    return found


def select_conflict(dialog, conflict_id: int) -> None:
    selection = dialog.table.selectionModel()
    selection.clearSelection()
    proxy = dialog.proxy
    for n in range(proxy.rowCount()):
        if proxy.index(n, 0).data(ID_ROLE) == conflict_id:
            selection.select(proxy.index(n, 0), QItemSelectionModel.SelectionFlag.Select
                             | QItemSelectionModel.SelectionFlag.Rows)
    assert dialog.selected_ids() == [conflict_id]


def expected_text(description: TableDescription, row: ConflictRow, field: str,
                  value: Any) -> str:
    text = description.format(field, value, row.info)
    return " ".join(text.split()) or "(empty)"


def test_every_field_of_every_table_reads_for_a_person(window, qtbot):
    made = conflicts_on_every_field(window.store)
    dialog = window.part("sync").show_conflicts()
    on_screen = shown(dialog)
    assert len(on_screen) == len(made)
    for each in made:
        d, spec = each.description, each.description.field(each.field)
        row, texts = on_screen[(d.table, each.row_id, each.field)]
        record, field = texts[ConflictColumn.RECORD], texts[ConflictColumn.FIELD]
        assert record.startswith(f"{d.label} · "), record
        assert each.row_id[:8] not in record and "not on this device" not in record
        assert field == spec.label and not SNAKE.search(field)
        for column, value in zip(VALUES, each.values, strict=True):
            text = texts[column]
            assert text == expected_text(d, row, each.field, value)[:80], (d.table, field)
            assert not SNAKE.search(text) and "minor units" not in text, (d.table, field, text)
            if spec.kind is Kind.REFERENCE:
                assert str(value)[:8] not in text and "not on this device" not in text
            if spec.kind is Kind.CHOICE:
                assert text == spec.choice_label(value)
            if spec.kind is Kind.BOOL:
                assert text in ("Yes", "No")
            if d.is_money(each.field, row.info.values):
                assert text[0] in "$€¥£" or text.endswith(row.info.currency), text


def test_internal_only_values_and_records_are_hidden_in_presentation_mode(window, qtbot):
    made = conflicts_on_every_field(window.store)
    dialog = window.part("sync").show_conflicts()
    window.presentation.set_on(True)
    on_screen = shown(dialog)
    hidden_records = 0
    for each in made:
        d = each.description
        row, texts = on_screen[(d.table, each.row_id, each.field)]
        values = [texts[column] for column in VALUES]
        if each.internal_row or d.is_internal(each.field):
            assert values == ["hidden"] * 3, (d.table, each.field)
            select_conflict(dialog, row.id)
            assert not dialog.buttons["merge"].isEnabled()
        else:
            assert "hidden" not in values, (d.table, each.field)
        if each.internal_row:
            hidden_records += 1
            assert texts[ConflictColumn.RECORD] == f"{d.label} (internal only, hidden)"
            assert all(texts[c] != row.record for c in ConflictColumn)
    assert hidden_records  # activities and prospect activities can be wholly internal
    window.presentation.set_on(False)
    assert "hidden" not in {t for _row, texts in shown(dialog).values() for t in texts}


def test_every_merged_value_is_checked_like_a_form_edit(window, qtbot):
    made = conflicts_on_every_field(window.store)
    dialog = window.part("sync").show_conflicts()
    on_screen = shown(dialog)
    checked = 0
    for each in made:
        d = each.description
        row, _texts = on_screen[(d.table, each.row_id, each.field)]
        spec = d.field(each.field)
        if not row.mergeable:
            assert spec.kind in (Kind.REFERENCE, Kind.BLOB)
            continue
        theirs = each.values[2]
        typed = theirs if spec.kind in (Kind.CHOICE, Kind.BOOL) else \
            d.editor_text(each.field, theirs, row.info)
        assert merged_value_error(d.table, each.field, typed, row.info) is None, \
            (d.table, each.field, typed)
        for bad in refused_texts(d, spec, d.is_money(each.field, row.info.values)):
            message = merged_value_error(d.table, each.field, bad, row.info)
            assert message, (d.table, each.field, bad)
            checked += 1
    assert checked > 100


# -- the cases the issue names -----------------------------------------------------------

def merge_typing(qtbot, dialog, *attempts: str) -> list[tuple[str, bool]]:
    """Open the merged-value editor, type each attempt and press Save; what the editor
    said and whether it was still open after each. Cancels if the last was refused."""
    seen: list[tuple[str, bool]] = []

    def type_values(box) -> None:
        editor = box.findChild(QLineEdit, "merged-value")
        error = box.findChild(QLabel, "merged-value-error")
        save = box.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        for text in attempts:
            editor.setText(text)
            save.click()
            seen.append((error.text() if error.isVisible() else "", box.isVisible()))
        if box.isVisible():
            box.reject()

    when_dialog_opens(type_values)
    dialog.buttons["merge"].click()
    return seen


def test_a_prospect_conflict_names_the_company_and_refuses_a_bad_stage(window, qtbot):
    store = window.store
    prospect = insert_row(store, "prospect", company="Nordlicht GmbH", stage="contacted",
                          employees=120)
    stage = record_conflict(store, "prospect", prospect, "stage", "identified", "contacted",
                            "qualified")
    employees = record_conflict(store, "prospect", prospect, "employees", 100, 120, 140)
    dialog = window.part("sync").show_conflicts()
    _row, texts = shown(dialog)[("prospect", prospect, "stage")]
    assert texts[:5] == ["Prospect · Nordlicht GmbH", "Stage", "Identified", "Contacted",
                         "Qualified"]
    assert "'banana' is not a stage" in merged_value_error("prospect", "stage", "banana")

    offered = []
    select_conflict(dialog, stage)
    when_dialog_opens(lambda box: (offered.extend(
        box.findChild(QComboBox, "merged-value").itemText(n)
        for n in range(box.findChild(QComboBox, "merged-value").count())), box.reject()))
    dialog.buttons["merge"].click()
    assert offered == ["Identified", "Contacted", "Qualified", "Proposal", "Negotiation",
                       "Signed", "Lost"]

    select_conflict(dialog, employees)
    seen = merge_typing(qtbot, dialog, "lots", "-3", "250")
    assert seen[0][1] and "whole number" in seen[0][0]
    assert seen[1][1] and "negative" in seen[1][0]
    assert seen[2] == ("", False)  # accepted
    assert store.get(Prospect, prospect).employees == 250
    open_ids = {c.id for c in conflicts.list_conflicts(store)}
    assert stage in open_ids and employees not in open_ids


def test_nothing_is_saved_when_a_merged_value_is_refused(window, qtbot):
    store = window.store
    prospect = insert_row(store, "prospect", company="Nordlicht GmbH", employees=120)
    employees = record_conflict(store, "prospect", prospect, "employees", 100, 120, 140)
    dialog = window.part("sync").show_conflicts()
    select_conflict(dialog, employees)
    seen = merge_typing(qtbot, dialog, "a few hundred")
    assert seen == [("Employees: 'a few hundred' is not a whole number.", True)]
    assert store.get(Prospect, prospect).employees == 120
    assert employees in {c.id for c in conflicts.list_conflicts(store)}


@pytest.mark.parametrize(("currency", "minor", "shown_as", "typed", "refused", "stored"), [
    ("USD", 9_000_000, "$90,000.00", "95,000.50", "1.234", 9_500_050),
    ("JPY", 50_000_000, "¥50,000,000", "60,000,000", "1.5", 60_000_000),
])
def test_a_plan_target_reads_as_money_in_its_plans_currency(
        window, qtbot, currency, minor, shown_as, typed, refused, stored):
    store = window.store
    partner = insert_row(store, "partner", name="Acadia Cloud")
    plan = insert_row(store, "business_plan", parents={"partner": partner}, period="FY2026",
                      revision=1, currency=currency)
    target = insert_row(store, "plan_target", parents={"business_plan": plan},
                        metric="revenue", label="", quarter="", target=minor)
    conflict = record_conflict(store, "plan_target", target, "target", minor - 100,
                               minor, minor + 100)
    dialog = window.part("sync").show_conflicts()
    _row, texts = shown(dialog)[("plan_target", target, "target")]
    assert texts[ConflictColumn.RECORD] == "Plan target · Revenue · Acadia Cloud FY2026"
    assert texts[ConflictColumn.FIELD] == "Target"
    assert texts[ConflictColumn.MINE] == shown_as
    select_conflict(dialog, conflict)
    seen = merge_typing(qtbot, dialog, refused, typed)
    assert seen[0][1] and "decimal" in seen[0][0]
    assert seen[1] == ("", False)
    assert model_of("plan_target").get_by_id(target).target == stored


def test_an_internal_prospect_activity_is_hidden_whole_in_presentation_mode(window, qtbot):
    store = window.store
    prospect = insert_row(store, "prospect", company="Nordlicht GmbH")
    activity = insert_row(store, "prospect_activity", parents={"prospect": prospect},
                          subject="Pricing call", notes="", internal_only=True)
    record_conflict(store, "prospect_activity", activity, "notes", "",
                    "They will walk at 30 %", "Budget frozen until Q3")
    dialog = window.part("sync").show_conflicts()
    _row, texts = shown(dialog)[("prospect_activity", activity, "notes")]
    assert texts[:5] == ["Prospect activity · Pricing call (Nordlicht GmbH)", "Notes",
                         "(empty)", "They will walk at 30 %", "Budget frozen until Q3"]
    window.presentation.set_on(True)
    _row, texts = shown(dialog)[("prospect_activity", activity, "notes")]
    assert texts[:5] == ["Prospect activity (internal only, hidden)", "Notes", "hidden",
                         "hidden", "hidden"]
    assert not any("walk" in t or "frozen" in t or "Pricing" in t for t in texts)
