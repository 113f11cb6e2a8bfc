"""Sales reports from CSV: previewed with per-row errors, valid rows written with the co-op
they accrue, all in one undoable step."""

from __future__ import annotations

from incentive_samples import TODAY, add_program
from operation_checks import snapshot
from plan_samples import add_partner

from channeldesk.services.prospect_csv_import import read_bytes
from channeldesk.services.sales_report_import import apply_sales_import, build_sales_preview
from channeldesk.store.incentive_queries import partner_total
from channeldesk.store.models import SalesReport

CSV = """Partner;Period;Currency;Sales;Units
Acadia Cloud;2026-Q1;EUR;100,000.00;12
Nobody Ltd;2026-Q1;EUR;5000;1
Acadia Cloud;2026-Q5;EUR;5000;1
Acadia Cloud;2026-Q2;USD;5000;1
Acadia Cloud;2026-Q2;EUR;-5;1
Acadia Cloud;2026-Q1;EUR;1;1
Acadia Cloud;2026-Q2;EUR;50000;x
"""


def test_each_bad_row_is_named_and_the_good_ones_accrue_coop(store):
    coop = add_program(store, "Co-op", "coop", accrual_bp=200)
    partner = add_partner(store, "Acadia Cloud")
    preview = build_sales_preview(read_bytes(CSV.encode(), "sales.csv"))
    messages = [str(issue) for issue in preview.issues()]
    assert preview.summary() == "1 rows ready to import, 6 with errors (not imported)"
    assert any(m.startswith("Row 3: 'Partner' is 'Nobody Ltd': no partner has that name")
               for m in messages)
    assert any(m.startswith("Row 4: 'Period' is '2026-Q5'") for m in messages)
    assert any("Row 5: 'Currency' is 'USD'" in m and "runs in EUR" in m for m in messages)
    assert any(m.startswith("Row 6: 'Sales' is '-5': sales cannot be negative")
               for m in messages)
    assert any(m.startswith("Row 7: ") and "same partner and period as row 2" in m
               for m in messages)
    assert any(m.startswith("Row 8: 'Units' is 'x'") for m in messages)
    before = snapshot(store)
    operation = apply_sales_import(store, preview, "sales.csv", TODAY)
    assert operation.value.reports == 1 and operation.value.accrued == 2_000_00
    assert partner_total(store.db, partner, coop).accrued == 2_000_00
    operation.undo(store)
    assert SalesReport.live().count() == 0
    assert partner_total(store.db, partner, coop).accrued == 0
    assert {t: {i: r for i, r in rows.items() if not r["deleted"]}
            for t, rows in snapshot(store).items()} == \
        {t: {i: r for i, r in rows.items() if not r["deleted"]} for t, rows in before.items()}
    # Reported once, the same period is refused the next time.
    operation.redo(store)
    again = build_sales_preview(read_bytes(CSV.encode(), "sales.csv"))
    assert "already reported" in str(again.rows[0].issues[0])


def import_text(store, text: str, name: str = "sales.csv"):
    preview = build_sales_preview(read_bytes(text.encode(), name))
    return preview, apply_sales_import(store, preview, name, TODAY)


def test_an_overlapping_period_in_the_same_file_is_refused_naming_the_row(store):
    add_partner(store, "Acadia Cloud")
    preview = build_sales_preview(read_bytes(
        b"Partner,Period,Currency,Sales\nAcadia Cloud,2026-Q1,EUR,100000\n"
        b"Acadia Cloud,2026-H1,EUR,250000\n", "sales.csv"))
    assert [str(i) for i in preview.issues()] == [
        "Row 3: the row: 2026-H1 overlaps 2026-Q1 of the same partner in row 2; report "
        "each quarter once."]
    assert preview.summary() == "1 rows ready to import, 1 with errors (not imported)"


def test_a_report_overlapping_one_in_the_database_is_refused(store):
    coop = add_program(store, "Co-op", "coop", accrual_bp=100)
    partner = add_partner(store, "Acadia Cloud")
    import_text(store, "Partner,Period,Currency,Sales\nAcadia Cloud,2026-Q1,EUR,100000\n")
    preview, _ = import_text(store, "Partner,Period,Currency,Sales\n"
                                    "Acadia Cloud,FY2026,EUR,400000\n"
                                    "Acadia Cloud,2026-Q2,EUR,120000\n", "later.csv")
    [issue] = preview.issues()
    assert str(issue).startswith("Row 2: the row: this partner's sales for FY2026 overlap "
                                 "the report "
                                 "for 2026-Q1 already in the database")
    assert partner_total(store.db, partner, coop).accrued == 1_000_00 + 1_200_00


def test_sales_for_counts_each_quarter_once_even_when_reports_overlap(store):
    """Two devices may each import an overlapping report offline: the fuller one counts."""

    from channeldesk.domain.plan import Period
    from channeldesk.services.incentive_operations import sales_for
    partner = add_partner(store, "Acadia Cloud")
    with store.transaction():
        for period, sales in (("2026-Q1", 100_000_00), ("2026-H1", 250_000_00),
                              ("2026-Q3", 90_000_00), ("2025-Q4", 7_00)):
            store.insert(SalesReport, {"partner": partner, "period": period,
                                       "currency": "EUR", "sales": sales})
    assert sales_for(store, partner, Period.parse("FY2026"), "EUR") == 340_000_00
    assert sales_for(store, partner, Period.parse("2026-H1"), "EUR") == 250_000_00
    assert sales_for(store, partner, Period.parse("2026-Q1"), "EUR") == 100_000_00
    assert sales_for(store, partner, Period.parse("FY2026"), "USD") == 0
