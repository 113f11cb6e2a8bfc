"""Signed and archived plans are read-only in the store itself: whatever writes (the
window, the command line, an import, an undo) meets the same refusal (issue 12, 1)."""

from __future__ import annotations

from datetime import date

import pytest
from plan_samples import add_partner, add_plan

from channeldesk.services.operations import OperationRefused
from channeldesk.services.plan_operations import amend_plan
from channeldesk.store.models import (
    BusinessPlan,
    PlanActivity,
    PlanCommitment,
    PlanObjective,
    PlanSignature,
    PlanTarget,
)
from channeldesk.store.plan_queries import current_plan, plans_of
from channeldesk.store.write_guards import WriteRefused


@pytest.fixture
def signed(store):
    partner = add_partner(store, "Acadia Cloud")
    return add_plan(store, partner, status="signed")


def first(model, plan_id):
    return model.live().where(model.plan == plan_id).order_by(model.id).first()


def test_a_signed_target_cannot_be_changed_but_its_actual_can(store, signed):
    target = first(PlanTarget, signed)
    with pytest.raises(WriteRefused, match="signed, so it is read-only"):
        store.update(PlanTarget, target.id, {"target": 99_999_900})
    assert PlanTarget.get_by_id(target.id).target == target.target
    store.update(PlanTarget, target.id, {"actual": 1_234_500})
    assert PlanTarget.get_by_id(target.id).actual == 1_234_500


def test_signers_parts_and_summary_of_a_signed_plan_are_fixed(store, signed):
    signature = first(PlanSignature, signed)
    with pytest.raises(WriteRefused):
        store.update(PlanSignature, signature.id, {"name": "Someone Else"})
    with pytest.raises(WriteRefused):
        store.insert(PlanObjective, {"plan": signed, "text": "A new objective"})
    with pytest.raises(WriteRefused):
        store.delete(PlanActivity, first(PlanActivity, signed).id)
    with pytest.raises(WriteRefused):
        store.set_deleted_many(PlanActivity, [first(PlanActivity, signed).id], True)
    with pytest.raises(WriteRefused):
        store.update(BusinessPlan, signed, {"summary": "Rewritten"})
    with pytest.raises(WriteRefused):
        store.delete(BusinessPlan, signed)
    store.update(PlanCommitment, first(PlanCommitment, signed).id, {"done": True})
    store.update(BusinessPlan, signed, {"internal_notes": "Renewal talks in Q3"})


def test_a_signed_plan_may_only_be_archived_and_then_nothing_but_notes_change(store, signed):
    with pytest.raises(WriteRefused, match="cannot become agreed"):
        store.update(BusinessPlan, signed, {"status": "agreed"})
    store.update(BusinessPlan, signed, {"status": "archived"})
    target = first(PlanTarget, signed)
    with pytest.raises(WriteRefused, match="archived"):
        store.update(PlanTarget, target.id, {"actual": 1})
    with pytest.raises(WriteRefused, match="cannot change any more"):
        store.update(BusinessPlan, signed, {"status": "draft"})
    store.update(PlanTarget, target.id, {"internal_notes": "kept for the record"})


def test_a_refused_write_inside_a_transaction_leaves_nothing(store, signed):
    target = first(PlanTarget, signed)
    draft = add_plan(store, add_partner(store, "Northwind"), status="draft")
    with pytest.raises(WriteRefused), store.transaction():
        store.update(BusinessPlan, draft, {"summary": "changed"})
        store.update(PlanTarget, target.id, {"target": 1})
    assert BusinessPlan.get_by_id(draft).summary != "changed"


def test_amend_makes_revision_2_a_draft_linked_to_the_signed_plan(store, signed):
    target = first(PlanTarget, signed)
    operation = amend_plan(store, signed)
    revision = BusinessPlan.get_by_id(operation.value)
    assert (revision.status, revision.revision, revision.amends_id) == ("draft", 2, signed)
    assert revision.period == BusinessPlan.get_by_id(signed).period
    copied = first(PlanTarget, revision.id)
    assert (copied.metric, copied.target, copied.actual) == (target.metric, target.target,
                                                            target.actual)
    signers = list(PlanSignature.live().where(PlanSignature.plan == revision.id))
    assert [s.name for s in signers] == ["Sam Carter"] and signers[0].signed_on is None
    # The revision is a draft: it takes the change the signed plan refused.
    store.update(PlanTarget, copied.id, {"target": 99_999_900})
    assert BusinessPlan.get_by_id(signed).status == "signed"
    # The partner's plans list the revision first; the export takes it for the period.
    assert [p.revision for p in plans_of(revision.partner_id)] == [2, 1]
    assert current_plan(revision.partner_id, revision.period).id == revision.id
    with pytest.raises(OperationRefused, match="Revision 2 of this plan is already"):
        amend_plan(store, signed)
    operation.undo(store)
    assert BusinessPlan.get_by_id(revision.id).deleted


def test_only_a_signed_plan_is_amended(store):
    draft = add_plan(store, add_partner(store, "Northwind"), status="draft")
    with pytest.raises(OperationRefused, match="Only a signed plan"):
        amend_plan(store, draft)


def test_demo_plans_reach_their_status_along_the_flow(store):
    from channeldesk.services.demo_data import load_demo_data

    load_demo_data(store, today=date(2026, 11, 20))
    statuses = {p.status for p in BusinessPlan.live()}
    assert {"signed", "archived"} <= statuses


def test_signing_revision_2_archives_the_plan_it_amends(store, signed):
    from channeldesk.services.plan_operations import change_status

    revision = amend_plan(store, signed).value
    change_status(store, revision, "agreed")
    with pytest.raises(WriteRefused, match="cannot become draft"):
        change_status(store, signed, "draft")
    signing = change_status(store, revision, "signed")
    assert BusinessPlan.get_by_id(revision).status == "signed"
    assert BusinessPlan.get_by_id(signed).status == "archived"
    # Signing is not undone: the status flow only goes forward from signed, and the
    # refusal tells the undo stack to drop the step.
    with pytest.raises(WriteRefused) as refused:
        signing.undo(store)
    assert refused.value.expires_undo
    assert BusinessPlan.get_by_id(revision).status == "signed"
