"""The one state machine of fund requests and claims. Pure values, no database.

A request for funds and the claim that follows are one record going through:

    draft → submitted ⇄ info requested → pre-approved (funds reserved for a validity
    window) → claim submitted with proof ⇄ claim info requested → approved, in full or
    in part → paid (in one or several payments)

with the exits rejected (a reason is required), withdrawn and expired, and disputed
after a rejection. Rebate and SPIFF claims skip the request: draft → claim submitted.

:func:`decide` is the only way to move: it checks that the action is allowed from the
state, that the amounts make sense (no more than available, no payment above what is
approved, nothing negative, nothing after expiry) and says what the step writes to the
fund ledger — at most ONE ledger entry per step (see ``docs/incentives.md`` for why that
matters to sync). The UI offers only :func:`allowed_actions`; the store refuses the rest
through :func:`decide` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from channeldesk.domain.fund_ledger import EntryKind


class ClaimState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    INFO_REQUESTED = "info_requested"
    PRE_APPROVED = "pre_approved"
    CLAIM_SUBMITTED = "claim_submitted"
    CLAIM_INFO_REQUESTED = "claim_info_requested"
    APPROVED = "approved"
    PAID = "paid"
    REJECTED = "rejected"
    DISPUTED = "disputed"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


STATE_LABELS = {
    ClaimState.DRAFT: "Draft",
    ClaimState.SUBMITTED: "Request submitted",
    ClaimState.INFO_REQUESTED: "Info requested",
    ClaimState.PRE_APPROVED: "Pre-approved",
    ClaimState.CLAIM_SUBMITTED: "Claim submitted",
    ClaimState.CLAIM_INFO_REQUESTED: "Claim info requested",
    ClaimState.APPROVED: "Approved",
    ClaimState.PAID: "Paid",
    ClaimState.REJECTED: "Rejected",
    ClaimState.DISPUTED: "Disputed",
    ClaimState.WITHDRAWN: "Withdrawn",
    ClaimState.EXPIRED: "Expired",
}

FINISHED = frozenset({ClaimState.PAID, ClaimState.WITHDRAWN, ClaimState.EXPIRED})


def state_label(code: str) -> str:
    try:
        return STATE_LABELS[ClaimState(code)]
    except ValueError:
        return code


class ClaimAction(StrEnum):
    SUBMIT = "submit"
    REQUEST_INFO = "request_info"
    PRE_APPROVE = "pre_approve"
    SUBMIT_CLAIM = "submit_claim"
    APPROVE = "approve"
    PAY = "pay"
    REJECT = "reject"
    DISPUTE = "dispute"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"


ACTION_LABELS = {
    ClaimAction.SUBMIT: "Submit request",
    ClaimAction.REQUEST_INFO: "Request info",
    ClaimAction.PRE_APPROVE: "Pre-approve",
    ClaimAction.SUBMIT_CLAIM: "Submit claim",
    ClaimAction.APPROVE: "Approve",
    ClaimAction.PAY: "Record payment",
    ClaimAction.REJECT: "Reject",
    ClaimAction.DISPUTE: "Dispute",
    ClaimAction.WITHDRAW: "Withdraw",
    ClaimAction.EXPIRE: "Mark expired",
}

S, A = ClaimState, ClaimAction
# state → action → next state (PAY stays APPROVED until the last payment: see decide).
TRANSITIONS: dict[ClaimState, dict[ClaimAction, ClaimState]] = {
    S.DRAFT: {A.SUBMIT: S.SUBMITTED, A.SUBMIT_CLAIM: S.CLAIM_SUBMITTED,
              A.WITHDRAW: S.WITHDRAWN},
    S.SUBMITTED: {A.REQUEST_INFO: S.INFO_REQUESTED, A.PRE_APPROVE: S.PRE_APPROVED,
                  A.REJECT: S.REJECTED, A.WITHDRAW: S.WITHDRAWN},
    S.INFO_REQUESTED: {A.SUBMIT: S.SUBMITTED, A.WITHDRAW: S.WITHDRAWN,
                       A.EXPIRE: S.EXPIRED},
    S.PRE_APPROVED: {A.SUBMIT_CLAIM: S.CLAIM_SUBMITTED, A.WITHDRAW: S.WITHDRAWN,
                     A.EXPIRE: S.EXPIRED},
    S.CLAIM_SUBMITTED: {A.REQUEST_INFO: S.CLAIM_INFO_REQUESTED, A.APPROVE: S.APPROVED,
                        A.REJECT: S.REJECTED},
    S.CLAIM_INFO_REQUESTED: {A.SUBMIT_CLAIM: S.CLAIM_SUBMITTED, A.WITHDRAW: S.WITHDRAWN,
                             A.EXPIRE: S.EXPIRED},
    S.APPROVED: {A.PAY: S.PAID},
    S.REJECTED: {A.DISPUTE: S.DISPUTED},
    S.DISPUTED: {A.APPROVE: S.APPROVED, A.REJECT: S.REJECTED},
    S.PAID: {}, S.WITHDRAWN: {}, S.EXPIRED: {},
}
del S, A


class TransitionRefused(ValueError):  # noqa: N818 -- a refusal worded for people
    """The step is not allowed; ``str()`` says why and what to do instead."""


@dataclass(frozen=True)
class ClaimFacts:
    """What a decision needs to know of a claim and its fund, in minor units of the
    program's currency. ``reserved`` is what the claim holds now (pre-approved, or
    approved and not yet paid); ``available`` is the partner's fund balance outside it."""

    state: ClaimState
    preapproval_required: bool
    requested: int = 0
    reserved: int = 0
    claimed: int = 0
    approved: int = 0
    paid: int = 0
    available: int = 0
    max_claimable: int | None = None  # reimbursement share of the activity's cost
    preapproval_expires_on: date | None = None
    claim_due_on: date | None = None
    claim_submitted_on: date | None = None
    missing_proof: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """What one allowed action does: the state after it, the amount it records on the
    timeline and the one ledger entry it writes (kind None: none)."""

    action: ClaimAction
    before: ClaimState
    after: ClaimState
    amount: int
    entry: EntryKind | None


