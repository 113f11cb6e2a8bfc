"""Editing a program or a claim after money moved: the operations refuse what would
change the meaning of booked amounts, and the store refuses it whatever the write path."""

from __future__ import annotations

from datetime import date

import pytest
from incentive_samples import add_program, claim_in, funded_partner
from plan_samples import add_partner

from channeldesk.services import incentive_edits as edits
from channeldesk.services import incentive_operations as ops
from channeldesk.services.operations import OperationRefused
from channeldesk.store.models import Claim, IncentiveProgram
from channeldesk.store.write_guards import WriteRefused


def test_a_program_without_money_changes_currency_kind_and_period(store):
    program = add_program(store)
    done = edits.edit_program(store, program, {"currency": "JPY", "kind": "coop",
                                             "period": "FY2027", "name": "APAC co-op"})
    row = IncentiveProgram.get_by_id(program)
    assert (row.currency, row.kind, row.period, row.name) == ("JPY", "coop", "FY2027",
                                                              "APAC co-op")
    done.undo(store)
    assert IncentiveProgram.get_by_id(program).currency == "EUR"


@pytest.mark.parametrize("change", [{"currency": "JPY"}, {"kind": "coop"},
                                    {"period": "FY2025"}])
def test_a_program_with_funds_keeps_its_currency_kind_and_period(store, change):
    program, _partner = funded_partner(store, 10_000_00)
    with pytest.raises(OperationRefused, match="has funds or claims in EUR") as refusal:
        edits.edit_program(store, program, {**change, "name": "Renamed"})
    assert "Create a new program" in str(refusal.value)
    row = IncentiveProgram.get_by_id(program)
    assert (row.currency, row.kind, row.period, row.name) == ("EUR", "mdf", "FY2026",
                                                              "EMEA MDF 2026")


def test_the_refusal_names_the_currency_to_start_a_new_program_in(store):
    program, _partner = funded_partner(store)
    with pytest.raises(OperationRefused) as refusal:
        edits.edit_program(store, program, {"currency": "jpy"})
    assert str(refusal.value) == (
        "'EMEA MDF 2026' has funds or claims in EUR, so its currency can no longer "
        "change. Create a new program for JPY instead.")


def test_a_program_with_only_a_claim_is_fixed_too(store):
    program = add_program(store)
    partner = add_partner(store, "Acadia Cloud")
    ops.create_claim(store, ops.NewClaim(program, partner, "Idea"))
    assert edits.program_fixed(store, program)
    with pytest.raises(OperationRefused):
        edits.edit_program(store, program, {"currency": "USD"})


def test_other_settings_still_change_once_money_moved(store):
    program, _partner = funded_partner(store)
    edits.edit_program(store, program, {"name": "EMEA MDF", "reimbursement_pct": 60,
                                      "currency": "EUR", "period": "FY2026"})
    row = IncentiveProgram.get_by_id(program)
    assert (row.name, row.reimbursement_pct) == ("EMEA MDF", 60)


def test_the_store_refuses_the_change_from_any_write_path(store):
    program, _partner = funded_partner(store)
    with (pytest.raises(WriteRefused, match="currency can no longer change"),
          store.transaction()):
        store.update(IncentiveProgram, program, {"currency": "JPY"})
    assert IncentiveProgram.get_by_id(program).currency == "EUR"


def test_undoing_the_money_frees_the_program_again(store):
    program = add_program(store)
    partner = add_partner(store, "Acadia Cloud")
    allocated = ops.allocate_funds(store, ops.AllocationRequest(program, partner, 5_00))
    assert edits.program_fixed(store, program)
    allocated.undo(store)
    assert not edits.program_fixed(store, program)
    edits.edit_program(store, program, {"currency": "USD"})


# -- claims -----------------------------------------------------------------------------

def spiff_program(store) -> tuple[str, str]:
    program = add_program(store, "Deal SPIFF", "spiff", spiff_amount=250_00)
    partner = add_partner(store, "Acadia Cloud")
    ops.allocate_funds(store, ops.AllocationRequest(program, partner, 10_000_00))
    return program, partner


def test_editing_a_spiff_drafts_units_derives_its_amount_again(store):
    program, partner = spiff_program(store)
    claim = ops.create_claim(store, ops.NewClaim(program, partner, "Q2 deals", units=2)).value
    assert Claim.get_by_id(claim).requested == 500_00
    done = edits.edit_claim(store, claim, {"units": 5, "requested": 1_00})
    assert (Claim.get_by_id(claim).units, Claim.get_by_id(claim).requested) == (5, 1_250_00)
    done.undo(store)
    assert (Claim.get_by_id(claim).units, Claim.get_by_id(claim).requested) == (2, 500_00)


@pytest.mark.parametrize("field, value", [("activity_cost", 99_000_00), ("requested", 1_00),
                                          ("revenue_influenced", 1_00), ("units", 3)])
def test_amounts_are_fixed_once_funds_are_reserved(store, field, value):
    program, partner = funded_partner(store, 10_000_00)
    claim = claim_in(store, program, partner, reserve=2_000_00)
    before = Claim.get_by_id(claim)
    with pytest.raises(OperationRefused, match="can no longer change"):
        edits.edit_claim(store, claim, {field: value, "title": "New title"})
    after = Claim.get_by_id(claim)
    assert (getattr(after, field), after.title) == (getattr(before, field), before.title)


def test_a_reserved_claim_still_takes_a_new_title_and_description(store):
    program, partner = funded_partner(store, 10_000_00)
    claim = claim_in(store, program, partner, reserve=2_000_00)
    row = Claim.get_by_id(claim)
    edits.edit_claim(store, claim, {"title": " Autumn roadshow ", "description": "Lisbon",
                                  "activity_cost": row.activity_cost,
                                  "requested": row.requested})
    assert (Claim.get_by_id(claim).title, Claim.get_by_id(claim).description) == (
        "Autumn roadshow", "Lisbon")


@pytest.mark.parametrize("values, message", [
    ({"activity_start": date(2026, 5, 2), "activity_end": date(2026, 5, 1)}, "ends before"),
    ({"title": "  "}, "Give the request a title"),
    ({"activity_cost": -1}, "cannot be negative"),
])
def test_an_edit_applies_the_rules_a_new_request_does(store, values, message):
    program, partner = funded_partner(store)
    claim = ops.create_claim(store, ops.NewClaim(program, partner, "Idea")).value
    with pytest.raises(OperationRefused, match=message):
        edits.edit_claim(store, claim, values)
    assert Claim.get_by_id(claim).title == "Idea"


def test_a_spiff_edit_without_units_is_refused(store):
    program, partner = spiff_program(store)
    claim = ops.create_claim(store, ops.NewClaim(program, partner, "Deals", units=1)).value
    with pytest.raises(OperationRefused, match="number of qualifying deals"):
        edits.edit_claim(store, claim, {"units": 0})
