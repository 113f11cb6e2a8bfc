"""Plans as the exports and the tab read them: finding, copying forward, engagement,
and the demo plans."""

from __future__ import annotations

from datetime import date

from plan_samples import add_engagement, add_partner, add_plan

from channeldesk.services.demo_data import load_demo_data
from channeldesk.store.models import BusinessPlan, Partner, PlanTarget
from channeldesk.store.plan_queries import (
    copy_values,
    current_plan,
    find_partners,
    load_engagement,
    plans_of,
)


def test_find_partners_by_id_exact_name_or_part(store):
    north = add_partner(store, "Acme North")
    add_partner(store, "Acme South")
    add_partner(store, "acme")
    assert [p.name for p in find_partners("ACME")] == ["acme"]
    assert [p.name for p in find_partners("acme n")] == ["Acme North"]
    assert [p.id for p in find_partners(north)] == [north]
    assert find_partners("  ") == []
    assert len(find_partners("cme")) == 3


def test_current_plan_prefers_a_started_live_plan(store):
    partner = add_partner(store, "Periods AG")
    add_plan(store, partner, period="FY2025", status="archived")
    current = add_plan(store, partner, period="FY2026", status="agreed")
    add_plan(store, partner, period="FY2027", status="draft")
    assert [p.period for p in plans_of(partner)] == ["FY2027", "FY2026", "FY2025"]
    assert current_plan(partner, today=date(2026, 5, 1)).id == current
    assert current_plan(partner, "fy2025").period == "FY2025"
    assert current_plan(partner, "2026-Q1") is None


def test_copy_values_carry_targets_and_reset_actuals(store):
    partner = add_partner(store, "Copy Ltd")
    plan = add_plan(store, partner, status="signed")
    values, children = copy_values(plan)
    assert values["period"] == "FY2027" and values["status"] == "draft"
    assert values["internal_notes"] == ""
    targets = children[PlanTarget]
    assert [t["quarter"] for t in targets] == ["2027-Q1", "2027-Q2", "2027-Q3", "", ""]
    assert [t["target"] for t in targets][:2] == [50_000_000, 60_000_000]
    assert all(t["actual"] is None for t in targets)


def test_engagement_counts_visible_activities_per_month(store):
    partner = add_partner(store, "Engaged SA")
    add_engagement(store, partner)
    summary = load_engagement(partner, date(2026, 11, 27))
    assert len(summary.per_month) == 12 and summary.per_month[-1] == ("2026-11", 0)
    assert dict(summary.per_month)["2026-09"] == 1
    assert summary.last_qbr == date(2026, 9, 3)
    assert summary.last_activity == date(2026, 10, 8)
    assert summary.contacts == (("Anna Kowalska", "Alliance Manager", True),)


def test_demo_plans_cover_most_partners_in_several_statuses(store):
    load_demo_data(store, today=date(2026, 11, 27))
    partners = Partner.live().count()
    planned = {p.partner_id for p in BusinessPlan.live()}
    assert len(planned) > partners * 0.6
    assert {p.status for p in BusinessPlan.live()} == {"draft", "agreed", "signed",
                                                       "archived"}
    assert all(p.internal_notes for p in BusinessPlan.live())
    assert PlanTarget.live().where(PlanTarget.quarter != "").exists()