def allowed_actions(state: ClaimState | str, preapproval_required: bool = True
                    ) -> list[ClaimAction]:
    """The actions a person may take from ``state``, in the order a menu lists them."""
    try:
        moves = TRANSITIONS[ClaimState(state)]
    except ValueError:
        return []
    return [action for action in moves
            if not (action is ClaimAction.SUBMIT_CLAIM and ClaimState(state) is ClaimState.DRAFT
                    and preapproval_required)
            and not (action is ClaimAction.SUBMIT and not preapproval_required)]


def decide(facts: ClaimFacts, action: ClaimAction, amount: int = 0, today: date | None = None,
           comment: str = "", fmt=None) -> Step:
    """Check ``action`` on a claim described by ``facts`` and say what it does.

    ``amount`` is the requested amount (submit), the amount to reserve (pre-approve),
    the claimed amount (submit claim), the approved amount (approve) or the payment
    (pay); ``fmt`` shows an amount of minor units for the messages. Raises
    :class:`TransitionRefused` with a sentence for a person.
    """
    show = fmt or (lambda units: f"{units:,}")
    state = facts.state
    if action not in allowed_actions(state, facts.preapproval_required):
        allowed = ", ".join(ACTION_LABELS[a] for a in
                            allowed_actions(state, facts.preapproval_required)) or "nothing"
        raise TransitionRefused(
            f"A claim that is {state_label(state).lower()} cannot be "
            f"'{ACTION_LABELS[action].lower()}'. Allowed now: {allowed}.")
    if amount < 0:
        raise TransitionRefused("Amounts cannot be negative. Enter 0 or more.")
    after = TRANSITIONS[state][action]
    check = _CHECKS.get(action)
    entry = check(facts, amount, today, comment, show) if check else None
    if action is ClaimAction.PAY and facts.paid + amount < facts.approved:
        after = ClaimState.APPROVED
    if action in (ClaimAction.REJECT, ClaimAction.WITHDRAW, ClaimAction.EXPIRE):
        entry = EntryKind.RELEASE if facts.reserved > 0 else None
        amount = facts.reserved
    recorded = amount if action in _AMOUNT_ACTIONS else (
        facts.reserved if entry is EntryKind.RELEASE else 0)
    return Step(action, state, after, recorded, entry)


_AMOUNT_ACTIONS = frozenset({ClaimAction.SUBMIT, ClaimAction.PRE_APPROVE,
                             ClaimAction.SUBMIT_CLAIM, ClaimAction.APPROVE, ClaimAction.PAY})


def _check_submit(facts, amount, today, comment, show) -> EntryKind | None:
    if amount <= 0:
        raise TransitionRefused("Enter the amount of funds requested (more than 0).")
    return None


