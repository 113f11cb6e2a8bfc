"""Deadlines and search texts gathered from every feature through the feature list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from channeldesk.domain.plan import ActivityStatus
from channeldesk.services.demo_data import load_demo_data
from channeldesk.services.lookups import deadlines_between, search_texts
from channeldesk.store import Store
from channeldesk.store.models import (
    BusinessPlan,
    Partner,
    PlanActivity,
    PlanCommitment,
    Prospect,
)

TODAY = date(2026, 11, 16)


@pytest.fixture
def loaded(store: Store) -> Store:
    load_demo_data(store, today=TODAY)
    return store


def test_deadlines_come_from_prospects_plans_and_onboarding_in_date_order(loaded: Store
                                                                         ) -> None:
    found = deadlines_between(loaded.db, TODAY - timedelta(days=60), TODAY + timedelta(days=90))
    assert {d.feature for d in found} == {"prospects", "plans", "onboarding", "enablement",
                                          "incentives"}
    assert {d.table for d in found} >= {"prospect", "plan_activity", "plan_commitment"}
    assert [d.due_on for d in found] == sorted(d.due_on for d in found)
    assert all(TODAY - timedelta(days=60) <= d.due_on <= TODAY + timedelta(days=90)
               for d in found)
    for deadline in found:
        assert deadline.title and deadline.about and deadline.kind


def test_closed_and_deleted_things_are_not_due(store: Store) -> None:
    partner = store.insert(Partner, {"name": "Kestrel IT", "partner_type": "msp",
                                     "tier": "gold", "status": "active", "region": "emea"})
    plan = store.insert(BusinessPlan, {"partner": partner, "period": "FY2026"})
    due = TODAY + timedelta(days=3)
    open_activity = store.insert(PlanActivity, {"plan": plan, "activity_group": "marketing",
                                                "title": "Webinar", "due_on": due})
    store.insert(PlanActivity, {"plan": plan, "activity_group": "marketing", "title": "Done",
                                "due_on": due, "status": ActivityStatus.DONE.value})
    kept = store.insert(PlanCommitment, {"plan": plan, "side": "vendor", "text": "Send MDF "
                                         "guide", "due_on": due})
    gone = store.insert(PlanCommitment, {"plan": plan, "side": "vendor", "text": "Gone",
                                         "due_on": due})
    store.delete(PlanCommitment, gone)
    store.insert(Prospect, {"company": "Lost Co", "stage": "lost", "next_step_on": due,
                            "next_step": "Nothing"})
    nordlicht = store.insert(Prospect, {"company": "Nordlicht GmbH", "stage": "qualified",
                                        "next_step_on": due, "next_step": "Demo"})
    found = deadlines_between(store.db, TODAY, TODAY + timedelta(days=7))
    assert {(d.table, d.record_id) for d in found} == {
        ("plan_activity", open_activity), ("plan_commitment", kept), ("prospect", nordlicht)}
    assert next(d for d in found if d.record_id == nordlicht).about == "Nordlicht GmbH"
    assert next(d for d in found if d.record_id == kept).about == "Kestrel IT · FY2026"


def test_every_live_record_has_a_search_text(loaded: Store) -> None:
    texts = list(search_texts(loaded.db))
    by_table = {t.table for t in texts}
    assert {"partner", "contact", "prospect", "business_plan"} <= by_table
    assert sum(t.table == "partner" for t in texts) == Partner.live().count()
    assert sum(t.table == "prospect" for t in texts) == Prospect.live().count()
    assert all(t.title and t.title.split(" (")[0].split(" · ")[0] in t.text for t in texts)


def test_demo_hooks_run_in_demo_order_then_feature_order(monkeypatch) -> None:
    from channeldesk import features

    monkeypatch.setattr(features, "FEATURES", (
        features.Feature("early", "Early", 10, demo="channeldesk.features:features",
                         demo_order=70),
        features.Feature("late", "Late", 30, demo="channeldesk.features:features"),
        features.Feature("none", "None", 20),
    ))
    assert [f.key for f, _hook in features.demo_hooks()] == ["late", "early"]
