"""Plans written through the real store, for the export and Plans tab tests."""

from __future__ import annotations

from datetime import date

from channeldesk.store import Store
from channeldesk.store.models import (
    Activity,
    BusinessPlan,
    Contact,
    Partner,
    PlanActivity,
    PlanCommitment,
    PlanObjective,
    PlanSignature,
    PlanTarget,
)

SECRETS = ("SECRET-PLAN-NOTE", "SECRET-TARGET-NOTE", "SECRET-ACTIVITY-NOTE",
           "SECRET-PARTNER-NOTE", "SECRET-INTERNAL-ACTIVITY")
UNICODE_NAMES = ("Łódź Sp. z o.o.", "Ελληνική Εταιρεία", "ООО Москва")


def add_partner(store: Store, name: str, **values) -> str:
    with store.transaction():
        return store.insert(Partner, {
            "name": name, "partner_type": "msp", "tier": "gold", "status": "active",
            "region": "emea", "country": values.pop("country", "Poland"),
            "internal_notes": "SECRET-PARTNER-NOTE", **values})


def add_plan(store: Store, partner_id: str, period: str = "FY2026", status: str = "agreed",
             targets: list[tuple] | None = None, activities: int = 6,
             **values) -> str:
    """A plan with objectives, targets ``(metric, quarter, target, actual)``, activities
    across the groups, commitments from both sides and one signature; every internal
    field holds a SECRET marker that no export may show."""
    if targets is None:
        targets = [("revenue", "2026-Q1", 50_000_000, 42_000_000),
                   ("revenue", "2026-Q2", 60_000_000, 61_000_000),
                   ("revenue", "2026-Q3", 70_000_000, None),
                   ("new_customers", "", 12, 5),
                   ("certified_people", "", 3, 0)]
    groups = ("marketing", "sales", "technical", "support")
    with store.transaction():
        plan_id = store.insert(BusinessPlan, {
            "partner": partner_id, "period": period, "status": "draft",
            "summary": "We grow managed services together in 2026.",
            "internal_notes": "SECRET-PLAN-NOTE", **values})
        store.insert(PlanObjective, {"plan": plan_id, "position": 0,
                                     "text": "Win twelve new mid-market customers"})
        for n, (metric, quarter, target, actual) in enumerate(targets):
            store.insert(PlanTarget, {"plan": plan_id, "position": n, "metric": metric,
                                      "quarter": quarter, "target": target, "actual": actual,
                                      "internal_notes": "SECRET-TARGET-NOTE"})
        for n in range(activities):
            store.insert(PlanActivity, {
                "plan": plan_id, "position": n, "activity_group": groups[n % 4],
                "title": f"Planned activity number {n + 1}", "owner_side": "partner",
                "owner_name": "Anna Kowalska", "due_on": date(2026, 1 + n % 12, 15),
                "budget": 150_000 if n % 3 == 0 else None,
                "internal_notes": "SECRET-ACTIVITY-NOTE"})
        store.insert(PlanCommitment, {"plan": plan_id, "position": 0, "side": "vendor",
                                      "text": "Two enablement days on site"})
        store.insert(PlanCommitment, {"plan": plan_id, "position": 1, "side": "partner",
                                      "text": "Three certified engineers"})
        store.insert(PlanSignature, {"plan": plan_id, "side": "vendor", "name": "Sam Carter",
                                     "title": "Channel Account Manager",
                                     "signed_on": date(2026, 1, 12)})
        for step in STATUS_STEPS[status]:  # along the status flow: a signed plan is locked
            store.update(BusinessPlan, plan_id, {"status": step})
    return plan_id


STATUS_STEPS = {"draft": (), "agreed": ("agreed",), "signed": ("agreed", "signed"),
                "archived": ("archived",)}


def add_engagement(store: Store, partner_id: str) -> None:
    with store.transaction():
        store.insert(Contact, {"partner": partner_id, "name": "Anna Kowalska",
                               "role": "Alliance Manager", "is_primary": True})
        for day, kind, internal in ((date(2026, 9, 3), "qbr", False),
                                    (date(2026, 10, 8), "meeting", False),
                                    (date(2026, 11, 2), "call", True)):
            store.insert(Activity, {"partner": partner_id, "kind": kind, "occurred_on": day,
                                    "subject": "SECRET-INTERNAL-ACTIVITY" if internal
                                    else f"{kind} with the partner",
                                    "internal_only": internal})