def _check_pre_approve(facts, amount, today, comment, show) -> EntryKind:
    if amount <= 0:
        raise TransitionRefused("Enter the amount to pre-approve (more than 0).")
    if amount > facts.available:
        raise TransitionRefused(
            f"Only {show(facts.available)} is available in this partner's fund; "
            f"{show(amount)} cannot be reserved. Allocate more funds or pre-approve less.")
    if facts.preapproval_expires_on and today and today > facts.preapproval_expires_on:
        raise TransitionRefused("The validity date is already past. Set a later date.")
    return EntryKind.RESERVE


def _check_submit_claim(facts, amount, today, comment, show) -> EntryKind:
    if amount <= 0:
        raise TransitionRefused("Enter the amount claimed (more than 0).")
    if facts.missing_proof:
        raise TransitionRefused(
            "Proof of performance is incomplete (" + ", ".join(facts.missing_proof)
            + "). Attach it before submitting the claim.")
    if (facts.preapproval_required and facts.preapproval_expires_on and today
            and facts.state is ClaimState.PRE_APPROVED and today > facts.preapproval_expires_on):
        raise TransitionRefused(
            f"The pre-approval expired on {facts.preapproval_expires_on:%d %b %Y}; the claim "
            "can no longer be submitted. Mark it expired, or ask for a new pre-approval.")
    if facts.preapproval_required and amount > facts.reserved:
        raise TransitionRefused(
            f"The claim of {show(amount)} is more than the {show(facts.reserved)} "
            "pre-approved. Claim at most the pre-approved amount.")
    if not facts.preapproval_required and amount > facts.available:
        raise TransitionRefused(
            f"The claim of {show(amount)} is more than the {show(facts.available)} "
            "available to this partner. Claim at most what is available.")
    if facts.max_claimable is not None and amount > facts.max_claimable:
        raise TransitionRefused(
            f"The claim of {show(amount)} is more than the vendor's share of the activity's "
            f"cost ({show(facts.max_claimable)}).")
    return EntryKind.CLAIM


def _check_approve(facts, amount, today, comment, show) -> EntryKind:
    if amount <= 0:
        raise TransitionRefused("Enter the amount approved (more than 0); to approve "
                                "nothing, reject the claim with a reason.")
    if amount > facts.claimed:
        raise TransitionRefused(
            f"{show(amount)} is more than the {show(facts.claimed)} claimed. Approve at most "
            "the claimed amount.")
    if facts.claim_due_on and facts.claim_submitted_on \
            and facts.claim_submitted_on > facts.claim_due_on:
        raise TransitionRefused(
            f"The claim was submitted on {facts.claim_submitted_on:%d %b %Y}, after its "
            f"deadline of {facts.claim_due_on:%d %b %Y}: it cannot be approved. Reject it.")
    if facts.preapproval_expires_on and facts.claim_submitted_on \
            and facts.claim_submitted_on > facts.preapproval_expires_on:
        raise TransitionRefused(
            f"The pre-approval expired on {facts.preapproval_expires_on:%d %b %Y}, before "
            "the claim was submitted: it cannot be approved. Reject it.")
    if amount > facts.reserved + facts.available:
        raise TransitionRefused(
            f"Approving {show(amount)} needs more than the {show(facts.reserved)} reserved "
            f"and {show(facts.available)} available. Approve less or allocate more funds.")
    return EntryKind.APPROVE


def _check_pay(facts, amount, today, comment, show) -> EntryKind:
    if amount <= 0:
        raise TransitionRefused("Enter the amount paid (more than 0).")
    outstanding = facts.approved - facts.paid
    if amount > outstanding:
        raise TransitionRefused(
            f"A payment of {show(amount)} is more than the {show(outstanding)} still due on "
            f"the approved {show(facts.approved)}. Pay at most what is due.")
    return EntryKind.PAY


def _check_reason(facts, amount, today, comment, show) -> None:
    if not comment.strip():
        raise TransitionRefused("Give a reason: the partner sees it on the timeline.")
    return None


_CHECKS = {
    ClaimAction.SUBMIT: _check_submit,
    ClaimAction.PRE_APPROVE: _check_pre_approve,
    ClaimAction.SUBMIT_CLAIM: _check_submit_claim,
    ClaimAction.APPROVE: _check_approve,
    ClaimAction.PAY: _check_pay,
    ClaimAction.REJECT: _check_reason,
    ClaimAction.DISPUTE: _check_reason,
    ClaimAction.REQUEST_INFO: _check_reason,
}
