"""Funds and claims through the operations: the ledger they write, the balances it
gives, exact undo, and every bad input refused with a clear message."""

from __future__ import annotations

import re
from datetime import date

import pytest
from incentive_samples import TODAY, add_program, claim_in, funded_partner
from operation_checks import check_do_undo_redo, snapshot
from plan_samples import add_partner

from channeldesk.domain.claim_state import ClaimAction
from channeldesk.domain.fund_ledger import balances, invariant_problems
from channeldesk.services import incentive_operations as ops
from channeldesk.services.operations import OperationRefused
from channeldesk.store.incentive_queries import ledger_entries, partner_total
from channeldesk.store.models import Claim, ClaimTransition, FundLedgerEntry


def test_a_quarter_of_mdf_allocate_preapprove_prove_approve_pay(store):
    program, partner = funded_partner(store, 10_000_00)
    claim = claim_in(store, program, partner, reserve=4_000_00, claim=3_500_00,
                     approve=3_000_00, pays=(1_000_00, 2_000_00))
    found = partner_total(store.db, partner, program)
    assert found.as_dict() == {
        "allocated": 10_000_00, "accrued": 0, "reserved": 0, "claimed": 3_500_00,
        "approved": 3_000_00, "paid": 3_000_00, "expired": 0, "available": 7_000_00}
    assert Claim.get_by_id(claim).state == "paid"
    timeline = [(t.action, t.from_state, t.to_state, t.amount, t.actor) for t in
                ClaimTransition.live().where(ClaimTransition.claim == claim)
                .order_by(ClaimTransition.step)]
    assert timeline == [
        ("submit", "draft", "submitted", 4_000_00, "Ana"),
        ("pre_approve", "submitted", "pre_approved", 4_000_00, "Sam"),
        ("submit_claim", "pre_approved", "claim_submitted", 3_500_00, "Ana"),
        ("approve", "claim_submitted", "approved", 3_000_00, "Sam"),
        ("pay", "approved", "approved", 1_000_00, "Finance"),
        ("pay", "approved", "paid", 2_000_00, "Finance")]
    entries = ledger_entries(store.db, partner, program)
    assert balances(entries) == found and invariant_problems(entries) == []


def test_the_sql_balances_equal_the_domain_arithmetic_in_every_state(store):
    program, partner = funded_partner(store, 50_000_00)
    claim_in(store, program, partner, title="requested")
    claim_in(store, program, partner, reserve=5_000_00, title="reserved")
    claim_in(store, program, partner, reserve=5_000_00, claim=4_000_00, title="claimed")
    claim_in(store, program, partner, reserve=6_000_00, claim=6_000_00, approve=5_000_00,
             pays=(1_000_00,), title="part paid")
    rejected = claim_in(store, program, partner, reserve=2_000_00, claim=2_000_00,
                        title="rejected")
    ops.take_action(store, rejected, "reject", comment="No invoice total", today=TODAY)
    found = partner_total(store.db, partner, program)
    assert found == balances(ledger_entries(store.db, partner, program))
    assert found.reserved == 5_000_00 + 5_000_00 + 4_000_00
    assert found.available == 50_000_00 - 14_000_00 - 1_000_00


def test_a_step_undoes_exactly_and_its_rows_come_back_under_the_same_ids(store):
    program, partner = funded_partner(store)
    claim = claim_in(store, program, partner)
    operation = check_do_undo_redo(store, lambda: ops.take_action(
        store, claim, "pre_approve", 2_000_00, actor="Sam", today=TODAY))
    operation.undo(store)
    # Undone, then a different amount at the same step: the tombstoned rows are reused.
    ops.take_action(store, claim, "pre_approve", 1_500_00, actor="Sam", today=TODAY)
    entry = FundLedgerEntry.get_by_id(ops.step_row_id(claim, 2, "ledger"))
    assert (entry.kind, entry.amount, entry.deleted) == ("reserve", 1_500_00, False)
    assert partner_total(store.db, partner, program).reserved == 1_500_00


