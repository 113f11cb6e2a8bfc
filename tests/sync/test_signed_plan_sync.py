"""A colleague's edit of a plan this copy holds as signed is a conflict, never a silent
change (issue 12, finding 1)."""

from __future__ import annotations

from channeldesk.store.models import BusinessPlan, Partner, PlanTarget
from channeldesk.sync import conflicts

from .harness import converge, table_hashes


def test_a_pulled_edit_of_a_plan_signed_here_becomes_a_conflict(make_sqlite_client):
    alice, carol = make_sqlite_client("alice"), make_sqlite_client("carol")
    partner = alice.add_partner("Acadia Cloud")
    plan = alice.insert(BusinessPlan, {"partner": partner, "period": "FY2026",
                                       "status": "agreed", "currency": "USD"})
    target = alice.insert(PlanTarget, {"plan": plan, "metric": "revenue", "quarter": "",
                                       "target": 65_000_000})
    converge(alice, carol)
    carol.update(BusinessPlan, plan, {"status": "signed"})  # carol signs, offline
    alice.update(PlanTarget, target, {"target": 99_999_900})  # alice edits her agreed copy
    alice.sync()
    report = carol.sync()

    assert carol.value(PlanTarget, target, "target") == 65_000_000
    [found] = conflicts.list_conflicts(carol.store)
    assert (found.table, found.field) == ("plan_target", "target")
    assert (found.mine, found.theirs) == (65_000_000, 99_999_900)
    assert report.open_conflicts == 1
    # Keeping the signed value sends it back. Alice's copy is signed by then and holds
    # her own edit: the signed value reaches her as a conflict too, never silently.
    conflicts.resolve(carol.store, found.id, "keep_mine")
    converge(alice, carol)
    [hers] = conflicts.list_conflicts(alice.store)
    assert (hers.mine, hers.theirs) == (99_999_900, 65_000_000)
    conflicts.resolve(alice.store, hers.id, "keep_theirs")
    converge(alice, carol)
    assert alice.value(PlanTarget, target, "target") == 65_000_000
    assert conflicts.list_conflicts(alice.store) == conflicts.list_conflicts(carol.store) == []
    assert alice.value(BusinessPlan, plan, "status") == "signed"
    assert carol.value(Partner, partner, "name") == "Acadia Cloud"


def test_progress_pulled_onto_a_signed_plan_is_written(make_sqlite_client):
    alice, carol = make_sqlite_client("alice"), make_sqlite_client("carol")
    partner = alice.add_partner("Acadia Cloud")
    plan = alice.insert(BusinessPlan, {"partner": partner, "period": "FY2026",
                                       "status": "agreed", "currency": "USD"})
    target = alice.insert(PlanTarget, {"plan": plan, "metric": "revenue", "quarter": "",
                                       "target": 65_000_000})
    alice.update(BusinessPlan, plan, {"status": "signed"})
    converge(alice, carol)
    alice.update(PlanTarget, target, {"actual": 12_000_000})
    converge(alice, carol)
    assert carol.value(PlanTarget, target, "actual") == 12_000_000
    assert conflicts.list_conflicts(carol.store) == []


def test_a_signed_plan_arriving_over_many_small_pages_arrives_whole(make_sqlite_client):
    """A new copy pulls a signed plan a few fields per page: the rest of a part whose
    first fields came on an earlier page is written, not taken for an edit."""
    alice = make_sqlite_client("alice")
    partner = alice.add_partner("Acadia Cloud")
    plan = alice.insert(BusinessPlan, {"partner": partner, "period": "FY2026",
                                       "status": "draft", "currency": "USD"})
    targets = [alice.insert(PlanTarget, {"plan": plan, "metric": metric, "quarter": "",
                                         "target": 1_000_000 * (n + 1), "actual": 5_000})
               for n, metric in enumerate(("revenue", "new_customers"))]
    alice.update(BusinessPlan, plan, {"status": "agreed"})
    alice.update(BusinessPlan, plan, {"status": "signed"})
    alice.sync()
    carol = make_sqlite_client("carol", page_limit=3, snapshot_limit=3)
    report = carol.sync()

    assert report.open_conflicts == 0 and conflicts.list_conflicts(carol.store) == []
    assert carol.value(BusinessPlan, plan, "status") == "signed"
    for n, target in enumerate(targets):
        assert carol.value(PlanTarget, target, "target") == 1_000_000 * (n + 1)
        assert carol.value(PlanTarget, target, "actual") == 5_000
    assert table_hashes(alice.store) == table_hashes(carol.store)
