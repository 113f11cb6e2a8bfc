"""Every synced table has one description that says, for a person, what it holds.

Walks ``synced_models()``, so a table added later is checked without anyone
remembering to; no Qt here (the server will validate pushed changes with the same code).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from described_rows import insert_row, model_of, refused_texts, text_value, wire_value

from channeldesk.store.description import (
    FieldError,
    Kind,
    RecordInfo,
    change_problem,
    description_for,
    name_records,
)
from channeldesk.store.models import (
    Activity,
    BusinessPlan,
    Partner,
    PlanTarget,
    Prospect,
    ProspectActivity,
    attach,
    synced_models,
)

MODELS = synced_models()
SNAKE = re.compile(r"[a-z]_[a-z]")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_of_every_table_is_described_for_a_person(model):
    description = model.description
    assert description_for(model._meta.table_name) is description
    assert description.label and description.plural and description.label != description.plural
    assert {spec.name for spec in description.fields} == {
        f.column_name for f in model._meta.sorted_fields if f.name in model.editable_fields()}
    for spec in description.fields:
        assert spec.label and spec.label[0].isupper() and not SNAKE.search(spec.label), spec
        if spec.kind is Kind.CHOICE:
            assert spec.choices and all(code and text for code, text in spec.choices)
            assert all(not SNAKE.search(text) for _, text in spec.choices), spec.name
        if spec.kind is Kind.REFERENCE:
            assert description_for(spec.references) is not None, spec.name
        if spec.kind is Kind.MONEY or spec.money_when:
            assert spec.currency is not None, f"{spec.name}: where does its currency come from?"
    assert model.internal_fields == frozenset(
        spec.attribute or spec.name for spec in description.fields if spec.internal)


def test_internal_only_declarations_are_derived_from_the_descriptions():
    assert Partner.internal_fields == {"internal_notes"}
    assert Prospect.internal_fields == {"internal_notes", "lost_reason"}
    assert Activity.internal_fields == {"internal_only"}
    assert Activity.description.internal_row == "internal_only"
    assert ProspectActivity.description.internal_row == "internal_only"
    assert BusinessPlan.blob_fields == ("partner_logo",)


def test_a_description_that_does_not_match_its_model_fails_at_import():
    """A column left undescribed, a label for a column that is gone, or a kind the column
    cannot hold is refused when the models are imported (and nothing is changed)."""
    described = Partner.description
    without_country = replace(described, fields=tuple(
        spec for spec in described.fields if spec.name != "country"))
    with pytest.raises(TypeError, match="country"):
        attach(Partner, without_country)
    with pytest.raises(TypeError, match="name"):
        attach(Partner, replace(described, fields=tuple(
            replace(spec, kind=Kind.INT) if spec.name == "name" else spec
            for spec in described.fields)))
    assert Partner.description is described


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_refuses_what_a_form_would(model, store):
    """A stored value of the wrong kind, a bad choice, a bad date, a float for money,
    a missing NOT NULL value, too long a text: each is refused with words."""
    description = model.description
    context = description.name_records(store.db.connection(), [insert_row(
        store, description.table)])
    info = next(iter(context.values()))
    for spec in description.editable_fields():
        good = wire_value(store, description, spec, 1, {})
        assert description.validate(spec.name, good, info) is None, (spec.name, good)
        money = description.is_money(spec.name, info.values)
        for text in refused_texts(description, spec, money):
            with pytest.raises(FieldError) as refused:
                description.parse(spec.name, text, info)
                pytest.fail(f"{spec.name}: {text[:20]!r} was accepted")
            message = str(refused.value)
            assert message and not SNAKE.search(message.split("'")[0]), message
        if not spec.nullable:
            assert description.validate(spec.name, None) is not None, spec.name
        if spec.kind in (Kind.INT, Kind.MONEY):
            assert description.validate(spec.name, 1e308) is not None
            assert description.validate(spec.name, "lots") is not None


def test_a_prospect_stage_must_be_a_stage():
    stage = Prospect.description
    assert "'banana' is not a stage" in stage.validate("stage", "banana")
    assert "Identified" in stage.validate("stage", "banana")  # says what would do
    assert stage.validate("stage", "qualified") is None
    assert stage.parse("stage", "Qualified") == "qualified"  # a label reads as its code
    assert stage.format("stage", "identified") == "Identified"


def test_money_follows_the_currency_of_its_record(store):
    usd = insert_row(store, "business_plan", currency="USD")
    jpy = insert_row(store, "business_plan", 1, currency="JPY")
    targets = {plan: insert_row(store, "plan_target", parents={"business_plan": plan},
                                metric="revenue") for plan in (usd, jpy)}
    infos = PlanTarget.description.name_records(store.db.connection(), targets.values())
    described = PlanTarget.description
    in_usd, in_jpy = infos[targets[usd]], infos[targets[jpy]]
    assert (in_usd.currency, in_jpy.currency) == ("USD", "JPY")
    assert described.format("target", 9_000_000, in_usd) == "$90,000.00"
    assert described.format("target", 50_000_000, in_jpy) == "¥50,000,000"
    assert described.parse("target", "90,000.00", in_usd) == 9_000_000
    assert described.parse("target", "50,000,000", in_jpy) == 50_000_000
    with pytest.raises(FieldError, match="no decimals"):
        described.parse("target", "1.50", in_jpy)  # yen have no minor unit
    assert described.editor_text("target", 50_000_000, in_jpy) == "50000000"
    counted = RecordInfo("x", "x", False, {"metric": "new_customers"}, "JPY")
    assert described.format("target", 12, counted) == "12"  # a count is not money


def test_a_prospects_revenue_is_in_its_own_currency(store):
    prospect = insert_row(store, "prospect", company="Nordlicht GmbH", currency="JPY")
    info = Prospect.description.name_records(store.db.connection(), [prospect])[prospect]
    assert info.name == "Prospect · Nordlicht GmbH"
    assert Prospect.description.format("annual_revenue_minor", 120_000_000, info) == \
        "¥120,000,000"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_record_has_a_human_name_read_in_bulk(model, store):
    description = model.description
    ids = [insert_row(store, description.table, n) for n in range(3)]
    conn = store.db.connection()
    named = description.name_records(conn, [*ids, "0190f0c4-dead-7000-8000-000000000000"])
    for row_id in ids:
        name = named[row_id].name
        assert name.startswith(f"{description.label} · "), name
        assert row_id[:8] not in name and len(name) > len(description.label) + 3
    assert len({named[i].name for i in ids}) == 3  # rows of a table tell apart
    assert "not on this device" in named["0190f0c4-dead-7000-8000-000000000000"].name
    assert "0190f0c4" not in named["0190f0c4-dead-7000-8000-000000000000"].name


def test_names_of_many_rows_take_one_query_per_table(store):
    ids = [insert_row(store, "plan_target", n) for n in range(5)]
    statements = []
    conn = store.db.connection()
    conn.set_trace_callback(statements.append)
    try:
        named = name_records(conn, [("plan_target", i) for i in ids])
    finally:
        conn.set_trace_callback(None)
    assert len(named) == 5 and len(statements) == 1


def test_a_record_name_says_what_a_person_calls_it(store):
    partner = insert_row(store, "partner", name="Acadia Cloud")
    plan = insert_row(store, "business_plan", parents={"partner": partner}, period="FY2026",
                      revision=1, currency="USD")
    target = insert_row(store, "plan_target", parents={"business_plan": plan},
                        metric="revenue", label="", quarter="")
    activity = insert_row(store, "activity", parents={"partner": partner}, subject="QBR call",
                          internal_only=True)
    conn = store.db.connection()
    named = name_records(conn, [("plan_target", target), ("activity", activity),
                                ("business_plan", plan), ("some_future_table", "x")])
    assert named[("plan_target", target)].name == "Plan target · Revenue · Acadia Cloud FY2026"
    assert named[("business_plan", plan)].name == "Business plan · Acadia Cloud FY2026"
    assert named[("activity", activity)].name == "Activity · QBR call (Acadia Cloud)"
    assert named[("activity", activity)].internal  # the whole record is internal-only
    assert named[("some_future_table", "x")].name == "Some future table (unknown here)"


def test_values_that_do_not_fit_are_shown_not_raised():
    described = PlanTarget.description
    assert described.format("target", "banana") == "banana"
    assert described.format("quarter", "") == "Whole period"
    assert Activity.description.format("occurred_on", "not-a-date") == "not-a-date"
    assert Activity.description.format("internal_only", 1) == "Yes"
    assert Activity.description.format("occurred_on", date(2026, 3, 1)) == "2026-03-01"


def test_a_new_row_must_arrive_complete():
    errors = Partner.description.validate_row({"name": "Acme"}, complete=True)
    assert set(errors) == {"partner_type", "tier", "status", "region"}
    assert Partner.description.validate_row({"tier": "diamond<script>"})["tier"].startswith(
        "'diamond<script>' is not a tier")


def test_text_candidates_cover_every_rule():
    for model in MODELS:
        for spec in model.description.fields:
            if spec.kind in (Kind.TEXT, Kind.LONG_TEXT):
                assert text_value(model.description, spec, 0)
    assert model_of("plan_target") is PlanTarget


def test_a_change_from_another_device_is_checked_by_table_and_field():
    """What the sync server (and a pulling client) will ask of every change it did not
    type itself."""
    assert change_problem("partner", "name", None) == "Name is required."
    assert "not a table" in change_problem("no_such_table", "name", "x")
    assert "has no field" in change_problem("partner", "colour", "red")
    assert change_problem("partner", "deleted", "yes") == "Deleted must be yes or no."
    assert change_problem("prospect", "employees", "lots") == "Employees must be a whole number."
    assert change_problem("business_plan", "status", "bogus").startswith("'bogus' is not")
    assert change_problem("activity", "occurred_on", "not-a-date")
    assert change_problem("plan_target", "target", 1e308)
    assert change_problem("partner", "tier", "gold") is None