@pytest.mark.parametrize(("action", "amount", "message"), [
    ("pre_approve", 20_000_00, "Only €10,000.00 is available"),
    ("pre_approve", -5, "cannot be negative"),
    ("approve", 1_000_00, "cannot be 'approve'"),
    ("pay", 1_000_00, "cannot be 'record payment'"),
])
def test_bad_steps_are_refused_and_write_nothing(store, action, amount, message):
    program, partner = funded_partner(store)
    claim = claim_in(store, program, partner)
    before = snapshot(store)
    with pytest.raises(OperationRefused, match=message):
        ops.take_action(store, claim, action, amount, today=TODAY)
    assert snapshot(store) == before


def test_claiming_more_than_reserved_or_paying_above_approval_is_refused(store):
    program, partner = funded_partner(store)
    claim = claim_in(store, program, partner, reserve=2_000_00)
    for kind in ("invoice", "attendee_list", "photos"):
        ops.attach_proof(store, claim, kind, b"scan", f"{kind}.pdf")
    with pytest.raises(OperationRefused, match=re.escape("more than the €2,000.00 pre-approved")):
        ops.take_action(store, claim, "submit_claim", 2_500_00, today=TODAY)
    ops.take_action(store, claim, "submit_claim", 2_000_00, today=TODAY)
    ops.take_action(store, claim, "approve", 1_500_00, today=TODAY)
    with pytest.raises(OperationRefused, match=re.escape("more than the €1,500.00 still due")):
        ops.take_action(store, claim, "pay", 1_600_00, today=TODAY)


def test_a_claim_without_its_proof_is_refused_naming_what_is_missing(store):
    program, partner = funded_partner(store)
    claim = claim_in(store, program, partner, reserve=2_000_00)
    ops.attach_proof(store, claim, "invoice", b"scan", "invoice.pdf")
    with pytest.raises(OperationRefused, match="attendee list, photos"):
        ops.take_action(store, claim, "submit_claim", 1_000_00, today=TODAY)


def test_approval_after_the_preapproval_expired_is_refused(store):
    program, partner = funded_partner(store)
    claim = claim_in(store, program, partner)
    with pytest.raises(OperationRefused, match="validity date is already past"):
        ops.take_action(store, claim, "pre_approve", 1, today=TODAY,
                        valid_until=date(2026, 1, 1))
    ops.take_action(store, claim, "pre_approve", 2_000_00, today=TODAY)
    for kind in ("invoice", "attendee_list", "photos"):
        ops.attach_proof(store, claim, kind, b"scan", f"{kind}.pdf")
    late = date(2027, 1, 1)
    with pytest.raises(OperationRefused, match="pre-approval expired on"):
        ops.take_action(store, claim, "submit_claim", 1_000_00, today=late)
    ops.expire_funds(store, late)
    assert Claim.get_by_id(claim).state == "expired"
    assert partner_total(store.db, partner, program).reserved == 0


def test_allocations_refuse_currency_mismatch_negative_amounts_and_ineligible_partners(store):
    program = add_program(store, partner_types="reseller", tiers="gold")
    partner = add_partner(store, "Acadia Cloud")  # an MSP
    request = ops.AllocationRequest(program, partner, 1_000_00)
    with pytest.raises(OperationRefused, match="for reseller partners"):
        ops.allocate_funds(store, request)
    open_program = add_program(store, "Open MDF")
    with pytest.raises(OperationRefused, match="in USD but 'Open MDF' runs in EUR"):
        ops.allocate_funds(store, ops.AllocationRequest(open_program, partner, 100, None, "",
                                                        "USD"))
    with pytest.raises(OperationRefused, match="cannot be negative"):
        ops.allocate_funds(store, ops.AllocationRequest(open_program, partner, -100))
    ops.set_budget(store, open_program, 5_000_00, today=TODAY)
    with pytest.raises(OperationRefused, match=re.escape("€5,000.00 budget left")):
        ops.allocate_funds(store, ops.AllocationRequest(open_program, partner, 6_000_00),
                           today=TODAY)


