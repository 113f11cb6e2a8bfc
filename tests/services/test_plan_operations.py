"""A new plan and a plan copied to the next period, without Qt: validated, one
transaction, exact undo and redo, every step journalled."""

from __future__ import annotations

import pytest
from operation_checks import check_do_undo_redo, check_nothing_on_failure, snapshot
from plan_samples import add_partner, add_plan

from channeldesk.services.operations import OperationRefused
from channeldesk.services.plan_operations import copy_to_next_period, new_plan
from channeldesk.store.models import BusinessPlan, PlanActivity, PlanSignature, PlanTarget


def plan_values(partner_id: str, period: str = "FY2027") -> dict:
    return {"partner": partner_id, "period": period, "currency": "EUR", "status": "draft",
            "title": "Joint business plan"}


def test_a_new_plan_comes_with_a_signature_line_per_side(store):
    partner = add_partner(store, "Acadia Cloud", owner="Sam Carter")
    operation = check_do_undo_redo(store, lambda: new_plan(store, plan_values(partner)))
    operation.redo(store)
    plan = BusinessPlan.get_by_id(operation.value)
    assert (plan.period, plan.status) == ("FY2027", "draft")
    lines = {s.side: s.name for s in PlanSignature.live().where(PlanSignature.plan == plan.id)}
    assert lines == {"vendor": "Sam Carter", "partner": ""}


def test_a_new_plan_reads_the_period_and_refuses_a_second_for_it(store):
    partner = add_partner(store, "Acadia Cloud")
    assert BusinessPlan.get_by_id(new_plan(store, plan_values(partner, "2027 q3")).value
                                  ).period == "2027-Q3"
    before = snapshot(store)
    for values, message in ((plan_values(partner, "2027-Q3"), "already has a plan for 2027-Q3"),
                            (plan_values(partner, "someday"), "'someday' is not a period"),
                            ({**plan_values(partner), "currency": "E"}, "not a currency"),
                            (plan_values("no-such-partner"), "Choose a partner")):
        with pytest.raises(OperationRefused, match=message):
            new_plan(store, values)
    assert snapshot(store) == before


def test_copy_to_next_period_carries_the_parts_and_undoes_exactly(store):
    partner = add_partner(store, "Acadia Cloud")
    source = add_plan(store, partner, "FY2026")
    operation = check_do_undo_redo(store, lambda: copy_to_next_period(store, source))
    operation.redo(store)
    copy = BusinessPlan.get_by_id(operation.value)
    assert (copy.period, copy.status, copy.internal_notes) == ("FY2027", "draft", "")
    targets = PlanTarget.live().where(PlanTarget.plan == copy.id).order_by(PlanTarget.position)
    assert [(t.quarter, t.target, t.actual) for t in targets][:2] == [
        ("2027-Q1", 50_000_000, None), ("2027-Q2", 60_000_000, None)]
    assert PlanActivity.live().where(PlanActivity.plan == copy.id).count() == 6
    signatures = PlanSignature.live().where(PlanSignature.plan == copy.id)
    assert sorted((s.side, s.name, s.signed_on) for s in signatures) == [
        ("partner", "", None), ("vendor", "", None)]


def test_copying_twice_is_refused_and_writes_nothing(store):
    partner = add_partner(store, "Acadia Cloud")
    source = add_plan(store, partner, "2026-Q4")
    copy_to_next_period(store, source)
    before = snapshot(store)
    with pytest.raises(OperationRefused, match="Acadia Cloud already has a plan for 2027-Q1"):
        copy_to_next_period(store, source)
    assert snapshot(store) == before


def test_a_copy_failing_midway_leaves_nothing(store, monkeypatch):
    partner = add_partner(store, "Acadia Cloud")
    source = add_plan(store, partner, "FY2026")
    check_nothing_on_failure(store, monkeypatch, PlanSignature,
                             lambda: copy_to_next_period(store, source))


def test_a_new_plan_without_a_currency_is_in_the_partners(store):
    """Issue 12, finding 10: a US partner's plan defaults to USD, not EUR."""
    from plan_samples import add_partner

    from channeldesk.services.plan_operations import new_plan
    from channeldesk.store.models import BusinessPlan

    partner = add_partner(store, "Lone Star Distribution", country="United States",
                          region="na")
    plan = new_plan(store, {"partner": partner, "period": "FY2027", "status": "draft"}).value
    assert BusinessPlan.get_by_id(plan).currency == "USD"
