"""Incentive rules without a database: the claim state machine, the ledger arithmetic,
rebate tiers and growth, proof rules, eligibility and money."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channeldesk.domain.claim_state import (
    TRANSITIONS,
    ClaimAction,
    ClaimFacts,
    ClaimState,
    TransitionRefused,
    allowed_actions,
    decide,
)
from channeldesk.domain.fund_ledger import Entry, EntryKind, balances, invariant_problems
from channeldesk.domain.incentive import (
    RuleError,
    accrual_amount,
    eligibility_problem,
    missing_proof,
    missing_proof_text,
    parse_proof_rules,
    parse_tiers,
    rebate_standing,
    reimbursable,
    roi,
    tiered_amount,
)

S, A = ClaimState, ClaimAction


def facts(state: ClaimState, **values) -> ClaimFacts:
    return ClaimFacts(state=state, preapproval_required=True, **values)


def test_every_state_offers_only_its_transitions_and_refuses_the_rest():
    for state in ClaimState:
        allowed = set(allowed_actions(state))
        assert allowed <= set(TRANSITIONS[state])
        for action in set(ClaimAction) - allowed:
            with pytest.raises(TransitionRefused, match="cannot be"):
                decide(facts(state, available=10**9, reserved=10**6, claimed=10**6,
                             approved=10**6), action, 1, comment="x")
    assert allowed_actions(S.PAID) == [] and allowed_actions("nonsense") == []
    assert A.SUBMIT_CLAIM not in allowed_actions(S.DRAFT, preapproval_required=True)
    assert allowed_actions(S.DRAFT, preapproval_required=False) == [A.SUBMIT_CLAIM,
                                                                      A.WITHDRAW]


def test_pay_stays_approved_until_the_last_payment():
    first = decide(facts(S.APPROVED, approved=1000, paid=0), A.PAY, 400)
    last = decide(facts(S.APPROVED, approved=1000, paid=400), A.PAY, 600)
    assert (first.after, first.entry, last.after) == (S.APPROVED, EntryKind.PAY, S.PAID)
    with pytest.raises(TransitionRefused, match="more than the 600 still due"):
        decide(facts(S.APPROVED, approved=1000, paid=400), A.PAY, 601)


def test_exits_release_what_the_claim_holds_and_need_a_reason_when_rejecting():
    step = decide(facts(S.PRE_APPROVED, reserved=700), A.WITHDRAW)
    assert (step.after, step.entry, step.amount) == (S.WITHDRAWN, EntryKind.RELEASE, 700)
    with pytest.raises(TransitionRefused, match="Give a reason"):
        decide(facts(S.CLAIM_SUBMITTED, reserved=700, claimed=700), A.REJECT)
    rejected = decide(facts(S.CLAIM_SUBMITTED, reserved=700, claimed=700), A.REJECT,
                      comment="No proof")
    assert rejected.after is S.REJECTED and rejected.amount == 700
    assert decide(facts(S.REJECTED), A.DISPUTE, comment="We ran it").after is S.DISPUTED


def test_approval_is_refused_after_the_deadline_and_beyond_the_claim():
    late = facts(S.CLAIM_SUBMITTED, reserved=500, claimed=500,
                 claim_due_on=date(2026, 5, 1), claim_submitted_on=date(2026, 5, 2))
    with pytest.raises(TransitionRefused, match="after its deadline"):
        decide(late, A.APPROVE, 500)
    with pytest.raises(TransitionRefused, match="more than the 500 claimed"):
        decide(facts(S.CLAIM_SUBMITTED, reserved=500, claimed=500), A.APPROVE, 501)
    with pytest.raises(TransitionRefused, match="cannot be negative"):
        decide(facts(S.SUBMITTED, available=100), A.PRE_APPROVE, -1)


def test_the_ledger_derives_reserved_from_each_claims_holding():
    entries = [Entry("allocate", 10_000), Entry("accrue", 500),
               Entry("reserve", 3_000, "a"), Entry("claim", 2_500, "a"),
               Entry("approve", 2_000, "a"), Entry("pay", 500, "a"),
               Entry("reserve", 1_000, "b"), Entry("release", 1_000, "b"),
               Entry("reserve", 800, "c"), Entry("expire", 200)]
    found = balances(entries)
    assert (found.reserved, found.paid, found.available) == (1_500 + 800, 500,
                                                             10_500 - 2_300 - 500 - 200)
    assert invariant_problems(entries) == []
    assert invariant_problems([*entries, Entry("pay", 5_000, "a")])


def test_tiered_rebates_growth_and_distance_to_the_next_tier():
    tiers = parse_tiers("0: 2, 100000: 3")
    assert tiered_amount(150_000_00, tiers) == 2_000_00 + 1_500_00
    standing = rebate_standing(80_000_00, 0, "sales", tiers)
    assert (standing.earned, standing.rate, standing.next_rate, standing.to_next_tier) == (
        1_600_00, Decimal(2), Decimal(3), 20_000_00)
    growth = rebate_standing(130_000_00, 100_000_00, "growth", tiers)
    assert (growth.base, growth.earned) == (30_000_00, 600_00)
    top = rebate_standing(200_000_00, 0, "sales", tiers)
    assert top.to_next_tier is None and top.rate == 3
    assert parse_tiers("2.5") [0].rate == Decimal("2.5")
    with pytest.raises(RuleError, match="thresholds rise"):
        parse_tiers("0: 2, 0: 3")
    assert parse_tiers("0: 5", digits=0)[0].threshold == 0


def test_proof_rules_per_activity_type_name_what_is_missing():
    rules = parse_proof_rules("event: invoice, attendee_list, photos; digital_campaign: "
                              "invoice, report")
    missing = missing_proof(rules, "event", ["invoice"])
    assert missing_proof_text(missing) == "missing: attendee list, photos"
    assert missing_proof(rules, "digital_campaign", ["invoice", "report"]) == []
    with pytest.raises(RuleError, match="not a kind of proof"):
        parse_proof_rules("event: selfie")
    assert parse_proof_rules("")["event"]  # the standard rules


def test_eligibility_accrual_share_and_roi():
    assert eligibility_problem("reseller, msp", "", "msp", "gold") is None
    assert "for gold tiers" in eligibility_problem("", "gold", "msp", "silver")
    assert accrual_amount(123_456_78, 250) == 3_086_42
    assert reimbursable(10_000_00, 50) == 5_000_00
    assert roi(90_000_00, 3_000_00) == Decimal("30.00") and roi(5, 0) is None


@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=5),
       st.integers(min_value=0, max_value=10**13))
def test_a_tiered_rebate_never_falls_as_sales_grow(steps, sales):
    thresholds = sorted(set([0, *[s * 100 for s in steps]]))
    tiers = parse_tiers(", ".join(f"{t // 100}: {n + 1}" for n, t in enumerate(thresholds)))
    assert tiered_amount(sales + 1, tiers) >= tiered_amount(sales, tiers) >= 0