def test_expired_allocations_give_back_only_what_is_unused(store):
    program, partner = funded_partner(store, 10_000_00)
    claim_in(store, program, partner, reserve=4_000_00, claim=4_000_00, approve=4_000_00,
             pays=(4_000_00,))
    assert ops.expire_funds(store, date(2027, 1, 2)).value == 1
    assert ops.expire_funds(store, date(2027, 1, 3)).value == 0  # once only
    found = partner_total(store.db, partner, program)
    assert (found.expired, found.available, found.paid) == (6_000_00, 0, 4_000_00)


def test_spiff_claims_pay_a_fixed_amount_per_unit_without_preapproval(store):
    program = add_program(store, "Q2 SPIFF", "spiff", spiff_amount=250_00)
    _, partner = funded_partner(store, 5_000_00, program=program)
    claim = ops.create_claim(store, ops.NewClaim(program, partner, "Deal 4711", "deal",
                                                 units=4, deal_ref="4711")).value
    assert Claim.get_by_id(claim).requested == 1_000_00
    ops.attach_proof(store, claim, "invoice", b"po", "po.pdf")
    with pytest.raises(OperationRefused, match="Allowed now: Submit claim, Withdraw"):
        ops.take_action(store, claim, "submit", 1_000_00, today=TODAY)
    ops.take_action(store, claim, ClaimAction.SUBMIT_CLAIM, 1_000_00, today=TODAY)
    ops.take_action(store, claim, ClaimAction.APPROVE, 1_000_00, today=TODAY)
    ops.take_action(store, claim, ClaimAction.PAY, 1_000_00, today=TODAY)
    assert partner_total(store.db, partner, program).available == 4_000_00


def test_jpy_and_kwd_amounts_keep_their_minor_units(store):
    program, partner = funded_partner(store, 500_000, currency="JPY", name="Tokyo Partner")
    with pytest.raises(OperationRefused, match=re.escape("Only ¥500,000 is available")):
        ops.take_action(store, claim_in(store, program, partner), "pre_approve", 600_000,
                        today=TODAY)
    assert ops.parse_amount("1.250", "KWD") == 1250
    with pytest.raises(OperationRefused, match="more than 0 decimal places"):
        ops.parse_amount("10.5", "JPY")


def test_a_proof_file_is_stored_in_chunks_and_refused_over_the_size_limit(store, tmp_path,
                                                                          monkeypatch):
    from channeldesk.domain import enablement
    from channeldesk.services import asset_files
    from channeldesk.store.models import ClaimProof
    program, partner = funded_partner(store)
    claim = claim_in(store, program, partner, reserve=1_000_00)
    receipt = tmp_path / "invoice.pdf"
    receipt.write_bytes(b"x" * 5_000)
    ops.attach_proof(store, claim, "invoice", receipt)
    [proof] = ClaimProof.live().where(ClaimProof.claim == claim)
    assert proof.file_name == "invoice.pdf"
    assert store.blobs.path_of(proof.blob).read_bytes() == receipt.read_bytes()
    monkeypatch.setattr(enablement, "MAX_FILE_BYTES", 1_000)
    monkeypatch.setattr(asset_files, "MAX_FILE_BYTES", 1_000)
    with pytest.raises(OperationRefused, match="Choose another file"):
        ops.attach_proof(store, claim, "photos", receipt)
    assert ClaimProof.live().where(ClaimProof.claim == claim).count() == 1
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(OperationRefused, match=r"'empty.pdf' is empty \(0 bytes\). Choose "
                                               "another file."):
        ops.attach_proof(store, claim, "photos", empty)
