"""Stage moves, conversion to a partner and the profile save, without Qt: validated, one
transaction, exact undo and redo, every step journalled."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from operation_checks import check_do_undo_redo, check_nothing_on_failure, snapshot

from channeldesk.domain.fit_score import Attribute, Criterion, Operator
from channeldesk.services.operations import OperationRefused
from channeldesk.services.prospect_operations import (
    convert_to_partner,
    find_prospects,
    move_stage,
    resolve_prospect,
    save_profile,
)
from channeldesk.store.models import (
    Activity,
    Contact,
    IdealPartnerProfile,
    Partner,
    ProfileCriterion,
    Prospect,
    ProspectActivity,
    ProspectStageChange,
)

PARTNER = {"name": "Signed Ltd", "partner_type": "msp", "tier": "registered",
           "status": "onboarding", "region": "emea"}


def add_prospect(store, company: str, **values) -> str:
    with store.transaction():
        return store.insert(Prospect, {"company": company, **values})


@pytest.fixture
def signed(store) -> str:
    prospect = add_prospect(store, "Signed Ltd", stage="signed", contact_name="Ana Nowak",
                            contact_email="ana@signed.example")
    with store.transaction():
        for day, subject, internal in ((date(2026, 3, 1), "First call", False),
                                       (date(2026, 4, 2), "Margin talk", True)):
            store.insert(ProspectActivity, {"prospect": prospect, "kind": "call",
                                            "occurred_on": day, "subject": subject,
                                            "internal_only": internal})
    return prospect


# -- stage moves -----------------------------------------------------------------------------

def test_a_stage_move_writes_the_prospect_and_its_history(store):
    prospect = add_prospect(store, "Acme Retail")
    when = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
    check_do_undo_redo(store, lambda: move_stage(store, prospect, "contacted",
                                                 changed_by="sam@vendor.example", now=when))
    assert Prospect.get_by_id(prospect).stage == "identified"
    operation = move_stage(store, prospect, "lost", " No budget ", changed_by="sam", now=when)
    moved = Prospect.get_by_id(prospect)
    assert (moved.stage, moved.lost_reason) == ("lost", "No budget")
    [change] = ProspectStageChange.live().where(ProspectStageChange.prospect == prospect)
    assert (change.from_stage, change.to_stage, change.changed_by, change.changed_on,
            change.lost_reason) == ("identified", "lost", "sam", "2026-05-04T09:30:00+00:00",
                                    "No budget")
    assert operation.rows() == {"prospect": {prospect}, "prospect_stage_change": {change.id}}


@pytest.mark.parametrize(("target", "reason", "message"), [
    ("banana", "", "'banana' is not a pipeline stage."),
    ("identified", "", "already identified"),
    ("lost", "  ", "Say why the prospect was lost."),
])
def test_a_stage_move_is_refused_with_a_reason_and_writes_nothing(store, target, reason,
                                                                  message):
    prospect = add_prospect(store, "Acme Retail")
    before = snapshot(store)
    with pytest.raises(OperationRefused, match=message):
        move_stage(store, prospect, target, reason)
    assert snapshot(store) == before


def test_a_deleted_prospect_cannot_move(store):
    prospect = add_prospect(store, "Gone Ltd")
    store.delete(Prospect, prospect)
    with pytest.raises(OperationRefused, match="no longer exists"):
        move_stage(store, prospect, "contacted")


def test_a_stage_move_failing_midway_leaves_nothing(store, monkeypatch):
    prospect = add_prospect(store, "Acme Retail")
    check_nothing_on_failure(store, monkeypatch, ProspectStageChange,
                             lambda: move_stage(store, prospect, "contacted"))


# -- conversion --------------------------------------------------------------------------------

def test_convert_makes_partner_contact_activities_and_links_back(store, signed):
    operation = check_do_undo_redo(store, lambda: convert_to_partner(store, signed, PARTNER))
    assert Prospect.get_by_id(signed).converted_partner_id is None  # undone last
    operation.redo(store)
    partner_id = operation.value
    assert Prospect.get_by_id(signed).converted_partner_id == partner_id
    assert Partner.get_by_id(partner_id).name == "Signed Ltd"
    [contact] = Contact.live().where(Contact.partner == partner_id)
    assert (contact.name, contact.email, contact.is_primary) == ("Ana Nowak",
                                                                 "ana@signed.example", True)
    activities = Activity.live().where(Activity.partner == partner_id).order_by(
        Activity.occurred_on)
    assert [(a.subject, a.internal_only) for a in activities] == [("First call", False),
                                                                  ("Margin talk", True)]


def test_convert_is_refused_unless_signed_and_not_yet_converted(store, signed):
    open_one = add_prospect(store, "Early Ltd")
    with pytest.raises(OperationRefused, match="not signed yet"):
        convert_to_partner(store, open_one, PARTNER)
    with pytest.raises(OperationRefused, match="Name"):
        convert_to_partner(store, signed, {**PARTNER, "name": " "})
    convert_to_partner(store, signed, PARTNER)
    with pytest.raises(OperationRefused, match="already a partner"):
        convert_to_partner(store, signed, PARTNER)


def test_convert_failing_midway_leaves_nothing(store, signed, monkeypatch):
    check_nothing_on_failure(store, monkeypatch, Activity,
                             lambda: convert_to_partner(store, signed, PARTNER))


# -- the profile -------------------------------------------------------------------------------

CRITERIA = [Criterion(Attribute.REGION, Operator.IN, 3, ("EMEA",)),
            Criterion(Attribute.VERTICAL, Operator.IN, 1, ("healthcare",))]


def test_the_first_profile_save_creates_profile_and_criteria(store):
    operation = check_do_undo_redo(store, lambda: save_profile(store, "Ideal", CRITERIA))
    assert not IdealPartnerProfile.live().exists() and not ProfileCriterion.live().exists()
    operation.redo(store)
    rows = ProfileCriterion.live().order_by(ProfileCriterion.position)
    assert [(c.attribute, c.choices, c.weight) for c in rows] == [("region", "EMEA", 3),
                                                                  ("vertical", "healthcare", 1)]


def test_a_later_save_replaces_the_criteria_and_undo_brings_them_back(store):
    first = save_profile(store, "Ideal", CRITERIA).value
    check_do_undo_redo(store, lambda: save_profile(store, "Narrower", CRITERIA[:1]))
    assert IdealPartnerProfile.get_by_id(first).name == "Ideal"
    assert ProfileCriterion.live().count() == 2


def test_a_profile_save_failing_midway_leaves_nothing(store, monkeypatch):
    save_profile(store, "Ideal", CRITERIA)
    check_nothing_on_failure(store, monkeypatch, ProfileCriterion,
                             lambda: save_profile(store, "Other", CRITERIA))


# -- finding a prospect by name ------------------------------------------------------------------

def test_a_name_finds_by_id_exact_name_then_part_ignoring_case_and_accents(store):
    lodz = add_prospect(store, "Łódź Care")
    add_prospect(store, "Acme Retail")
    add_prospect(store, "Acme Retail Group")
    assert [p.id for p in find_prospects(lodz)] == [lodz]
    assert [p.company for p in find_prospects("lodz care")] == ["Łódź Care"]
    assert [p.company for p in find_prospects("acme retail")] == ["Acme Retail"]
    assert [p.company for p in find_prospects("acme")] == ["Acme Retail", "Acme Retail Group"]
    with pytest.raises(OperationRefused, match="'acme' matches 2 prospects: Acme Retail"):
        resolve_prospect("acme")
    with pytest.raises(OperationRefused, match="No prospect matches 'zzz'"):
        resolve_prospect("zzz")
